import * as z from "../zod";

/**
 * Value schemas shared by the REST contracts (shared/api-schemas.ts) and the queue contracts (domain/messages.ts).
 * They avoid transforms and refinements so that they convert to draft-4 JSON Schema for API Gateway request models.
 */

/** Ticker-like symbol: upper case, digits, '.' and '-' (BTC, BRK.B, BTC-USD). */
export const assetSymbolSchema = z
    .string()
    .check(z.regex(/^[A-Z0-9][A-Z0-9.-]{0,19}$/, { error: "must be an upper-case asset symbol such as BTC or BRK.B" }));

/** Key of an item in the signals table: pk `asset#yyyymmdd`, sk `ts#agent#sourceId`. */
export const signalKeySchema = z.strictObject({
    pk: z.string().check(z.regex(/^[A-Z0-9][A-Z0-9.-]{0,19}#\d{8}$/, { error: "must look like ASSET#yyyymmdd" })),
    sk: z.string().check(z.maxLength(512), z.regex(/^[^#]+#[^#]+#[^#]+$/, { error: "must look like timestamp#agent#sourceId" })),
});

export const tradeSideSchema = z.enum(["buy", "sell"]);

/** Probability-like confidence of the signal fusion in a candidate. */
export const confidenceSchema = z.number().check(z.gte(0), z.lte(1));

/** Either a number of units or an amount of money; strict objects make the two alternatives mutually exclusive. */
export const positionSizeSchema = z.union([
    z.strictObject({ quantity: z.number().check(z.positive()) }),
    z.strictObject({
        notional: z.number().check(z.positive()),
        currency: z.string().check(z.regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 currency code" })),
    }),
]);

/** A trade idea produced by signal fusion, before risk checks turn it into a proposal. */
export const proposalCandidateSchema = z.strictObject({
    asset: assetSymbolSchema,
    side: tradeSideSchema,
    size: positionSizeSchema,
    confidence: confidenceSchema,
});

export const proposalIdSchema = z.uuid();

/** Identifier of a feed, account or subreddit an item was taken from. */
export const sourceIdSchema = z
    .string()
    .check(
        z.minLength(1),
        z.maxLength(128),
        z.regex(/^[A-Za-z0-9._:/@-]+$/, { error: "may contain letters, digits and . _ : / @ - only" }),
    );

/** A raw item as published by a source, before any processing. */
export function rawItemSchema(maxTextLength: number) {
    return z.strictObject({
        sourceId: sourceIdSchema,
        url: z.httpUrl().check(z.maxLength(2048)),
        publishedAt: z.iso.datetime({ offset: true }),
        text: z.string().check(z.minLength(1), z.maxLength(maxTextLength)),
    });
}

export type SignalKey = z.infer<typeof signalKeySchema>;
export type ProposalCandidate = z.infer<typeof proposalCandidateSchema>;
