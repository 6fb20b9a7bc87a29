/** Security: the customer-managed key (and its twin in the replication region) and provider-credential secrets. */
import * as aws from "@pulumi/aws";
import type { StackConfig } from "../config/stackConfig";
import { EncryptionKey } from "../components/EncryptionKey";
import { ProviderSecrets } from "../components/ProviderSecrets";

/** External providers that need credentials; each function reads only its own provider's secret. */
export const PROVIDER_SECRETS = [
    { name: "reddit-api", description: 'Reddit OAuth app for ingest-social: {"clientId":"…","clientSecret":"…","userAgent":"…"}' },
    { name: "news-api", description: 'News API key for ingest-news (feeds that need one): {"apiKey":"…"}' },
    { name: "llm-api", description: 'Model provider key for score (when not using Amazon Bedrock): {"apiKey":"…"}' },
] as const;
export type ProviderSecretName = (typeof PROVIDER_SECRETS)[number]["name"];

export interface Security {
    key: EncryptionKey;
    replicaKey?: EncryptionKey;
    secrets: ProviderSecrets;
}

export function buildSecurity(config: StackConfig, providers: { primary: aws.Provider; replica?: aws.Provider }): Security {
    const prefix = `${config.project}-${config.stack}`;
    const protect = config.tables.deletionProtection;
    const key = new EncryptionKey(
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
