import * as z from "../zod";
import { erasureReferenceSchema } from "../domain/erasure";
import { agentConfigSchema, SOURCE_KINDS, trackedEntitySchema } from "../domain/signals";
import { assetSymbolSchema, proposalCandidateSchema, proposalIdSchema, rawItemSchema, signalKeySchema } from "../domain/values";

/**
 * Request-body contracts of the REST API. The handlers validate with them, and the infrastructure turns the same
 * schemas into API Gateway request-validator models with z.toJSONSchema(schema, { target: "draft-4" }). Hence: strict
 * objects only (additionalProperties: false), no transforms, refinements or defaults.
 */

/** Manual ingestion is for back-filling and corrections; the schedules do the bulk. Batches stay small. */
const MAX_INGEST_BATCH = 50;

const ingestSocialBody = z.strictObject({
    items: z.array(rawItemSchema(10_000)).check(z.minLength(1), z.maxLength(MAX_INGEST_BATCH)),
});

const ingestNewsBody = z.strictObject({
    items: z
        .array(z.extend(rawItemSchema(50_000), { title: z.optional(z.string().check(z.minLength(1), z.maxLength(500))) }))
        .check(z.minLength(1), z.maxLength(MAX_INGEST_BATCH)),
});

const scoreBody = z.strictObject({
    signalKeys: z.array(signalKeySchema).check(z.minLength(1), z.maxLength(100)),
});

const proposeBody = z.strictObject({
    asset: assetSymbolSchema,
    horizon: z.optional(z.enum(["intraday", "swing", "position"])),
});

const riskCheckBody = z.strictObject({
    candidate: proposalCandidateSchema,
});

const decisionBody = z.strictObject({
    proposalId: proposalIdSchema,
    decision: z.enum(["approve", "reject"]),
    // Kept with the decision for the audit trail.
    reason: z.string().check(z.minLength(1), z.maxLength(2000)),
});

const evaluateBody = z.strictObject({
    // Either one proposal or every proposal decided within a range of days (inclusive).
    scope: z.union([z.strictObject({ proposalId: proposalIdSchema }), z.strictObject({ from: z.iso.date(), to: z.iso.date() })]),
});

// Admin routes (group admin only). Absent optional fields of an entity take the domain defaults (aliases [], active true)
// in the handler: the API Gateway models cannot carry defaults.
const entityTypeSchema = trackedEntitySchema.shape.entityType;

const adminEntityBody = z.strictObject({
    entityType: entityTypeSchema,
    entityId: z.string().check(z.minLength(1), z.maxLength(64)),
    symbol: assetSymbolSchema,
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    aliases: z.optional(z.array(z.string().check(z.minLength(2), z.maxLength(100))).check(z.maxLength(50))),
    cik: z.optional(z.string().check(z.regex(/^\d{10}$/, { error: "must be a 10-digit zero-padded SEC CIK" }))),
    active: z.optional(z.boolean()),
});

const adminEntityDeleteBody = z.strictObject({
    entityType: entityTypeSchema,
    entityId: z.string().check(z.minLength(1), z.maxLength(64)),
});

const adminAgentBody = z.strictObject({
    agentId: agentConfigSchema.shape.agentId,
    weight: z.number().check(z.gte(0), z.lte(1)),
    // Stored as "admin <sub>: <reason>" in the version's 500-character reason.
    reason: z.string().check(z.minLength(1), z.maxLength(400)),
    // The version the admin based the change on; another version published since makes the request fail with 409.
    baseVersion: z.optional(z.number().check(z.int(), z.gte(0))),
});

const adminErasureBody = z.strictObject({
    // The person as the source publishes them: the author handle (u/name, @user@instance, …) on that source.
    subject: z.strictObject({
        source: z.enum(SOURCE_KINDS),
        author: z.string().check(z.minLength(1), z.maxLength(256)),
    }),
    // Case or ticket number of the data-subject request, kept in the audit record.
    reference: z.optional(erasureReferenceSchema),
});

export const requestBodySchemas = {
    "POST /ingest/social": ingestSocialBody,
    "POST /ingest/news": ingestNewsBody,
    "POST /score": scoreBody,
    "POST /propose": proposeBody,
    "POST /risk/check": riskCheckBody,
    "POST /decision": decisionBody,
    "POST /evaluate": evaluateBody,
    "POST /admin/entities": adminEntityBody,
    "POST /admin/entities/delete": adminEntityDeleteBody,
    "POST /admin/agents": adminAgentBody,
    "POST /admin/erasure": adminErasureBody,
} as const;

/** Every REST route with the function (lambdas/handlers/<name>.ts) that serves it. */
export const apiRoutes = {
    "GET /health": "health",
    "GET /metrics": "dashboard",
    "GET /dashboard/summary": "dashboard",
    "GET /dashboard/stream": "stream",
    "POST /ingest/social": "ingest-social",
    "POST /ingest/news": "ingest-news",
    "POST /score": "score",
    "POST /propose": "propose",
    "POST /risk/check": "risk-check",
    "POST /decision": "decision",
    "POST /evaluate": "evaluate",
    "GET /admin/entities": "admin",
    "POST /admin/entities": "admin",
    "POST /admin/entities/delete": "admin",
    "GET /admin/agents": "admin",
    "POST /admin/agents": "admin",
    "POST /admin/erasure": "admin",
} as const;

/** "METHOD /path", matching `${event.httpMethod} ${event.resource}` of an API Gateway REST proxy event. */
export type RouteKey = keyof typeof apiRoutes;
/** The same type under the name the infrastructure side asked for. */
export type routeKey = RouteKey;
export type RouteWithBody = keyof typeof requestBodySchemas;

export type RequestBody<K extends RouteKey> = K extends RouteWithBody ? z.output<(typeof requestBodySchemas)[K]> : undefined;

export function hasRequestBody(route: RouteKey): route is RouteWithBody {
    return route in requestBodySchemas;
}
