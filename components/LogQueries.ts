/**
 * LogQueries — saved CloudWatch Logs Insights queries for the questions on-call asks first.
 *
 * They read the fields the code writes: the functions log JSON (Lambda log format JSON; lambdas/shared/logger.ts
 * writes `level`, `service`, `message`, `correlationId`), the REST API access log is ACCESS_LOG_FORMAT of
 * components/ApiWithAuth.ts (`requestId`, `status`, `latency`, ...). A request's correlation id is the caller's
 * `x-correlation-id` or else API Gateway's request id, which is the access log's `requestId`.
 *
 * The cold-start query reads the `platform.report` lines; Lambda only writes them while the functions' system log
 * level is INFO or DEBUG.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface LogQueriesArgs {
    /** Log groups of the functions, `/aws/lambda/<project>-<stack>-<fn>`. */
    functionLogGroupNames: pulumi.Input<string>[];
    /** The REST API's access log group. */
    apiAccessLogGroupName: pulumi.Input<string>;
}

export type LogQueryKind = "errors-by-function" | "slowest-requests" | "correlation-id" | "cold-starts";

/** Replace it in the console before running the correlation query. */
export const CORRELATION_ID_PLACEHOLDER = "REPLACE-WITH-CORRELATION-ID";

export const LOG_QUERY_STRINGS: Record<LogQueryKind, string> = {
    "errors-by-function": [
        "fields @timestamp, @log, service, message",
        '| filter level = "ERROR"',
        "| stats count(*) as errors by @log",
        "| sort errors desc",
    ].join("\n"),
    // `latency` is logged as a string; Logs Insights sorts number-only values numerically.
    "slowest-requests": [
        "fields @timestamp, requestId, httpMethod, resourcePath, status, latency, integrationError",
        "| filter ispresent(latency)",
        "| sort latency desc",
        "| limit 50",
    ].join("\n"),
    "correlation-id": [
        "fields @timestamp, @log, level, service, message, httpMethod, resourcePath, status, latency",
        `| filter correlationId = "${CORRELATION_ID_PLACEHOLDER}" or requestId = "${CORRELATION_ID_PLACEHOLDER}"`,
        "| sort @timestamp asc",
        "| limit 1000",
    ].join("\n"),
    // JSON log format: REPORT is a `platform.report` event with record.metrics.initDurationMs; @initDuration covers text format.
    "cold-starts": [
        "fields @timestamp, @log, coalesce(record.metrics.initDurationMs, @initDuration) as initDurationMs",
        '| filter (type = "platform.report" or @type = "REPORT") and ispresent(initDurationMs)',
        "| stats count(*) as coldStarts, avg(initDurationMs) as avgInitMs, pct(initDurationMs, 95) as p95InitMs, max(initDurationMs) as maxInitMs by @log",
        "| sort coldStarts desc",
    ].join("\n"),
};

export class LogQueries extends pulumi.ComponentResource {
    readonly queries: Record<LogQueryKind, aws.cloudwatch.QueryDefinition>;

    constructor(name: string, args: LogQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:observability:LogQueries", name, {}, opts);
        // A folder per stack in the console's saved-queries list.
        const folder = `${pulumi.getProject()}-${pulumi.getStack()}`;
        const groups: Record<LogQueryKind, pulumi.Input<string>[]> = {
            "errors-by-function": args.functionLogGroupNames,
            "slowest-requests": [args.apiAccessLogGroupName],
            "correlation-id": [...args.functionLogGroupNames, args.apiAccessLogGroupName],
            "cold-starts": args.functionLogGroupNames,
        };
        const query = (kind: LogQueryKind) =>
            new aws.cloudwatch.QueryDefinition(
                `${name}-${kind}`,
                { name: `${folder}/${kind}`, queryString: LOG_QUERY_STRINGS[kind], logGroupNames: groups[kind] },
                { parent: this },
            );
        this.queries = {
            "errors-by-function": query("errors-by-function"),
            "slowest-requests": query("slowest-requests"),
            "correlation-id": query("correlation-id"),
            "cold-starts": query("cold-starts"),
        };
        this.registerOutputs({});
    }
}
