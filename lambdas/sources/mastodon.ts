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
    type ParseResult,
    type RawPayload,
    type SourceConnector,
} from "./connector";
import { clip, extractCashtags, htmlToText, isoFromIso8601 } from "./normalize";
import { MASTODON_HASHTAG, MASTODON_INSTANCE } from "./patterns";

/** Mastodon's public hashtag timeline (no authentication on instances that keep it public). */

export { MASTODON_HASHTAG, MASTODON_INSTANCE };

export interface MastodonConnectorOptions {
    /** Host name only, e.g. "mastodon.social". */
    instance: string;
    /** Without "#". */
    hashtag: string;
    /** 1–40; the API's maximum page. */
    limit?: number;
}

export function mastodonTagUrl(instance: string, hashtag: string, limit = 40): string {
    return `https://${instance}/api/v1/timelines/tag/${encodeURIComponent(hashtag)}?limit=${limit}`;
}

export function createMastodonConnector(options: MastodonConnectorOptions): SourceConnector {
    if (!MASTODON_INSTANCE.test(options.instance)) throw new Error(`not an instance host name: ${JSON.stringify(options.instance)}`);
    if (!MASTODON_HASHTAG.test(options.hashtag)) throw new Error(`not a hashtag (letters, digits, _): ${JSON.stringify(options.hashtag)}`);
    const url = mastodonTagUrl(options.instance, options.hashtag, options.limit ?? 40);
    return defineConnector({
        kind: "mastodon",
        channel: "social",
        id: `mastodon ${options.instance} #${options.hashtag}`,
        async fetchRaw(ctx) {
            return [toRawPayload(await ctx.http.request({ url, headers: { accept: "application/json" }, signal: ctx.signal }))];
        },
        parse: parseMastodonTimeline,
    });
}

const count = z.number().check(z.int(), z.nonnegative());

const statusSchema = z.object({
    id: z.string().check(z.minLength(1)),
    uri: z.string().check(z.minLength(1)),
    url: z.optional(z.nullable(z.string())),
    created_at: z.string(),
    content: z.string(),
    spoiler_text: z.optional(z.string()),
    account: z.object({ acct: z.string().check(z.minLength(1)) }),
    favourites_count: count,
    reblogs_count: count,
    replies_count: count,
});

/**
 * A tag timeline (a JSON array of statuses) → items. The id is the status URI, the same on every instance (the numeric
 * id is local to the instance that served it). A local account's acct has no domain: the serving instance is added so
 * that the same handle on two instances never looks like one person.
 */
export function parseMastodonTimeline(raw: RawPayload): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const statuses = parseEnvelope(z.array(z.unknown()), json.value);
    if (!statuses.ok) return { items: [], rejected: [statuses.rejection] };
    let instance: string | undefined;
    try {
        instance = new URL(raw.url).hostname;
    } catch {
        instance = undefined;
    }
    return parseEntries(statuses.value, {
        path: [],
        schema: statusSchema,
        ref: (status) => refOf(status, "uri", "id"),
        map: (status) => {
            const publishedAt = isoFromIso8601(status.created_at);
            if (!publishedAt) return reject("created_at", `${JSON.stringify(status.created_at)} is not an ISO 8601 date-time`);
            const body = htmlToText(status.content);
            const warning = status.spoiler_text ? htmlToText(status.spoiler_text) : "";
            const text = [warning, body].filter((part) => part !== "").join("\n\n");
            if (text === "") return reject("content", "empty (a status with media only)");
            const acct =
                status.account.acct.includes("@") || instance === undefined ? status.account.acct : `${status.account.acct}@${instance}`;
            const symbols = extractCashtags(text);
            return compact({
                channel: "social",
                source: "mastodon",
                sourceItemId: status.uri,
                url: status.url ?? status.uri,
                publishedAt,
                text: clip(text, 20_000),
                author: acct,
                engagement: { likes: status.favourites_count, replies: status.replies_count, shares: status.reblogs_count },
                symbols: symbols.length > 0 ? symbols : undefined,
            });
        },
    });
}
