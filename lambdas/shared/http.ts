import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from "aws-lambda";
import type * as z from "../zod";
import type { Capability } from "../domain/capabilities";
import { hasRequestBody, requestBodySchemas, type RequestBody, type RouteKey, type RouteWithBody } from "./api-schemas";
import { errorResponse, jsonResponse, successEnvelope, type HttpResponse, type Meta, type ResponseContext } from "./envelope";
import { envVars } from "./env";
import { AppError, ConfigurationError, NotImplementedError } from "./errors";
import type { Logger } from "./logger";
import { isAllowed, parseGroupsClaim, PUBLIC_ACCESS, routeAccessSchema, type RouteAccess, type RouteAccessRule } from "./rbac";

/**
 * Wrapper for API Gateway REST (v1) proxy events: route lookup → authentication → group check (ROUTE_ACCESS) →
 * body validation → route handler → envelope. Anything unexpected becomes a 500 without internals.
 */

export interface Caller {
    sub: string | undefined;
    username: string | undefined;
    groups: string[];
}

export interface HttpRequest<K extends RouteKey> {
    routeKey: K;
    body: RequestBody<K>;
    caller: Caller;
    correlationId: string;
    logger: Logger;
    event: APIGatewayProxyEvent;
}

export interface HttpReply {
    data: unknown;
    meta?: Meta;
    statusCode?: number;
}

export type RouteHandler<K extends RouteKey> = (request: HttpRequest<K>) => Promise<HttpReply>;
export type RouteTable = { [K in RouteKey]?: RouteHandler<K> };

export interface HttpEnv {
    ROUTE_ACCESS: RouteAccess;
    CORS_ALLOWED_ORIGINS: string[];
}

/** The environment variables every HTTP-serving function needs, checked against the routes it serves. */
export function httpEnv(servedRoutes: readonly RouteKey[]) {
    return {
        ROUTE_ACCESS: routeAccessSchema(servedRoutes),
        CORS_ALLOWED_ORIGINS: envVars.CORS_ALLOWED_ORIGINS,
    };
}

export function routeKeysOf(routes: RouteTable): RouteKey[] {
    return Object.keys(routes) as RouteKey[];
}

/** A route whose capability is not built yet: answers 501 naming the route and the capability. */
export function pendingRoute<K extends RouteKey>(capability: Capability): RouteHandler<K> {
    return async ({ routeKey }) => {
        throw new NotImplementedError(routeKey, capability);
    };
}

const INTERNAL_MESSAGE = "An internal error occurred; quote the correlation id when reporting it.";

export function createHttpHandler(routes: RouteTable, env: HttpEnv, logger: Logger) {
    const unguarded = routeKeysOf(routes).filter((route) => env.ROUTE_ACCESS[route] === undefined);
    if (unguarded.length > 0) throw new ConfigurationError([`ROUTE_ACCESS: has no rule for ${unguarded.join(", ")}`]);

    interface RequestScope {
        correlationId: string;
        logger: Logger;
        responseContext: ResponseContext;
    }

    async function serve(event: APIGatewayProxyEvent, routeKey: string, scope: RequestScope): Promise<HttpResponse> {
        if (!Object.hasOwn(routes, routeKey)) return unknownRouteResponse(event, routes, scope.responseContext);
        const route = routeKey as RouteKey;
        const rule = env.ROUTE_ACCESS[route] as RouteAccessRule; // every served route has a rule: checked above

        const caller = callerOf(event);
        if (rule !== PUBLIC_ACCESS && caller.sub === undefined) {
            throw new AppError("UNAUTHENTICATED", "A valid Cognito token is required.");
        }
        if (!isAllowed(rule, caller.groups)) {
            scope.logger.warn("access denied", { routeKey, sub: caller.sub, groups: caller.groups });
            throw new AppError("FORBIDDEN", `${route} requires membership in one of the groups: ${[rule].flat().join(", ")}.`);
        }

        const body = hasRequestBody(route) ? parseBody(event, requestBodySchemas[route]) : undefined;
        const handler = routes[route] as RouteHandler<RouteKey>;
        const reply = await handler({
            routeKey: route,
            body: body as RequestBody<RouteKey>,
            caller,
            correlationId: scope.correlationId,
            logger: scope.logger,
            event,
        });
        return jsonResponse(reply.statusCode ?? 200, successEnvelope(reply.data, reply.meta), scope.responseContext);
    }

    return async (event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> => {
        const startedAt = Date.now();
        const correlationId = correlationIdOf(event, context);
        const requestLogger = logger.child({ correlationId });
        const responseContext: ResponseContext = {
            origin: headerOf(event, "origin"),
            allowedOrigins: env.CORS_ALLOWED_ORIGINS,
            correlationId,
        };
        const routeKey = `${event.httpMethod} ${event.resource}`;

        let response: HttpResponse;
        try {
            response = await serve(event, routeKey, { correlationId, logger: requestLogger, responseContext });
        } catch (error) {
            if (error instanceof AppError) {
                response = errorResponse(error.code, error.message, responseContext, error.details);
            } else {
                requestLogger.error("unhandled error", { routeKey, error });
                response = errorResponse("INTERNAL", INTERNAL_MESSAGE, responseContext, { correlationId });
            }
        }
        requestLogger.info("request handled", {
            routeKey,
            statusCode: response.statusCode,
            durationMs: Date.now() - startedAt,
        });
        return response;
    };
}

/** 405 when this function serves the path with another method, 404 otherwise. */
function unknownRouteResponse(event: APIGatewayProxyEvent, routes: RouteTable, context: ResponseContext): HttpResponse {
    const allowedMethods = Object.keys(routes)
        .map((key) => key.split(" "))
        .filter(([, path]) => path === event.resource)
        .map(([method]) => method as string);
    if (allowedMethods.length === 0) {
        return errorResponse("NOT_FOUND", `No route ${event.httpMethod} ${event.resource}.`, context);
    }
    return errorResponse(
        "METHOD_NOT_ALLOWED",
        `${event.resource} does not accept ${event.httpMethod}.`,
        context,
        { allowedMethods },
        { Allow: allowedMethods.join(", ") },
    );
}

function callerOf(event: APIGatewayProxyEvent): Caller {
    const claims: Record<string, unknown> = event.requestContext.authorizer?.["claims"] ?? {};
    const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
    return {
        sub: text(claims["sub"]),
        username: text(claims["cognito:username"]) ?? text(claims["username"]),
        groups: parseGroupsClaim(claims["cognito:groups"]),
    };
}

export interface BodyIssue {
    path: string;
    code: string;
    message: string;
}

function parseBody<K extends RouteWithBody>(event: APIGatewayProxyEvent, schema: (typeof requestBodySchemas)[K]) {
    if (event.body === null || event.body === "") {
        throw new AppError("VALIDATION_FAILED", "A JSON request body is required.");
    }
    const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        throw new AppError("VALIDATION_FAILED", "The request body is not valid JSON.");
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    const issues = result.error.issues.flatMap(describeBodyIssue);
    const paths = [...new Set(issues.map((issue) => issue.path))];
    throw new AppError("VALIDATION_FAILED", `The request body is invalid at: ${paths.join(", ")}.`, { issues });
}

/** One entry per offending field; an unknown key is reported at its own path. */
function describeBodyIssue(issue: z.core.$ZodIssue): BodyIssue[] {
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({
            path: formatPath([...issue.path, key]),
            code: issue.code,
            message: "is not an accepted field",
        }));
    }
    return [{ path: formatPath(issue.path), code: issue.code, message: issue.message }];
}

function formatPath(path: readonly PropertyKey[]): string {
    if (path.length === 0) return "body";
    return path
        .map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`))
        .join("");
}

function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
    const wanted = name.toLowerCase();
    const entry = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted);
    return entry?.[1] ?? undefined;
}

/** A caller-supplied id lets a client follow its request through the logs; anything else gets API Gateway's id. */
function correlationIdOf(event: APIGatewayProxyEvent, context: Context | undefined): string {
    const supplied = headerOf(event, "x-correlation-id");
    if (supplied !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(supplied)) return supplied;
    return event.requestContext.requestId ?? context?.awsRequestId ?? randomUUID();
}
