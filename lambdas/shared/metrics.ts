import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";

/**
 * Business metrics of the pipeline as CloudWatch Embedded Metric Format (EMF) lines, written by AWS Lambda Powertools:
 * CloudWatch turns the log lines into metrics without a PutMetricData call (no extra IAM, no latency). The business
 * dashboard reads them by name in namespace `AiInvestment` with SEARCH over the dimensions, so a new source shows up
 * without a dashboard change.
 */
export const METRICS_NAMESPACE = "AiInvestment";

export const BUSINESS_METRICS = [
    "SignalsIngested",
    "SignalsDuplicate",
    "PayloadsRejected",
    "SourceFailures",
    "SignalsScored",
    "CandidatesFused",
    "RiskChecks",
    "ProposalsCreated",
    "DecisionsRecorded",
    "OutcomesEvaluated",
    "OutcomeHits",
    "AgentWeightsUpdated",
    "ErasuresCompleted",
    "DashboardPushes",
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

/** Dimension values stay low-cardinality: a source, a channel, a status — never an id. */
export type MetricDimensions = Partial<Record<"Source" | "Channel" | "Status" | "Decision" | "Agent", string>>;

export interface MetricsSink {
    count(name: BusinessMetric, value: number, dimensions?: MetricDimensions): void;
    /** Writes what is buffered; call once per invocation. */
    flush(): void;
}

/** The Powertools-backed sink of a function; `service` becomes the `service` dimension of every metric. */
export function powertoolsMetrics(service: string): MetricsSink {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service });
    return {
        count(name, value, dimensions) {
            if (value === 0) return;
            if (!dimensions || Object.keys(dimensions).length === 0) {
                metrics.addMetric(name, MetricUnit.Count, value);
                return;
            }
            // A metric with its own dimensions is emitted on its own, so the buffered ones keep theirs.
            const single = metrics.singleMetric();
            for (const [key, dimension] of Object.entries(dimensions)) if (dimension) single.addDimension(key, dimension);
            single.addMetric(name, MetricUnit.Count, value);
        },
        flush() {
            metrics.publishStoredMetrics();
        },
    };
}

/** Collects counts in memory: for tests and for handlers that report what they counted. */
export function recordingMetrics(): MetricsSink & {
    readonly counts: { name: BusinessMetric; value: number; dimensions?: MetricDimensions }[];
} {
    const counts: { name: BusinessMetric; value: number; dimensions?: MetricDimensions }[] = [];
    return {
        counts,
        count(name, value, dimensions) {
            if (value !== 0) counts.push({ name, value, ...(dimensions ? { dimensions } : {}) });
        },
        flush() {},
    };
}
