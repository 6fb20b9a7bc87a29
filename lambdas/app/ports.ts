import type { AgentConfig, Signal, SignalScore } from "../domain/signals";
import type { SignalKey } from "../domain/values";

/**
 * What the use cases need from the outside world. The adapters (DynamoSignalRepository, S3RawStore, SqsPublisher, …)
 * satisfy these structurally; tests may pass the real adapters against local servers or small fakes.
 */

export interface ObjectWriter {
    putRaw(key: string, body: string | Uint8Array, contentType: string, metadata?: Record<string, string>): Promise<void>;
    putJson(key: string, value: unknown, metadata?: Record<string, string>): Promise<void>;
}

export interface MessagePublisher {
    /** Throws when messages could not be sent; an error with `failed: { index }[]` names the ones that were not. */
    publishAll(queueUrl: string, messages: readonly object[]): Promise<unknown>;
}

export interface IngestSignalStore {
    /** Conditional puts; per signal, in input order, whether it was created or already stored. */
    putManyIfNew(signals: readonly Signal[]): Promise<{ key: SignalKey; result: "created" | "duplicate" }[]>;
    /** Keys of the signals already stored for one source item (any asset, any timestamp). */
    keysBySourceId(sourceId: string): Promise<SignalKey[]>;
    deleteMany(keys: readonly SignalKey[]): Promise<void>;
}

export interface SignalReader {
    get(keys: readonly SignalKey[]): Promise<Signal[]>;
    queryAssetWindow(asset: string, fromIso: string, toIso: string): Promise<Signal[]>;
}

export interface ScoreSignalStore extends SignalReader {
    saveScore(key: SignalKey, score: SignalScore): Promise<void>;
}

export type AgentConfigSource = () => Promise<readonly AgentConfig[]>;

/** Indexes of the messages a failed publishAll did not send, when the error says; undefined = unknown (assume none). */
export function unsentMessageIndexes(error: unknown): number[] | undefined {
    const failed = (error as { failed?: unknown } | null)?.failed;
    if (!Array.isArray(failed)) return undefined;
    const indexes = failed.map((entry) => (entry as { index?: unknown }).index);
    return indexes.every((index): index is number => typeof index === "number") ? indexes : undefined;
}
