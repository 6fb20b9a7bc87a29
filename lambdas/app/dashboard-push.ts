/**
 * Live dashboard: every dashboard-updates message is pushed to every open WebSocket connection as one frame
 * `{type, entityId, emittedAt, correlationId}` — a hint to reload that entity, not the entity itself (the socket
 * carries no data a viewer could not read over REST, and a lost frame is repaired by the next load).
 *
 * - A connection API Gateway reports gone (410) is deleted from the connections table.
 * - Other failures of single connections (throttling, a broken socket) are logged and counted but do not fail the
 *   message: redelivering it would repeat the frame to every connection that got it. When not one connection could be
 *   reached and some failed (missing permission, wrong endpoint), the message fails, so it is retried and ends in the DLQ.
 *
 * GET /dashboard/stream tells a client where the socket is (DASHBOARD_WEBSOCKET_URL) and how to authenticate; the
 * updates themselves only travel over the socket.
 */
import { mapBounded } from "../adapters/batching";
import type { DashboardConnection } from "../domain/connections";
import { dashboardUpdateMessageSchema } from "../domain/messages";
import { AppError } from "../shared/errors";
import type { RouteTable } from "../shared/http";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import type { MessageProcessor } from "../shared/sqs";
import type { DashboardUpdate } from "./proposal-ports";

export interface ConnectionDirectory {
    listAll(nowSeconds: number, onCorrupt?: (error: Error) => void): AsyncIterable<DashboardConnection>;
    delete(connectionId: string): Promise<void>;
}

export interface ConnectionPusher {
    /** "gone" for a connection API Gateway no longer knows (410); rejects for any other failure. */
    post(callbackEndpoint: string, connectionId: string, frame: string): Promise<"delivered" | "gone">;
}

export interface DashboardPushDeps {
    connections: ConnectionDirectory;
    pusher: ConnectionPusher;
    metrics: MetricsSink;
    now?: () => Date;
    /** Posts in flight at once. Default 10. */
    concurrency?: number;
}

export interface PushReport {
    connections: number;
    delivered: number;
    pruned: number;
    failed: number;
}

export function frameOf(update: DashboardUpdate): string {
    return JSON.stringify({
        type: update.type,
        entityId: update.entityId,
        emittedAt: update.emittedAt,
        correlationId: update.correlationId,
    });
}

export async function pushToAll(update: DashboardUpdate, deps: DashboardPushDeps, logger: Logger): Promise<PushReport> {
    const now = (deps.now ?? (() => new Date()))();
    const connections: DashboardConnection[] = [];
    const onCorrupt = (error: Error) => logger.error("corrupt connection item skipped", { error });
    for await (const connection of deps.connections.listAll(Math.floor(now.getTime() / 1000), onCorrupt)) connections.push(connection);

    const frame = frameOf(update);
    const report: PushReport = { connections: connections.length, delivered: 0, pruned: 0, failed: 0 };
    await mapBounded(connections, deps.concurrency ?? 10, async ({ connectionId, callbackEndpoint }) => {
        let result: "delivered" | "gone";
        try {
            result = await deps.pusher.post(callbackEndpoint, connectionId, frame);
        } catch (error) {
            report.failed++;
            logger.warn("push failed", { connectionId, error });
            return;
        }
        if (result === "delivered") {
            report.delivered++;
            return;
        }
        try {
            await deps.connections.delete(connectionId);
            report.pruned++;
        } catch (error) {
            // The TTL removes it later; the next push tries again.
            logger.warn("stale connection not deleted", { connectionId, error });
        }
    });
    deps.metrics.count("DashboardPushes", report.delivered, { Status: "delivered" });
    deps.metrics.count("DashboardPushes", report.pruned, { Status: "gone" });
    deps.metrics.count("DashboardPushes", report.failed, { Status: "failed" });
    return report;
}

export function dashboardPushConsumer(deps: DashboardPushDeps): MessageProcessor<DashboardUpdate> {
    return async (update, { logger }) => {
        const report = await pushToAll(update, deps, logger);
        logger.info("dashboard update pushed", { type: update.type, entityId: update.entityId, ...report });
        if (report.failed > 0 && report.delivered === 0) {
            throw new Error(`Dashboard update reached none of ${report.connections} connection(s): ${report.failed} push(es) failed`);
        }
    };
}

/** GET /dashboard/stream: where the live updates are and how to subscribe; 501 while the stage has no socket URL configured. */
export function streamInfoRoutes(websocketUrl: string | undefined): RouteTable {
    return {
        "GET /dashboard/stream": async () => {
            if (websocketUrl === undefined) {
                throw new AppError(
                    "NOT_IMPLEMENTED",
                    "GET /dashboard/stream: this stage has no dashboard WebSocket URL configured (DASHBOARD_WEBSOCKET_URL). " +
                        "Live updates are pushed over the dashboard WebSocket API only, not over this REST route.",
                );
            }
            return {
                data: {
                    transport: "websocket",
                    url: websocketUrl,
                    authentication: "Cognito ID token in the `token` query parameter of the connection URL",
                    updates: dashboardUpdateMessageSchema.shape.type.options,
                    frame: ["type", "entityId", "emittedAt", "correlationId"],
                    clientMessages: "none: the socket only delivers updates; any message sent gets an UNSUPPORTED_ACTION error frame",
                },
            };
        },
    };
}
