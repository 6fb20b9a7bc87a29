/**
 * The HMAC key of author pseudonyms, from Secrets Manager. Secret JSON: {"key": "<base64 of at least 32 random bytes>"},
 * e.g. `openssl rand -base64 32`. Ingestion (pseudonymising authors) and erasure (finding a person's signals) must read
 * the same secret: a pseudonym made with another key finds nothing.
 */
import * as z from "../zod";
import { PSEUDONYM_KEY_MIN_BYTES } from "../domain/pseudonym";
import type { SecretReader } from "./secrets";

export const pseudonymSecretSchema = z.object({
    key: z.string().check(
        z.regex(/^[A-Za-z0-9+/]+={0,2}$/),
        z.refine((value) => Buffer.from(value, "base64").byteLength >= PSEUDONYM_KEY_MIN_BYTES),
    ),
});

/** Reads (and, through the reader, caches) the key; errors name the secret and the field, never the value. */
export function pseudonymKeyFrom(secrets: Pick<SecretReader, "read">, secretId: string): () => Promise<Uint8Array> {
    return async () => {
        const secret = await secrets.read(secretId, pseudonymSecretSchema);
        return new Uint8Array(Buffer.from(secret.key, "base64"));
    };
}
