import type { Channel, SourceItem, SourceKind } from "../domain/signals";
import type { FetchContext, ParseRejection, RawPayload, SourceConnector } from "./connector";
import { HttpError } from "./http";

/** A runner that reads a channel's connectors concurrently with failures isolated per connector. */

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
