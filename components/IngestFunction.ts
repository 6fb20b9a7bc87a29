/**
 * IngestFunction — one Lambda function of the pipeline with everything it needs to run safely on its own:
 * its handler bundled by esbuild at program time, its own role whose policy is built from typed grants, an encrypted
 * log group with retention, X-Ray tracing, a dead-letter queue for failed asynchronous invocations, and its triggers
 * (EventBridge Scheduler schedules with their own role, an SQS event source mapping with partial batch responses).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleHandler, handlerArchive, LAMBDA_RUNTIME } from "../lib/bundle";
import { type Grant, kmsGrantsFor, policyDocument } from "../lib/grants";

export interface ScheduleTrigger {
    /** Short id, unique within the function, e.g. `every-minute`. */
    name: string;
    /** `rate(1 minute)` or `cron(0 2 * * ? *)`. */
    expression: string;
    /** IANA zone the cron expression is read in, e.g. `Europe/Zurich`. */
    timezone: string;
    /** JSON event passed to the handler. */
    payload: Record<string, unknown>;
}

export interface QueueTrigger {
    queueArn: pulumi.Input<string>;
    /** Default 10. */
    batchSize?: number;
    /** Default 5 s: a few seconds of batching saves invocations without hurting the pipeline's latency. */
    maximumBatchingWindowSeconds?: number;
    /** Cap on concurrent pollers for this queue (2–1000). Default 5. */
    maximumConcurrency?: number;
}

export interface IngestFunctionArgs {
    /** Handler source relative to the project root, e.g. `lambdas/handlers/score.ts`; must export `handler`. */
    entry: string;
    description: string;
    memoryMb: number;
    timeoutSeconds: number;
    logLevel: "DEBUG" | "INFO" | "WARN" | "ERROR";
    logRetentionDays: number;
    /** The stack's customer-managed key: log group, environment variables and (through grants) data. */
    kmsKeyArn: pulumi.Input<string>;
    /** What the function may touch. Log, X-Ray and KMS grants for its own needs are added automatically. */
    grants: Grant[];
    /** Plain configuration only: names, URLs and secret ARNs — never secret values. */
    environment?: Record<string, pulumi.Input<string>>;
    /** Reserved concurrency; omit to use the account's unreserved pool. */
    reservedConcurrency?: number;
    /** Queue receiving events of asynchronous invocations (schedules) that failed after Lambda's retries. */
    deadLetterQueueArn: pulumi.Input<string>;
    schedules?: ScheduleTrigger[];
    queueTrigger?: QueueTrigger;
    /** Private subnets and security groups when the stack runs in a VPC. */
    vpc?: { subnetIds: pulumi.Input<pulumi.Input<string>[]>; securityGroupIds: pulumi.Input<pulumi.Input<string>[]> };
}

export class IngestFunction extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly arn: pulumi.Output<string>;
    readonly functionName: pulumi.Output<string>;
    readonly invokeArn: pulumi.Output<string>;
    /** Every grant behind the role's policy, for reviews and the least-privilege tests. */
    readonly grants: Grant[];
    /** sha256 of the deployed bundle. */
    readonly codeSha256: pulumi.Output<string>;

    constructor(name: string, args: IngestFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:compute:IngestFunction", name, {}, opts);
        const parent = { parent: this };
        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            {
                name: `/aws/lambda/${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `Execution role of the ${name} function`,
                // Lambda does not pass aws:SourceAccount when it assumes an execution role, so no condition here.
                assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
            },
            parent,
        );

        this.grants = this.withOwnGrants(args, region);
        const policy = new aws.iam.Policy(
            `${name}-policy`,
            { description: `Least privilege of the ${name} function`, policy: policyDocument(this.grants) },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-policy-attachment`,
            { role: this.role.name, policyArn: policy.arn },
            parent,
        );

        const bundle = pulumi.output(bundleHandler(args.entry));
        this.codeSha256 = bundle.sha256;
        this.function = new aws.lambda.Function(
            name,
            {
                description: args.description,
                runtime: LAMBDA_RUNTIME,
                architectures: ["arm64"],
                handler: "index.handler",
                code: bundle.apply(handlerArchive),
                role: this.role.arn,
                memorySize: args.memoryMb,
                timeout: args.timeoutSeconds,
                reservedConcurrentExecutions: args.reservedConcurrency ?? -1,
                tracingConfig: { mode: "Active" },
                deadLetterConfig: { targetArn: args.deadLetterQueueArn },
                kmsKeyArn: args.kmsKeyArn,
                loggingConfig: {
                    logFormat: "JSON",
                    logGroup: this.logGroup.name,
                    applicationLogLevel: args.logLevel,
                    // INFO keeps the platform's REPORT lines (duration, memory, init time) for the cold-start query.
                    systemLogLevel: "INFO",
                },
                environment: {
                    variables: withinEnvironmentLimit(name, {
                        ...args.environment,
                        LOG_LEVEL: args.logLevel,
                        POWERTOOLS_SERVICE_NAME: name,
                        NODE_OPTIONS: "--enable-source-maps",
                    }),
                },
                vpcConfig: args.vpc ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds } : undefined,
            },
            // The role must be able to write logs and reach its DLQ before the first invocation.
            { parent: this, dependsOn: [attachment, this.logGroup] },
        );
        this.arn = this.function.arn;
        this.functionName = this.function.name;
        this.invokeArn = this.function.invokeArn;

        if (args.queueTrigger) {
            const trigger = args.queueTrigger;
            new aws.lambda.EventSourceMapping(
                `${name}-queue-trigger`,
                {
                    functionName: this.function.arn,
                    eventSourceArn: trigger.queueArn,
                    batchSize: trigger.batchSize ?? 10,
                    maximumBatchingWindowInSeconds: trigger.maximumBatchingWindowSeconds ?? 5,
                    functionResponseTypes: ["ReportBatchItemFailures"],
                    scalingConfig: { maximumConcurrency: trigger.maximumConcurrency ?? 5 },
                },
                { parent: this, dependsOn: [attachment] },
            );
        }
        if (args.schedules?.length) this.schedule(name, args, account, region);

        this.registerOutputs({ arn: this.arn, functionName: this.functionName, roleArn: this.role.arn, logGroup: this.logGroup.name });
    }

    /** The caller's grants plus what every function needs for itself: its log group, X-Ray, the key and its DLQ. */
    private withOwnGrants(args: IngestFunctionArgs, region: pulumi.Output<string>): Grant[] {
        const grants: Grant[] = [
            ...args.grants,
            { kind: "log-group", label: "own", logGroupArn: this.logGroup.arn },
            { kind: "xray", label: "tracing" },
            { kind: "queue", label: "async-failures", queueArn: args.deadLetterQueueArn, access: "send" },
        ];
        if (args.vpc) grants.push({ kind: "vpc-network-interfaces", label: "lambda" });
        // Lambda decrypts the function's environment variables with the execution role.
        return [...grants, ...kmsGrantsFor(grants, args.kmsKeyArn, region, ["lambda"])];
    }

    private schedule(name: string, args: IngestFunctionArgs, account: pulumi.Output<string>, region: pulumi.Output<string>): void {
        const parent = { parent: this };
        const role = new aws.iam.Role(
            `${name}-scheduler-role`,
            {
                description: `EventBridge Scheduler invokes ${name}`,
                assumeRolePolicy: account.apply((accountId) => serviceTrustPolicy("scheduler.amazonaws.com", accountId)),
            },
            parent,
        );
        const scheduleNames = (args.schedules ?? []).map((schedule) =>
            `${pulumi.getProject()}-${pulumi.getStack()}-${name}-${schedule.name}`.slice(0, 64),
        );
        const failures: Grant = { kind: "queue", label: "schedule-failures", queueArn: args.deadLetterQueueArn, access: "send" };
        const grants: Grant[] = [
            { kind: "invoke-function", label: name, functionArn: this.function.arn },
            failures,
            ...kmsGrantsFor([failures], args.kmsKeyArn, region),
            // Schedules are stored encrypted with the CMK; the scheduler decrypts only this account's schedules.
            {
                kind: "kms",
                label: "schedule-payload",
                keyArn: args.kmsKeyArn,
                actions: ["kms:Decrypt"],
                // Only this function's schedules: their names are fixed, so their ARNs are known before they exist.
                encryptionContext: {
                    key: "aws:scheduler:schedule-arn",
                    arnLike: pulumi
                        .all([region, account])
                        .apply(([r, a]) =>
                            scheduleNames.map((scheduleName) => `arn:aws:scheduler:${r}:${a}:schedule/default/${scheduleName}`),
                        ),
                },
            },
        ];
        const policy = new aws.iam.Policy(
            `${name}-scheduler-policy`,
            { description: `Scheduler may invoke ${name} only`, policy: policyDocument(grants) },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-scheduler-policy-attachment`,
            { role: role.name, policyArn: policy.arn },
            parent,
        );

        for (const [index, schedule] of (args.schedules ?? []).entries()) {
            new aws.scheduler.Schedule(
                `${name}-${schedule.name}`,
                {
                    name: scheduleNames[index],
                    description: `${name}: ${schedule.expression} (${schedule.timezone})`,
                    scheduleExpression: schedule.expression,
                    scheduleExpressionTimezone: schedule.timezone,
                    flexibleTimeWindow: { mode: "OFF" },
                    kmsKeyArn: args.kmsKeyArn,
                    target: {
                        arn: this.function.arn,
                        roleArn: role.arn,
                        input: JSON.stringify(schedule.payload),
                        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
                        deadLetterConfig: { arn: args.deadLetterQueueArn },
                    },
                },
                { parent: this, dependsOn: [attachment] },
            );
        }
    }
}

/** Trust policy for one service principal; with an account id, only on behalf of that account (confused deputy). */
export function serviceTrustPolicy(service: string, sourceAccount?: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
            },
        ],
    });
}

/** Lambda refuses a function whose environment variables (keys and values) exceed 4 KB in total. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** Room kept for each value that is only known after deployment (table names, queue URLs, ARNs). */
const UNKNOWN_VALUE_RESERVE_BYTES = 160;

/**
 * Fails the program — in preview, before AWS would refuse the deployment — when the environment cannot fit Lambda's
 * 4 KB: config-derived JSON (sources, risk limits, a market snapshot) is the usual cause, so the error names the biggest.
 */
export function withinEnvironmentLimit<T extends Record<string, pulumi.Input<string>>>(functionName: string, variables: T): T {
    const sizes = Object.entries(variables).map(([key, value]) => ({
        key,
        bytes: Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : UNKNOWN_VALUE_RESERVE_BYTES),
    }));
    const total = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
    if (total > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
        const biggest = [...sizes].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
        throw new Error(
            `Function ${functionName}: its environment needs about ${total} bytes, more than Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}; ` +
                `largest: ${biggest.map((entry) => `${entry.key} ${entry.bytes} B`).join(", ")}. Shorten the stack config behind them.`,
        );
    }
    return variables;
}
