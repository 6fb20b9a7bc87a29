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
import { clip, decodeEntities, isoFromGdeltDate, normalizeWhitespace, stableId } from "./normalize";

/** GDELT DOC 2.0 article search (ArtList): news articles worldwide matching a query, newest first. */

export const GDELT_DOC_API_URL = "https://api.gdeltproject.org/api/v2/doc/doc";

export interface GdeltConnectorOptions {
    /** GDELT query syntax, e.g. `"Apple Inc" sourcelang:english`. */
    query: string;
    /** 1–250 (GDELT's maximum). */
    maxRecords?: number;
    /** Look-back window in GDELT's form ("15min", "2h", "1d"); GDELT's default is 3 months. */
    timespan?: string;
    apiUrl?: string;
}

export function gdeltArtListUrl(options: GdeltConnectorOptions): string {
    const params = new URLSearchParams({
        query: options.query,
        mode: "ArtList",
        format: "json",
        maxrecords: String(options.maxRecords ?? 75),
    });
    if (options.timespan) params.set("timespan", options.timespan);
    params.set("sort", "DateDesc");
    return `${options.apiUrl ?? GDELT_DOC_API_URL}?${params.toString()}`;
}

export function createGdeltConnector(options: GdeltConnectorOptions): SourceConnector {
    if (options.query.trim() === "") throw new Error("a GDELT query must not be empty");
    const url = gdeltArtListUrl(options);
    return defineConnector({
        kind: "gdelt",
        channel: "news",
        id: `gdelt ${JSON.stringify(options.query)}`,
        async fetchRaw(ctx) {
            return [toRawPayload(await ctx.http.request({ url, headers: { accept: "application/json" }, signal: ctx.signal }))];
        },
        parse: parseGdeltArtList,
    });
}

const articleSchema = z.object({
    url: z.string().check(z.minLength(1)),
    title: z.string(),
    seendate: z.string(),
    domain: z.optional(z.string()),
    language: z.optional(z.string()),
    sourcecountry: z.optional(z.string()),
});

/**
 * ArtList JSON → items; text is the title (ArtList carries no body). GDELT answers a query it rejects with HTTP 200 and
 * a plain-text explanation, and a query without hits with `{}`: the first is a payload rejection, the second no items.
 */
export function parseGdeltArtList(raw: RawPayload): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const envelope = parseEnvelope(z.object({ articles: z.optional(z.array(z.unknown())) }), json.value);
    if (!envelope.ok) return { items: [], rejected: [envelope.rejection] };
    return parseEntries(envelope.value.articles ?? [], {
        path: ["articles"],
        schema: articleSchema,
        ref: (article) => refOf(article, "url"),
        map: (article) => {
            const publishedAt = isoFromGdeltDate(article.seendate);
            // seendate is when GDELT first saw the article: the closest to publication it records.
            if (!publishedAt) return reject("seendate", `${JSON.stringify(article.seendate)} is not GDELT's YYYYMMDDTHHMMSSZ`);
            const title = clip(normalizeWhitespace(decodeEntities(article.title)), 1000);
            if (title === "") return reject("title", "empty");
            return compact({
                channel: "news",
                source: "gdelt",
                sourceItemId: stableId(article.url),
                url: article.url,
                publishedAt,
                title,
                text: title,
            });
        },
    });
}
