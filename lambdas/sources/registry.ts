import * as z from "zod";
import type { Channel, SourceItem, SourceKind } from "../domain/signals";
import { createBafinConnector } from "./bafin";
import { BlueskySession, createBlueskyConnector, type BlueskyCredentials } from "./bluesky";
import type { FetchContext, ParseRejection, RawPayload, SourceConnector } from "./connector";
import { createFinmaConnector } from "./finma";
import { createGdeltConnector } from "./gdelt";
import { assertDeclaredUserAgent, HttpError } from "./http";
import { createMastodonConnector, MASTODON_HASHTAG, MASTODON_INSTANCE } from "./mastodon";
import { describeIssues } from "./normalize";
import { createRedditConnector, RedditTokenProvider, SUBREDDIT_NAME, type RedditCredentials } from "./reddit";
import { createRssConnector } from "./rss";
import { createSecCurrentFilingsConnector, createSecSubmissionsConnector, normalizeCik, SEC_FORM } from "./sec-edgar";
import { STOCKTWITS_SYMBOL, createStocktwitsConnector } from "./stocktwits";

/**
 * Which sources a stack reads (from stack config, validated here), the connectors of one channel built from it, and a
 * runner that reads them concurrently with failures isolated per connector.
 */

function uniqueList<T extends z.ZodType>(item: T, max: number) {
    return z
        .array(item)
        .min(1)
        .max(max)
        .refine((list) => new Set(list.map((value) => JSON.stringify(value))).size === list.length, { error: "must not repeat an entry" });
}

const feedUrl = z.httpUrl().max(2048);

export const sourcesConfigSchema = z.strictObject({
    social: z
        .strictObject({
            reddit: z
                .strictObject({
                    subreddits: uniqueList(z.string().regex(SUBREDDIT_NAME, { error: "must be a subreddit name without r/" }), 50),
                    /** Reddit asks for "<platform>:<app id>:<version> (by /u/<username>)". */
                    userAgent: z.string().min(10).max(256).optional(),
                    limit: z.number().int().min(1).max(100).optional(),
                })
                .optional(),
            mastodon: z
                .strictObject({
                    instance: z.string().regex(MASTODON_INSTANCE, { error: "must be a host name such as mastodon.social" }),
                    hashtags: uniqueList(z.string().regex(MASTODON_HASHTAG, { error: "must be a hashtag without #" }), 50),
                    limit: z.number().int().min(1).max(40).optional(),
                })
                .optional(),
            bluesky: z
                .strictObject({
                    queries: uniqueList(z.string().trim().min(1).max(300), 50),
                    limit: z.number().int().min(1).max(100).optional(),
                    appViewUrl: z.httpUrl().optional(),
                })
                .optional(),
            stocktwits: z
                .strictObject({
                    symbols: uniqueList(
                        z.string().regex(STOCKTWITS_SYMBOL, { error: "must be an upper-case symbol such as AAPL or BTC.X" }),
                        100,
                    ),
                })
                .optional(),
        })
        .default({}),
    news: z
        .strictObject({
            rss: z.strictObject({ feeds: uniqueList(feedUrl, 100) }).optional(),
            gdelt: z
                .strictObject({
                    queries: uniqueList(z.string().trim().min(1).max(500), 50),
                    maxRecords: z.number().int().min(1).max(250).optional(),
                    timespan: z
                        .string()
                        .regex(/^\d+(min|h|d|w|m)$/, { error: 'must be a GDELT timespan such as "15min", "2h" or "1d"' })
                        .optional(),
                })
                .optional(),
        })
        .default({}),
    regulatory: z
        .strictObject({
            secEdgar: z
                .strictObject({
                    /** "Company Name admin@company.com", required by the SEC's fair-access policy. */
                    userAgent: z.string().superRefine((value, context) => {
                        try {
                            assertDeclaredUserAgent(value);
                        } catch (error) {
                            context.addIssue({ code: "custom", message: (error as Error).message });
                        }
                    }),
                    forms: uniqueList(z.string().regex(SEC_FORM, { error: "must be an EDGAR form type such as 8-K" }), 20).default(["8-K"]),
                    ciks: z
                        .array(z.string().refine((cik) => normalizeCik(cik) !== undefined, { error: "must be a CIK of 1–10 digits" }))
                        .max(200)
                        .default([]),
                    maxFilingsPerCik: z.number().int().min(1).max(1000).optional(),
                })
                .optional(),
            bafin: z.strictObject({ feeds: uniqueList(feedUrl, 20) }).optional(),
            finma: z.strictObject({ feeds: uniqueList(feedUrl, 20) }).optional(),
        })
        .default({}),
});
export type SourcesConfig = z.output<typeof sourcesConfigSchema>;
export type SourcesConfigInput = z.input<typeof sourcesConfigSchema>;

export class SourcesConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid source configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        this.name = "SourcesConfigError";
    }
}

/** Validates a stack's source configuration; the error names every bad path ("regulatory.secEdgar.userAgent: …"). */
export function parseSourcesConfig(input: unknown): SourcesConfig {
    const result = sourcesConfigSchema.safeParse(input);
    if (result.success) return result.data;
    throw new SourcesConfigError(result.error.issues.map((issue) => describeIssues([issue])));
}

/** Secrets read at run time from Secrets Manager (never from the environment or stack config). */
export interface SourceSecrets {
    reddit?: RedditCredentials;
    /** Optional: without it Bluesky search uses the public AppView, which Bluesky at times closes to anonymous callers. */
    bluesky?: BlueskyCredentials;
}

/** The connectors of one channel. Throws SourcesConfigError when a configured source lacks its secret. */
export function buildConnectors(channel: Channel, config: SourcesConfig, secrets: SourceSecrets = {}): SourceConnector[] {
    const connectors: SourceConnector[] = [];
    if (channel === "social") {
        const { reddit, mastodon, bluesky, stocktwits } = config.social;
        if (reddit) {
            if (!secrets.reddit) throw new SourcesConfigError(["social.reddit: configured, but no Reddit client credentials were passed"]);
            // One token provider for all subreddits: one token request per run, not one per subreddit.
            const tokens = new RedditTokenProvider(secrets.reddit, { userAgent: reddit.userAgent });
            for (const subreddit of reddit.subreddits) {
                connectors.push(createRedditConnector({ subreddit, tokens, limit: reddit.limit, userAgent: reddit.userAgent }));
            }
        }
        if (mastodon) {
            for (const hashtag of mastodon.hashtags)
                connectors.push(createMastodonConnector({ instance: mastodon.instance, hashtag, limit: mastodon.limit }));
        }
        if (bluesky) {
            const session = secrets.bluesky ? new BlueskySession(secrets.bluesky) : undefined;
            for (const query of bluesky.queries) {
                connectors.push(createBlueskyConnector({ query, limit: bluesky.limit, session, appViewUrl: bluesky.appViewUrl }));
            }
        }
        if (stocktwits) for (const symbol of stocktwits.symbols) connectors.push(createStocktwitsConnector({ symbol }));
    } else if (channel === "news") {
        const { rss, gdelt } = config.news;
        if (rss) for (const url of rss.feeds) connectors.push(createRssConnector({ url, kind: "rss", channel: "news" }));
        if (gdelt) {
            for (const query of gdelt.queries) {
                connectors.push(createGdeltConnector({ query, maxRecords: gdelt.maxRecords, timespan: gdelt.timespan }));
            }
        }
    } else {
        const { secEdgar, bafin, finma } = config.regulatory;
        if (secEdgar) {
            for (const form of secEdgar.forms) connectors.push(createSecCurrentFilingsConnector({ userAgent: secEdgar.userAgent, form }));
            for (const cik of secEdgar.ciks) {
                connectors.push(
                    createSecSubmissionsConnector({
                        userAgent: secEdgar.userAgent,
                        cik,
                        forms: secEdgar.forms,
                        maxFilings: secEdgar.maxFilingsPerCik,
                    }),
                );
            }
        }
        if (bafin) for (const url of bafin.feeds) connectors.push(createBafinConnector(url));
        if (finma) for (const url of finma.feeds) connectors.push(createFinmaConnector(url));
    }
    return connectors;
}

// ---------------------------------------------------------------------------------------------------------------------
// Running
// ---------------------------------------------------------------------------------------------------------------------

export interface ConnectorOrigin {
    connectorId: string;
    kind: SourceKind;
    channel: Channel;
}

export interface RawOrigin extends ConnectorOrigin {
    rawIndex: number;
}

/** A parsed item with the payload it came from: rawKey is what storeRaw returned (the signal's rawObjectKey). */
export interface RunItem extends RawOrigin {
    item: SourceItem;
    rawKey?: string;
}

export interface RunRejection extends RawOrigin, ParseRejection {}

export interface RunFailure extends ConnectorOrigin {
    /** Safe to log: names the URL (redacted) and status, never a token. */
    error: string;
    status?: number;
    url?: string;
}

export interface RunResult {
    items: RunItem[];
    rejected: RunRejection[];
    failures: RunFailure[];
    /** Raw payloads read per connector (all stored first when storeRaw is given). */
    payloads: { origin: RawOrigin; raw: RawPayload; rawKey?: string }[];
}

export interface RunOptions {
    /** How many connectors fetch at once; per-host rate limits still apply across them. Default 6. */
    concurrency?: number;
    /**
     * Stores a raw payload and returns its key. Called for every payload of a connector BEFORE any of them is parsed;
     * when it throws, that connector's items are dropped and the connector is reported as a failure.
     */
    storeRaw?: (raw: RawPayload, origin: RawOrigin) => Promise<string>;
}

/**
 * Runs the connectors concurrently. A connector that fails (after the HTTP client's retries) or whose payloads cannot be
 * stored is reported in `failures`; the others' items are returned as usual.
 */
export async function runConnectors(
    connectors: readonly SourceConnector[],
    ctx: FetchContext,
    options: RunOptions = {},
): Promise<RunResult> {
    const result: RunResult = { items: [], rejected: [], failures: [], payloads: [] };
    const concurrency = Math.max(1, options.concurrency ?? 6);
    let next = 0;

    async function runOne(connector: SourceConnector): Promise<void> {
        const origin: ConnectorOrigin = { connectorId: connector.id, kind: connector.kind, channel: connector.channel };
        try {
            const raws = await connector.fetchRaw(ctx);
            const stored: { raw: RawPayload; origin: RawOrigin; rawKey?: string }[] = [];
            for (const [rawIndex, raw] of raws.entries()) {
                const rawOrigin = { ...origin, rawIndex };
                stored.push({ raw, origin: rawOrigin, rawKey: options.storeRaw ? await options.storeRaw(raw, rawOrigin) : undefined });
            }
            for (const { raw, origin: rawOrigin, rawKey } of stored) {
                result.payloads.push({ origin: rawOrigin, raw, rawKey });
                const parsed = connector.parse(raw);
                for (const item of parsed.items) result.items.push({ ...rawOrigin, item, ...(rawKey === undefined ? {} : { rawKey }) });
                for (const rejection of parsed.rejected) result.rejected.push({ ...rawOrigin, ...rejection });
            }
        } catch (error) {
            result.failures.push(describeFailure(origin, error));
        }
    }

    async function worker(): Promise<void> {
        while (next < connectors.length) {
            const connector = connectors[next++]!;
            await runOne(connector);
        }
    }

    await Promise.all(Array.from({ length: Math.min(concurrency, connectors.length) }, () => worker()));
    return result;
}

function describeFailure(origin: ConnectorOrigin, error: unknown): RunFailure {
    if (error instanceof HttpError) {
        return { ...origin, error: error.message, ...(error.status === undefined ? {} : { status: error.status }), url: error.url };
    }
    return { ...origin, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}
