import * as z from "zod";
import { assetSymbolSchema } from "./values";

/**
 * The contracts between source connectors, the pure pipeline domain and the repositories.
 * Connectors turn a source's payload into `SourceItem`s; ingestion matches them against tracked entities and stores
 * `Signal`s; scoring adds a `SignalScore`. Everything here is data: no I/O, no AWS SDK.
 */

export const CHANNELS = ["social", "news", "regulatory"] as const;
export type Channel = (typeof CHANNELS)[number];

/** Every connector the product has; the agent of a signal is `<channel>.<source>` (e.g. `social.reddit`). */
// "manual": items posted to POST /ingest/* by an analyst (back-filling, corrections).
export const SOURCE_KINDS = ["reddit", "mastodon", "bluesky", "stocktwits", "rss", "gdelt", "sec-edgar", "bafin", "finma", "manual"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const isoDateTime = z.iso.datetime({ offset: true });

/** One item as a connector read it from a real source, normalised but not yet matched or scored. */
export const sourceItemSchema = z.strictObject({
    channel: z.enum(CHANNELS),
    source: z.enum(SOURCE_KINDS),
    /** Stable id of the item at its source (post id, feed entry guid, accession number). */
    sourceItemId: z.string().min(1).max(256),
    url: z.httpUrl().max(2048),
    publishedAt: isoDateTime,
    title: z.string().max(1000).optional(),
    text: z.string().min(1).max(20_000),
    /** Author handle as published: personal data — ingestion replaces it with a keyed pseudonym before storing. */
    author: z.string().min(1).max(256).optional(),
    /** Engagement counters where the source publishes them. */
    engagement: z
        .strictObject({
            likes: z.number().int().nonnegative().optional(),
            replies: z.number().int().nonnegative().optional(),
            shares: z.number().int().nonnegative().optional(),
        })
        .optional(),
    /** Symbols the source itself attached (StockTwits symbols, cashtags, GDELT/EDGAR tickers). */
    symbols: z.array(z.string().min(1).max(20)).max(50).optional(),
    /** SEC Central Index Key for regulatory filings, 10 digits zero-padded. */
    cik: z
        .string()
        .regex(/^\d{10}$/)
        .optional(),
    /** Source-given sentiment label (StockTwits "Bullish"/"Bearish"), a feature, never the score itself. */
    declaredSentiment: z.enum(["bullish", "bearish"]).optional(),
});
export type SourceItem = z.infer<typeof sourceItemSchema>;

/** An asset the system follows; ingestion keeps only items that mention one (seed 002 `tracked_entities`). */
export const trackedEntitySchema = z.strictObject({
    entityType: z.enum(["equity", "crypto", "etf", "index"]),
    entityId: z.string().min(1).max(64),
    symbol: assetSymbolSchema,
    name: z.string().min(1).max(200),
    aliases: z.array(z.string().min(2).max(100)).max(50).default([]),
    cik: z
        .string()
        .regex(/^\d{10}$/)
        .optional(),
    active: z.boolean().default(true),
});
export type TrackedEntity = z.infer<typeof trackedEntitySchema>;

/** Per-agent configuration, versioned (seed 002 `agents_config`): credibility weight used by scoring and fusion. */
export const agentConfigSchema = z.strictObject({
    agentId: z.string().regex(/^(social|news|regulatory)\.[a-z-]+$/),
    version: z.number().int().positive(),
    status: z.enum(["active", "retired"]),
    /** Weight in fusion and credibility in scoring, bounded by the learning rule to [minWeight, maxWeight]. */
    weight: z.number().min(0).max(1),
    updatedAt: isoDateTime,
    /** Why this version exists: "initial", or the learning step that produced it. */
    reason: z.string().min(1).max(500),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** The explainable score of one signal. */
export const signalScoreSchema = z.strictObject({
    score: z.number().min(-1).max(1),
    confidence: z.number().min(0).max(1),
    /** Each factor's contribution, so that a reviewer can see why the score is what it is. */
    factors: z.strictObject({
        sentiment: z.number().min(-1).max(1),
        credibility: z.number().min(0).max(1),
        recency: z.number().min(0).max(1),
        engagement: z.number().min(0).max(1),
        novelty: z.number().min(0).max(1),
    }),
    /** Lexicon terms that moved the sentiment, strongest first. */
    evidence: z.array(z.string().max(100)).max(20),
    scorer: z.string().min(1).max(100),
    scoredAt: isoDateTime,
});
export type SignalScore = z.infer<typeof signalScoreSchema>;

/** A stored signal: one source item about one tracked asset (an item mentioning two assets becomes two signals). */
export const signalSchema = z.strictObject({
    pk: z.string(),
    sk: z.string(),
    asset: assetSymbolSchema,
    agent: z.string().regex(/^(social|news|regulatory)\.[a-z-]+$/),
    channel: z.enum(CHANNELS),
    source: z.enum(SOURCE_KINDS),
    /** `<source>:<sourceItemId>` — the dedup key (GSI bySourceId); with the asset it makes the item key unique. */
    sourceId: z.string().min(1).max(300),
    ts: isoDateTime,
    url: z.httpUrl().max(2048),
    title: z.string().max(1000).optional(),
    text: z.string().min(1).max(20_000),
    /** HMAC-SHA256 of the author handle with a key from Secrets Manager; never the handle itself. */
    authorPseudonym: z.string().optional(),
    engagement: sourceItemSchema.shape.engagement,
    declaredSentiment: sourceItemSchema.shape.declaredSentiment,
    /** S3 key of the raw payload this signal was parsed from (for erasure and audits). */
    rawObjectKey: z.string().min(1).max(1024),
    ingestedAt: isoDateTime,
    /** Epoch seconds; DynamoDB TTL removes the signal after the retention period. */
    expiresAt: z.number().int().positive(),
    score: signalScoreSchema.optional(),
});
export type Signal = z.infer<typeof signalSchema>;
