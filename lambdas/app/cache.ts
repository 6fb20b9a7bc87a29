/**
 * A value loaded at most once per `ttlMs` per container (tracked entities, agent configurations): concurrent callers
 * share one load, and a failed load is not kept, so the next call tries again.
 */
export function cachedLoader<T>(load: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
    if (!(ttlMs >= 0)) throw new RangeError(`ttlMs must be a non-negative number, got ${ttlMs}`);
    let cached: { value: Promise<T>; loadedAt: number } | undefined;
    return () => {
        const time = now();
        if (cached !== undefined && time - cached.loadedAt < ttlMs) return cached.value;
        const entry = { value: load(), loadedAt: time };
        cached = entry;
        entry.value.catch(() => {
            if (cached === entry) cached = undefined;
        });
        return entry.value;
    };
}

/** Default lifetime of the per-container caches: a change to tracked entities or agent weights is seen within it. */
export const CONFIG_CACHE_TTL_MS = 5 * 60 * 1000;
