import type { Context } from "aws-lambda";
import { closeConnection, openConnection, type ConnectionRepository } from "../domain/connections";
import { errorEnvelope } from "./envelope";
import type { Logger } from "./logger";
import { parseGroupsClaim } from "./rbac";

/**
 * Wrapper for API Gateway WebSocket (v2) events of the dashboard socket. $connect has already passed the ws-authorizer,
 * whose context carries the caller's sub and groups; the connection is stored so that updates can be pushed to it.
 */

export interface WebSocketEvent {
    requestContext: {
        routeKey: string;
        eventType: "CONNECT" | "DISCONNECT" | "MESSAGE";
        connectionId: string;
        domainName: string;
        stage: string;
        requestId?: string;
        authorizer?: Record<string, unknown> | null;
    };
    body?: string | null;
}

export interface WebSocketResult {
    statusCode: number;
    body?: string;
}

export interface WebSocketHandlerOptions {
    repository: ConnectionRepository;
    logger: Logger;
    now?: () => Date;
}

export function createWebSocketHandler({ repository, logger, now = () => new Date() }: WebSocketHandlerOptions) {
    return async (event: WebSocketEvent, context?: Context): Promise<WebSocketResult> => {
        const { connectionId, eventType, routeKey } = event.requestContext;
        const eventLogger = logger.child({
            correlationId: event.requestContext.requestId ?? context?.awsRequestId,
            connectionId,
            routeKey,
        });
        try {
            switch (eventType) {
                case "CONNECT":
                    return await connect(event, repository, eventLogger, now());
                case "DISCONNECT":
                    await closeConnection(repository, connectionId);
                    eventLogger.info("connection closed");
                    return { statusCode: 200 };
                default:
                    return unsupportedAction(event);
            }
        } catch (error) {
            eventLogger.error("websocket event failed", { error });
            return { statusCode: 500 };
        }
    };
}

async function connect(event: WebSocketEvent, repository: ConnectionRepository, logger: Logger, now: Date) {
    const authorizer = event.requestContext.authorizer ?? {};
    const sub = authorizer["sub"] ?? authorizer["principalId"];
    if (typeof sub !== "string" || sub === "") {
        // Only reachable when $connect is deployed without the ws-authorizer: refuse rather than store an anonymous socket.
        logger.warn("connection refused: no authorizer identity");
        return { statusCode: 401 };
    }
    const groups = parseGroupsClaim(authorizer["groups"]);
    const { domainName, stage, connectionId } = event.requestContext;
    const callbackEndpoint = `https://${domainName}/${stage}`;
    await openConnection(repository, { connectionId, sub, groups, callbackEndpoint }, now);
    logger.info("connection opened", { sub, groups });
    return { statusCode: 200 };
}

/** The socket only pushes dashboard updates; any client message gets an error frame (route response of $default). */
function unsupportedAction(event: WebSocketEvent): WebSocketResult {
    const action = actionOf(event.body) ?? event.requestContext.routeKey;
    const frame = errorEnvelope(
        "UNSUPPORTED_ACTION",
        `Action "${action}" is not supported: this connection only receives dashboard updates.`,
    );
    return { statusCode: 400, body: JSON.stringify(frame) };
}

function actionOf(body: string | null | undefined): string | undefined {
    if (!body) return undefined;
    try {
        const action = (JSON.parse(body) as { action?: unknown }).action;
        return typeof action === "string" ? action.slice(0, 64) : undefined;
    } catch {
        return undefined;
    }
}
