/**
 * Operability and resilience: log retention (CloudWatch.16), Lambda failure handling, tracing and runtimes (Lambda.2,
 * Lambda.7, CKV_AWS_116, LambdaAsyncFailureDestination), DynamoDB PITR, capacity, deletion protection and backups
 * (DynamoDB.1, .2, .4, .6), alarms that act (CloudWatch.15, .17), required tags, secret rotation (SecretsManager.1, .4),
 * CloudTrail (CloudTrail.1, .4, .5), SQS dead-letter queues (AwsSolutions-SQS3), S3 access logging, lifecycle and
 * versioning (S3.9, S3.13, S3.14) and custom event bus policies (EventBridge.3).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    T,
    UNKNOWN,
    asArray,
    childrenByParent,
    effectiveTags,
    isSet,
    isType,
    linked,
    ofType,
    peek,
    resourcePolicy,
    stackPolicy,
    wildcardMatch,
} from "./util";

export const logGroupRetention = resourcePolicy({
    name: "cloudwatch-log-group-retention",
    description:
        "CloudWatch log groups set retentionInDays of at least `minimumDays` (CloudWatch.16; default 30 — the prod stack keeps 365, the CloudWatch.16 default). Unset or 0 means logs never expire.",
    severity: "medium",
    tags: ["operations", "CloudWatch.16"],
    configSchema: { properties: { minimumDays: { type: "integer", minimum: 1, default: 30 } } },
    remediationSteps: "Set retentionInDays (one of CloudWatch's allowed values) to at least the minimum.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.logGroup)) return;
        const { minimumDays } = args.getConfig<{ minimumDays: number }>();
        const days = peek(args.props, "retentionInDays");
        if (days === UNKNOWN) return;
        if (typeof days !== "number" || days === 0)
            report(`log group has no retention (logs never expire); set retentionInDays ≥ ${minimumDays}.`);
        else if (days < minimumDays) report(`log group keeps logs ${days} days; at least ${minimumDays} are required.`);
    },
});

export const lambdaFailureDestination = stackPolicy({
    name: "lambda-function-dlq-or-destination",
    description:
        "Every Lambda function keeps failed asynchronous events: deadLetterConfig.targetArn, or a FunctionEventInvokeConfig with an on-failure destination (CKV_AWS_116, LambdaDLQ, LambdaAsyncFailureDestination).",
    severity: "medium",
    tags: ["operations", "CKV_AWS_116"],
    remediationSteps:
        "Set deadLetterConfig.targetArn to an encrypted SQS queue (IngestFunction does this) or add a FunctionEventInvokeConfig destinationConfig.onFailure.",
    validateStack: (args, report) => {
        const functions = ofType(args.resources, T.lambdaFunction);
        const invokeConfigs = childrenByParent(args.resources, T.lambdaEventInvokeConfig, "functionName", functions, "name");
        for (const fn of functions) {
            if (isSet(peek(fn.props, "deadLetterConfig.targetArn"))) continue;
            if (invokeConfigs.get(fn)!.some((c) => isSet(peek(c.props, "destinationConfig.onFailure.destination")))) continue;
            report(`function ${fn.name} has neither a dead-letter queue nor an on-failure destination.`, fn.urn);
        }
    },
});

export const lambdaTracing = resourcePolicy({
    name: "lambda-function-tracing-active",
    description: "Lambda functions have X-Ray active tracing (Lambda.7, LambdaTracing).",
    severity: "low",
    tags: ["operations", "Lambda.7"],
    remediationSteps: 'Set tracingConfig: { mode: "Active" } and grant xray:PutTraceSegments/PutTelemetryRecords.',
    validateResource: (args, report) => {
        if (!isType(args.type, T.lambdaFunction)) return;
        const mode = peek(args.props, "tracingConfig.mode");
        if (mode !== "Active" && mode !== UNKNOWN)
            report(`tracing mode is ${String(mode ?? "PassThrough")}; set tracingConfig.mode "Active".`);
    },
});

export const lambdaSupportedRuntime = resourcePolicy({
    name: "lambda-function-supported-runtime",
    description:
        "Lambda zip functions use an allowed runtime: nodejs24.x, nodejs22.x or python3.12+ by default. nodejs20.x and older are denied (deprecated 2026-04-30, creation blocked 2026-06-01) (Lambda.2, AwsSolutions-L1).",
    severity: "medium",
    tags: ["operations", "Lambda.2"],
    configSchema: {
        properties: {
            allowedRuntimes: {
                type: "array",
                items: { type: "string" },
                default: ["nodejs24.x", "nodejs22.x", "python3.12", "python3.13", "python3.14"],
            },
        },
    },
    remediationSteps: "Set runtime to nodejs24.x (lib/bundle.ts LAMBDA_RUNTIME) and rebuild.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.lambdaFunction)) return;
        if (peek(args.props, "packageType") === "Image") return;
        const runtime = peek(args.props, "runtime");
        if (runtime === UNKNOWN) return;
        const { allowedRuntimes } = args.getConfig<{ allowedRuntimes: string[] }>();
        if (typeof runtime !== "string" || !allowedRuntimes.includes(runtime))
            report(`runtime ${String(runtime ?? "(none)")} is not allowed; use one of ${allowedRuntimes.join(", ")}.`);
    },
});

export const lambdaRuntimeDeprecation = resourcePolicy({
    name: "lambda-function-runtime-deprecation",
    description:
        "Warns about allowed runtimes that reach end of support soon (default nodejs22.x: deprecated 2027-04-30, creation blocked 2027-06-01). Advisory: plan the upgrade to nodejs24.x.",
    severity: "low",
    enforcementLevel: "advisory",
    tags: ["operations", "Lambda.2"],
    configSchema: {
        properties: {
            deprecatedSoon: {
                type: "object",
                additionalProperties: { type: "string" },
                default: { "nodejs22.x": "2027-04-30" },
                description: "Runtime → date of deprecation.",
            },
        },
    },
    remediationSteps: "Move the function to nodejs24.x before the deprecation date.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.lambdaFunction)) return;
        const runtime = peek(args.props, "runtime");
        const { deprecatedSoon } = args.getConfig<{ deprecatedSoon: Record<string, string> }>();
        if (typeof runtime === "string" && deprecatedSoon[runtime])
            report(`runtime ${runtime} is deprecated on ${deprecatedSoon[runtime]}; upgrade to nodejs24.x.`);
    },
});

export const dynamodbPitr = resourcePolicy({
    name: "dynamodb-table-pitr",
    description: "DynamoDB tables have point-in-time recovery (DynamoDB.2).",
    severity: "medium",
    tags: ["resilience", "DynamoDB.2"],
    remediationSteps: "Set pointInTimeRecovery: { enabled: true }.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.table)) return;
        const enabled = peek(args.props, "pointInTimeRecovery.enabled");
        if (enabled !== true && enabled !== UNKNOWN) report("point-in-time recovery is off.");
    },
});

export const dynamodbDeletionProtection = resourcePolicy({
    name: "dynamodb-table-deletion-protection",
    description: "DynamoDB tables have deletion protection (DynamoDB.6). Disposable environments may set this policy to advisory.",
    severity: "medium",
    tags: ["resilience", "DynamoDB.6"],
    remediationSteps: "Set deletionProtectionEnabled: true (config tables.deletionProtection).",
    validateResource: (args, report) => {
        if (!isType(args.type, T.table)) return;
        const enabled = peek(args.props, "deletionProtectionEnabled");
        if (enabled !== true && enabled !== UNKNOWN) report("deletion protection is off.");
    },
});

export const dynamodbCapacityAutoscaling = stackPolicy({
    name: "dynamodb-table-capacity-autoscaling",
    description:
        "DynamoDB tables are on-demand, or provisioned with application auto scaling targets for read and write capacity (DynamoDB.1).",
    severity: "medium",
    tags: ["resilience", "DynamoDB.1"],
    remediationSteps:
        "Use billingMode PAY_PER_REQUEST, or declare aws.appautoscaling.Target (+ Policy) for dynamodb:table:ReadCapacityUnits and WriteCapacityUnits of the table (SignalTable does this).",
    validateStack: (args, report) => {
        const tables = ofType(args.resources, T.table);
        const targets = childrenByParent(args.resources, T.autoscalingTarget, "resourceId", tables);
        for (const table of tables) {
            const mode = peek(table.props, "billingMode");
            if (mode === "PAY_PER_REQUEST" || mode === UNKNOWN) continue;
            const dimensions = new Set(targets.get(table)!.map((t) => peek(t.props, "scalableDimension")));
            const missing = ["dynamodb:table:ReadCapacityUnits", "dynamodb:table:WriteCapacityUnits"].filter(
                (d) => !dimensions.has(d) && !dimensions.has(UNKNOWN),
            );
            if (missing.length) report(`provisioned table ${table.name} has no auto scaling target for ${missing.join(", ")}.`, table.urn);
        }
    },
});

export const dynamodbInBackupPlan = stackPolicy({
    name: "dynamodb-table-in-backup-plan",
    description: "Every DynamoDB table is selected by an AWS Backup plan (DynamoDB.4), by ARN or by a tag selection.",
    severity: "medium",
    tags: ["resilience", "DynamoDB.4"],
    remediationSteps: "Add the table's ARN to an aws.backup.Selection of the stack's BackupPlan.",
    validateStack: (args, report) => {
        const tables = ofType(args.resources, T.table);
        const selections = ofType(args.resources, T.backupSelection);
        const byTag = selections.some(
            (s) => asArray(peek(s.props, "selectionTags") as unknown[]).length > 0 || peek(s.props, "conditions") !== undefined,
        );
        const selected = new Set<PolicyResource>();
        for (const s of selections) {
            linked(s, "resources", tables).forEach((t) => selected.add(t));
            const arns = peek(s.props, "resources");
            // Elements may be unknown ARNs in preview: read them one by one.
            const all = Array.isArray(arns) && Array.from({ length: arns.length }, (_, i) => peek(arns, String(i))).includes("*");
            if (all) tables.forEach((t) => selected.add(t));
        }
        if (byTag) return;
        for (const table of tables) if (!selected.has(table)) report(`table ${table.name} is in no AWS Backup selection.`, table.urn);
    },
});

export const alarmActions = resourcePolicy({
    name: "cloudwatch-alarm-actions",
    description: "CloudWatch alarms notify someone: at least one alarmAction and actionsEnabled not false (CloudWatch.15, CloudWatch.17).",
    severity: "high",
    tags: ["operations", "CloudWatch.15", "CloudWatch.17"],
    remediationSteps: "Set alarmActions to the stack's alarm topic and leave actionsEnabled true.",
    validateResource: (args, report) => {
        if (!isType(args.type, ["aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/compositeAlarm:CompositeAlarm"])) return;
        if (!isSet(peek(args.props, "alarmActions"))) report("alarm has no alarmActions: nobody is notified.");
        if (peek(args.props, "actionsEnabled") === false) report("alarm actions are disabled (actionsEnabled: false).");
    },
});

/** Types whose Args have a `tags` input (@pulumi/aws 7.48), beyond those that pass `tags` explicitly. */
export const TAGGABLE_TYPES = [
    "aws:acm/certificate:Certificate",
    "aws:apigateway/apiKey:ApiKey",
    "aws:apigateway/clientCertificate:ClientCertificate",
    "aws:apigateway/domainName:DomainName",
    "aws:apigateway/restApi:RestApi",
    "aws:apigateway/stage:Stage",
    "aws:apigateway/usagePlan:UsagePlan",
    "aws:apigateway/vpcLink:VpcLink",
    "aws:apigatewayv2/api:Api",
    "aws:apigatewayv2/domainName:DomainName",
    "aws:apigatewayv2/stage:Stage",
    "aws:apigatewayv2/vpcLink:VpcLink",
    "aws:appautoscaling/target:Target",
    "aws:backup/plan:Plan",
    "aws:backup/vault:Vault",
    "aws:budgets/budget:Budget",
    "aws:cloudfront/distribution:Distribution",
    "aws:cloudtrail/trail:Trail",
    "aws:cloudwatch/compositeAlarm:CompositeAlarm",
    "aws:cloudwatch/eventBus:EventBus",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:cognito/identityPool:IdentityPool",
    "aws:cognito/userPool:UserPool",
    "aws:dax/cluster:Cluster",
    "aws:dynamodb/table:Table",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "aws:ec2/eip:Eip",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/instance:Instance",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/networkAcl:NetworkAcl",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ecr/repository:Repository",
    "aws:iam/instanceProfile:InstanceProfile",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:iam/policy:Policy",
    "aws:iam/role:Role",
    "aws:iam/user:User",
    "aws:kinesis/stream:Stream",
    "aws:kms/key:Key",
    "aws:kms/replicaKey:ReplicaKey",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:lambda/function:Function",
    "aws:rds/instance:Instance",
    "aws:route53/zone:Zone",
    "aws:s3/accessPoint:AccessPoint",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:scheduler/scheduleGroup:ScheduleGroup",
    "aws:secretsmanager/secret:Secret",
    "aws:sfn/activity:Activity",
    "aws:sfn/stateMachine:StateMachine",
    "aws:sns/topic:Topic",
    "aws:sqs/queue:Queue",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:wafv2/ruleGroup:RuleGroup",
    "aws:wafv2/webAcl:WebAcl",
];

export const requiredTags = resourcePolicy({
    name: "required-tags",
    description:
        "Every taggable AWS resource carries the tags project, environment, owner and cost-center — from the provider's defaultTags merged with the resource's own tags. Taggable: the resource passes `tags`, or its type is in the pack's list of types with a tags input.",
    severity: "low",
    tags: ["operations", "tagging"],
    configSchema: {
        properties: {
            requiredTags: { type: "array", items: { type: "string" }, default: ["project", "environment", "owner", "cost-center"] },
        },
    },
    remediationSteps: "Create resources with the stack's explicit AWS provider (defaultTags from config) or pass the missing tags.",
    validateResource: (args, report) => {
        if (!args.type.startsWith("aws:")) return;
        if (!("tags" in args.props) && !TAGGABLE_TYPES.includes(args.type)) return;
        const { requiredTags: required } = args.getConfig<{ requiredTags: string[] }>();
        const present = effectiveTags(args.props, args.provider);
        const missing = required.filter((t) => !present.has(t));
        if (missing.length) report(`missing tags ${missing.join(", ")} (provider defaultTags ∪ resource tags).`);
    },
});

interface RotationConfig {
    exemptSecrets: Record<string, string>;
    maximumRotationDays: number;
}

export const secretRotation = stackPolicy({
    name: "secretsmanager-secret-rotation",
    description:
        "Secrets Manager secrets rotate automatically within `maximumRotationDays` (SecretsManager.1, SecretsManager.4), unless listed in `exemptSecrets` with a reason. Advisory by default: our provider API keys are issued by third parties and can't be rotated by a Lambda; operators rotate them by hand (README).",
    severity: "medium",
    enforcementLevel: "advisory",
    tags: ["operations", "SecretsManager.1", "SecretsManager.4"],
    configSchema: {
        properties: {
            exemptSecrets: {
                type: "object",
                additionalProperties: { type: "string" },
                default: {},
                description: "Secret logical name (glob) → reason it can't rotate automatically.",
            },
            maximumRotationDays: { type: "integer", minimum: 1, maximum: 365, default: 90 },
        },
    },
    remediationSteps:
        "Add an aws.secretsmanager.SecretRotation with a rotation Lambda, or list the secret in exemptSecrets with the reason.",
    validateStack: (args, report) => {
        const { exemptSecrets, maximumRotationDays } = args.getConfig<RotationConfig>();
        const secrets = ofType(args.resources, T.secret);
        const rotations = childrenByParent(args.resources, T.secretRotation, "secretId", secrets, "name");
        for (const secret of secrets) {
            if (Object.keys(exemptSecrets).some((pattern) => wildcardMatch(pattern, secret.name))) continue;
            const mine = rotations.get(secret)!;
            if (mine.length === 0) {
                report(
                    `secret ${secret.name} has no automatic rotation (SecretRotation); rotate it by hand or exempt it with a reason.`,
                    secret.urn,
                );
                continue;
            }
            for (const rotation of mine) {
                const days = peek(rotation.props, "rotationRules.automaticallyAfterDays");
                if (typeof days === "number" && days > maximumRotationDays)
                    report(`secret ${secret.name} rotates every ${days} days; at most ${maximumRotationDays}.`, secret.urn);
            }
        }
    },
});

export const cloudtrailHardened = resourcePolicy({
    name: "cloudtrail-trail-hardened",
    description:
        "CloudTrail trails log all regions' read and write management events, validate log files and stream to CloudWatch Logs (CloudTrail.1 for the stack's trail, CloudTrail.4, CloudTrail.5).",
    severity: "high",
    tags: ["operations", "CloudTrail.1", "CloudTrail.4", "CloudTrail.5"],
    remediationSteps:
        "Set isMultiRegionTrail, enableLogFileValidation, cloudWatchLogsGroupArn + cloudWatchLogsRoleArn, leave enableLogging on and eventSelectors readWriteType All with management events (AuditTrail does this).",
    validateResource: (args, report) => {
        if (!isType(args.type, T.trail)) return;
        const is = (path: string, expected: unknown) => {
            const v = peek(args.props, path);
            return v === UNKNOWN || v === expected;
        };
        if (!is("isMultiRegionTrail", true)) report("trail is not multi-region (CloudTrail.1).");
        if (peek(args.props, "enableLogging") === false) report("trail logging is disabled (CloudTrail.1).");
        if (!is("enableLogFileValidation", true)) report("log file validation is off (CloudTrail.4).");
        if (!isSet(peek(args.props, "cloudWatchLogsGroupArn")) || !isSet(peek(args.props, "cloudWatchLogsRoleArn")))
            report("trail does not deliver to CloudWatch Logs (cloudWatchLogsGroupArn and cloudWatchLogsRoleArn) (CloudTrail.5).");
        const selectors = peek(args.props, "eventSelectors");
        if (Array.isArray(selectors) && selectors.length) {
            const management = selectors.some(
                (s) => peek(s, "includeManagementEvents") !== false && [undefined, "All"].includes(peek(s, "readWriteType") as string),
            );
            if (!management) report("no event selector records read and write management events (CloudTrail.1).");
        }
    },
});

export const sqsRedrivePolicy = stackPolicy({
    name: "sqs-queue-redrive-policy",
    description:
        "Every SQS work queue has a dead-letter queue (redrivePolicy); a queue that is itself another queue's dead-letter target is exempt (AwsSolutions-SQS3, SQSRedrivePolicy).",
    severity: "medium",
    tags: ["operations", "AwsSolutions-SQS3"],
    remediationSteps: "Set redrivePolicy { deadLetterTargetArn, maxReceiveCount } on the queue (QueuePair does this).",
    validateStack: (args, report) => {
        const queues = ofType(args.resources, T.queue);
        const deadLetterQueues = new Set<PolicyResource>();
        const withRedrive = new Set<PolicyResource>();
        for (const queue of queues) {
            if (!isSet(peek(queue.props, "redrivePolicy"))) continue;
            withRedrive.add(queue);
            linked(
                queue,
                "redrivePolicy",
                queues.filter((q) => q !== queue),
            ).forEach((dlq) => deadLetterQueues.add(dlq));
        }
        for (const redrive of ofType(args.resources, T.queueRedrivePolicy)) {
            linked(redrive, "queueUrl", queues).forEach((q) => withRedrive.add(q));
            linked(redrive, "redrivePolicy", queues).forEach((dlq) => deadLetterQueues.add(dlq));
        }
        for (const queue of queues) {
            if (withRedrive.has(queue) || deadLetterQueues.has(queue)) continue;
            report(`queue ${queue.name} has no dead-letter queue (redrivePolicy) and is no other queue's dead-letter queue.`, queue.urn);
        }
    },
});

export const s3AccessLogging = stackPolicy({
    name: "s3-bucket-access-logging",
    description:
        "Every S3 bucket has server access logging to a log bucket; the log target bucket itself is exempt (S3.9, AwsSolutions-S1).",
    severity: "medium",
    tags: ["operations", "S3.9"],
    remediationSteps:
        "Declare aws.s3.BucketLogging { bucket, targetBucket: <access-log bucket>, targetPrefix } (SecureBucket does this with accessLogBucket).",
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const logging = childrenByParent(args.resources, T.bucketLogging, "bucket", buckets, "bucket");
        const targets = childrenByParent(args.resources, T.bucketLogging, "targetBucket", buckets, "bucket");
        for (const bucket of buckets) {
            if (logging.get(bucket)!.length || targets.get(bucket)!.length) continue;
            if (isSet(peek(bucket.props, "loggings")) || isSet(peek(bucket.props, "logging"))) continue;
            report(`bucket ${bucket.name} has no server access logging.`, bucket.urn);
        }
    },
});

export const s3Lifecycle = stackPolicy({
    name: "s3-bucket-lifecycle",
    description: "Every S3 bucket has a lifecycle configuration with at least one enabled rule (S3.13).",
    severity: "low",
    tags: ["operations", "S3.13"],
    remediationSteps:
        "Declare aws.s3.BucketLifecycleConfiguration with an Enabled rule (transitions/expiration, abortIncompleteMultipartUpload).",
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const lifecycles = childrenByParent(args.resources, T.bucketLifecycle, "bucket", buckets, "bucket");
        for (const bucket of buckets) {
            const rules = lifecycles.get(bucket)!.flatMap((l) => {
                const r = peek(l.props, "rules");
                return r === UNKNOWN ? [UNKNOWN] : asArray(r as unknown[]);
            });
            if (!rules.some((r) => r === UNKNOWN || peek(r, "status") === "Enabled"))
                report(`bucket ${bucket.name} has no enabled lifecycle rule.`, bucket.urn);
        }
    },
});

export const s3Versioning = stackPolicy({
    name: "s3-bucket-versioning",
    description: "Every S3 bucket has versioning enabled (S3.14).",
    severity: "low",
    tags: ["resilience", "S3.14"],
    remediationSteps: 'Declare aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const versionings = childrenByParent(args.resources, T.bucketVersioning, "bucket", buckets, "bucket");
        for (const bucket of buckets) {
            const statuses = versionings.get(bucket)!.map((v) => peek(v.props, "versioningConfiguration.status"));
            if (peek(bucket.props, "versioning.enabled") === true) continue;
            if (!statuses.some((s) => s === "Enabled" || s === UNKNOWN)) report(`bucket ${bucket.name} is not versioned.`, bucket.urn);
        }
    },
});

export const eventBusPolicy = stackPolicy({
    name: "eventbridge-custom-bus-policy",
    description: "Custom EventBridge event buses have a resource policy (EventBridge.3). (Scheduler doesn't use buses.)",
    severity: "low",
    tags: ["operations", "EventBridge.3"],
    remediationSteps: "Add an aws.cloudwatch.EventBusPolicy for the bus that names the accounts/services allowed to put events.",
    validateStack: (args, report) => {
        const buses = ofType(args.resources, T.eventBus);
        const policies = childrenByParent(args.resources, T.eventBusPolicy, "eventBusName", buses, "name");
        for (const bus of buses) if (!policies.get(bus)!.length) report(`event bus ${bus.name} has no resource policy.`, bus.urn);
    },
});

export const operationsPolicies = [
    logGroupRetention,
    lambdaFailureDestination,
    lambdaTracing,
    lambdaSupportedRuntime,
    lambdaRuntimeDeprecation,
    dynamodbPitr,
    dynamodbDeletionProtection,
    dynamodbCapacityAutoscaling,
    dynamodbInBackupPlan,
    alarmActions,
    requiredTags,
    secretRotation,
    cloudtrailHardened,
    sqsRedrivePolicy,
    s3AccessLogging,
    s3Lifecycle,
    s3Versioning,
    eventBusPolicy,
];
