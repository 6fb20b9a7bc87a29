/**
 * Encryption at rest with the stack's customer-managed KMS key (CMK): S3 (S3.17), DynamoDB (CKV_AWS_119), SQS (SQS.1,
 * CKV2_AWS_73), SNS (SNS.1), CloudWatch Logs (CKV_AWS_158), Secrets Manager (CKV_AWS_149), Lambda environment
 * (CKV_AWS_173), CloudTrail (CloudTrail.2), AWS Backup (Backup.1 proxy), EventBridge Scheduler (CKV_AWS_297), DAX
 * (DynamoDB.3/.7); and the keys themselves: rotation (KMS.4) and the longest deletion window (KMS.3 proxy).
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T, UNKNOWN, childrenByParent, isSet, isType, ofType, peek, resourcePolicy, stackPolicy, asArray } from "./util";

/** AWS-managed keys: encrypted, but not with a key we control (no key policy, no rotation or deletion control). */
const AWS_MANAGED_ALIAS = /^(arn:aws[\w-]*:kms:[^:]*:[^:]*:)?alias\/aws\//;

interface CmkSpec {
    name: string;
    types: readonly string[];
    /** Dotted path of the key input. */
    path: string;
    what: string;
    control: string;
    severity: "low" | "medium" | "high" | "critical";
    /** An extra condition, e.g. "encryption enabled". */
    also?: { path: string; equals: unknown; message: string };
}

function cmkPolicy(spec: CmkSpec): ResourceValidationPolicy {
    return resourcePolicy({
        name: spec.name,
        description: `${spec.what} must be encrypted with a customer-managed KMS key (${spec.control}).`,
        severity: spec.severity,
        tags: ["encryption", spec.control],
        remediationSteps: `Set \`${spec.path}\` to the ARN of the stack's customer-managed key (EncryptionKey component), not an alias/aws/* key.`,
        validateResource: (args, report) => {
            if (!isType(args.type, spec.types)) return;
            if (spec.also) {
                const value = peek(args.props, spec.also.path);
                if (value !== UNKNOWN && value !== spec.also.equals) report(spec.also.message);
            }
            const key = peek(args.props, spec.path);
            if (!isSet(key)) report(`${spec.what} has no customer-managed key: \`${spec.path}\` is not set.`);
            else if (typeof key === "string" && AWS_MANAGED_ALIAS.test(key))
                report(`${spec.what} uses the AWS-managed key ${key}; use the stack's customer-managed key.`);
        },
    });
}

export const dynamodbTableCmk = cmkPolicy({
    name: "dynamodb-table-cmk",
    types: T.table,
    path: "serverSideEncryption.kmsKeyArn",
    what: "DynamoDB table",
    control: "CKV_AWS_119",
    severity: "medium",
    also: {
        path: "serverSideEncryption.enabled",
        equals: true,
        message: "`serverSideEncryption.enabled` must be true (otherwise DynamoDB uses an AWS-owned key).",
    },
});
/** Global-table replicas are encrypted per region: each needs a customer-managed key of its own region. */
export const dynamodbReplicaCmk: ResourceValidationPolicy = resourcePolicy({
    name: "dynamodb-replica-cmk",
    description: "Every global-table replica must be encrypted with a customer-managed KMS key of the replica's region (CKV_AWS_119).",
    severity: "medium",
    tags: ["encryption", "CKV_AWS_119"],
    remediationSteps: "Set `replicas[].kmsKeyArn` to the ARN of a customer-managed key created in that replica's region.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.table)) return;
        const replicas = peek(args.props, "replicas");
        if (!Array.isArray(replicas)) return;
        for (const replica of replicas as Record<string, unknown>[]) {
            const region = replica["regionName"];
            const key = replica["kmsKeyArn"];
            if (!isSet(key)) report(`Replica in ${String(region)} has no customer-managed key: \`replicas[].kmsKeyArn\` is not set.`);
            else if (typeof key === "string" && AWS_MANAGED_ALIAS.test(key))
                report(`Replica in ${String(region)} uses the AWS-managed key ${key}.`);
            else if (typeof key === "string" && typeof region === "string" && key.startsWith("arn:") && key.split(":")[3] !== region)
                report(`Replica in ${region} names key ${key} of region ${key.split(":")[3]}; KMS keys are regional.`);
        }
    },
});
export const sqsQueueCmk = cmkPolicy({
    name: "sqs-queue-cmk",
    types: T.queue,
    path: "kmsMasterKeyId",
    what: "SQS queue",
    control: "SQS.1",
    severity: "medium",
});
export const snsTopicCmk = cmkPolicy({
    name: "sns-topic-cmk",
    types: T.topic,
    path: "kmsMasterKeyId",
    what: "SNS topic",
    control: "SNS.1",
    severity: "medium",
});
export const logGroupCmk = cmkPolicy({
    name: "cloudwatch-log-group-cmk",
    types: T.logGroup,
    path: "kmsKeyId",
    what: "CloudWatch log group",
    control: "CKV_AWS_158",
    severity: "medium",
});
export const secretCmk = cmkPolicy({
    name: "secretsmanager-secret-cmk",
    types: T.secret,
    path: "kmsKeyId",
    what: "Secrets Manager secret",
    control: "CKV_AWS_149",
    severity: "medium",
});
export const lambdaEnvironmentCmk = cmkPolicy({
    name: "lambda-function-environment-cmk",
    types: T.lambdaFunction,
    path: "kmsKeyArn",
    what: "Lambda function (environment variables)",
    control: "CKV_AWS_173",
    severity: "low",
});
export const cloudtrailCmk = cmkPolicy({
    name: "cloudtrail-trail-cmk",
    types: T.trail,
    path: "kmsKeyId",
    what: "CloudTrail trail",
    control: "CloudTrail.2",
    severity: "medium",
});
export const backupVaultCmk = cmkPolicy({
    name: "backup-vault-cmk",
    types: T.backupVault,
    path: "kmsKeyArn",
    what: "AWS Backup vault",
    control: "Backup.1",
    severity: "medium",
});
export const scheduleCmk = cmkPolicy({
    name: "scheduler-schedule-cmk",
    types: T.schedule,
    path: "kmsKeyArn",
    what: "EventBridge Scheduler schedule",
    control: "CKV_AWS_297",
    severity: "low",
});

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** S3.17: every bucket's default encryption is SSE-KMS with a CMK; the access-log target bucket may use SSE-S3. */
export const s3BucketSseKms = stackPolicy({
    name: "s3-bucket-sse-kms-cmk",
    description:
        "Every S3 bucket has default encryption SSE-KMS with a customer-managed key (S3.17). Exception: a bucket that is the targetBucket of a BucketLogging may use AES256, because S3 server access log delivery can't write to SSE-KMS buckets.",
    severity: "medium",
    tags: ["encryption", "S3.17"],
    remediationSteps:
        "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with sseAlgorithm `aws:kms`, kmsMasterKeyId = the stack's key and bucketKeyEnabled (SecureBucket does this).",
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const configs = childrenByParent(args.resources, T.bucketSse, "bucket", buckets, "bucket");
        const logTargets = new Set(
            [...childrenByParent(args.resources, T.bucketLogging, "targetBucket", buckets, "bucket")]
                .filter(([, l]) => l.length)
                .map(([b]) => b),
        );
        for (const bucket of buckets) {
            // Each rule with the resource to fix: the encryption configuration (or the bucket for the inline form).
            const rules: [unknown, string][] = [];
            for (const config of configs.get(bucket)!) {
                const r = peek(config.props, "rules");
                if (r === UNKNOWN) rules.push([UNKNOWN, config.urn]);
                else rules.push(...asArray(r as unknown[]).map((rule): [unknown, string] => [rule, config.urn]));
            }
            // The deprecated inline form on the bucket itself.
            const inline = peek(bucket.props, "serverSideEncryptionConfiguration.rule");
            if (inline !== undefined) rules.push([inline, bucket.urn]);
            if (rules.length === 0) {
                report(
                    `bucket ${bucket.name} has no default encryption configuration (BucketServerSideEncryptionConfiguration).`,
                    bucket.urn,
                );
                continue;
            }
            for (const [rule, urn] of rules) {
                if (rule === UNKNOWN) continue;
                const algorithm = peek(rule, "applyServerSideEncryptionByDefault.sseAlgorithm");
                const key = peek(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId");
                if (algorithm === UNKNOWN) continue;
                if (algorithm === "AES256" && logTargets.has(bucket)) continue;
                if (!KMS_ALGORITHMS.includes(algorithm as string)) {
                    report(
                        `bucket ${bucket.name} uses ${String(algorithm)} default encryption; SSE-KMS with a customer-managed key is required` +
                            (algorithm === "AES256" ? " (AES256 is allowed only for a server-access-log target bucket)." : "."),
                        urn,
                    );
                } else if (!isSet(key)) {
                    report(
                        `bucket ${bucket.name} uses SSE-KMS with the AWS-managed aws/s3 key; set kmsMasterKeyId to a customer-managed key.`,
                        urn,
                    );
                } else if (typeof key === "string" && AWS_MANAGED_ALIAS.test(key)) {
                    report(`bucket ${bucket.name} uses the AWS-managed key ${key}; use a customer-managed key.`, urn);
                }
            }
        }
    },
});

const isSymmetric = (spec: unknown): boolean => spec === undefined || spec === UNKNOWN || spec === "SYMMETRIC_DEFAULT";

export const kmsKeyRotation = resourcePolicy({
    name: "kms-key-rotation",
    description: "Symmetric customer-managed KMS keys rotate automatically (KMS.4, AwsSolutions-KMS5).",
    severity: "medium",
    tags: ["encryption", "KMS.4"],
    remediationSteps: "Set `enableKeyRotation: true` on the aws.kms.Key (optionally rotationPeriodInDays 90–2560).",
    validateResource: (args, report) => {
        if (!isType(args.type, T.kmsKey)) return;
        const spec = peek(args.props, "customerMasterKeySpec") ?? peek(args.props, "keySpec");
        if (!isSymmetric(spec)) return;
        const rotation = peek(args.props, "enableKeyRotation");
        if (rotation !== true && rotation !== UNKNOWN) report("KMS key rotation is off: set enableKeyRotation: true.");
    },
});

export const kmsKeyDeletionWindow = resourcePolicy({
    name: "kms-key-deletion-window",
    description:
        "KMS keys keep the longest deletion window, so a scheduled deletion can be noticed and cancelled (proxy for KMS.3, which is runtime-only).",
    severity: "high",
    tags: ["encryption", "KMS.3"],
    configSchema: {
        properties: {
            minimumDays: { type: "integer", minimum: 7, maximum: 30, default: 30, description: "Minimum deletionWindowInDays." },
        },
    },
    remediationSteps: "Set `deletionWindowInDays: 30` on the aws.kms.Key (AWS's default when unset is also 30).",
    validateResource: (args, report) => {
        if (!isType(args.type, T.kmsKey)) return;
        const { minimumDays } = args.getConfig<{ minimumDays: number }>();
        const days = peek(args.props, "deletionWindowInDays");
        if (typeof days === "number" && days < minimumDays) report(`deletionWindowInDays is ${days}; at least ${minimumDays} is required.`);
    },
});

export const daxEncryption = resourcePolicy({
    name: "dax-cluster-encryption",
    description: "DAX clusters encrypt at rest and in transit (DynamoDB.3, DynamoDB.7).",
    severity: "medium",
    tags: ["encryption", "DynamoDB.3", "DynamoDB.7"],
    remediationSteps: 'Set serverSideEncryption.enabled: true and clusterEndpointEncryptionType: "TLS" on the aws.dax.Cluster.',
    validateResource: (args, report) => {
        if (!isType(args.type, T.daxCluster)) return;
        const sse = peek(args.props, "serverSideEncryption.enabled");
        if (sse !== true && sse !== UNKNOWN) report("DAX cluster is not encrypted at rest (DynamoDB.3).");
        const tls = peek(args.props, "clusterEndpointEncryptionType");
        if (tls !== "TLS" && tls !== UNKNOWN) report("DAX cluster endpoint is not TLS-encrypted (DynamoDB.7).");
    },
});

export const encryptionPolicies = [
    s3BucketSseKms,
    dynamodbTableCmk,
    dynamodbReplicaCmk,
    sqsQueueCmk,
    snsTopicCmk,
    logGroupCmk,
    secretCmk,
    lambdaEnvironmentCmk,
    cloudtrailCmk,
    backupVaultCmk,
    scheduleCmk,
    kmsKeyRotation,
    kmsKeyDeletionWindow,
    daxEncryption,
];
