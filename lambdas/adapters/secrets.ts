/**
 * Reads JSON secrets from Secrets Manager with an in-memory cache per Lambda instance. Error messages name the secret
 * and the offending fields, never the secret's value (nor parser messages, which quote the input).
 */
import type * as z from "../zod";

/** Where secrets come from: Secrets Manager's GetSecretValue (secrets-http.ts); tests pass a fake. */
export interface SecretSource {
    /**
     * The secret's SecretString, undefined when it has none (a binary secret). A failure is an Error whose `name` is the
     * service's error type (ResourceNotFoundException, AccessDeniedException, …).
     */
    getSecretString(secretId: string): Promise<string | undefined>;
}

export interface SecretReaderOptions {
    /** How long a fetched secret is reused. Default 5 minutes: rotation reaches every instance within that time. */
    ttlMs?: number;
    /** Milliseconds since the epoch; injectable for tests. */
    now?: () => number;
}

export class SecretError extends Error {
    constructor(
        readonly secretId: string,
        problem: string,
    ) {
        super(`Secret ${JSON.stringify(secretId)} ${problem}`);
        this.name = "SecretError";
    }
}

interface CacheEntry {
    fetchedAt: number;
    value: Promise<string>;
}

export const DEFAULT_SECRET_TTL_MS = 5 * 60 * 1000;

export class SecretReader {
    private readonly cache = new Map<string, CacheEntry>();
    private readonly ttlMs: number;
    private readonly now: () => number;

    constructor(
        private readonly source: SecretSource,
        options: SecretReaderOptions = {},
    ) {
        this.ttlMs = options.ttlMs ?? DEFAULT_SECRET_TTL_MS;
        this.now = options.now ?? Date.now;
    }

    /** The secret (name or ARN) parsed as JSON and validated with `schema`. */
    async read<S extends z.ZodMiniType>(secretId: string, schema: S): Promise<z.output<S>> {
        const text = await this.fetch(secretId);
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            throw new SecretError(secretId, "is not valid JSON");
        }
        const result = schema.safeParse(json);
        if (!result.success) {
            // Path and issue code only: a custom message of a refinement could quote the value.
            const fields = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(root)"} (${issue.code})`);
            throw new SecretError(secretId, `does not match its schema: ${fields.join(", ")}`);
        }
        return result.data;
    }

    /** Forgets one secret (or all), e.g. after a provider rejected a credential that may have been rotated. */
    invalidate(secretId?: string): void {
        if (secretId === undefined) this.cache.clear();
        else this.cache.delete(secretId);
    }

    private fetch(secretId: string): Promise<string> {
        const now = this.now();
        const cached = this.cache.get(secretId);
        if (cached && now - cached.fetchedAt < this.ttlMs) return cached.value;
        // The promise is cached, so that concurrent reads at cold start make one call.
        const value = this.source.getSecretString(secretId).then(
            (secretString) => {
                if (typeof secretString !== "string")
                    throw new SecretError(secretId, "has no SecretString (binary secrets are not supported)");
                return secretString;
            },
            (error: unknown) => {
                const name = error instanceof Error ? error.name : "Error";
                throw new SecretError(secretId, `could not be read: ${name}`);
            },
        );
        this.cache.set(secretId, { fetchedAt: now, value });
        // A failed read is not cached: the next call tries again.
        value.catch(() => {
            if (this.cache.get(secretId)?.value === value) this.cache.delete(secretId);
        });
        return value;
    }
}
