/** Chunking, bounded parallelism and retry pacing shared by the batch APIs of the adapters (BatchGet/BatchWrite, SQS, S3). */

export function chunk<T>(items: readonly T[], size: number): T[][] {
    if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, got ${size}`);
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    return chunks;
}

/** `map` with at most `limit` calls in flight; results keep the input order. The first rejection rejects the whole call. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
    const results = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index]!, index);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}

/** Full-jitter exponential backoff (AWS's recommendation for unprocessed batch items): 0 … base·2^attempt, capped. */
export function backoffDelayMs(attempt: number, baseMs = 50, capMs = 2_000): number {
    return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
