/** Ports and helpers shared by the use cases of the decision half of the pipeline (risk, propose, decision, dashboard push). */
import type * as z from "../zod";
import type { DynamoProposalRepository } from "../adapters/dynamo-proposal-repository";
import type { dashboardUpdateMessageSchema } from "../domain/messages";
import type { MetricDimensions, MetricsSink } from "../shared/metrics";

/** Sends JSON messages to a queue (adapters/sqs-publisher.ts SqsPublisher). */
export interface MessagePublisher {
    publishAll(queueUrl: string, messages: readonly object[]): Promise<unknown>;
}

/** The proposal store as the use cases see it (adapters/dynamo-proposal-repository.ts). */
export type ProposalStore = Pick<
    DynamoProposalRepository,
    | "create"
    | "get"
    | "getDecisionAudit"
    | "openForAsset"
    | "listForAsset"
    | "listByStatus"
    | "recordDecision"
    | "recordExpiry"
    | "saveLatestView"
    | "latestView"
>;

export type DashboardUpdate = z.output<typeof dashboardUpdateMessageSchema>;

export function dashboardUpdate(type: DashboardUpdate["type"], entityId: string, correlationId: string, now: Date): DashboardUpdate {
    return { type, entityId, correlationId: correlationId.slice(0, 128), emittedAt: now.toISOString() };
}

/**
 * A metrics sink that only flushes when something is buffered: counts with dimensions are written at once by
 * Powertools (single metrics), and flushing an empty buffer would log a warning on every invocation.
 */
export function flushWhenBuffered(inner: MetricsSink): MetricsSink {
    let buffered = false;
    return {
        count(name, value, dimensions?: MetricDimensions) {
            if (value !== 0 && (!dimensions || Object.keys(dimensions).length === 0)) buffered = true;
            inner.count(name, value, dimensions);
        },
        flush() {
            if (!buffered) return;
            buffered = false;
            inner.flush();
        },
    };
}

/** Runs the handler and flushes the metrics it counted, whatever the outcome. */
export function flushingMetrics<A extends unknown[], R>(handler: (...args: A) => Promise<R>, metrics: MetricsSink) {
    return async (...args: A): Promise<R> => {
        try {
            return await handler(...args);
        } finally {
            metrics.flush();
        }
    };
}
