import * as z from "../zod";
import type { Channel, SourceKind } from "../domain/signals";
import {
    compact,
    defineConnector,
    parseEntries,
    reject,
    toRawPayload,
    type ParseResult,
    type RawPayload,
    type SourceConnector,
} from "./connector";
import { redactUrl } from "./http";
import { clip, htmlToText, isoFromFeedDate, stableId } from "./normalize";
import { childElements, describeXmlError, ownText, readXml, type XmlElement } from "../shared/xml";

/**
 * RSS 2.0, RSS 1.0 (RDF) and Atom feeds. Used for news feeds and, configured with their own kind and the regulatory
 * channel, for the BaFin and FINMA feeds (bafin.ts, finma.ts).
 */

export type FeedKind = Extract<SourceKind, "rss" | "bafin" | "finma">;

export interface FeedOptions {
    kind?: FeedKind;
    channel?: Channel;
    /**
     * Feeds without a guid (BaFin's) are keyed by their link; "strip-query" drops the query, fragment and ;jsessionid so
     * that the same article reached with another tracking parameter keeps one id.
     */
    linkId?: "as-is" | "strip-query";
}

export interface RssConnectorOptions extends FeedOptions {
    url: string;
}

export function createRssConnector(options: RssConnectorOptions): SourceConnector {
    const url = new URL(options.url);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`a feed URL must be http(s): ${options.url}`);
    const kind = options.kind ?? "rss";
    return defineConnector({
        kind,
        channel: options.channel ?? (kind === "rss" ? "news" : "regulatory"),
        // Some feed URLs carry an API key in the query: the id goes to logs, so it is redacted.
        id: `${kind} ${redactUrl(url)}`,
        async fetchRaw(ctx) {
            const response = await ctx.http.request({
                url: url.toString(),
                headers: { accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1" },
                signal: ctx.signal,
            });
            return [toRawPayload(response)];
        },
        parse: (raw) => parseFeed(raw, options),
    });
}

const ARRAY_PATHS = new Set(["rss.channel.item", "feed.entry", "feed.entry.link", "rdf:RDF.item", "rss.channel.item.category"]);

/**
 * The document as plain values, the shape the field readers below take: an element with neither attributes nor child
 * elements is its trimmed text ("" when empty); any other is an object of `@_<attribute>` strings, child elements by
 * qualified name (repeated ones, and those on ARRAY_PATHS, as arrays) and its own text as `#text` when there is some.
 * Values are never converted: ids such as "12345" or "0001" stay strings. Entities are decoded by htmlToText after
 * stripping markup, so "&lt;b&gt;" in a title stays text.
 */
function toValue(element: XmlElement, path: string): unknown {
    const attributes = Object.entries(element.attributes);
    const children = childElements(element);
    const text = ownText(element).trim();
    if (attributes.length === 0 && children.length === 0) return text;
    // No prototype: an element or attribute named __proto__ is just a key.
    const value: Record<string, unknown> = Object.create(null);
    for (const [name, attribute] of attributes) value[`@_${name}`] = attribute;
    for (const child of children) {
        const childPath = `${path}.${child.name}`;
        const childValue = toValue(child, childPath);
        const existing = value[child.name];
        if (Array.isArray(existing)) existing.push(childValue);
        else if (existing !== undefined) value[child.name] = [existing, childValue];
        else value[child.name] = ARRAY_PATHS.has(childPath) ? [childValue] : childValue;
    }
    if (text !== "") value["#text"] = text;
    return value;
}

/** Text content of a parsed XML node: a string, a {"#text"} object, or nothing. */
function textOf(node: unknown): string | undefined {
    if (typeof node === "string") return node;
    if (typeof node === "number" || typeof node === "boolean") return String(node);
    if (Array.isArray(node)) return textOf(node[0]);
    if (node !== null && typeof node === "object") {
        const text = (node as Record<string, unknown>)["#text"];
        if (typeof text === "string" || typeof text === "number") return String(text);
    }
    return undefined;
}

function attrOf(node: unknown, name: string): string | undefined {
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
        const value = (node as Record<string, unknown>)[`@_${name}`];
        return typeof value === "string" ? value : undefined;
    }
    return undefined;
}

/** Atom: the rel="alternate" (or rel-less) link's href, else the first href. */
function atomLink(links: unknown): string | undefined {
    const list = Array.isArray(links) ? links : links === undefined ? [] : [links];
    const alternate = list.find((link) => (attrOf(link, "rel") ?? "alternate") === "alternate" && attrOf(link, "href"));
    return attrOf(alternate, "href") ?? list.map((link) => attrOf(link, "href")).find((href) => href !== undefined);
}

/** The fields every feed format yields, as strings; the schema below says which are required. */
const entrySchema = z.object({
    id: z.optional(z.string()),
    link: z.optional(z.string()),
    title: z.optional(z.string()),
    date: z.string({ error: "missing (no pubDate, dc:date, published or updated)" }),
    body: z.optional(z.string()),
    author: z.optional(z.string()),
});
type Entry = z.infer<typeof entrySchema>;

function rssEntry(item: Record<string, unknown>): Partial<Entry> {
    return {
        id: textOf(item["guid"]),
        link: textOf(item["link"]),
        title: textOf(item["title"]),
        date: textOf(item["pubDate"]) ?? textOf(item["dc:date"]),
        body: textOf(item["content:encoded"]) ?? textOf(item["description"]),
        author: textOf(item["dc:creator"]) ?? textOf(item["author"]),
    };
}

function atomEntry(entry: Record<string, unknown>): Partial<Entry> {
    const author = entry["author"];
    return {
        id: textOf(entry["id"]),
        link: atomLink(entry["link"]),
        title: textOf(entry["title"]),
        date: textOf(entry["published"]) ?? textOf(entry["updated"]),
        body: textOf(entry["content"]) ?? textOf(entry["summary"]),
        author: textOf((Array.isArray(author) ? author[0] : (author as Record<string, unknown> | undefined))?.["name"]),
    };
}

function asObjects(value: unknown): Record<string, unknown>[] {
    const list = Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value];
    // An empty element (<item/>) parses to "": keep it so that it is reported, not skipped.
    return list.map((entry) => (entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {}));
}

/** Reads the feed document; a payload that is not a well-formed RSS/Atom document is one payload-level rejection. */
export interface FeedDocument {
    ok: true;
    /** Where the entries sit: rss.channel.item, feed.entry or rdf:RDF.item. */
    path: string[];
    entries: Partial<Entry>[];
    /** Locates a normalised entry field as the format names it (date → pubDate in RSS, updated in Atom), for reasons. */
    locate: (index: number, fieldPath: readonly PropertyKey[]) => PropertyKey[];
}

const RSS_FIELDS: Record<string, string> = { id: "guid", date: "pubDate", body: "description", author: "dc:creator" };
const ATOM_FIELDS: Record<string, string> = { date: "updated", body: "summary", author: "author.name" };

function locator(path: string[], names: Record<string, string>) {
    return (index: number, fieldPath: readonly PropertyKey[]) => [
        ...path,
        index,
        ...fieldPath.map((segment) => (typeof segment === "string" ? (names[segment] ?? segment) : segment)),
    ];
}

export function readFeed(raw: RawPayload): FeedDocument | { ok: false; reason: string } {
    if (raw.body.trim() === "") return { ok: false, reason: "payload: empty body" };
    const xml = readXml(raw.body);
    if (!xml.ok) return { ok: false, reason: `payload: not well-formed XML: ${describeXmlError(xml.error)}` };
    const doc: Record<string, unknown> = { [xml.root.name]: toValue(xml.root, xml.root.name) };
    const rss = doc["rss"] as Record<string, unknown> | undefined;
    if (rss !== undefined) {
        const channel = rss["channel"];
        if (channel === null || typeof channel !== "object") return { ok: false, reason: "payload: rss.channel: missing" };
        const path = ["rss", "channel", "item"];
        return {
            ok: true,
            path,
            entries: asObjects((channel as Record<string, unknown>)["item"]).map(rssEntry),
            locate: locator(path, RSS_FIELDS),
        };
    }
    const feed = doc["feed"];
    if (feed !== undefined) {
        const entries = feed !== null && typeof feed === "object" ? (feed as Record<string, unknown>)["entry"] : undefined;
        const path = ["feed", "entry"];
        return { ok: true, path, entries: asObjects(entries).map(atomEntry), locate: locator(path, ATOM_FIELDS) };
    }
    const rdf = doc["rdf:RDF"];
    if (rdf !== undefined) {
        const items = rdf !== null && typeof rdf === "object" ? (rdf as Record<string, unknown>)["item"] : undefined;
        const path = ["rdf:RDF", "item"];
        return { ok: true, path, entries: asObjects(items).map(rssEntry), locate: locator(path, { ...RSS_FIELDS, date: "dc:date" }) };
    }
    return { ok: false, reason: `payload: root element ${xml.root.name} is neither rss, feed (Atom) nor rdf:RDF` };
}

function stripQuery(link: string): string {
    return link.replace(/[?#].*$/, "").replace(/;jsessionid=[^/?#]*/i, "");
}

/** An RSS/Atom payload → items. An entry without a usable link, id or date is rejected; the others are kept. */
export function parseFeed(raw: RawPayload, options: FeedOptions = {}): ParseResult {
    const feed = readFeed(raw);
    if (!feed.ok) return { items: [], rejected: [{ reason: feed.reason }] };
    const kind = options.kind ?? "rss";
    const channel = options.channel ?? (kind === "rss" ? "news" : "regulatory");
    return parseEntries(feed.entries, {
        path: feed.path,
        locate: feed.locate,
        schema: entrySchema,
        ref: (entry) => {
            const e = entry as Partial<Entry>;
            return e.id ?? e.link ?? (e.title ? clip(e.title, 256) : undefined);
        },
        map: (entry) => {
            const publishedAt = isoFromFeedDate(entry.date);
            if (!publishedAt)
                return reject("date", `${JSON.stringify(clip(entry.date, 80))} is neither an RFC 822 nor an ISO 8601 date-time`);
            let url: string | undefined;
            const href = entry.link ?? (entry.id && /^https?:\/\//i.test(entry.id) ? entry.id : undefined);
            if (href !== undefined) {
                try {
                    // Relative links are resolved against the feed's own URL.
                    url = new URL(href.trim(), raw.url).toString();
                } catch {
                    return reject("link", `${JSON.stringify(clip(href, 120))} is not a URL`);
                }
            }
            if (url === undefined) return reject("link", "missing (no link, and the id is not a URL)");
            const id = entry.id?.trim() || (options.linkId === "strip-query" ? stripQuery(url) : url);
            const title = entry.title ? clip(htmlToText(entry.title), 1000) : undefined;
            const body = entry.body ? htmlToText(entry.body) : "";
            const author = entry.author ? clip(htmlToText(entry.author), 256) : undefined;
            return compact({
                channel,
                source: kind,
                sourceItemId: stableId(id),
                url,
                publishedAt,
                title: title || undefined,
                text: clip(body || title || "", 20_000),
                author: author || undefined,
            });
        },
    });
}
