/**
 * Response envelopes shared by every API answer (seed 004):
 *   success: { success: true, data, meta, timestamp }
 *   error:   { success: false, error: { code, message, details? }, timestamp }
 */

export const ERROR_STATUS = {
    VALIDATION_FAILED: 400,
    UNSUPPORTED_ACTION: 400,
    UNAUTHENTICATED: 401,
    FORBIDDEN: 403,
    /** Four eyes: the proposer may not decide on their own proposal. */
    SELF_APPROVAL: 403,
    NOT_FOUND: 404,
    METHOD_NOT_ALLOWED: 405,
    /** The proposal was decided already (possibly by a concurrent request that won). */
    ALREADY_DECIDED: 409,
    /** A concurrent write changed the proposal first; read it again before deciding. */
    DECISION_CONFLICT: 409,
    /** The asset has a pending proposal already: one open proposal per asset. */
    OPEN_PROPOSAL_EXISTS: 409,
    /** No (fresh) fused view of the asset to propose from. */
    NO_FUSED_VIEW: 409,
    /** Another version of the agent's configuration was published first; reload it before changing it. */
    AGENT_VERSION_CONFLICT: 409,
    /** The proposal's decision deadline has passed. */
    EXPIRED: 410,
    /** The latest risk assessment of the asset failed; its reasons are in details. */
    RISK_REJECTED: 422,
    INTERNAL: 500,
    NOT_IMPLEMENTED: 501,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type Meta = Record<string, unknown>;

export interface SuccessEnvelope<T> {
    success: true;
    data: T;
    meta: Meta;
    timestamp: string;
}

export interface ErrorEnvelope {
    success: false;
    error: { code: ErrorCode; message: string; details?: unknown };
    timestamp: string;
}

export function successEnvelope<T>(data: T, meta: Meta = {}, now = new Date()): SuccessEnvelope<T> {
    return { success: true, data, meta, timestamp: now.toISOString() };
}

export function errorEnvelope(code: ErrorCode, message: string, details?: unknown, now = new Date()): ErrorEnvelope {
    const error = details === undefined ? { code, message } : { code, message, details };
    return { success: false, error, timestamp: now.toISOString() };
}

export interface HttpResponse {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

export interface ResponseContext {
    /** Value of the request's Origin header, if any. */
    origin: string | undefined;
    /** Origins from CORS_ALLOWED_ORIGINS. */
    allowedOrigins: readonly string[];
    correlationId: string;
}

/** Echo the Origin only when it is allowed: a browser on any other origin then cannot read the answer. */
export function corsHeaders(origin: string | undefined, allowedOrigins: readonly string[]): Record<string, string> {
    if (origin === undefined || !allowedOrigins.includes(origin)) return {};
    return { "Access-Control-Allow-Origin": origin, Vary: "Origin" };
}

export function jsonResponse(
    statusCode: number,
    body: SuccessEnvelope<unknown> | ErrorEnvelope,
    context: ResponseContext,
    extraHeaders: Record<string, string> = {},
): HttpResponse {
    return {
        statusCode,
        headers: {
            "Content-Type": "application/json; charset=utf-8",
            "X-Correlation-Id": context.correlationId,
            ...corsHeaders(context.origin, context.allowedOrigins),
            ...extraHeaders,
        },
        body: JSON.stringify(body),
    };
}

export function errorResponse(
    code: ErrorCode,
    message: string,
    context: ResponseContext,
    details?: unknown,
    extraHeaders: Record<string, string> = {},
): HttpResponse {
    return jsonResponse(ERROR_STATUS[code], errorEnvelope(code, message, details), context, extraHeaders);
}
