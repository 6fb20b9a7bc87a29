/**
 * EncryptionKey — the stack's customer-managed KMS key (rotation on) and its alias.
 *
 * The key policy delegates use to IAM (so each role's own policy decides, see lib/grants.ts) and lets exactly the
 * AWS services that encrypt on our behalf — CloudWatch Logs, CloudWatch alarms publishing to SNS, CloudTrail,
 * AWS Budgets — use it, each scoped to this account by condition.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EncryptionKeyArgs {
    /** What the key protects, shown in the console. */
    description: string;
    /** Alias without the `alias/` prefix, e.g. `ai-investment-prod`. */
    alias: string;
    /** Days before a scheduled deletion happens (7–30). Default 30, the maximum, to leave time to cancel. */
    deletionWindowInDays?: number;
}

export class EncryptionKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:security:EncryptionKey", name, {}, opts);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const region = aws.getRegionOutput({}, { parent: this });
        const policy = pulumi.all([identity.accountId, region.region]).apply(([account, regionName]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "AccountAdministersKeyThroughIam",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${account}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    },
                    {
                        Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
                        Effect: "Allow",
                        Principal: { Service: `logs.${regionName}.amazonaws.com` },
                        Action: [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncryptFrom",
                            "kms:ReEncryptTo",
                            "kms:GenerateDataKey",
                            "kms:GenerateDataKeyWithoutPlaintext",
                            "kms:DescribeKey",
                        ],
                        Resource: "*",
                        Condition: {
                            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${regionName}:${account}:log-group:*` },
                        },
                    },
                    {
                        Sid: "AlarmsAndBudgetsPublishToEncryptedTopics",
                        Effect: "Allow",
                        Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                    {
                        Sid: "CloudTrailEncryptsThisAccountsTrails",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "kms:GenerateDataKey",
                        Resource: "*",
                        Condition: {
                            StringEquals: { "aws:SourceAccount": account },
                            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${account}:trail/*` },
                        },
                    },
                    {
                        // DescribeKey carries no encryption context, and a trail bucket with S3 Bucket Keys needs
                        // Decrypt when the trail is created or updated.
                        Sid: "CloudTrailDescribesKeyAndUsesBucketKeys",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: ["kms:DescribeKey", "kms:Decrypt"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": account } },
                    },
                ],
            }),
        );

        this.key = new aws.kms.Key(
            `${name}-key`,
            {
                description: args.description,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                policy,
            },
            { parent: this },
        );
        this.alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: this.key.keyId }, { parent: this });
        this.arn = this.key.arn;

        this.registerOutputs({ arn: this.arn, alias: this.alias.name });
    }
}
