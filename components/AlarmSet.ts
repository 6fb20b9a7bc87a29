/**
 * AlarmSet — the stack's alarm topic and the CloudWatch alarms that page the on-call engineer.
 *
 * The topic is encrypted with the stack's key; only CloudWatch alarms and AWS Budgets of this account may publish to
 * it, and never without TLS. Every alarm notifies on ALARM and on OK, so a recovery closes the incident by e-mail too.
 * Thresholds follow seed 001 (errors > 5 in 5 min, throttling) and seed 002 (5xx > 5 % for 5 min, p95 latency > 2 s
 * for 10 min, DLQ > 0 for 1 min).
 *
 * On top of the per-symptom alarms, two composite alarms summarise an incident: "pipeline-degraded" (errors/throttles
 * of the pipeline functions, DLQ/failure messages, stale queues) and "api-degraded" (5xx rate, latency, errors of the
 * functions behind the REST API). Both notify the topic on ALARM and OK.
 *
 * Why the members keep their own actions: the policy `cloudwatch-alarm-actions` (policy-pack/policies/operations.ts,
 * Security Hub CloudWatch.15/.17) requires alarmActions on every MetricAlarm, so members cannot be silenced. The
 * composite is the summary page ("the pipeline is degraded") and the member mails carry the detail; on-call pages on
 * the composite subject. Moving members to no actions (or an actionsSuppressor) needs a policy change first.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmLevel } from "../config/stackConfig";

export interface MonitoredFunction {
    /** Short id used in resource and alarm names, e.g. `score`. */
    name: string;
    functionName: pulumi.Input<string>;
    /** The function's configured timeout; the duration alarm fires at 80 % of it. */
    timeoutSeconds: number;
    /** A step of the data pipeline: its errors and throttles join the "pipeline-degraded" composite. */
    pipeline?: boolean;
    /** Serves REST API routes: its errors join the "api-degraded" composite. */
    servesApi?: boolean;
}

export interface MonitoredQueue {
    /** Short id, e.g. `signals`. */
    name: string;
    /** Name of the work queue. */
    queueName: pulumi.Input<string>;
    /** Name of its dead-letter queue. */
    deadLetterQueueName: pulumi.Input<string>;
    /**
     * The work queue itself collects failures (e.g. failed asynchronous Lambda and Scheduler invocations): any visible
     * message is an incident, like a DLQ message.
     */
    collectsFailures?: boolean;
}

export interface MonitoredRestApi {
    /** Short id, e.g. `public`. */
    name: string;
    /** The REST API's name (the `ApiName` dimension of AWS/ApiGateway), not its id. */
    apiName: pulumi.Input<string>;
    stageName: pulumi.Input<string>;
}

export interface MonitoredTable {
    /** Short id, e.g. `signals`. */
    name: string;
    tableName: pulumi.Input<string>;
}

/** What the stack runs — shared by AlarmSet and Dashboards. */
export interface MonitoredResources {
    functions: MonitoredFunction[];
    queues: MonitoredQueue[];
    restApis: MonitoredRestApi[];
    tables: MonitoredTable[];
}

export interface AlarmSetArgs extends MonitoredResources {
    /**
     * `all` (default): every alarm kind and the composites. `data-loss`: only the alarms that mean messages are
     * waiting to be lost (DLQ and failure-queue messages), each notifying on its own — for stacks nobody is paged for.
     */
    level?: AlarmLevel;
    /** The stack's customer-managed key; encrypts the topic (its key policy lets CloudWatch and Budgets use it). */
    kmsKeyArn: pulumi.Input<string>;
    /** Each address gets an e-mail subscription; AWS sends a confirmation mail that must be accepted. */
    alertEmails: string[];
}

export type AlarmKind =
    | "function-errors"
    | "function-throttles"
    | "function-duration"
    | "dlq-messages"
    | "failure-messages"
    | "queue-age"
    | "api-5xx-rate"
    | "api-latency"
    | "table-throttles";

export const ALARM_KINDS: readonly AlarmKind[] = [
    "function-errors",
    "function-throttles",
    "function-duration",
    "dlq-messages",
    "failure-messages",
    "queue-age",
    "api-5xx-rate",
    "api-latency",
    "table-throttles",
];

/** Thresholds in one place, so the tests and the runbook read the same numbers. */
export const ALARM_THRESHOLDS = {
    functionErrorsPer5Min: 5,
    functionThrottlesPer5Min: 1,
    durationShareOfTimeout: 0.8,
    queueOldestMessageSeconds: 900,
    api5xxPercent: 5,
    apiP95LatencyMs: 2000,
} as const;

/** The alarm kinds of the `data-loss` level: a message in a DLQ or the failure queue is lost unless someone acts. */
export const DATA_LOSS_ALARM_KINDS: readonly AlarmKind[] = ["dlq-messages", "failure-messages"];

export type CompositeKind = "pipeline-degraded" | "api-degraded";

export const COMPOSITE_KINDS: readonly CompositeKind[] = ["pipeline-degraded", "api-degraded"];

const COMPOSITE_DESCRIPTIONS: Record<CompositeKind, string> = {
    "pipeline-degraded":
        "The signal pipeline is degraded: a pipeline function fails or is throttled, a DLQ or the failure queue holds messages, or a queue is going stale. The member alarm mails name the symptom; start with the first one that fired.",
    "api-degraded":
        "The REST API is degraded: 5xx rate or p95 latency is above its threshold, or a function behind the API is failing. The member alarm mails name the symptom; check the access log and the integration functions.",
};

type AlarmSpec = Omit<aws.cloudwatch.MetricAlarmArgs, "name" | "alarmActions" | "okActions" | "actionsEnabled" | "treatMissingData">;

export class AlarmSet extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    /** Lets CloudWatch and Budgets publish; whatever publishes to the topic should depend on it. */
    readonly topicPolicy: aws.sns.TopicPolicy;
    readonly topicArn: pulumi.Output<string>;
    readonly alarms: aws.cloudwatch.MetricAlarm[] = [];
    /** Alarm names grouped by what they watch, e.g. for a composite alarm or the runbook. */
    readonly alarmNames: Record<AlarmKind, pulumi.Output<string>[]>;
    /** The summary alarms; a kind without any member alarm is not created. */
    readonly compositeAlarms: Partial<Record<CompositeKind, aws.cloudwatch.CompositeAlarm>> = {};
    private readonly compositeMembers: Record<CompositeKind, pulumi.Output<string>[]> = {
        "pipeline-degraded": [],
        "api-degraded": [],
    };

    private readonly kinds: ReadonlySet<AlarmKind>;

    constructor(name: string, args: AlarmSetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:observability:AlarmSet", name, {}, opts);
        const level = args.level ?? "all";
        this.kinds = new Set(level === "all" ? ALARM_KINDS : DATA_LOSS_ALARM_KINDS);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        this.alarmNames = Object.fromEntries(ALARM_KINDS.map((kind) => [kind, []])) as unknown as Record<
            AlarmKind,
            pulumi.Output<string>[]
        >;

        this.topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.kmsKeyArn }, parent);
        this.topicArn = this.topic.arn;
        this.topicPolicy = new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            { arn: this.topic.arn, policy: topicPolicy(this.topic.arn, account) },
            parent,
        );
        for (const email of args.alertEmails) {
            // Keyed by address, not position: reordering the list must not re-send confirmation mails.
            const key = createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 8);
            new aws.sns.TopicSubscription(`${name}-email-${key}`, { topic: this.topic.arn, protocol: "email", endpoint: email }, parent);
        }

        const T = ALARM_THRESHOLDS;
        for (const fn of args.functions) {
            const FunctionName = fn.functionName;
            const errorGroups: CompositeKind[] = [
                ...(fn.pipeline ? (["pipeline-degraded"] as const) : []),
                ...(fn.servesApi ? (["api-degraded"] as const) : []),
            ];
            this.alarm(name, "function-errors", fn.name, errorGroups, {
                alarmDescription: `Lambda ${fn.name}: more than ${T.functionErrorsPer5Min} failed invocations in 5 minutes. Check the function's log group for the error and the DLQ/queue for stuck messages.`,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: T.functionErrorsPer5Min,
            });
            this.alarm(name, "function-throttles", fn.name, fn.pipeline ? ["pipeline-degraded"] : [], {
                alarmDescription: `Lambda ${fn.name} is being throttled: invocations are rejected because reserved or account concurrency is exhausted. Events are retried or land in the DLQ; raise concurrency or find the burst.`,
                namespace: "AWS/Lambda",
                metricName: "Throttles",
                dimensions: { FunctionName },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: T.functionThrottlesPer5Min,
            });
            const limitMs = Math.round(fn.timeoutSeconds * 1000 * T.durationShareOfTimeout);
            this.alarm(name, "function-duration", fn.name, [], {
                alarmDescription: `Lambda ${fn.name}: p95 duration above ${limitMs} ms (80 % of its ${fn.timeoutSeconds} s timeout) for 15 minutes. Timeouts are imminent — a slow dependency or a growing batch; check X-Ray traces.`,
                namespace: "AWS/Lambda",
                metricName: "Duration",
                dimensions: { FunctionName },
                extendedStatistic: "p95",
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                comparisonOperator: "GreaterThanThreshold",
                threshold: limitMs,
            });
        }

        for (const queue of args.queues) {
            this.alarm(name, "dlq-messages", queue.name, ["pipeline-degraded"], {
                alarmDescription: `Dead-letter queue of ${queue.name} holds messages: they failed processing repeatedly and are not retried. Inspect them, fix the cause, then redrive to the work queue.`,
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queue.deadLetterQueueName },
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
            });
            if (queue.collectsFailures) {
                this.alarm(name, "failure-messages", queue.name, ["pipeline-degraded"], {
                    alarmDescription: `${queue.name} holds failed invocations (Lambda async or Scheduler retries exhausted). Read the message for the function and error, fix the cause, then re-run the job.`,
                    namespace: "AWS/SQS",
                    metricName: "ApproximateNumberOfMessagesVisible",
                    dimensions: { QueueName: queue.queueName },
                    statistic: "Maximum",
                    period: 60,
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                });
            }
            this.alarm(name, "queue-age", queue.name, ["pipeline-degraded"], {
                alarmDescription: `Queue ${queue.name}: the oldest message has waited over ${T.queueOldestMessageSeconds / 60} minutes for 15 minutes. The consumer is down, throttled or too slow; signals are going stale.`,
                namespace: "AWS/SQS",
                metricName: "ApproximateAgeOfOldestMessage",
                dimensions: { QueueName: queue.queueName },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                comparisonOperator: "GreaterThanThreshold",
                threshold: T.queueOldestMessageSeconds,
            });
        }

        for (const api of args.restApis) {
            const dimensions = { ApiName: api.apiName, Stage: api.stageName };
            const metric = (id: string, metricName: string) => ({
                id,
                returnData: false,
                metric: { namespace: "AWS/ApiGateway", metricName, dimensions, stat: "Sum", period: 300 },
            });
            this.alarm(name, "api-5xx-rate", api.name, ["api-degraded"], {
                alarmDescription: `REST API ${api.name}: more than ${T.api5xxPercent} % of requests failed with 5xx over 5 minutes. Clients see server errors — check the integration functions' errors and the API execution log.`,
                metricQueries: [
                    metric("m5xx", "5XXError"),
                    metric("mCount", "Count"),
                    // No requests means no error rate, not a division by zero.
                    { id: "rate5xx", expression: "IF(mCount > 0, 100 * m5xx / mCount, 0)", label: "5xx rate (%)", returnData: true },
                ],
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: T.api5xxPercent,
            });
            this.alarm(name, "api-latency", api.name, ["api-degraded"], {
                alarmDescription: `REST API ${api.name}: p95 latency above ${T.apiP95LatencyMs} ms for 10 minutes. Users wait; look for slow integrations (function duration, DynamoDB throttling).`,
                namespace: "AWS/ApiGateway",
                metricName: "Latency",
                dimensions,
                extendedStatistic: "p95",
                period: 300,
                evaluationPeriods: 2,
                datapointsToAlarm: 2,
                comparisonOperator: "GreaterThanThreshold",
                threshold: T.apiP95LatencyMs,
            });
        }

        for (const table of args.tables) {
            const metric = (id: string, metricName: string) => ({
                id,
                returnData: false,
                metric: { namespace: "AWS/DynamoDB", metricName, dimensions: { TableName: table.tableName }, stat: "Sum", period: 300 },
            });
            this.alarm(name, "table-throttles", table.name, [], {
                alarmDescription: `DynamoDB table ${table.name} throttled reads or writes in the last 5 minutes. Requests fail or retry; check hot partition keys and (if provisioned) capacity and auto scaling.`,
                metricQueries: [
                    metric("mRead", "ReadThrottleEvents"),
                    metric("mWrite", "WriteThrottleEvents"),
                    // A metric with no datapoint would make the sum empty; count it as zero.
                    { id: "throttles", expression: "FILL(mRead, 0) + FILL(mWrite, 0)", label: "Throttle events", returnData: true },
                ],
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
            });
        }

        // Composites page once per incident; a data-loss-only stack has no pager and each alarm is its own incident.
        for (const kind of level === "all" ? COMPOSITE_KINDS : []) {
            const members = this.compositeMembers[kind];
            if (members.length === 0) continue;
            // Created outside apply (previews show it); only the rule string waits for the member names.
            const alarmRule = pulumi
                .all(members.map((member) => pulumi.interpolate`ALARM("${member}")`))
                .apply((terms) => terms.join(" OR "));
            this.compositeAlarms[kind] = new aws.cloudwatch.CompositeAlarm(
                `${name}-${kind}`,
                {
                    alarmName: `${pulumi.getProject()}-${pulumi.getStack()}-${kind}`,
                    alarmDescription: COMPOSITE_DESCRIPTIONS[kind],
                    alarmRule,
                    alarmActions: [this.topic.arn],
                    okActions: [this.topic.arn],
                    actionsEnabled: true,
                },
                parent,
            );
        }

        this.registerOutputs({ topicArn: this.topicArn, alarmNames: this.alarmNames });
    }

    private alarm(name: string, kind: AlarmKind, subject: string, composites: readonly CompositeKind[], spec: AlarmSpec): void {
        if (!this.kinds.has(kind)) return;
        const suffix = `${subject}-${kind}`;
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-${suffix}`,
            {
                ...spec,
                // Readable names: they are the subject line of every alert mail.
                name: `${pulumi.getProject()}-${pulumi.getStack()}-${suffix}`,
                alarmActions: [this.topic.arn],
                okActions: [this.topic.arn],
                actionsEnabled: true,
                // Most of these metrics only exist while there is traffic; silence is not an incident.
                treatMissingData: "notBreaching",
            },
            { parent: this },
        );
        this.alarms.push(alarm);
        this.alarmNames[kind].push(alarm.name);
        for (const composite of composites) this.compositeMembers[composite].push(alarm.name);
    }
}

/** Only CloudWatch alarms and AWS Budgets of this account may publish, and nobody without TLS. */
function topicPolicy(topicArn: pulumi.Output<string>, account: pulumi.Output<string>): pulumi.Output<string> {
    return pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AlarmsAndBudgetsOfThisAccountPublish",
                Effect: "Allow",
                Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}
