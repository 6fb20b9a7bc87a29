/** Security: the customer-managed key (and its twin in the replication region) and provider-credential secrets. */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/stackConfig";
import { EncryptionKey } from "../components/EncryptionKey";
import { ProviderSecrets } from "../components/ProviderSecrets";

/** External providers that need credentials; each function reads only its own provider's secret. */
export const PROVIDER_SECRETS = [
    {
        name: "social-api",
        description:
            'Social sources for ingest-social: Reddit OAuth app {"clientId":"…","clientSecret":"…","userAgent":"…"}, optionally "bluesky":{"identifier":"…","appPassword":"…"}',
    },
    {
        name: "pseudonym-key",
        description: 'HMAC key of author pseudonyms (ingest-*, admin erasure): {"key":"<base64 of at least 32 random bytes>"}',
    },
    { name: "market-data-api", description: 'Alpha Vantage API key for evaluate (daily closes): {"apiKey":"…"}' },
] as const;
export type ProviderSecretName = (typeof PROVIDER_SECRETS)[number]["name"];

/** What the stack needs of its key: its ARN (for key policies, grants and resource encryption). */
export interface KeyRef {
    arn: pulumi.Output<string>;
}

export interface Security {
    key: KeyRef;
    replicaKey?: EncryptionKey;
    secrets: ProviderSecrets;
}

export function buildSecurity(config: StackConfig, providers: { primary: aws.Provider; replica?: aws.Provider }): Security {
    const prefix = `${config.project}-${config.stack}`;
    const protect = config.tables.deletionProtection;
    // A failover stack runs on the replica key the failed region's stack created here: the adopted tables are
    // encrypted with it, and its policy already admits this region's services.
    const key: KeyRef = config.failover
        ? aws.kms.Key.get("platform-failover-key", config.failover.keyArn, undefined, { provider: providers.primary })
        : new EncryptionKey(
              "platform",
              { description: `${prefix}: data, logs, queues, topics and secrets`, alias: prefix },
              { provider: providers.primary, protect },
          );
    const replicaKey = providers.replica
        ? new EncryptionKey(
              "platform-replica",
              { description: `${prefix}: replicas in ${config.replicationRegion}`, alias: `${prefix}-replica` },
              { provider: providers.replica, protect },
          )
        : undefined;
    const secrets = new ProviderSecrets(
        "providers",
        {
            kmsKeyArn: key.arn,
            secrets: [...PROVIDER_SECRETS],
            recoveryWindowInDays: config.environment === "prod" ? 30 : 7,
            replica: replicaKey && config.replicationRegion ? { region: config.replicationRegion, kmsKeyArn: replicaKey.arn } : undefined,
        },
        { provider: providers.primary },
    );
    return { key, replicaKey, secrets };
}
