import { createHash, randomUUID } from "node:crypto";
import { chunk, mapBounded } from "../adapters/batching";
import { rawObjectKey, toSignals } from "../domain/ingestion";
import { matchEntities, type EntityIndex } from "../domain/matching";
import { signalsIngestedMessageSchema } from "../domain/messages";
import { authorPseudonym, deidentify } from "../domain/pseudonym";
import { signalSchema, sourceItemSchema, type Channel, type Signal, type SourceItem, type SourceKind } from "../domain/signals";
import type { SignalKey } from "../domain/values";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import type { FetchContext, RawPayload, SourceConnector } from "../sources/connector";
import { runConnectors, type RawOrigin } from "../sources/run";
import { MAX_KEYS_PER_MESSAGE, rejectionObjectKey } from "./keys";
import { unsentMessageIndexes, type IngestSignalStore, type MessagePublisher, type ObjectWriter } from "./ports";

/**
 * Ingestion, one use case for the schedules and the REST routes:
 *   1. every raw payload (a source's response, or the posted request body) is stored in the raw bucket FIRST;
 *   2. it is parsed; entries that cannot become a SourceItem are rejected: a rejection record per payload goes to
 *      `<channel>/rejected/…` and PayloadsRejected is counted — the others go on;
 *   3. items are matched against the tracked entities; items about none are dropped (counted as unmatched);
 *   4. an item's author is replaced by a keyed pseudonym and every trace of the handle is taken out (domain/pseudonym);
 *   5. one signal per matched asset; a source item already stored under that asset (bySourceId) or the same key
 *      (conditional put) is a duplicate: counted, not stored, not queued again;
 *   6. the keys of the new signals go to the scoring queue in `signals.ingested` messages of ≤ 100 keys. If that fails,
 *      the signals whose messages were not sent are deleted again, so that a retry stores and queues them.
 * A source that cannot be read (after the HTTP client's retries) is logged and counted (SourceFailures); the others go on.
 */

/** Concurrent bySourceId lookups. */
const LOOKUP_CONCURRENCY = 8;

export interface IngestServiceDeps {
    /** The raw bucket: payloads under `<channel>/<source>/…`, rejection records under `<channel>/rejected/…`. */
    rawStore: ObjectWriter;
    /** The active tracked entities, indexed (cached per container by the caller). */
    entities: () => Promise<EntityIndex>;
    signals: IngestSignalStore;
    publisher: MessagePublisher;
    /** The scoring queue. */
    queueUrl: string;
    /** The HMAC key of author pseudonyms (Secrets Manager); read only when an item has an author. */
    pseudonymKey: () => Promise<Uint8Array>;
    metrics: MetricsSink;
    logger: Logger;
    /** Days a signal stays in the table (DynamoDB TTL). */
    retentionDays: number;
    now?: () => Date;
    newId?: () => string;
}

export interface SourceFailureSummary {
    connectorId: string;
    source: SourceKind;
    error: string;
    status?: number;
}

export interface IngestSummary {
    channel: Channel;
    correlationId: string;
    /** Connectors run (0 for a posted batch). */
    connectors: number;
    /** Raw payloads stored. */
    payloads: number;
    /** Items parsed from the payloads. */
    items: number;
    /** Items that mention no tracked entity. */
    unmatched: number;
    created: number;
    duplicates: number;
    /** Entries (or whole payloads) rejected, with a record under `<channel>/rejected/`. */
    rejected: number;
    failures: SourceFailureSummary[];
    /** `signals.ingested` messages sent. */
    messages: number;
    createdKeys: SignalKey[];
    rawKeys: string[];
    rejectionKeys: string[];
}

/** One item as the REST routes accept it (shared/api-schemas: rawItemSchema, plus a title for news). */
export interface PostedItem {
    /** The feed, account or subreddit the analyst took the item from. */
    sourceId: string;
    url: string;
    publishedAt: string;
    text: string;
    title?: string;
}

export interface RunOptions {
    correlationId: string;
    logger?: Logger;
}

interface Rejected {
    source: SourceKind;
    reason: string;
    itemRef?: string;
    /** Groups the rejections of one payload into one record. */
    rawKey?: string;
    connectorId?: string;
    url?: string;
}

interface Parsed {
    item: SourceItem;
    rawKey: string;
}

/** SourceItem text limit: longer posted texts are clipped like the connectors clip theirs. */
const MAX_TEXT = sourceItemSchema.shape.text._zod.bag.maximum ?? 20_000;

/**
 * Posted items → SourceItems of source "manual". The item id is `<sourceId>/<sha256(url) first 32 hex>`: posting the
 * same URL from the same feed twice is one item, whatever the text says.
 */
export function postedItemsToSourceItems(
    channel: "social" | "news",
    items: readonly PostedItem[],
): { items: SourceItem[]; rejected: { itemRef: string; reason: string }[] } {
    const result: { items: SourceItem[]; rejected: { itemRef: string; reason: string }[] } = { items: [], rejected: [] };
    items.forEach((posted, index) => {
        const draft: SourceItem = {
            channel,
            source: "manual",
            sourceItemId: `${posted.sourceId}/${createHash("sha256").update(posted.url, "utf8").digest("hex").slice(0, 32)}`,
            url: posted.url,
            publishedAt: posted.publishedAt,
            text: posted.text.length > MAX_TEXT ? posted.text.slice(0, MAX_TEXT) : posted.text,
            ...(posted.title === undefined ? {} : { title: posted.title }),
        };
        const checked = sourceItemSchema.safeParse(draft);
        if (checked.success) result.items.push(checked.data);
        else {
            const reason = checked.error.issues.map((issue) => `items[${index}].${issue.path.join(".")}: ${issue.message}`).join("; ");
            result.rejected.push({ itemRef: `#${index}`, reason });
        }
    });
    return result;
}

function metadataValue(value: string, max = 512): string {
    // S3 user metadata travels as HTTP headers: printable ASCII only.
    const ascii = encodeURI(value).replace(/[^\x20-\x7e]/g, "?");
    return ascii.length > max ? ascii.slice(0, max) : ascii;
}

function slug(text: string): string {
    return (
        text
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/^-|-$/g, "")
            .slice(0, 60) || "payload"
    );
}

class Counters {
    private readonly bySource = new Map<SourceKind, { created: number; duplicates: number; rejected: number; failures: number }>();

    add(source: SourceKind, field: "created" | "duplicates" | "rejected" | "failures", value = 1): void {
        const entry = this.bySource.get(source) ?? { created: 0, duplicates: 0, rejected: 0, failures: 0 };
        entry[field] += value;
        this.bySource.set(source, entry);
    }

    emit(metrics: MetricsSink): void {
        for (const [source, entry] of this.bySource) {
            metrics.count("SignalsIngested", entry.created, { Source: source });
            metrics.count("SignalsDuplicate", entry.duplicates, { Source: source });
            metrics.count("PayloadsRejected", entry.rejected, { Source: source });
            metrics.count("SourceFailures", entry.failures, { Source: source });
        }
    }
}

export function createIngestService(deps: IngestServiceDeps) {
    const now = deps.now ?? (() => new Date());
    const newId = deps.newId ?? randomUUID;

    /** Writes one record per payload (or per posted request) listing its rejected entries; never throws. */
    async function writeRejections(channel: Channel, rejections: readonly Rejected[], correlationId: string, logger: Logger) {
        const groups = new Map<string, Rejected[]>();
        for (const rejection of rejections) {
            const group = rejection.rawKey ?? `${rejection.connectorId ?? rejection.source}`;
            groups.set(group, [...(groups.get(group) ?? []), rejection]);
        }
        const at = now();
        const keys: string[] = [];
        for (const entries of groups.values()) {
            const first = entries[0]!;
            const key = rejectionObjectKey(channel, at, `${slug(first.connectorId ?? first.source)}-${newId()}`);
            const record = {
                channel,
                source: first.source,
                ...(first.connectorId === undefined ? {} : { connectorId: first.connectorId }),
                ...(first.url === undefined ? {} : { url: first.url }),
                ...(first.rawKey === undefined ? {} : { rawObjectKey: first.rawKey }),
                rejectedAt: at.toISOString(),
                correlationId,
                rejections: entries.map((entry) => ({
                    reason: entry.reason,
                    ...(entry.itemRef === undefined ? {} : { itemRef: entry.itemRef }),
                })),
            };
            try {
                await deps.rawStore.putJson(key, record);
                keys.push(key);
            } catch (error) {
                // The payload itself is stored already; losing the index record must not lose the batch.
                logger.error("rejection record not written", { key, rejections: entries.length, error });
            }
        }
        return keys;
    }

    /** Steps 3–6 for parsed items; `rejected` and `counters` collect what cannot be stored. */
    async function store(parsed: readonly Parsed[], rejected: Rejected[], counters: Counters, correlationId: string, logger: Logger) {
        if (parsed.length === 0) return { unmatched: 0, createdKeys: [], duplicates: 0, messages: 0 };
        const index = await deps.entities();
        const at = now();
        let key: Promise<Uint8Array> | undefined;
        let unmatched = 0;
        const candidates: Signal[] = [];
        for (const { item, rawKey } of parsed) {
            const matches = matchEntities(item, index);
            if (matches.length === 0) {
                unmatched++;
                continue;
            }
            let stored = item;
            let pseudonym: string | undefined;
            if (item.author !== undefined) {
                key ??= deps.pseudonymKey();
                pseudonym = authorPseudonym(await key, item.source, item.author);
                stored = deidentify(item, pseudonym);
            }
            let signals: Signal[];
            try {
                signals = toSignals(stored, matches, {
                    now: at,
                    retentionDays: deps.retentionDays,
                    rawObjectKey: rawKey,
                    ...(pseudonym === undefined ? {} : { authorPseudonym: pseudonym }),
                });
                for (const signal of signals) {
                    const checked = signalSchema.safeParse(signal);
                    if (!checked.success)
                        throw new RangeError(checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
                }
            } catch (error) {
                rejected.push({
                    source: item.source,
                    itemRef: stored.sourceItemId,
                    reason: `not storable as a signal: ${error instanceof Error ? error.message : String(error)}`,
                    rawKey,
                });
                continue;
            }
            candidates.push(...signals);
        }

        // A source item already stored under an asset is not stored again under that asset, even when the source now
        // gives it another timestamp (and so another key).
        const sourceIds = [...new Set(candidates.map((signal) => signal.sourceId))];
        const storedAssets = new Map<string, Set<string>>();
        await mapBounded(sourceIds, LOOKUP_CONCURRENCY, async (sourceId) => {
            const keys = await deps.signals.keysBySourceId(sourceId);
            storedAssets.set(sourceId, new Set(keys.map((stored) => stored.pk.slice(0, stored.pk.lastIndexOf("#")))));
        });
        const fresh: Signal[] = [];
        for (const signal of candidates) {
            if (storedAssets.get(signal.sourceId)?.has(signal.asset)) counters.add(signal.source, "duplicates");
            else fresh.push(signal);
        }

        const results = fresh.length === 0 ? [] : await deps.signals.putManyIfNew(fresh);
        const createdKeys: SignalKey[] = [];
        results.forEach((result, position) => {
            const signal = fresh[position]!;
            if (result.result === "created") {
                createdKeys.push(result.key);
                counters.add(signal.source, "created");
            } else counters.add(signal.source, "duplicates");
        });

        const messages = await publish(createdKeys, correlationId, logger);
        return {
            unmatched,
            createdKeys,
            duplicates: candidates.length - createdKeys.length,
            messages,
        };
    }

    async function publish(keys: readonly SignalKey[], correlationId: string, logger: Logger): Promise<number> {
        if (keys.length === 0) return 0;
        const emittedAt = now().toISOString();
        const batches = chunk(keys, MAX_KEYS_PER_MESSAGE);
        const messages = batches.map((signalKeys) =>
            signalsIngestedMessageSchema.parse({ type: "signals.ingested", correlationId, emittedAt, signalKeys }),
        );
        try {
            await deps.publisher.publishAll(deps.queueUrl, messages);
        } catch (error) {
            const unsent = unsentMessageIndexes(error) ?? batches.map((_, position) => position);
            const orphans = unsent.flatMap((position) => batches[position] ?? []);
            logger.error("signals stored but not queued for scoring; deleting them so that a retry queues them", {
                unsent: orphans.length,
                error,
            });
            try {
                await deps.signals.deleteMany(orphans);
            } catch (cleanupError) {
                logger.error("could not delete the unqueued signals: they stay unscored until re-ingested", {
                    keys: orphans,
                    error: cleanupError,
                });
            }
            throw error;
        }
        return messages.length;
    }

    /** Stores the parsed items, then writes the rejection records and counts — also when storing failed. */
    async function finish(
        channel: Channel,
        parsed: readonly Parsed[],
        rejected: Rejected[],
        counters: Counters,
        base: Pick<IngestSummary, "connectors" | "payloads" | "items" | "failures" | "rawKeys">,
        options: RunOptions,
        logger: Logger,
    ): Promise<IngestSummary> {
        let stored: Awaited<ReturnType<typeof store>> | undefined;
        let failure: { error: unknown } | undefined;
        try {
            stored = await store(parsed, rejected, counters, options.correlationId, logger);
        } catch (error) {
            failure = { error };
        }
        for (const rejection of rejected) counters.add(rejection.source, "rejected");
        counters.emit(deps.metrics);
        const rejectionKeys = await writeRejections(channel, rejected, options.correlationId, logger);
        if (failure !== undefined || stored === undefined) throw failure?.error;
        const summary: IngestSummary = {
            channel,
            correlationId: options.correlationId,
            ...base,
            unmatched: stored.unmatched,
            created: stored.createdKeys.length,
            duplicates: stored.duplicates,
            rejected: rejected.length,
            messages: stored.messages,
            createdKeys: stored.createdKeys,
            rejectionKeys,
        };
        const { createdKeys: _keys, rawKeys: _raw, ...counts } = summary;
        logger.info("ingest finished", counts);
        return summary;
    }

    return {
        /** A scheduled run: the channel's connectors, concurrently, each payload stored before it is parsed. */
        async ingestFromConnectors(
            channel: Channel,
            connectors: readonly SourceConnector[],
            fetchContext: FetchContext,
            options: RunOptions,
        ): Promise<IngestSummary> {
            const logger = options.logger ?? deps.logger;
            const counters = new Counters();
            const storeRaw = async (raw: RawPayload, origin: RawOrigin) => {
                const key = rawObjectKey(channel, origin.kind, now(), `${slug(origin.connectorId)}-${origin.rawIndex}-${newId()}`);
                await deps.rawStore.putRaw(key, raw.body, raw.contentType || "application/octet-stream", {
                    "source-url": metadataValue(raw.url),
                    "http-status": String(raw.status),
                    "fetched-at": metadataValue(raw.fetchedAt, 64),
                    "correlation-id": metadataValue(options.correlationId, 128),
                });
                return key;
            };
            const run = await runConnectors(connectors, fetchContext, { storeRaw });

            const rejected: Rejected[] = [];
            const rawUrls = new Map(run.payloads.map((payload) => [payload.rawKey, payload.raw.url]));
            for (const rejection of run.rejected) {
                const rawKey = run.payloads.find(
                    (payload) => payload.origin.connectorId === rejection.connectorId && payload.origin.rawIndex === rejection.rawIndex,
                )?.rawKey;
                rejected.push({
                    source: rejection.kind,
                    reason: rejection.reason,
                    connectorId: rejection.connectorId,
                    ...(rejection.itemRef === undefined ? {} : { itemRef: rejection.itemRef }),
                    ...(rawKey === undefined ? {} : { rawKey, url: rawUrls.get(rawKey) }),
                });
            }
            const failures: SourceFailureSummary[] = run.failures.map((failure) => ({
                connectorId: failure.connectorId,
                source: failure.kind,
                error: failure.error,
                ...(failure.status === undefined ? {} : { status: failure.status }),
            }));
            for (const failure of failures) {
                counters.add(failure.source, "failures");
                logger.warn("source failed", { ...failure });
            }

            const parsed: Parsed[] = run.items.map((entry) => ({ item: entry.item, rawKey: entry.rawKey! }));
            return finish(
                channel,
                parsed,
                rejected,
                counters,
                {
                    connectors: connectors.length,
                    payloads: run.payloads.length,
                    items: run.items.length,
                    failures,
                    rawKeys: run.payloads.flatMap((payload) => (payload.rawKey === undefined ? [] : [payload.rawKey])),
                },
                options,
                logger,
            );
        },

        /** Items posted to POST /ingest/<channel>: the request body is the raw payload, stored first. */
        async ingestPosted(
            channel: "social" | "news",
            request: { body: string; items: readonly PostedItem[]; submittedBy?: string },
            options: RunOptions,
        ): Promise<IngestSummary> {
            const logger = options.logger ?? deps.logger;
            const counters = new Counters();
            const rawKey = rawObjectKey(channel, "manual", now(), `${slug(options.correlationId)}-${newId()}`);
            await deps.rawStore.putRaw(rawKey, request.body, "application/json", {
                "correlation-id": metadataValue(options.correlationId, 128),
                ...(request.submittedBy === undefined ? {} : { "submitted-by": metadataValue(request.submittedBy, 128) }),
            });
            const mapped = postedItemsToSourceItems(channel, request.items);
            const rejected: Rejected[] = mapped.rejected.map((rejection) => ({ source: "manual", rawKey, ...rejection }));
            return finish(
                channel,
                mapped.items.map((item) => ({ item, rawKey })),
                rejected,
                counters,
                { connectors: 0, payloads: 1, items: mapped.items.length, failures: [], rawKeys: [rawKey] },
                options,
                logger,
            );
        },
    };
}

export type IngestService = ReturnType<typeof createIngestService>;
