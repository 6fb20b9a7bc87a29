import * as z from "zod";
import type { Channel } from "../domain/signals";
import type { BlueskyCredentials } from "./bluesky";
import type { SourceConnector } from "./connector";
import { assertDeclaredUserAgent } from "./http";
import { describeIssues } from "./normalize";
import { MASTODON_HASHTAG, MASTODON_INSTANCE, normalizeCik, SEC_FORM, STOCKTWITS_SYMBOL, SUBREDDIT_NAME } from "./patterns";
import type { RedditCredentials } from "./reddit";

/**
 * Which sources a stack reads (from stack config, validated here). No connector is imported here: each ingest function
 * imports only its channel's builder (*-sources.ts), so its bundle carries no other channel's code.
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

/** How one channel's connectors are built from the configuration. Throws SourcesConfigError when a source lacks its secret. */
export interface ChannelSources {
    readonly channel: Channel;
    build(config: SourcesConfig, secrets?: SourceSecrets): SourceConnector[];
}
