import * as z from "../zod";
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
export const SOURCE_KINDS = [
    "reddit",
    "mastodon",
    "bluesky",
    "stocktwits",
    "rss",
    "gdelt",
    "sec-edgar",
    "bafin",
    "finma",
    "manual",
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

const isoDateTime = z.iso.datetime({ offset: true });

/** One item as a connector read it from a real source, normalised but not yet matched or scored. */
export const sourceItemSchema = z.strictObject({
    channel: z.enum(CHANNELS),
    source: z.enum(SOURCE_KINDS),
    /** Stable id of the item at its source (post id, feed entry guid, accession number). */
    sourceItemId: z.string().check(z.minLength(1), z.maxLength(256)),
    url: z.httpUrl().check(z.maxLength(2048)),
    publishedAt: isoDateTime,
    title: z.optional(z.string().check(z.maxLength(1000))),
    text: z.string().check(z.minLength(1), z.maxLength(20_000)),
    /** Author handle as published: personal data — ingestion replaces it with a keyed pseudonym before storing. */
    author: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    /** Engagement counters where the source publishes them. */
    engagement: z.optional(
        z.strictObject({
            likes: z.optional(z.number().check(z.int(), z.nonnegative())),
            replies: z.optional(z.number().check(z.int(), z.nonnegative())),
            shares: z.optional(z.number().check(z.int(), z.nonnegative())),
        }),
    ),
    /** Symbols the source itself attached (StockTwits symbols, cashtags, GDELT/EDGAR tickers). */
    symbols: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(20))).check(z.maxLength(50))),
    /** SEC Central Index Key for regulatory filings, 10 digits zero-padded. */
    cik: z.optional(z.string().check(z.regex(/^\d{10}$/))),
    /** Source-given sentiment label (StockTwits "Bullish"/"Bearish"), a feature, never the score itself. */
    declaredSentiment: z.optional(z.enum(["bullish", "bearish"])),
});
export type SourceItem = z.infer<typeof sourceItemSchema>;

/** An asset the system follows; ingestion keeps only items that mention one (seed 002 `tracked_entities`). */
export const trackedEntitySchema = z.strictObject({
    entityType: z.enum(["equity", "crypto", "etf", "index"]),
    entityId: z.string().check(z.minLength(1), z.maxLength(64)),
    symbol: assetSymbolSchema,
    name: z.string().check(z.minLength(1), z.maxLength(200)),
    aliases: z._default(z.array(z.string().check(z.minLength(2), z.maxLength(100))).check(z.maxLength(50)), []),
    cik: z.optional(z.string().check(z.regex(/^\d{10}$/))),
    active: z._default(z.boolean(), true),
});
export type TrackedEntity = z.infer<typeof trackedEntitySchema>;

/** Per-agent configuration, versioned (seed 002 `agents_config`): credibility weight used by scoring and fusion. */
export const agentConfigSchema = z.strictObject({
    agentId: z.string().check(z.regex(/^(social|news|regulatory)\.[a-z-]+$/)),
    version: z.number().check(z.int(), z.positive()),
    status: z.enum(["active", "retired"]),
    /** Weight in fusion and credibility in scoring, bounded by the learning rule to [minWeight, maxWeight]. */
    weight: z.number().check(z.gte(0), z.lte(1)),
    updatedAt: isoDateTime,
    /** Why this version exists: "initial", or the learning step that produced it. */
    reason: z.string().check(z.minLength(1), z.maxLength(500)),
});
export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** The explainable score of one signal. */
export const signalScoreSchema = z.strictObject({
    score: z.number().check(z.gte(-1), z.lte(1)),
    confidence: z.number().check(z.gte(0), z.lte(1)),
    /** Each factor's contribution, so that a reviewer can see why the score is what it is. */
    factors: z.strictObject({
        sentiment: z.number().check(z.gte(-1), z.lte(1)),
        credibility: z.number().check(z.gte(0), z.lte(1)),
        recency: z.number().check(z.gte(0), z.lte(1)),
        engagement: z.number().check(z.gte(0), z.lte(1)),
        novelty: z.number().check(z.gte(0), z.lte(1)),
    }),
    /** Lexicon terms that moved the sentiment, strongest first. */
    evidence: z.array(z.string().check(z.maxLength(100))).check(z.maxLength(20)),
    scorer: z.string().check(z.minLength(1), z.maxLength(100)),
    scoredAt: isoDateTime,
});
export type SignalScore = z.infer<typeof signalScoreSchema>;

/** A stored signal: one source item about one tracked asset (an item mentioning two assets becomes two signals). */
export const signalSchema = z.strictObject({
    pk: z.string(),
    sk: z.string(),
    asset: assetSymbolSchema,
    agent: z.string().check(z.regex(/^(social|news|regulatory)\.[a-z-]+$/)),
    channel: z.enum(CHANNELS),
    source: z.enum(SOURCE_KINDS),
    /** `<source>:<sourceItemId>` — the dedup key (GSI bySourceId); with the asset it makes the item key unique. */
    sourceId: z.string().check(z.minLength(1), z.maxLength(300)),
    ts: isoDateTime,
    url: z.httpUrl().check(z.maxLength(2048)),
    title: z.optional(z.string().check(z.maxLength(1000))),
    text: z.string().check(z.minLength(1), z.maxLength(20_000)),
    /** HMAC-SHA256 of the author handle with a key from Secrets Manager; never the handle itself. */
    authorPseudonym: z.optional(z.string()),
    engagement: sourceItemSchema.shape.engagement,
    declaredSentiment: sourceItemSchema.shape.declaredSentiment,
    /** S3 key of the raw payload this signal was parsed from (for erasure and audits). */
    rawObjectKey: z.string().check(z.minLength(1), z.maxLength(1024)),
    ingestedAt: isoDateTime,
    /** Epoch seconds; DynamoDB TTL removes the signal after the retention period. */
    expiresAt: z.number().check(z.int(), z.positive()),
    score: z.optional(signalScoreSchema),
});
export type Signal = z.infer<typeof signalSchema>;
