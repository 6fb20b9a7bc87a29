/**
 * BackupPlan — daily AWS Backup recovery points of the DynamoDB tables in a vault encrypted with the stack's key
 * (Backup.1, DynamoDB.4), optionally copied to a vault in another region and protected by a vault lock.
 * Point-in-time recovery covers the last 35 days at second granularity; these backups are the independent copy that
 * survives a deleted table or a compromised role.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./IngestFunction";

export interface BackupPlanArgs {
    /** The stack's customer-managed key; encrypts the vault's recovery points. */
    kmsKeyArn: pulumi.Input<string>;
    /** ARNs of the resources to back up (the DynamoDB tables). */
    resourceArns: pulumi.Input<string>[];
    /** Days a daily recovery point is kept (seed 000: dev 7, staging 14, prod 35). */
    retentionDays: number;
    /** Backup window start, AWS Backup cron in UTC. Default `cron(0 3 * * ? *)` — 03:00, after the 02:00 evaluation run. */
    schedule?: string;
    /**
     * Copy every recovery point to a vault in a second region, encrypted with that region's key and locked like the
     * primary vault. Protects against what global tables replicate: deletes, corruption, a compromised writer.
     */
    copyTo?: { provider: aws.Provider; kmsKeyArn: pulumi.Input<string> };
    /**
     * Lock the vault so that recovery points cannot be deleted early, not even by an administrator. Default false.
     * Governance mode unless `vaultLockRetention.changeableForDays` is set — compliance mode can never be undone.
     */
    vaultLock?: boolean;
    /** Vault lock bounds. Default: minimum = `retentionDays`, maximum = 365 days. */
    vaultLockRetention?: { minDays?: number; maxDays?: number; changeableForDays?: number };
}

export class BackupPlan extends pulumi.ComponentResource {
    readonly vault: aws.backup.Vault;
    readonly copyVault?: aws.backup.Vault;
    readonly plan: aws.backup.Plan;
    readonly role: aws.iam.Role;
    readonly vaultArn: pulumi.Output<string>;
    readonly planId: pulumi.Output<string>;

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate before registering anything, so a refused plan leaves no half-built component behind.
        const lock = vaultLockBounds(name, args);
        super("ai-investment:resilience:BackupPlan", name, {}, opts);
        const parent = { parent: this };

        this.vault = new aws.backup.Vault(`${name}-vault`, { kmsKeyArn: args.kmsKeyArn }, parent);
        this.vaultArn = this.vault.arn;

        const lockVault = (vault: aws.backup.Vault, lockName: string, provider?: aws.Provider) =>
            lock &&
            new aws.backup.VaultLockConfiguration(
                lockName,
                {
                    backupVaultName: vault.name,
                    minRetentionDays: lock.minDays,
                    maxRetentionDays: lock.maxDays,
                    changeableForDays: lock.changeableForDays,
                },
                { parent: this, provider },
            );
        lockVault(this.vault, `${name}-vault-lock`);

        this.copyVault = args.copyTo
            ? new aws.backup.Vault(
                  `${name}-copy-vault`,
                  { kmsKeyArn: args.copyTo.kmsKeyArn },
                  { parent: this, provider: args.copyTo.provider },
              )
            : undefined;
        if (this.copyVault) lockVault(this.copyVault, `${name}-copy-vault-lock`, args.copyTo!.provider);

        const lifecycle = { deleteAfter: args.retentionDays };
        this.plan = new aws.backup.Plan(
            `${name}-plan`,
            {
                rules: [
                    {
                        ruleName: "daily",
                        targetVaultName: this.vault.name,
                        schedule: args.schedule ?? "cron(0 3 * * ? *)",
                        startWindow: 60,
                        completionWindow: 180,
                        lifecycle,
                        copyActions: this.copyVault ? [{ destinationVaultArn: this.copyVault.arn, lifecycle }] : undefined,
                    },
                ],
            },
            parent,
        );
        this.planId = this.plan.id;

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `AWS Backup creates and restores the recovery points of ${name}`,
                // The AWS Backup service role is documented without a source condition; Backup assumes it for jobs.
                assumeRolePolicy: serviceTrustPolicy("backup.amazonaws.com"),
            },
            parent,
        );
        const attachments = ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"].map(
            (policy) =>
                new aws.iam.RolePolicyAttachment(
                    `${name}-role-${policy.endsWith("Backup") ? "backup" : "restores"}`,
                    { role: this.role.name, policyArn: `arn:aws:iam::aws:policy/service-role/${policy}` },
                    parent,
                ),
        );

        new aws.backup.Selection(
            `${name}-selection`,
            { name: `${name}-resources`.slice(0, 50), planId: this.plan.id, iamRoleArn: this.role.arn, resources: args.resourceArns },
            // Backup validates that it can assume the role with its policies when the selection is created.
            { parent: this, dependsOn: attachments },
        );

        this.registerOutputs({ vaultArn: this.vaultArn, planId: this.planId });
    }
}

/** Checks the retention and returns the vault lock's bounds (none without a lock); throws on contradictions. */
function vaultLockBounds(name: string, args: BackupPlanArgs): { minDays: number; maxDays: number; changeableForDays?: number } | undefined {
    if (!Number.isInteger(args.retentionDays) || args.retentionDays < 1) {
        throw new Error(`BackupPlan ${name}: retentionDays must be a positive whole number, got ${args.retentionDays}`);
    }
    if (!args.vaultLock) return undefined;
    const minDays = args.vaultLockRetention?.minDays ?? args.retentionDays;
    const maxDays = args.vaultLockRetention?.maxDays ?? Math.max(365, args.retentionDays);
    // A backup job whose retention lies outside the lock bounds fails every night; refuse the contradiction up front.
    if (args.retentionDays < minDays || args.retentionDays > maxDays) {
        throw new Error(`BackupPlan ${name}: retentionDays ${args.retentionDays} lies outside the vault lock bounds ${minDays}–${maxDays}`);
    }
    return { minDays, maxDays, changeableForDays: args.vaultLockRetention?.changeableForDays };
}
