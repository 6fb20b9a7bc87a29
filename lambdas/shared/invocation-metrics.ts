import type { MetricDimensions, MetricsSink } from "./metrics";

/**
 * A sink whose flush() publishes only when something was buffered: counts with dimensions are written at once by
 * Powertools (single metrics), and flushing an empty buffer would log a warning on every invocation.
 */
export function invocationMetrics(inner: MetricsSink): MetricsSink {
    let buffered = false;
    return {
        count(name, value, dimensions?: MetricDimensions) {
            if (value !== 0 && (dimensions === undefined || Object.keys(dimensions).length === 0)) buffered = true;
            inner.count(name, value, dimensions);
        },
        flush() {
            if (!buffered) return;
            buffered = false;
            inner.flush();
        },
    };
}
