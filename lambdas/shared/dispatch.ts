import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { WebSocketEvent, WebSocketResult } from "./websocket";

/**
 * One function may be reached by several triggers (e.g. score: REST route and SQS queue). The event's shape tells
 * which one; an event of a trigger the function was not built for is an error, not a silent no-op.
 */

export type TriggerKind = "http" | "sqs" | "websocket" | "schedule";

export interface TriggerHandlers {
    http?: (event: APIGatewayProxyEvent, context?: Context) => Promise<APIGatewayProxyResult>;
    sqs?: (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;
    websocket?: (event: WebSocketEvent, context?: Context) => Promise<WebSocketResult>;
    schedule?: (event: unknown, context?: Context) => Promise<void>;
}

export function triggerKindOf(event: unknown): TriggerKind | undefined {
    if (typeof event !== "object" || event === null) return undefined;
    const candidate = event as Record<string, unknown>;
    const requestContext = candidate["requestContext"] as Record<string, unknown> | undefined;
    if (typeof requestContext?.["connectionId"] === "string" && typeof requestContext["eventType"] === "string") {
        return "websocket";
    }
    if (typeof candidate["httpMethod"] === "string" && typeof candidate["resource"] === "string") return "http";
    const records = candidate["Records"];
    if (Array.isArray(records) && records.length > 0 && records.every((record) => record?.eventSource === "aws:sqs")) {
        return "sqs";
    }
    if (typeof candidate["task"] === "string") return "schedule";
    return undefined;
}

export function handleTriggers(handlers: TriggerHandlers) {
    return async (event: unknown, context?: Context): Promise<unknown> => {
        const kind = triggerKindOf(event);
        switch (kind) {
            case "http":
                if (handlers.http) return handlers.http(event as APIGatewayProxyEvent, context);
                break;
            case "sqs":
                if (handlers.sqs) return handlers.sqs(event as SQSEvent, context);
                break;
            case "websocket":
                if (handlers.websocket) return handlers.websocket(event as WebSocketEvent, context);
                break;
            case "schedule":
                if (handlers.schedule) return handlers.schedule(event, context);
                break;
        }
        throw new Error(`This function does not handle ${kind ?? "unrecognised"} events; check its trigger wiring.`);
    };
}
