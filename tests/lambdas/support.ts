import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import type { LogLevel } from "../../lambdas/shared/logger";
import { recordingLogger } from "../support/recording-logger";

/** A fresh copy of a recorded event shape from tests/lambdas/fixtures/. */
export function fixture<T>(name: string): T {
    return JSON.parse(readFileSync(join(__dirname, "fixtures", name), "utf8")) as T;
}

export function capturingLogger(level: LogLevel = "DEBUG") {
    return recordingLogger(level);
}

export const ALLOWED_ORIGIN = "https://app.ai-investment.example";

/** The decision fixture turned into any route, with optional body, group claim and headers. */
export function restEvent(
    routeKey: string,
    options: { body?: unknown; groups?: unknown; claims?: Record<string, unknown> | null; headers?: Record<string, string> } = {},
): APIGatewayProxyEvent {
    const event = fixture<APIGatewayProxyEvent>("rest-event-decision.json");
    const [method, resource] = routeKey.split(" ") as [string, string];
    event.httpMethod = method;
    event.resource = resource;
    event.path = resource;
    if ("body" in options) {
        event.body = options.body === undefined ? null : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    }
    const claims = event.requestContext.authorizer!["claims"] as Record<string, unknown>;
    if ("groups" in options) {
        if (options.groups === undefined) delete claims["cognito:groups"];
        else claims["cognito:groups"] = options.groups;
    }
    if (options.claims === null) event.requestContext.authorizer = null;
    else if (options.claims) event.requestContext.authorizer = { claims: options.claims };
    event.headers = { ...event.headers, ...options.headers };
    return event;
}

export function bodyOf(result: APIGatewayProxyResult): any {
    return JSON.parse(result.body);
}

export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The error a promise rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the promise to reject");
}
