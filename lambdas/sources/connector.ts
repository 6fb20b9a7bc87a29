import type * as z from "../zod";
import { sourceItemSchema, type Channel, type SourceItem, type SourceKind } from "../domain/signals";
import type { HttpClient, HttpResponse } from "./http";
import { clip, describeIssues, formatPath } from "./normalize";

/**
 * The one interface of the source connectors. Fetching and parsing are separate steps so that the caller can store
 * every raw payload BEFORE it acts on anything parsed from it (audits, re-parsing after a parser fix, erasure).
 */

/** One response body exactly as received. */
export interface RawPayload {
    /** The URL requested (redacted: no credentials). */
    url: string;
    status: number;
    contentType: string;
    body: string;
    /** ISO time the body was read. */
    fetchedAt: string;
}

export interface FetchContext {
    /** Shared by all connectors of a run, so per-host rate limits hold across them. */
    http: HttpClient;
    /** Aborts every request of the run (e.g. shortly before the Lambda's deadline). */
    signal?: AbortSignal;
}

/** An entry (or a whole payload, without itemRef) that could not become a SourceItem, and why. */
export interface ParseRejection {
    /** Names the field(s) at fault as payload paths, e.g. "data.children[2].data.created_utc: Invalid input: …". */
    reason: string;
    /** The entry's own id where it has one, else its position ("#3"). Absent for payload-level rejections. */
    itemRef?: string;
}

export interface Rejection extends ParseRejection {
    /** Index into the batch's `raw`. */
    rawIndex: number;
}

export interface ParseResult {
    items: SourceItem[];
    rejected: ParseRejection[];
}

export interface SourceBatch {
    raw: RawPayload[];
    items: SourceItem[];
    /** itemRawIndex[i] is the index in `raw` of the payload items[i] was parsed from (the signal's rawObjectKey). */
    itemRawIndex: number[];
    rejected: Rejection[];
}

export interface SourceConnector {
    readonly kind: SourceKind;
    readonly channel: Channel;
    /** What this connector reads, for failures and logs ("reddit r/stocks"); never contains a secret. */
    readonly id: string;
    /** Fetches the payload(s); throws (HttpError, …) when the source cannot be read after the client's retries. */
    fetchRaw(ctx: FetchContext): Promise<RawPayload[]>;
    /** Pure: never throws; a bad payload or entry becomes a rejection, the other entries are still parsed. */
    parse(raw: RawPayload): ParseResult;
    /** fetchRaw then parse, for callers that do not store raw payloads first. */
    fetchBatch(ctx: FetchContext): Promise<SourceBatch>;
}

export type ConnectorSpec = Omit<SourceConnector, "fetchBatch">;

/** Completes a connector with fetchBatch and a parse that turns an unexpected parser exception into a rejection. */
export function defineConnector(spec: ConnectorSpec): SourceConnector {
    const parse = (raw: RawPayload) => safeParse(spec.parse, raw);
    return {
        kind: spec.kind,
        channel: spec.channel,
        id: spec.id,
        fetchRaw: (ctx) => spec.fetchRaw(ctx),
        parse,
        async fetchBatch(ctx) {
            const raw = await spec.fetchRaw(ctx);
            return parseBatch(raw, parse);
        },
    };
}

export function parseBatch(raw: RawPayload[], parse: (raw: RawPayload) => ParseResult): SourceBatch {
    const batch: SourceBatch = { raw, items: [], itemRawIndex: [], rejected: [] };
    raw.forEach((payload, rawIndex) => {
        const result = safeParse(parse, payload);
        for (const item of result.items) {
            batch.items.push(item);
            batch.itemRawIndex.push(rawIndex);
        }
        for (const rejection of result.rejected) batch.rejected.push({ ...rejection, rawIndex });
    });
    return batch;
}

function safeParse(parse: (raw: RawPayload) => ParseResult, raw: RawPayload): ParseResult {
    try {
        return parse(raw);
    } catch (error) {
        // A parser bug must not lose the batch silently: the payload is kept (raw) and reported.
        return { items: [], rejected: [{ reason: `payload: parser failed: ${error instanceof Error ? error.message : String(error)}` }] };
    }
}

export function toRawPayload(response: HttpResponse): RawPayload {
    return {
        url: response.url,
        status: response.status,
        contentType: response.contentType,
        body: response.body,
        fetchedAt: response.fetchedAt,
    };
}

/**
 * A bearer token kept until shortly before it expires; concurrent callers share one token request, and a failed
 * request is not cached.
 */
export class TokenCache {
    private cached: { token: string; expiresAt: number } | undefined;
    private pending: Promise<string> | undefined;

    async get(now: number, requestToken: () => Promise<{ token: string; expiresAt: number }>): Promise<string> {
        if (this.cached && now < this.cached.expiresAt) return this.cached.token;
        this.pending ??= requestToken()
            .then((fresh) => {
                this.cached = fresh;
                return fresh.token;
            })
            .finally(() => {
                this.pending = undefined;
            });
        return this.pending;
    }

    /** Forget the token (the source answered 401: revoked or expired early). */
    invalidate(): void {
        this.cached = undefined;
    }
}

// ---------------------------------------------------------------------------------------------------------------------
// Parsing helpers shared by the connectors.
// ---------------------------------------------------------------------------------------------------------------------

/** What a mapper returns for an entry: an item draft (validated against sourceItemSchema), a rejection, or null to skip. */
export type Mapped = Record<string, unknown> | EntryRejection | null;

const REJECTION = Symbol("rejection");

export interface EntryRejection {
    [REJECTION]: true;
    /** The entry's field at fault, e.g. "data.created_utc". */
    field: string;
    message: string;
}

export function reject(field: string, message: string): EntryRejection {
    return { [REJECTION]: true, field, message };
}

function isRejection(value: Mapped): value is EntryRejection {
    return value !== null && REJECTION in value;
}

/** The body as JSON, or a payload-level rejection naming the problem. */
export function parseJsonPayload(raw: RawPayload): { ok: true; value: unknown } | { ok: false; rejection: ParseRejection } {
    try {
        return { ok: true, value: JSON.parse(raw.body) as unknown };
    } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return {
            ok: false,
            rejection: { reason: `payload: not valid JSON (content-type ${raw.contentType || "none"}): ${clip(detail, 160)}` },
        };
    }
}

/** Validates the payload envelope; entries inside it are validated one by one with `parseEntries`. */
export function parseEnvelope<S extends z.ZodMiniType>(
    schema: S,
    value: unknown,
    prefix: readonly PropertyKey[] = [],
): { ok: true; value: z.output<S> } | { ok: false; rejection: ParseRejection } {
    const result = schema.safeParse(value);
    if (result.success) return { ok: true, value: result.data };
    return { ok: false, rejection: { reason: `payload: ${describeIssues(result.error.issues, prefix)}` } };
}

export interface EntriesSpec<E> {
    /** Where the entries sit in the payload, for reasons ("data.children"). Entry i is at [...path, i]. */
    path: readonly PropertyKey[];
    /** Where a field of entry i sits, when the entries are not a plain array (EDGAR's parallel arrays). */
    locate?: (index: number, fieldPath: readonly PropertyKey[]) => PropertyKey[];
    schema: z.ZodMiniType<E>;
    /** The entry's id for `itemRef`, read from the raw (possibly invalid) entry. */
    ref: (entry: unknown) => string | undefined;
    map: (entry: E, index: number) => Mapped;
}

/** Validates and maps each entry on its own: a bad entry becomes a rejection, the others become items. */
export function parseEntries<E>(entries: readonly unknown[], spec: EntriesSpec<E>): ParseResult {
    const result: ParseResult = { items: [], rejected: [] };
    entries.forEach((entry, index) => {
        const itemRef = spec.ref(entry) ?? `#${index}`;
        const locate = (fieldPath: readonly PropertyKey[]) =>
            spec.locate ? spec.locate(index, fieldPath) : [...spec.path, index, ...fieldPath];
        const checked = spec.schema.safeParse(entry);
        if (!checked.success) {
            result.rejected.push({ reason: describeIssues(checked.error.issues, locate), itemRef });
            return;
        }
        const mapped = spec.map(checked.data, index);
        if (mapped === null) return;
        if (isRejection(mapped)) {
            result.rejected.push({ reason: `${formatPath(locate([mapped.field]))}: ${mapped.message}`, itemRef });
            return;
        }
        const item = sourceItemSchema.safeParse(mapped);
        if (!item.success) {
            result.rejected.push({ reason: `${formatPath(locate([]))} → SourceItem ${describeIssues(item.error.issues)}`, itemRef });
            return;
        }
        result.items.push(item.data);
    });
    return result;
}

/** A string id from common id fields of a raw entry, for itemRef. */
export function refOf(entry: unknown, ...keys: string[]): string | undefined {
    if (typeof entry !== "object" || entry === null) return undefined;
    for (const key of keys) {
        const value = (entry as Record<string, unknown>)[key];
        if (typeof value === "string" && value !== "") return clip(value, 256);
        if (typeof value === "number" && Number.isFinite(value)) return String(value);
    }
    return undefined;
}

/** Drops undefined fields so that strict-object validation and deep equality see only what the source gave. */
export function compact<T extends Record<string, unknown>>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
