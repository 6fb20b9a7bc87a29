import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, CODE, ROLE_ARN, describePolicyCases, evaluate, violationsOf } from "./support";

const DLQ_ARN = `arn:aws:sqs:eu-central-1:${ACCOUNT}:failures`;
const fn = (name: string, args: Partial<aws.lambda.FunctionArgs> = {}) =>
    new aws.lambda.Function(name, {
        runtime: "nodejs24.x",
        handler: "index.handler",
        role: ROLE_ARN,
        code: CODE,
        tracingConfig: { mode: "Active" },
        deadLetterConfig: { targetArn: DLQ_ARN },
        ...args,
    });
const table = (name: string, args: Partial<aws.dynamodb.TableArgs> = {}) =>
    new aws.dynamodb.Table(name, {
        hashKey: "pk",
        attributes: [{ name: "pk", type: "S" }],
        billingMode: "PAY_PER_REQUEST",
        pointInTimeRecovery: { enabled: true },
        deletionProtectionEnabled: true,
        ...args,
    });
const TAGS = { project: "ai-investment", environment: "test", owner: "platform-team", "cost-center": "cc-1" };

describe("policy pack: operations", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "cloudwatch-log-group-retention",
            pass: () => void new aws.cloudwatch.LogGroup("kept-30", { retentionInDays: 30 }),
            fail: () => {
                new aws.cloudwatch.LogGroup("forever", {});
                new aws.cloudwatch.LogGroup("week", { retentionInDays: 7 });
            },
            failing: ["forever", "week"],
            message: /keeps logs 7 days; at least 30/,
        },
        {
            policy: "lambda-function-dlq-or-destination",
            pass: () => {
                fn("with-dlq");
                const withDestination = fn("with-destination", { deadLetterConfig: undefined });
                new aws.lambda.FunctionEventInvokeConfig("with-destination-config", {
                    functionName: withDestination.name,
                    destinationConfig: { onFailure: { destination: DLQ_ARN } },
                });
            },
            fail: () => void fn("fire-and-forget", { deadLetterConfig: undefined }),
            failing: ["fire-and-forget"],
        },
        {
            policy: "lambda-function-tracing-active",
            pass: () => void fn("traced"),
            fail: () => void fn("untraced", { tracingConfig: undefined }),
            failing: ["untraced"],
        },
        {
            policy: "lambda-function-supported-runtime",
            pass: () => {
                fn("node24");
                fn("node22", { runtime: "nodejs22.x" });
                fn("container", {
                    runtime: undefined,
                    handler: undefined,
                    code: undefined,
                    packageType: "Image",
                    imageUri: "1.dkr.ecr/x:1",
                });
            },
            fail: () => {
                fn("node20", { runtime: "nodejs20.x" });
                fn("python39", { runtime: "python3.9", handler: "app.handler" });
            },
            failing: ["node20", "python39"],
            message: /runtime nodejs20.x is not allowed/,
        },
        {
            policy: "lambda-function-runtime-deprecation",
            pass: () => void fn("node24"),
            fail: () => void fn("node22", { runtime: "nodejs22.x" }),
            failing: ["node22"],
            level: "advisory",
            message: /deprecated on 2027-04-30/,
        },
        {
            policy: "dynamodb-table-pitr",
            pass: () => void table("recoverable"),
            fail: () => void table("unrecoverable", { pointInTimeRecovery: undefined }),
            failing: ["unrecoverable"],
        },
        {
            policy: "dynamodb-table-deletion-protection",
            pass: () => void table("protected"),
            fail: () => void table("deletable", { deletionProtectionEnabled: false }),
            failing: ["deletable"],
        },
        {
            policy: "dynamodb-table-capacity-autoscaling",
            pass: () => {
                table("on-demand");
                const provisioned = table("scaled", { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
                for (const dimension of ["Read", "Write"]) {
                    new aws.appautoscaling.Target(`scaled-${dimension.toLowerCase()}`, {
                        serviceNamespace: "dynamodb",
                        resourceId: pulumi.interpolate`table/${provisioned.name}`,
                        scalableDimension: `dynamodb:table:${dimension}CapacityUnits`,
                        minCapacity: 5,
                        maxCapacity: 100,
                    });
                }
            },
            fail: () => {
                const halfScaled = table("read-only-scaled", { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
                new aws.appautoscaling.Target("read-only-scaled-read", {
                    serviceNamespace: "dynamodb",
                    resourceId: pulumi.interpolate`table/${halfScaled.name}`,
                    scalableDimension: "dynamodb:table:ReadCapacityUnits",
                    minCapacity: 5,
                    maxCapacity: 100,
                });
                table("fixed", { billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
            },
            failing: ["read-only-scaled", "fixed"],
            message: /read-only-scaled has no auto scaling target for dynamodb:table:WriteCapacityUnits/,
        },
        {
            policy: "dynamodb-table-in-backup-plan",
            pass: () => {
                const backedUp = table("backed-up");
                new aws.backup.Selection("daily", { iamRoleArn: ROLE_ARN, name: "daily", planId: "plan", resources: [backedUp.arn] });
            },
            fail: () => {
                const backedUp = table("backed-up");
                new aws.backup.Selection("daily", { iamRoleArn: ROLE_ARN, name: "daily", planId: "plan", resources: [backedUp.arn] });
                table("forgotten");
            },
            failing: ["forgotten"],
        },
        {
            policy: "cloudwatch-alarm-actions",
            pass: () =>
                void new aws.cloudwatch.MetricAlarm("paging", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "Errors",
                    namespace: "AWS/Lambda",
                    period: 60,
                    statistic: "Sum",
                    threshold: 0,
                    alarmActions: [`arn:aws:sns:eu-central-1:${ACCOUNT}:alerts`],
                }),
            fail: () => {
                new aws.cloudwatch.MetricAlarm("silent", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "Errors",
                    namespace: "AWS/Lambda",
                    period: 60,
                    statistic: "Sum",
                    threshold: 0,
                });
                new aws.cloudwatch.MetricAlarm("muted", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "Errors",
                    namespace: "AWS/Lambda",
                    period: 60,
                    statistic: "Sum",
                    threshold: 0,
                    alarmActions: [`arn:aws:sns:eu-central-1:${ACCOUNT}:alerts`],
                    actionsEnabled: false,
                });
            },
            failing: ["silent", "muted"],
        },
        {
            policy: "required-tags",
            pass: () => {
                const provider = new aws.Provider("tagged", {
                    region: "eu-central-1",
                    defaultTags: { tags: { project: "p", environment: "e", owner: "o" } },
                });
                // cost-center comes from the resource's own tags, the rest from the provider's defaultTags.
                new aws.sqs.Queue("merged", { tags: { "cost-center": "cc-1" } }, { provider });
                new aws.s3.Bucket("fully-tagged", { tags: TAGS });
                // Not taggable: no tags input.
                new aws.s3.BucketPolicy("untaggable", { bucket: "b", policy: "{}" }, { provider });
            },
            fail: () => {
                const provider = new aws.Provider("half-tagged", {
                    region: "eu-central-1",
                    defaultTags: { tags: { project: "p", environment: "e" } },
                });
                new aws.sqs.Queue("missing-owner", {}, { provider });
                new aws.s3.Bucket("untagged", {});
                new aws.s3.BucketPolicy("untaggable", { bucket: "b", policy: "{}" }, { provider });
            },
            failing: ["missing-owner", "untagged"],
            message: /missing tags owner, cost-center/,
        },
        {
            policy: "secretsmanager-secret-rotation",
            config: {
                "secretsmanager-secret-rotation": { exemptSecrets: { "provider-*": "issued by the data provider; rotated by hand" } },
            },
            pass: () => {
                const rotated = new aws.secretsmanager.Secret("db-password", {});
                new aws.secretsmanager.SecretRotation("db-password-rotation", {
                    secretId: rotated.id,
                    rotationLambdaArn: `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:rotate`,
                    rotationRules: { automaticallyAfterDays: 30 },
                });
                new aws.secretsmanager.Secret("provider-reddit", {});
            },
            fail: () => {
                new aws.secretsmanager.Secret("unrotated", {});
                const slow = new aws.secretsmanager.Secret("slow", {});
                new aws.secretsmanager.SecretRotation("slow-rotation", {
                    secretId: slow.id,
                    rotationLambdaArn: `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:rotate`,
                    rotationRules: { automaticallyAfterDays: 365 },
                });
            },
            failing: ["unrotated", "slow"],
            level: "advisory",
        },
        {
            policy: "cloudtrail-trail-hardened",
            pass: () =>
                void new aws.cloudtrail.Trail("audit", {
                    s3BucketName: "audit",
                    isMultiRegionTrail: true,
                    enableLogFileValidation: true,
                    cloudWatchLogsGroupArn: `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/cloudtrail/audit:*`,
                    cloudWatchLogsRoleArn: ROLE_ARN,
                    eventSelectors: [{ readWriteType: "All", includeManagementEvents: true }],
                }),
            fail: () =>
                void new aws.cloudtrail.Trail("regional", { s3BucketName: "audit", eventSelectors: [{ readWriteType: "WriteOnly" }] }),
            failing: ["regional"],
            message: /log file validation is off/,
        },
        {
            policy: "sqs-queue-redrive-policy",
            pass: () => {
                const dlq = new aws.sqs.Queue("work-dlq", {});
                new aws.sqs.Queue("work", {
                    redrivePolicy: dlq.arn.apply((arn) => JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 5 })),
                });
            },
            fail: () => void new aws.sqs.Queue("lonely", {}),
            failing: ["lonely"],
        },
        {
            policy: "s3-bucket-access-logging",
            pass: () => {
                const logs = new aws.s3.Bucket("logs", {});
                const data = new aws.s3.Bucket("data", {});
                new aws.s3.BucketLogging("data-logging", { bucket: data.id, targetBucket: logs.id, targetPrefix: "data/" });
            },
            fail: () => void new aws.s3.Bucket("unlogged", {}),
            failing: ["unlogged"],
        },
        {
            policy: "s3-bucket-lifecycle",
            pass: () => {
                const bucket = new aws.s3.Bucket("tiered", {});
                new aws.s3.BucketLifecycleConfiguration("tiered-lifecycle", {
                    bucket: bucket.id,
                    rules: [{ id: "archive", status: "Enabled", filter: {}, transitions: [{ days: 90, storageClass: "GLACIER" }] }],
                });
            },
            fail: () => {
                new aws.s3.Bucket("forever", {});
                const disabled = new aws.s3.Bucket("disabled", {});
                new aws.s3.BucketLifecycleConfigurationV2("disabled-lifecycle", {
                    bucket: disabled.id,
                    rules: [{ id: "off", status: "Disabled", filter: {}, expiration: { days: 30 } }],
                });
            },
            failing: ["forever", "disabled"],
        },
        {
            policy: "s3-bucket-versioning",
            pass: () => {
                const bucket = new aws.s3.Bucket("versioned", {});
                new aws.s3.BucketVersioning("versioned-versioning", { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } });
            },
            fail: () => {
                const bucket = new aws.s3.Bucket("suspended", {});
                new aws.s3.BucketVersioning("suspended-versioning", {
                    bucket: bucket.id,
                    versioningConfiguration: { status: "Suspended" },
                });
            },
            failing: ["suspended"],
        },
        {
            policy: "eventbridge-custom-bus-policy",
            pass: () => {
                const bus = new aws.cloudwatch.EventBus("events", { name: "ai-investment-events" });
                new aws.cloudwatch.EventBusPolicy("events-policy", {
                    eventBusName: bus.name,
                    policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
                });
            },
            fail: () => void new aws.cloudwatch.EventBus("open-bus", {}),
            failing: ["open-bus"],
        },
    ]);

    it("takes the log retention minimum from config (prod: 365)", async () => {
        const { evaluation } = await evaluate(() => void new aws.cloudwatch.LogGroup("month", { retentionInDays: 30 }), {
            config: { "cloudwatch-log-group-retention": { minimumDays: 365 } },
        });
        expect(violationsOf(evaluation, "cloudwatch-log-group-retention").map((v) => v.message)).to.satisfy(
            (m: string[]) => m.length === 1 && m[0]!.includes("keeps logs 30 days; at least 365"),
        );
    });
});
