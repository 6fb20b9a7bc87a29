import type { Signal } from "../../../lambdas/domain/signals";
import { signalKey } from "../../../lambdas/domain/ingestion";

/** A valid signal with its canonical key; `n` makes the source item (and so the key) unique. */
export function makeSignal(n: number, overrides: Partial<Omit<Signal, "pk" | "sk">> = {}): Signal {
    const fields = {
        asset: "BTC",
        agent: "social.reddit",
        channel: "social" as const,
        source: "reddit" as const,
        sourceId: `reddit:t3_${n}`,
        ts: new Date(Date.UTC(2026, 10, 20, 12, 0, 0) + n * 1000).toISOString(),
        url: `https://www.reddit.com/r/bitcoin/comments/${n}`,
        text: `Signal number ${n} about bitcoin`,
        rawObjectKey: `reddit/2026/11/20/12/${n}.json`,
        ingestedAt: "2026-11-20T13:00:00.000Z",
        expiresAt: 1_900_000_000,
        ...overrides,
    };
    return { ...signalKey(fields), ...fields };
}

/** Rejection of a promise as a value, so that a test can assert on it (and fail if the promise resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the promise to reject, but it resolved");
}

let counter = 0;
/** A name unique in this process, for tables, queues and buckets (lower case, S3-safe). */
export function uniqueName(base: string): string {
    return `${base}-${process.pid}-${++counter}`;
}
