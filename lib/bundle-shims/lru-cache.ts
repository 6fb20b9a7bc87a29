/**
 * Stand-in for `mnemonist/lru-cache` in the Lambda bundles (lib/bundle.ts resolves it here). Its one user is the
 * DynamoDB client's endpoint-discovery cache (@aws-sdk/endpoint-cache), which calls only the methods below; mnemonist's
 * typed-array LRU is CommonJS with its iterator helpers (~7 KB minified), a Map keeps insertion order and does the same.
 */
export default class LRUCache<K, V> {
    private readonly entries = new Map<K, V>();

    constructor(private readonly capacity: number) {}

    has(key: K): boolean {
        return this.entries.has(key);
    }

    /** The value, without making it the most recently used. */
    peek(key: K): V | undefined {
        return this.entries.get(key);
    }

    get(key: K): V | undefined {
        if (!this.entries.has(key)) return undefined;
        const value = this.entries.get(key)!;
        this.entries.delete(key);
        this.entries.set(key, value);
        return value;
    }

    set(key: K, value: V): this {
        this.entries.delete(key);
        this.entries.set(key, value);
        // Evict the least recently used: the first key in insertion order.
        if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
        return this;
    }

    clear(): void {
        this.entries.clear();
    }

    get size(): number {
        return this.entries.size;
    }
}
