import type { Channel, Signal, SourceItem, SourceKind, TrackedEntity } from "./signals";
import type { SignalKey } from "./values";

/**
 * Turns a matched source item into the signals to store, one per matched asset, and names the raw payload's S3 key.
 * Keys of the signals table: pk `ASSET#yyyymmdd` (UTC day of publication), sk `publishedAt#agent#sourceId` with
 * publishedAt normalised to UTC ISO with milliseconds, so that sort keys order by time whatever offset the source used.
 */

export interface ToSignalsOptions {
    now: Date;
    /** Days the signal stays in the table before DynamoDB TTL removes it. */
    retentionDays: number;
    /** S3 key of the raw payload (see `rawObjectKey`). */
    rawObjectKey: string;
    /** Keyed pseudonym of the author; the handle itself is never stored. */
    authorPseudonym?: string;
}

const SECONDS_PER_DAY = 86_400;
/** DynamoDB's limit on a sort key is 1024 bytes; the table's key schema (signalKeySchema) allows 512 characters. */
export const MAX_SORT_KEY_LENGTH = 512;

/** `<channel>.<source>`, e.g. `social.reddit`. */
export function agentOf(channel: Channel, source: SourceKind): string {
    return `${channel}.${source}`;
}

/** `<source>:<sourceItemId>` — the dedup key, kept verbatim (the sort key escapes it, see `signalKey`). */
export function sourceIdOf(source: SourceKind, sourceItemId: string): string {
    return `${source}:${sourceItemId}`;
}

/**
 * The one canonical key of a signal, used by ingestion and checked by the repository. Time parts are UTC in
 * `toISOString()` form, so that day partitions and the sk order are chronological and a window query's string bounds
 * compare like instants. `%` and `#` of the source id are percent-encoded in the sk only (reversibly: `%` first),
 * because `#` separates the sk parts.
 */
export function signalKey(parts: { asset: string; ts: string; agent: string; sourceId: string }): SignalKey {
    const instant = parseInstant(parts.ts, "ts");
    const encodedSourceId = parts.sourceId.replaceAll("%", "%25").replaceAll("#", "%23");
    const sk = `${instant.toISOString()}#${parts.agent}#${encodedSourceId}`;
    if (sk.length > MAX_SORT_KEY_LENGTH)
        throw new RangeError(`sort key of ${parts.sourceId} is longer than ${MAX_SORT_KEY_LENGTH} characters`);
    return { pk: `${parts.asset}#${utcDay(instant)}`, sk };
}

function pad(value: number, width = 2): string {
    return String(value).padStart(width, "0");
}

/** yyyymmdd of an instant in UTC. */
export function utcDay(instant: Date): string {
    return `${pad(instant.getUTCFullYear(), 4)}${pad(instant.getUTCMonth() + 1)}${pad(instant.getUTCDate())}`;
}

function parseInstant(value: string, what: string): Date {
    const instant = new Date(value);
    if (Number.isNaN(instant.getTime())) throw new RangeError(`${what} "${value}" is not a date-time`);
    return instant;
}

/** Characters outside [A-Za-z0-9._-] percent-encoded (UTF-8), so that an id never adds a '/' level or odd characters. */
function safeKeySegment(id: string): string {
    return encodeURIComponent(id).replace(/[!'()*~]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `${channel}/${source}/yyyy/mm/dd/HH/${id}.json`, time parts in UTC; the id is percent-encoded where needed. */
export function rawObjectKey(channel: Channel, source: SourceKind, now: Date, id: string): string {
    if (id === "") throw new RangeError("raw object id must not be empty");
    const time = `${pad(now.getUTCFullYear(), 4)}/${pad(now.getUTCMonth() + 1)}/${pad(now.getUTCDate())}/${pad(now.getUTCHours())}`;
    return `${channel}/${source}/${time}/${safeKeySegment(id)}.json`;
}

/**
 * One signal per distinct matched asset symbol. The author handle is dropped; only `authorPseudonym` (when given) is kept.
 * Throws a RangeError for an unparseable publishedAt, a retention that is not a positive integer, or a source id whose
 * escaped sort key is longer than MAX_SORT_KEY_LENGTH.
 */
export function toSignals(
    item: SourceItem,
    matches: readonly { entity: Pick<TrackedEntity, "symbol"> }[],
    options: ToSignalsOptions,
): Signal[] {
    if (!Number.isInteger(options.retentionDays) || options.retentionDays <= 0) {
        throw new RangeError(`retentionDays must be a positive integer, got ${options.retentionDays}`);
    }
    const published = parseInstant(item.publishedAt, "publishedAt");
    const ts = published.toISOString();
    const agent = agentOf(item.channel, item.source);
    const sourceId = sourceIdOf(item.source, item.sourceItemId);
    const expiresAt = Math.floor(options.now.getTime() / 1000) + options.retentionDays * SECONDS_PER_DAY;
    const ingestedAt = options.now.toISOString();

    const assets = [...new Set(matches.map((match) => match.entity.symbol))];
    return assets.map((asset) => {
        const signal: Signal = {
            ...signalKey({ asset, ts, agent, sourceId }),
            asset,
            agent,
            channel: item.channel,
            source: item.source,
            sourceId,
            ts,
            url: item.url,
            text: item.text,
            rawObjectKey: options.rawObjectKey,
            ingestedAt,
            expiresAt,
        };
        // absent rather than undefined: the DynamoDB marshaller rejects undefined attributes
        if (item.title !== undefined) signal.title = item.title;
        if (options.authorPseudonym !== undefined) signal.authorPseudonym = options.authorPseudonym;
        if (item.engagement !== undefined) signal.engagement = { ...item.engagement };
        if (item.declaredSentiment !== undefined) signal.declaredSentiment = item.declaredSentiment;
        return signal;
    });
}
