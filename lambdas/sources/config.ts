import * as z from "../zod";
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

function uniqueList<T extends z.ZodMiniType>(item: T, max: number) {
    return z.array(item).check(
        z.minLength(1),
        z.maxLength(max),
        z.refine((list) => new Set(list.map((value) => JSON.stringify(value))).size === list.length, { error: "must not repeat an entry" }),
    );
}

const feedUrl = z.httpUrl().check(z.maxLength(2048));

export const sourcesConfigSchema = z.strictObject({
    social: z._default(
        z.strictObject({
            reddit: z.optional(
                z.strictObject({
                    subreddits: uniqueList(z.string().check(z.regex(SUBREDDIT_NAME, { error: "must be a subreddit name without r/" })), 50),
                    /** Reddit asks for "<platform>:<app id>:<version> (by /u/<username>)". */
                    userAgent: z.optional(z.string().check(z.minLength(10), z.maxLength(256))),
                    limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
                }),
            ),
            mastodon: z.optional(
                z.strictObject({
                    instance: z.string().check(z.regex(MASTODON_INSTANCE, { error: "must be a host name such as mastodon.social" })),
                    hashtags: uniqueList(z.string().check(z.regex(MASTODON_HASHTAG, { error: "must be a hashtag without #" })), 50),
                    limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(40))),
                }),
            ),
            bluesky: z.optional(
                z.strictObject({
                    queries: uniqueList(z.string().check(z.trim(), z.minLength(1), z.maxLength(300)), 50),
                    limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(100))),
                    appViewUrl: z.optional(z.httpUrl()),
                }),
            ),
            stocktwits: z.optional(
                z.strictObject({
                    symbols: uniqueList(
                        z.string().check(z.regex(STOCKTWITS_SYMBOL, { error: "must be an upper-case symbol such as AAPL or BTC.X" })),
                        100,
                    ),
                }),
            ),
        }),
        {},
    ),
    news: z._default(
        z.strictObject({
            rss: z.optional(z.strictObject({ feeds: uniqueList(feedUrl, 100) })),
            gdelt: z.optional(
                z.strictObject({
                    queries: uniqueList(z.string().check(z.trim(), z.minLength(1), z.maxLength(500)), 50),
                    maxRecords: z.optional(z.number().check(z.int(), z.gte(1), z.lte(250))),
                    timespan: z.optional(
                        z
                            .string()
                            .check(z.regex(/^\d+(min|h|d|w|m)$/, { error: 'must be a GDELT timespan such as "15min", "2h" or "1d"' })),
                    ),
                }),
            ),
        }),
        {},
    ),
    regulatory: z._default(
        z.strictObject({
            secEdgar: z.optional(
                z.strictObject({
                    /** "Company Name admin@company.com", required by the SEC's fair-access policy. */
                    userAgent: z.string().check(
                        z.superRefine((value, context) => {
                            try {
                                assertDeclaredUserAgent(value);
                            } catch (error) {
                                context.addIssue({ code: "custom", message: (error as Error).message });
                            }
                        }),
                    ),
                    forms: z._default(
                        uniqueList(z.string().check(z.regex(SEC_FORM, { error: "must be an EDGAR form type such as 8-K" })), 20),
                        ["8-K"],
                    ),
                    ciks: z._default(
                        z
                            .array(
                                z
                                    .string()
                                    .check(z.refine((cik) => normalizeCik(cik) !== undefined, { error: "must be a CIK of 1–10 digits" })),
                            )
                            .check(z.maxLength(200)),
                        [],
                    ),
                    maxFilingsPerCik: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
                }),
            ),
            bafin: z.optional(z.strictObject({ feeds: uniqueList(feedUrl, 20) })),
            finma: z.optional(z.strictObject({ feeds: uniqueList(feedUrl, 20) })),
        }),
        {},
    ),
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
