/**
 * Business metrics of the pipeline as CloudWatch Embedded Metric Format (EMF) lines, written by AWS Lambda Powertools:
 * CloudWatch turns the log lines into metrics without a PutMetricData call (no extra IAM, no latency). The business
 * dashboard reads them by name in namespace `AiInvestment` with SEARCH over the dimensions, so a new source shows up
 * without a dashboard change.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { type BusinessMetric, METRICS_NAMESPACE } from "./metric-names";

export { BUSINESS_METRICS, METRICS_NAMESPACE, type BusinessMetric } from "./metric-names";

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
