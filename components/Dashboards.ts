/**
 * Dashboards — the four CloudWatch dashboards of seed 002: system health, business, cost and security.
 *
 * Bodies are generated from the same resource lists the alarms use, so a new function or queue shows up on the
 * dashboards without anyone keeping names in sync by hand.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type BusinessMetric, METRICS_NAMESPACE } from "../lambdas/shared/metric-names";
import { DASHBOARD_KINDS, type DashboardKind } from "../config/stackConfig";
import type { MonitoredResources } from "./AlarmSet";

export interface DashboardsArgs extends MonitoredResources {
    /** Region of the stack's metrics, e.g. `eu-central-1`. Billing metrics are always read from us-east-1. */
    region: string;
    /** Name of the regional WAFv2 web ACL in front of the REST API; adds blocked-request widgets. */
    webAclName?: pulumi.Input<string>;
    /** Cognito user pool id; adds sign-in success and throttle widgets. */
    userPoolId?: pulumi.Input<string>;
    /** Which dashboards to create (each costs 3 USD a month); default all four, in the order given here. */
    kinds?: readonly DashboardKind[];
}

/** Namespace of the embedded-metric-format metrics the handlers publish. */
export const BUSINESS_NAMESPACE = METRICS_NAMESPACE;
/** `ServiceName` values of AWS/Billing for the services this stack pays for. */
export const BILLED_SERVICES = [
    "AWSLambda",
    "AmazonDynamoDB",
    "AmazonS3",
    "AmazonApiGateway",
    "AmazonCloudWatch",
    "awskms",
    "AWSSecretsManager",
] as const;

export type { DashboardKind };

type Metric = pulumi.Input<string | number | Record<string, unknown>>[];
interface Widget {
    type: "metric" | "text";
    width: number;
    height: number;
    properties: Record<string, unknown>;
}

const WIDTH = 24;

export class Dashboards extends pulumi.ComponentResource {
    readonly dashboards: Partial<Record<DashboardKind, aws.cloudwatch.Dashboard>>;
    /** Names in the order of `kinds`. */
    readonly dashboardNames: pulumi.Output<string[]>;

    constructor(name: string, args: DashboardsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:observability:Dashboards", name, {}, opts);
        const bodies: Record<DashboardKind, () => Widget[]> = {
            health: () => healthWidgets(args),
            business: () => businessWidgets(args.region),
            cost: () => costWidgets(),
            security: () => securityWidgets(args),
        };
        const prefix = `${pulumi.getProject()}-${pulumi.getStack()}`;
        const entries = (args.kinds ?? DASHBOARD_KINDS).map(
            (kind) =>
                [
                    kind,
                    new aws.cloudwatch.Dashboard(
                        `${name}-${kind}`,
                        { dashboardName: `${prefix}-${kind}`, dashboardBody: pulumi.jsonStringify({ widgets: layout(bodies[kind]()) }) },
                        { parent: this },
                    ),
                ] as const,
        );
        this.dashboards = Object.fromEntries(entries);
        this.dashboardNames = pulumi.all(entries.map(([, d]) => d.dashboardName));

        this.registerOutputs({ dashboardNames: this.dashboardNames });
    }
}

/** Places widgets left to right, wrapping at the dashboard's 24-column width. */
function layout(widgets: Widget[]): (Widget & { x: number; y: number })[] {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    return widgets.map((w) => {
        if (x + w.width > WIDTH) {
            x = 0;
            y += rowHeight;
            rowHeight = 0;
        }
        const placed = { ...w, x, y };
        x += w.width;
        rowHeight = Math.max(rowHeight, w.height);
        return placed;
    });
}

function title(markdown: string): Widget {
    return { type: "text", width: WIDTH, height: 1, properties: { markdown } };
}

function graph(
    titleText: string,
    region: string,
    metrics: Metric[],
    options: { stat?: string; period?: number; width?: number; yLabel?: string; view?: string; stacked?: boolean } = {},
): Widget {
    return {
        type: "metric",
        width: options.width ?? 8,
        height: 6,
        properties: {
            title: titleText,
            region,
            metrics,
            view: options.view ?? "timeSeries",
            stacked: options.stacked ?? false,
            stat: options.stat ?? "Sum",
            period: options.period ?? 300,
            ...(options.yLabel ? { yAxis: { left: { label: options.yLabel, showUnits: false } } } : {}),
        },
    };
}

function healthWidgets(args: DashboardsArgs): Widget[] {
    const r = args.region;
    const fn = (metricName: string, extra: Record<string, unknown> = {}): Metric[] =>
        args.functions.map((f) => ["AWS/Lambda", metricName, "FunctionName", f.functionName, { label: f.name, ...extra }]);
    const widgets: Widget[] = [];
    if (args.functions.length) {
        widgets.push(
            title("## Lambda functions"),
            graph("Invocations", r, fn("Invocations"), { width: 6 }),
            graph("Errors", r, fn("Errors"), { width: 6 }),
            graph("Duration p95 (ms)", r, fn("Duration"), { stat: "p95", width: 6 }),
            graph("Throttles", r, fn("Throttles"), { width: 6 }),
        );
    }
    if (args.queues.length) {
        widgets.push(
            title("## Queues"),
            graph(
                "Queue depth (visible messages)",
                r,
                args.queues.map((q) => ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q.queueName, { label: q.name }]),
                { stat: "Maximum" },
            ),
            graph(
                "Oldest message age (s)",
                r,
                args.queues.map((q) => ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", q.queueName, { label: q.name }]),
                { stat: "Maximum" },
            ),
            graph(
                "Dead-letter queues (visible messages)",
                r,
                args.queues.map((q) => [
                    "AWS/SQS",
                    "ApproximateNumberOfMessagesVisible",
                    "QueueName",
                    q.deadLetterQueueName,
                    { label: `${q.name} DLQ`, color: "#d62728" },
                ]),
                { stat: "Maximum", period: 60 },
            ),
        );
    }
    if (args.restApis.length) {
        const api = (metricName: string, extra: (name: string) => Record<string, unknown> = (n) => ({ label: n })): Metric[] =>
            args.restApis.map((a) => ["AWS/ApiGateway", metricName, "ApiName", a.apiName, "Stage", a.stageName, extra(a.name)]);
        widgets.push(
            title("## REST APIs"),
            graph("Requests", r, api("Count"), { width: 6 }),
            graph("4xx", r, api("4XXError"), { width: 6 }),
            graph("5xx", r, api("5XXError"), { width: 6 }),
            graph("Latency p95 (ms)", r, api("Latency"), { stat: "p95", width: 6 }),
        );
    }
    if (args.tables.length) {
        const table = (metricName: string, suffix: string): Metric[] =>
            args.tables.map((t) => ["AWS/DynamoDB", metricName, "TableName", t.tableName, { label: `${t.name} ${suffix}` }]);
        widgets.push(
            title("## DynamoDB tables"),
            graph("Throttle events", r, [...table("ReadThrottleEvents", "read"), ...table("WriteThrottleEvents", "write")], { width: 12 }),
            graph(
                "Consumed capacity units",
                r,
                [...table("ConsumedReadCapacityUnits", "read"), ...table("ConsumedWriteCapacityUnits", "write")],
                { width: 12 },
            ),
        );
    }
    return widgets;
}

function businessWidgets(region: string): Widget[] {
    const ns = BUSINESS_NAMESPACE;
    // Powertools adds a `service` dimension (the function) to every EMF metric. SEARCH over the dimension schema
    // instead of listing values: a new source or decision the handlers emit appears without a dashboard change.
    const search = (metric: BusinessMetric, dimensions: string[], period: number) =>
        `SEARCH('{${[ns, "service", ...dimensions].join(",")}} MetricName="${metric}"', 'Sum', ${period})`;
    const byDimension = (metric: BusinessMetric, dimension: string, period = 300): Metric[] => [
        [{ expression: search(metric, [dimension], period), id: `${metric.toLowerCase()}By${dimension.toLowerCase()}` }],
    ];
    const total = (metric: BusinessMetric, id: string, period = 300, visible = true): Metric => [
        { expression: `SUM(${search(metric, [], period)})`, id, label: metric, ...(visible ? {} : { visible: false }) },
    ];
    return [
        title(`## Pipeline (embedded-metric-format metrics in \`${ns}\`)`),
        graph("Signals ingested by source", region, byDimension("SignalsIngested", "Source"), { stacked: true }),
        graph("Signals scored, candidates fused, proposals created", region, [
            total("SignalsScored", "scored"),
            total("CandidatesFused", "fused"),
            total("ProposalsCreated", "proposals"),
        ]),
        graph("Rejected payloads and failing sources", region, [
            ...byDimension("PayloadsRejected", "Source"),
            ...byDimension("SourceFailures", "Source"),
        ]),
        graph("Decisions", region, byDimension("DecisionsRecorded", "Decision", 3600), { stacked: true, period: 3600, width: 12 }),
        graph(
            "Hit rate (%)",
            region,
            [
                total("OutcomeHits", "hits", 86400, false),
                total("OutcomesEvaluated", "evaluated", 86400, false),
                [{ expression: "100 * hits / evaluated", id: "hitRate", label: "hit rate" }],
            ],
            { stat: "Sum", period: 86400, width: 12, yLabel: "%" },
        ),
    ];
}

function costWidgets(): Widget[] {
    // AWS publishes billing metrics only in us-east-1, every few hours; a 6 h period avoids gaps.
    const billing = "us-east-1";
    const options = { stat: "Maximum", period: 21600, width: 12, yLabel: "USD" };
    return [
        title('## Month-to-date estimated charges (requires "Receive billing alerts" in the billing preferences)'),
        graph("Total", billing, [["AWS/Billing", "EstimatedCharges", "Currency", "USD", { label: "Total" }]], options),
        graph(
            "By service",
            billing,
            BILLED_SERVICES.map((s) => ["AWS/Billing", "EstimatedCharges", "ServiceName", s, "Currency", "USD", { label: s }]),
            options,
        ),
    ];
}

function securityWidgets(args: DashboardsArgs): Widget[] {
    const r = args.region;
    const widgets: Widget[] = [];
    if (args.restApis.length) {
        // API Gateway has no per-status metrics: 4XXError counts the 401s (no/invalid token), 403s (denied or
        // WAF-blocked) and 429s (throttled) together, so the rate is the signal to watch.
        const metrics: Metric[] = [];
        args.restApis.forEach((a, i) => {
            metrics.push(
                ["AWS/ApiGateway", "4XXError", "ApiName", a.apiName, "Stage", a.stageName, { id: `e${i}`, visible: false }],
                ["AWS/ApiGateway", "Count", "ApiName", a.apiName, "Stage", a.stageName, { id: `c${i}`, visible: false }],
                [{ expression: `IF(c${i} > 0, 100 * e${i} / c${i}, 0)`, label: `${a.name} 4xx rate (%)`, id: `r${i}` }],
            );
        });
        widgets.push(
            title("## Client errors (401 unauthenticated, 403 forbidden, 429 throttled)"),
            graph(
                "API 4xx responses",
                r,
                args.restApis.map((a) => ["AWS/ApiGateway", "4XXError", "ApiName", a.apiName, "Stage", a.stageName, { label: a.name }]),
                { width: 12 },
            ),
            graph("API 4xx rate (%)", r, metrics, { width: 12, yLabel: "%" }),
        );
    }
    if (args.webAclName !== undefined) {
        const acl = args.webAclName;
        widgets.push(
            title("## WAF"),
            graph(
                "Blocked vs allowed requests",
                r,
                [
                    ["AWS/WAFV2", "BlockedRequests", "WebACL", acl, "Region", r, "Rule", "ALL", { label: "Blocked", color: "#d62728" }],
                    ["AWS/WAFV2", "AllowedRequests", "WebACL", acl, "Region", r, "Rule", "ALL", { label: "Allowed" }],
                ],
                { width: 12 },
            ),
            graph(
                "Blocked requests by rule",
                r,
                [
                    [
                        {
                            expression: pulumi.interpolate`SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="BlockedRequests" WebACL="${acl}" NOT Rule="ALL"', 'Sum', 300)`,
                            id: "byRule",
                        },
                    ],
                ],
                { width: 12 },
            ),
        );
    }
    if (args.userPoolId !== undefined) {
        const pool = args.userPoolId;
        // Cognito reports per app client; SEARCH sums over the clients of this pool. The average of SignInSuccesses is
        // the share of successful sign-ins, so a drop means failed (wrong password, MFA) attempts.
        const search = (metricName: string, stat: string) =>
            pulumi.interpolate`SEARCH('{AWS/Cognito,UserPool,UserPoolClient} MetricName="${metricName}" UserPool="${pool}"', '${stat}', 300)`;
        widgets.push(
            title("## Sign-ins (Cognito)"),
            graph("Sign-in throttles", r, [[{ expression: search("SignInThrottles", "Sum"), id: "throttles" }]]),
            graph("Successful sign-ins", r, [[{ expression: search("SignInSuccesses", "Sum"), id: "successes" }]]),
            graph("Sign-in success share", r, [[{ expression: search("SignInSuccesses", "Average"), id: "share" }]], { yLabel: "ratio" }),
        );
    }
    if (widgets.length === 0) widgets.push(title("## No REST API, web ACL or user pool in this stack"));
    return widgets;
}
