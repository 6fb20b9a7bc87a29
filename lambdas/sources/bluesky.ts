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
import { clip, extractCashtags, isoFromIso8601 } from "./normalize";

/**
 * Bluesky post search (app.bsky.feed.searchPosts). Without credentials it asks the public AppView; Bluesky has repeatedly
 * switched unauthenticated search off (403) under bot load, so with an app password it signs in to the PDS instead,
 * which proxies the same query with a session token.
 */

export const BLUESKY_PUBLIC_APPVIEW = "https://public.api.bsky.app";
export const BLUESKY_DEFAULT_SERVICE = "https://bsky.social";

/** An app password (Settings → App passwords), from the provider secret. Never the account password. */
export interface BlueskyCredentials {
    identifier: string;
    appPassword: string;
}

const sessionSchema = z.object({ accessJwt: z.string().check(z.minLength(1)) });

/** The session's access JWT, cached until shortly before its `exp`. */
export class BlueskySession {
    private readonly cache = new TokenCache();

    constructor(
        private readonly credentials: BlueskyCredentials,
        readonly service: string = BLUESKY_DEFAULT_SERVICE,
    ) {
        if (credentials.identifier.trim() === "" || credentials.appPassword.trim() === "") {
            throw new Error("Bluesky credentials need a non-empty identifier and app password");
        }
    }

    token(ctx: FetchContext): Promise<string> {
        return this.cache.get(ctx.http.now(), () => this.createSession(ctx));
    }

    invalidate(): void {
        this.cache.invalidate();
    }

    private async createSession(ctx: FetchContext): Promise<{ token: string; expiresAt: number }> {
        const response = await ctx.http.request({
            url: `${this.service}/xrpc/com.atproto.server.createSession`,
            method: "POST",
            headers: { "content-type": "application/json", accept: "application/json" },
            body: JSON.stringify({ identifier: this.credentials.identifier, password: this.credentials.appPassword }),
            signal: ctx.signal,
        });
        let json: unknown;
        try {
            json = JSON.parse(response.body);
        } catch {
            throw new Error(`Bluesky createSession response from ${response.url} is not JSON`);
        }
        const session = sessionSchema.safeParse(json);
        if (!session.success) throw new Error(`Bluesky createSession response from ${response.url} lacks accessJwt`);
        const now = ctx.http.now();
        const exp = jwtExpiry(session.data.accessJwt);
        // Renew a minute early; without a readable exp assume 15 minutes (access tokens live longer).
        const expiresAt = exp === undefined ? now + 15 * 60_000 : Math.max(now, exp - 60_000);
        return { token: session.data.accessJwt, expiresAt };
    }
}

/** The `exp` claim (epoch ms) of a JWT, read without verification: only used to know when to renew. */
export function jwtExpiry(jwt: string): number | undefined {
    const payload = jwt.split(".")[1];
    if (payload === undefined) return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { exp?: unknown };
        return typeof claims.exp === "number" && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
    } catch {
        return undefined;
    }
}

export interface BlueskyConnectorOptions {
    query: string;
    /** 1–100. */
    limit?: number;
    /** With a session, the search goes through session.service; else through appViewUrl. */
    session?: BlueskySession;
    appViewUrl?: string;
}

export function blueskySearchUrl(baseUrl: string, query: string, limit = 50): string {
    const params = new URLSearchParams({ q: query, limit: String(limit), sort: "latest" });
    return `${baseUrl}/xrpc/app.bsky.feed.searchPosts?${params.toString()}`;
}

export function createBlueskyConnector(options: BlueskyConnectorOptions): SourceConnector {
    if (options.query.trim() === "") throw new Error("a Bluesky search query must not be empty");
    const { session } = options;
    const url = blueskySearchUrl(
        session ? session.service : (options.appViewUrl ?? BLUESKY_PUBLIC_APPVIEW),
        options.query,
        options.limit ?? 50,
    );

    async function get(ctx: FetchContext) {
        const headers: Record<string, string> = { accept: "application/json" };
        if (session) headers["authorization"] = `Bearer ${await session.token(ctx)}`;
        return ctx.http.request({ url, headers, signal: ctx.signal });
    }

    return defineConnector({
        kind: "bluesky",
        channel: "social",
        id: `bluesky search ${JSON.stringify(options.query)}`,
        async fetchRaw(ctx) {
            try {
                return [toRawPayload(await get(ctx))];
            } catch (error) {
                if (!session || !(error instanceof HttpError) || (error.status !== 401 && error.status !== 400)) throw error;
                // An expired session token is answered 400 ExpiredToken or 401: sign in again once.
                session.invalidate();
                return [toRawPayload(await get(ctx))];
            }
        },
        parse: parseBlueskySearch,
    });
}

const POST_URI = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\/app\.bsky\.feed\.post\/([A-Za-z0-9._~:-]{1,512})$/;
const count = z.optional(z.number().check(z.int(), z.nonnegative()));

const postViewSchema = z.object({
    uri: z.string().check(z.regex(POST_URI, { error: "must be an at:// URI of an app.bsky.feed.post record" })),
    cid: z.string().check(z.minLength(1)),
    author: z.object({
        did: z.string().check(z.regex(/^did:[a-z]+:[A-Za-z0-9._:%-]+$/)),
        handle: z.string().check(z.regex(/^[A-Za-z0-9.-]{1,253}$/, { error: "must be a domain-name handle" })),
    }),
    record: z.object({ text: z.string(), createdAt: z.string() }),
    likeCount: count,
    replyCount: count,
    repostCount: count,
});

/** searchPosts output → items keyed by the post's at:// URI, linked to its bsky.app page. */
export function parseBlueskySearch(raw: RawPayload): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const envelope = parseEnvelope(z.object({ posts: z.array(z.unknown()) }), json.value);
    if (!envelope.ok) return { items: [], rejected: [envelope.rejection] };
    return parseEntries(envelope.value.posts, {
        path: ["posts"],
        schema: postViewSchema,
        ref: (post) => refOf(post, "uri", "cid"),
        map: (post) => {
            // createdAt is what the author's client claims; indexedAt would be the AppView's time, not the post's.
            const publishedAt = isoFromIso8601(post.record.createdAt);
            if (!publishedAt) return reject("record.createdAt", `${JSON.stringify(post.record.createdAt)} is not an ISO 8601 date-time`);
            const [, did, rkey] = POST_URI.exec(post.uri)!;
            // A handle that failed verification is shown as "handle.invalid"; the DID always resolves.
            const profile = post.author.handle === "handle.invalid" ? did! : post.author.handle;
            const text = post.record.text.trim();
            if (text === "") return reject("record.text", "empty (a post with media only)");
            const symbols = extractCashtags(text);
            return compact({
                channel: "social",
                source: "bluesky",
                sourceItemId: post.uri,
                // Handle, DID and rkey are checked above to contain only URL path characters.
                url: `https://bsky.app/profile/${profile}/post/${rkey!}`,
                publishedAt,
                text: clip(text, 20_000),
                author: post.author.handle === "handle.invalid" ? post.author.did : post.author.handle,
                engagement: compact({ likes: post.likeCount, replies: post.replyCount, shares: post.repostCount }),
                symbols: symbols.length > 0 ? symbols : undefined,
            });
        },
    });
}
