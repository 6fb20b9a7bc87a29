/**
 * Signals table (TABLE_DESIGNS.signals): pk `<asset>#<yyyymmdd>`, sk `<ts>#<agent>#<sourceId>`, GSIs bySourceId and
 * byAuthor (keys only), byAgent, TTL `expiresAt`.
 */
import { PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Signal, type SignalScore, signalSchema, signalScoreSchema } from "../domain/signals";
import { signalKey } from "../domain/ingestion";
import { type SignalKey, signalKeySchema } from "../domain/values";
import { mapBounded } from "./batching";
import {
    type DocumentClient,
    batchDeleteAll,
    batchGetAll,
    isConditionalCheckFailed,
    parseItem,
    queryAll,
    withoutUndefined,
} from "./dynamo-items";

const KEY_NAMES = ["pk", "sk"] as const;
/** Concurrent conditional puts of putManyIfNew: enough to hide latency, few enough for a small Lambda's sockets. */
const PUT_CONCURRENCY = 8;
/** Longest window queryAssetWindow accepts: one query per day, so this bounds its cost. */
const MAX_WINDOW_DAYS = 400;

export type PutResult = "created" | "duplicate";

/** Ordered like the input. */
export interface PutManyResult {
    key: SignalKey;
    result: PutResult;
}

export class SignalNotFoundError extends Error {
    constructor(
        readonly table: string,
        readonly key: SignalKey,
    ) {
        super(`No signal in table ${table} at key ${JSON.stringify(key)}`);
        this.name = "SignalNotFoundError";
    }
}

export class DynamoSignalRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /** Stores the signal unless its key exists already; a source item seen twice is stored once. */
    async putIfNew(signal: Signal): Promise<PutResult> {
        const item = this.validForWrite(signal);
        try {
            await this.client.send(
                new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" }),
            );
            return "created";
        } catch (error) {
            if (isConditionalCheckFailed(error)) return "duplicate";
            throw error;
        }
    }

    async putManyIfNew(signals: readonly Signal[]): Promise<PutManyResult[]> {
        // Validate everything first, so that a bad signal fails the call before anything is written.
        const items = signals.map((signal) => this.validForWrite(signal));
        // A key repeated within the call is written once: its first occurrence decides, later ones are duplicates.
        // (Racing two conditional puts of the same key would make the winner, and so the report, random.)
        const firstIndex = new Map<string, number>();
        items.forEach((item, index) => {
            const id = `${item.pk}\n${item.sk}`;
            if (!firstIndex.has(id)) firstIndex.set(id, index);
        });
        return mapBounded(items, PUT_CONCURRENCY, async (item, index) => ({
            key: { pk: item.pk, sk: item.sk },
            result: firstIndex.get(`${item.pk}\n${item.sk}`) === index ? await this.putIfNew(item) : ("duplicate" as const),
        }));
    }

    /** The stored signals of these keys (missing ones are left out), in the order of the keys. */
    async get(keys: readonly SignalKey[]): Promise<Signal[]> {
        const items = await batchGetAll(this.client, this.tableName, keys, KEY_NAMES);
        const byKey = new Map(items.map((item) => [`${item["pk"]}\n${item["sk"]}`, item]));
        const found: Signal[] = [];
        const seen = new Set<string>();
        for (const key of keys) {
            const id = `${key.pk}\n${key.sk}`;
            const item = byKey.get(id);
            if (item && !seen.has(id)) found.push(this.parse(item));
            seen.add(id);
        }
        return found;
    }

    /** Sets the score of an existing signal; throws SignalNotFoundError rather than creating a partial item. */
    async saveScore(key: SignalKey, score: SignalScore): Promise<void> {
        const valid = signalScoreSchema.parse(score);
        try {
            await this.client.send(
                new UpdateCommand({
                    TableName: this.tableName,
                    Key: { pk: key.pk, sk: key.sk },
                    UpdateExpression: "SET #score = :score",
                    ConditionExpression: "attribute_exists(pk)",
                    ExpressionAttributeNames: { "#score": "score" },
                    ExpressionAttributeValues: { ":score": withoutUndefined(valid) },
                }),
            );
        } catch (error) {
            if (isConditionalCheckFailed(error)) throw new SignalNotFoundError(this.tableName, key);
            throw error;
        }
    }

    /** Signals of one asset with `from <= ts <= to`, oldest first: one query per UTC day of the window. */
    async queryAssetWindow(asset: string, fromIso: string, toIso: string): Promise<Signal[]> {
        const from = utcIso(fromIso);
        const to = utcIso(toIso);
        if (from > to) throw new Error(`queryAssetWindow: from ${fromIso} is after to ${toIso}`);
        const days = daysBetween(from, to);
        if (days.length > MAX_WINDOW_DAYS) throw new Error(`queryAssetWindow: ${days.length} days exceed the limit of ${MAX_WINDOW_DAYS}`);
        const perDay = await mapBounded(days, 4, (day) =>
            queryAll(this.client, {
                TableName: this.tableName,
                KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
                // Every sk at instant `to` continues with "#<agent>…", which sorts below U+FFFF.
                ExpressionAttributeValues: { ":pk": `${asset}#${day}`, ":from": from, ":to": `${to}#\uffff` },
            }),
        );
        return perDay.flat().map((item) => this.parse(item));
    }

    /** Keys of every signal of one pseudonymised author (GDPR erasure). */
    async keysByAuthor(authorPseudonym: string): Promise<SignalKey[]> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            IndexName: "byAuthor",
            KeyConditionExpression: "authorPseudonym = :author",
            ExpressionAttributeValues: { ":author": authorPseudonym },
        });
        return items.map((item) => ({ pk: String(item["pk"]), sk: String(item["sk"]) }));
    }

    async deleteMany(keys: readonly SignalKey[]): Promise<void> {
        await batchDeleteAll(
            this.client,
            this.tableName,
            keys.map((key) => ({ pk: key.pk, sk: key.sk })),
            KEY_NAMES,
        );
    }

    /**
     * Keys of every stored signal of one source item (one per asset it was stored under). The GSI is eventually
     * consistent: a put of the last second may be missing.
     */
    async keysBySourceId(sourceId: string): Promise<SignalKey[]> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            IndexName: "bySourceId",
            KeyConditionExpression: "sourceId = :sourceId",
            ExpressionAttributeValues: { ":sourceId": sourceId },
        });
        return items.map((item) => ({ pk: String(item["pk"]), sk: String(item["sk"]) }));
    }

    /** Whether any signal of this source item is stored. The GSI is eventually consistent: a put of the last second may be missed. */
    async existsBySourceId(sourceId: string): Promise<boolean> {
        const out = await this.client.send(
            new QueryCommand({
                TableName: this.tableName,
                IndexName: "bySourceId",
                KeyConditionExpression: "sourceId = :sourceId",
                ExpressionAttributeValues: { ":sourceId": sourceId },
                Limit: 1,
            }),
        );
        return (out.Items?.length ?? 0) > 0;
    }

    private parse(item: Record<string, unknown>): Signal {
        return parseItem(signalSchema, item, this.tableName, KEY_NAMES);
    }

    /** The signal as it will be stored; its key must be the canonical one, or the window query would miss it. */
    private validForWrite(signal: Signal): Signal {
        const valid = signalSchema.parse(signal);
        const keyCheck = signalKeySchema.safeParse({ pk: valid.pk, sk: valid.sk });
        if (!keyCheck.success) {
            throw new Error(
                `Signal ${valid.sourceId}: invalid key: ${keyCheck.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`,
            );
        }
        const expected = signalKey(valid);
        if (valid.pk !== expected.pk || valid.sk !== expected.sk) {
            throw new Error(
                `Signal ${valid.sourceId}: key ${JSON.stringify({ pk: valid.pk, sk: valid.sk })} is not the canonical ${JSON.stringify(expected)} (use signalKey())`,
            );
        }
        return withoutUndefined(valid);
    }
}

/** The instant as `YYYY-MM-DDTHH:mm:ss.sssZ`; rejects what is not a date-time. */
function utcIso(value: string): string {
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new Error(`Not an ISO date-time: ${JSON.stringify(value)}`);
    return new Date(time).toISOString();
}

function dayOf(utc: string): string {
    return utc.slice(0, 10).replace(/-/g, "");
}

/** UTC days `yyyymmdd` from the day of `from` to the day of `to`, both included. */
function daysBetween(from: string, to: string): string[] {
    const days: string[] = [];
    const last = dayOf(to);
    for (let day = new Date(`${from.slice(0, 10)}T00:00:00.000Z`); ; day = new Date(day.getTime() + 86_400_000)) {
        const current = dayOf(day.toISOString());
        days.push(current);
        if (current >= last || days.length > MAX_WINDOW_DAYS) return days;
    }
}
