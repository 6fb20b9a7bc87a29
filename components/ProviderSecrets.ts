/**
 * ProviderSecrets — Secrets Manager secrets for the credentials of external data and model providers.
 *
 * Only the containers are created here, encrypted with the stack's key: values are put out of band
 * (`aws secretsmanager put-secret-value`), never in code or stack config, and functions receive secret ARNs only.
 * Provider API keys are issued by the provider, so Secrets Manager cannot rotate them; rotation is an operator task
 * documented in the README.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ProviderSecret {
    /** Short id, e.g. `social-api`. */
    name: string;
    /** What the secret holds and its JSON shape, shown to the operator who fills it in. */
    description: string;
}

export interface ProviderSecretsArgs {
    kmsKeyArn: pulumi.Input<string>;
    secrets: ProviderSecret[];
    /** Days a deleted secret can still be restored (7–30). Default 30. */
    recoveryWindowInDays?: number;
    /**
     * Keep a read-only replica of every secret in a second region, encrypted with that region's key, so a regional
     * failover finds the provider credentials and the pseudonym key where the functions will run.
     */
    replica?: { region: string; kmsKeyArn: pulumi.Input<string> };
}

export class ProviderSecrets extends pulumi.ComponentResource {
    /** Secret ARN by secret name. */
    readonly arns: Record<string, pulumi.Output<string>> = {};
    readonly names: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: ProviderSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:security:ProviderSecrets", name, {}, opts);
        for (const secret of args.secrets) {
            const resource = new aws.secretsmanager.Secret(
                `${name}-${secret.name}`,
                {
                    namePrefix: `${pulumi.getProject()}/${pulumi.getStack()}/${secret.name}-`,
                    description: secret.description,
                    kmsKeyId: args.kmsKeyArn,
                    recoveryWindowInDays: args.recoveryWindowInDays ?? 30,
                    replicas: args.replica ? [{ region: args.replica.region, kmsKeyId: args.replica.kmsKeyArn }] : undefined,
                },
                { parent: this },
            );
            this.arns[secret.name] = resource.arn;
            this.names[secret.name] = resource.name;
        }
        this.registerOutputs({ arns: this.arns });
    }
}
