import * as aws from "@pulumi/aws";
import { CODE, KEY_ARN, ROLE_ARN, describePolicyCases, type PolicyCase } from "./support";

const fn = (name: string, args: Partial<aws.lambda.FunctionArgs> = {}) =>
    new aws.lambda.Function(name, { runtime: "nodejs24.x", handler: "index.handler", role: ROLE_ARN, code: CODE, ...args });

/** One pass/fail pair per "encrypted with a customer-managed key" policy. */
const cmkCases: PolicyCase[] = [
    {
        policy: "dynamodb-table-cmk",
        pass: () => {
            new aws.dynamodb.Table("encrypted", {
                hashKey: "pk",
                attributes: [{ name: "pk", type: "S" }],
                billingMode: "PAY_PER_REQUEST",
                serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
            });
        },
        fail: () => {
            new aws.dynamodb.Table("aws-owned", { hashKey: "pk", attributes: [{ name: "pk", type: "S" }], billingMode: "PAY_PER_REQUEST" });
            new aws.dynamodb.Table("aws-managed", {
                hashKey: "pk",
                attributes: [{ name: "pk", type: "S" }],
                billingMode: "PAY_PER_REQUEST",
                serverSideEncryption: { enabled: true },
            });
        },
        failing: ["aws-owned", "aws-managed"],
    },
    {
        policy: "dynamodb-replica-cmk",
        pass: () => {
            new aws.dynamodb.Table("global", {
                hashKey: "pk",
                attributes: [{ name: "pk", type: "S" }],
                billingMode: "PAY_PER_REQUEST",
                serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
                streamEnabled: true,
                streamViewType: "NEW_AND_OLD_IMAGES",
                replicas: [{ regionName: "eu-west-1", kmsKeyArn: KEY_ARN.replace("eu-central-1", "eu-west-1") }],
            });
        },
        fail: () => {
            const table = (name: string, replica: { regionName: string; kmsKeyArn?: string }) =>
                new aws.dynamodb.Table(name, {
                    hashKey: "pk",
                    attributes: [{ name: "pk", type: "S" }],
                    billingMode: "PAY_PER_REQUEST",
                    serverSideEncryption: { enabled: true, kmsKeyArn: KEY_ARN },
                    streamEnabled: true,
                    streamViewType: "NEW_AND_OLD_IMAGES",
                    replicas: [replica],
                });
            table("replica-aws-owned", { regionName: "eu-west-1" });
            table("replica-wrong-region", { regionName: "eu-west-1", kmsKeyArn: KEY_ARN });
        },
        failing: ["replica-aws-owned", "replica-wrong-region"],
    },
    {
        policy: "sqs-queue-cmk",
        pass: () => {
            const key = new aws.kms.Key("key", { enableKeyRotation: true });
            new aws.sqs.Queue("cmk-queue", { kmsMasterKeyId: key.arn });
        },
        fail: () => {
            new aws.sqs.Queue("sse-sqs", { sqsManagedSseEnabled: true });
            new aws.sqs.Queue("aws-alias", { kmsMasterKeyId: "alias/aws/sqs" });
        },
        failing: ["sse-sqs", "aws-alias"],
        message: /AWS-managed key alias\/aws\/sqs/,
    },
    {
        policy: "sns-topic-cmk",
        pass: () => void new aws.sns.Topic("cmk-topic", { kmsMasterKeyId: KEY_ARN }),
        fail: () => void new aws.sns.Topic("plain-topic", {}),
        failing: ["plain-topic"],
    },
    {
        policy: "cloudwatch-log-group-cmk",
        pass: () => void new aws.cloudwatch.LogGroup("cmk-logs", { kmsKeyId: KEY_ARN, retentionInDays: 30 }),
        fail: () => void new aws.cloudwatch.LogGroup("plain-logs", { retentionInDays: 30 }),
        failing: ["plain-logs"],
    },
    {
        policy: "secretsmanager-secret-cmk",
        pass: () => void new aws.secretsmanager.Secret("cmk-secret", { kmsKeyId: KEY_ARN }),
        fail: () => {
            new aws.secretsmanager.Secret("default-key-secret", {});
            new aws.secretsmanager.Secret("aws-key-secret", { kmsKeyId: "alias/aws/secretsmanager" });
        },
        failing: ["default-key-secret", "aws-key-secret"],
    },
    {
        policy: "lambda-function-environment-cmk",
        pass: () => void fn("cmk-fn", { kmsKeyArn: KEY_ARN }),
        fail: () => void fn("plain-fn"),
        failing: ["plain-fn"],
    },
    {
        policy: "cloudtrail-trail-cmk",
        pass: () => void new aws.cloudtrail.Trail("cmk-trail", { s3BucketName: "audit", kmsKeyId: KEY_ARN }),
        fail: () => void new aws.cloudtrail.Trail("plain-trail", { s3BucketName: "audit" }),
        failing: ["plain-trail"],
    },
    {
        policy: "backup-vault-cmk",
        pass: () => void new aws.backup.Vault("cmk-vault", { kmsKeyArn: KEY_ARN }),
        fail: () => void new aws.backup.Vault("default-vault", {}),
        failing: ["default-vault"],
    },
    {
        policy: "scheduler-schedule-cmk",
        pass: () =>
            void new aws.scheduler.Schedule("cmk-schedule", {
                scheduleExpression: "rate(5 minutes)",
                flexibleTimeWindow: { mode: "OFF" },
                kmsKeyArn: KEY_ARN,
                target: { arn: "arn:aws:lambda:eu-central-1:111122223333:function:f", roleArn: ROLE_ARN },
            }),
        fail: () =>
            void new aws.scheduler.Schedule("plain-schedule", {
                scheduleExpression: "rate(5 minutes)",
                flexibleTimeWindow: { mode: "OFF" },
                target: { arn: "arn:aws:lambda:eu-central-1:111122223333:function:f", roleArn: ROLE_ARN },
            }),
        failing: ["plain-schedule"],
    },
];

describe("policy pack: encryption", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "s3-bucket-sse-kms-cmk",
            pass: () => {
                const key = new aws.kms.Key("key", { enableKeyRotation: true });
                const data = new aws.s3.Bucket("data", {});
                new aws.s3.BucketServerSideEncryptionConfiguration("data-sse", {
                    bucket: data.id,
                    rules: [
                        {
                            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn },
                            bucketKeyEnabled: true,
                        },
                    ],
                });
                // The access-log target may use SSE-S3: log delivery can't write to SSE-KMS buckets.
                const logs = new aws.s3.Bucket("logs", {});
                new aws.s3.BucketServerSideEncryptionConfiguration("logs-sse", {
                    bucket: logs.id,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
                });
                new aws.s3.BucketLogging("data-logging", { bucket: data.id, targetBucket: logs.id, targetPrefix: "data/" });
            },
            fail: () => {
                const plain = new aws.s3.Bucket("plain", {});
                new aws.s3.BucketServerSideEncryptionConfiguration("plain-sse", {
                    bucket: plain.id,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
                });
                const awsKey = new aws.s3.Bucket("aws-key", {});
                new aws.s3.BucketServerSideEncryptionConfigurationV2("aws-key-sse", {
                    bucket: awsKey.id,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }],
                });
                new aws.s3.Bucket("none", {});
                new aws.s3.BucketV2("legacy", {});
            },
            failing: ["plain-sse", "aws-key-sse", "none", "legacy"],
            message: /AES256 is allowed only for a server-access-log target bucket/,
        },
        ...cmkCases,
        {
            policy: "kms-key-rotation",
            pass: () => {
                new aws.kms.Key("rotating", { enableKeyRotation: true });
                // Asymmetric keys can't rotate: not applicable.
                new aws.kms.Key("signing", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });
            },
            fail: () => void new aws.kms.Key("static", {}),
            failing: ["static"],
        },
        {
            policy: "kms-key-deletion-window",
            pass: () => {
                new aws.kms.Key("thirty", { enableKeyRotation: true, deletionWindowInDays: 30 });
                new aws.kms.Key("default-window", { enableKeyRotation: true });
            },
            fail: () => void new aws.kms.Key("week", { enableKeyRotation: true, deletionWindowInDays: 7 }),
            failing: ["week"],
            message: /deletionWindowInDays is 7; at least 30/,
        },
        {
            policy: "dax-cluster-encryption",
            pass: () =>
                void new aws.dax.Cluster("dax-ok", {
                    clusterName: "dax-ok",
                    iamRoleArn: ROLE_ARN,
                    nodeType: "dax.t3.small",
                    replicationFactor: 1,
                    serverSideEncryption: { enabled: true },
                    clusterEndpointEncryptionType: "TLS",
                }),
            fail: () =>
                void new aws.dax.Cluster("dax-plain", {
                    clusterName: "dax-plain",
                    iamRoleArn: ROLE_ARN,
                    nodeType: "dax.t3.small",
                    replicationFactor: 1,
                }),
            failing: ["dax-plain"],
        },
    ]);
});
