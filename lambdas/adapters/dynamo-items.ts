/** What the DynamoDB repositories share: the client they need, item validation on read, and the retried batch calls. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
    BatchGetCommand,
    BatchWriteCommand,
    type BatchWriteCommandInput,
    DynamoDBDocumentClient,
    QueryCommand,
    type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type * as z from "../zod";
import { backoffDelayMs, chunk, sleep } from "./batching";

/** The part of the document client the repositories use; tests may wrap a real client to inject failures. */
export type DocumentClient = Pick<DynamoDBDocumentClient, "send">;

/** The document client the handlers should build once at cold start. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
    // Optional fields that are present but undefined (zod keeps them) must not fail the marshaller.
    return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export type ItemKey = Record<string, string | number>;

/** An item that does not satisfy its schema: names the table, the key and every offending field (never field values). */
export class CorruptItemError extends Error {
    constructor(
        readonly table: string,
        readonly key: ItemKey,
        readonly fields: readonly { path: string; problem: string }[],
    ) {
        super(`Corrupt item in table ${table} at key ${JSON.stringify(key)}: ${fields.map((f) => `${f.path}: ${f.problem}`).join("; ")}`);
        this.name = "CorruptItemError";
    }
}

/**
 * Validates an item read from `table`; `keyNames` are the table's key attributes, used to name the item in errors.
 * `stored` is the item as read when `item` is already converted (e.g. a padded version string made a number).
 */
export function parseItem<S extends z.ZodMiniType>(
    schema: S,
    item: Record<string, unknown>,
    table: string,
    keyNames: readonly string[],
    stored: Record<string, unknown> = item,
): z.output<S> {
    const result = schema.safeParse(item);
    if (result.success) return result.data;
    throw new CorruptItemError(
        table,
        keyOf(stored, keyNames),
        result.error.issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(item)", problem: issue.message })),
    );
}

export function keyOf(item: Record<string, unknown>, keyNames: readonly string[]): ItemKey {
    return Object.fromEntries(keyNames.map((name) => [name, item[name] as string | number]));
}

/** Drops undefined properties at any depth, so that what is written does not depend on the client's marshall options. */
export function withoutUndefined<T>(value: T): T {
    if (Array.isArray(value)) return value.map(withoutUndefined) as T;
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(
            Object.entries(value)
                .filter(([, v]) => v !== undefined)
                .map(([k, v]) => [k, withoutUndefined(v)]),
        ) as T;
    }
    return value;
}

export function isConditionalCheckFailed(error: unknown): boolean {
    return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Keys to a string, to deduplicate them: BatchGetItem and BatchWriteItem reject duplicate keys in one request. */
function keyId(key: ItemKey, keyNames: readonly string[]): string {
    return JSON.stringify(keyNames.map((name) => key[name]));
}

export function uniqueKeys<K extends ItemKey>(keys: readonly K[], keyNames: readonly string[]): K[] {
    const seen = new Map<string, K>();
    for (const key of keys) seen.set(keyId(key, keyNames), key);
    return [...seen.values()];
}

const MAX_BATCH_ATTEMPTS = 8;

/** BatchGetItem in chunks of 100, retrying unprocessed keys with backoff; returns the items found, in no particular order. */
export async function batchGetAll(client: DocumentClient, table: string, keys: readonly ItemKey[], keyNames: readonly string[]) {
    const items: Record<string, unknown>[] = [];
    for (const part of chunk(uniqueKeys(keys, keyNames), 100)) {
        let pending: Record<string, unknown>[] = part;
        for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt === MAX_BATCH_ATTEMPTS) {
                throw new Error(`BatchGetItem on ${table}: ${pending.length} keys still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`);
            }
            if (attempt > 0) await sleep(backoffDelayMs(attempt));
            const out = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending } } }));
            items.push(...(out.Responses?.[table] ?? []));
            pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
        }
    }
    return items;
}

type WriteRequests = NonNullable<BatchWriteCommandInput["RequestItems"]>[string];

/** BatchWriteItem deletes in chunks of 25, retrying unprocessed items with backoff. */
export async function batchDeleteAll(
    client: DocumentClient,
    table: string,
    keys: readonly ItemKey[],
    keyNames: readonly string[],
): Promise<void> {
    for (const part of chunk(uniqueKeys(keys, keyNames), 25)) {
        let pending: WriteRequests = part.map((Key) => ({ DeleteRequest: { Key } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
            if (attempt === MAX_BATCH_ATTEMPTS) {
                throw new Error(
                    `BatchWriteItem on ${table}: ${pending.length} deletes still unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
                );
            }
            if (attempt > 0) await sleep(backoffDelayMs(attempt));
            const out = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
            pending = out.UnprocessedItems?.[table] ?? [];
        }
    }
}

/** Every item a query matches, page after page. */
export async function queryAll(client: DocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
        const out = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
        items.push(...(out.Items ?? []));
        ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
}
