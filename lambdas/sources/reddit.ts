import * as z from "../zod";
import {
    compact,
    defineConnector,
    parseEntries,
    parseEnvelope,
    parseJsonPayload,
    refOf,
    reject,
    toRawPayload,
    TokenCache,
    type FetchContext,
    type ParseResult,
    type RawPayload,
    type SourceConnector,
} from "./connector";
import { HttpError } from "./http";
import { clip, extractCashtags, isoFromEpochSeconds } from "./normalize";
import { SUBREDDIT_NAME } from "./patterns";

/**
 * Reddit through its OAuth API with an app-only token (client credentials). The token response is never kept as a raw
 * payload: it carries the bearer token.
 */

export const REDDIT_TOKEN_URL = "https://www.reddit.com/api/v1/access_token";
export const REDDIT_API_URL = "https://oauth.reddit.com";

/** From the provider secret, never from the environment. */
export interface RedditCredentials {
    clientId: string;
    clientSecret: string;
}

export { SUBREDDIT_NAME };

const tokenResponseSchema = z.object({
    access_token: z.string().check(z.minLength(1)),
    token_type: z.string().check(z.regex(/^bearer$/i)),
    expires_in: z.number().check(z.positive()),
});

export interface RedditTokenProviderOptions {
    tokenUrl?: string;
    /** Reddit asks for "<platform>:<app id>:<version> (by /u/<username>)"; the client's default is used when absent. */
    userAgent?: string;
    /** Renew this long before the token expires, so a request never carries a token that expires in flight. */
    refreshMarginMs?: number;
}

/** The app-only token, cached until shortly before it expires (Reddit's last one day). */
export class RedditTokenProvider {
    private readonly cache = new TokenCache();

    constructor(
        private readonly credentials: RedditCredentials,
        private readonly options: RedditTokenProviderOptions = {},
    ) {
        if (credentials.clientId.trim() === "" || credentials.clientSecret.trim() === "") {
            throw new Error("Reddit credentials need a non-empty client id and client secret");
        }
    }

    token(ctx: FetchContext): Promise<string> {
        return this.cache.get(ctx.http.now(), () => this.requestToken(ctx));
    }

    invalidate(): void {
        this.cache.invalidate();
    }

    private async requestToken(ctx: FetchContext): Promise<{ token: string; expiresAt: number }> {
        const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`, "utf8").toString("base64");
        const response = await ctx.http.request({
            url: this.options.tokenUrl ?? REDDIT_TOKEN_URL,
            method: "POST",
            headers: {
                authorization: `Basic ${basic}`,
                "content-type": "application/x-www-form-urlencoded",
                accept: "application/json",
                ...(this.options.userAgent ? { "user-agent": this.options.userAgent } : {}),
            },
            body: "grant_type=client_credentials",
            signal: ctx.signal,
        });
        let json: unknown;
        try {
            json = JSON.parse(response.body);
        } catch {
            // JSON.parse quotes the input in its message; the input here may hold the token.
            throw new Error(`Reddit token response from ${response.url} is not JSON`);
        }
        const parsed = tokenResponseSchema.safeParse(json);
        if (!parsed.success) {
            // Reddit answers some bad requests with 200 {"error": "..."}: say which fields are missing, never echo values.
            const fields = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
            throw new Error(`Reddit token response from ${response.url} lacks a valid ${fields}`);
        }
        const refreshMarginMs = this.options.refreshMarginMs ?? 60_000;
        const lifetimeMs = parsed.data.expires_in * 1000;
        return {
            token: parsed.data.access_token,
            expiresAt: ctx.http.now() + Math.max(lifetimeMs - refreshMarginMs, lifetimeMs / 2),
        };
    }
}

export interface RedditConnectorOptions {
    subreddit: string;
    tokens: RedditTokenProvider;
    /** 1–100; Reddit's maximum page. */
    limit?: number;
    userAgent?: string;
    apiBaseUrl?: string;
}

export function redditListingUrl(subreddit: string, limit = 100, apiBaseUrl = REDDIT_API_URL): string {
    return `${apiBaseUrl}/r/${encodeURIComponent(subreddit)}/new?limit=${limit}&raw_json=1`;
}

export function createRedditConnector(options: RedditConnectorOptions): SourceConnector {
    if (!SUBREDDIT_NAME.test(options.subreddit)) throw new Error(`not a subreddit name: ${JSON.stringify(options.subreddit)}`);
    const limit = options.limit ?? 100;
    const url = redditListingUrl(options.subreddit, limit, options.apiBaseUrl);

    async function get(ctx: FetchContext) {
        const token = await options.tokens.token(ctx);
        return ctx.http.request({
            url,
            headers: {
                authorization: `bearer ${token}`,
                accept: "application/json",
                ...(options.userAgent ? { "user-agent": options.userAgent } : {}),
            },
            signal: ctx.signal,
        });
    }

    return defineConnector({
        kind: "reddit",
        channel: "social",
        id: `reddit r/${options.subreddit}`,
        async fetchRaw(ctx) {
            try {
                return [toRawPayload(await get(ctx))];
            } catch (error) {
                if (!(error instanceof HttpError) || error.status !== 401) throw error;
                // Revoked or expired before our margin: one fresh token, one more try.
                options.tokens.invalidate();
                return [toRawPayload(await get(ctx))];
            }
        },
        parse: parseRedditListing,
    });
}

const listingSchema = z.object({
    kind: z.literal("Listing"),
    data: z.object({ children: z.array(z.unknown()) }),
});

const postSchema = z.object({
    kind: z.literal("t3"),
    data: z.object({
        id: z.string().check(z.minLength(1)),
        name: z.string().check(z.regex(/^t3_[a-z0-9]+$/)),
        title: z.string(),
        selftext: z._default(z.optional(z.string()), ""),
        author: z.string().check(z.minLength(1)),
        created_utc: z.number(),
        permalink: z.string().check(z.startsWith("/")),
        url: z.optional(z.string()),
        score: z.number().check(z.int()),
        num_comments: z.number().check(z.int(), z.nonnegative()),
        num_crossposts: z.optional(z.number().check(z.int(), z.nonnegative())),
        subreddit: z.string().check(z.minLength(1)),
    }),
});

// Placeholders Reddit puts where a body or author used to be.
const GONE = new Set(["[deleted]", "[removed]"]);

/** A /r/{subreddit}/new listing → one item per post, keyed by its fullname (t3_…). */
export function parseRedditListing(raw: RawPayload): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const listing = parseEnvelope(listingSchema, json.value);
    if (!listing.ok) return { items: [], rejected: [listing.rejection] };
    return parseEntries(listing.value.data.children, {
        path: ["data", "children"],
        schema: postSchema,
        ref: (child) => refOf((child as { data?: unknown } | null)?.data, "name", "id"),
        map: ({ data: post }) => {
            const publishedAt = isoFromEpochSeconds(post.created_utc);
            if (!publishedAt) return reject("data.created_utc", `${post.created_utc} is not a Unix time`);
            const title = clip(post.title.trim(), 1000);
            const body = GONE.has(post.selftext.trim()) ? "" : post.selftext.trim();
            const symbols = extractCashtags(`${title}\n${body}`);
            return compact({
                channel: "social",
                source: "reddit",
                sourceItemId: post.name,
                url: `https://www.reddit.com${post.permalink}`,
                publishedAt,
                title,
                // Link posts have no body: the title is the text.
                text: clip(body || title, 20_000),
                author: GONE.has(post.author) ? undefined : post.author,
                engagement: compact({
                    likes: Math.max(0, post.score),
                    replies: post.num_comments,
                    shares: post.num_crossposts,
                }),
                symbols: symbols.length > 0 ? symbols : undefined,
            });
        },
    });
}
