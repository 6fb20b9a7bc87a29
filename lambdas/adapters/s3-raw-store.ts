/**
 * Objects of one bucket: raw payloads (`<source>/yyyy/mm/dd/HH/<id>.json`, seed 002) and the JSON outputs of the
 * curated, features and eval stages.
 */
import type * as z from "../zod";
import { chunk } from "./batching";
import type { S3Api } from "./s3-http";

export interface PutOptions {
    /**
     * Sends `x-amz-server-side-encryption: aws:kms` (and the key id if given). The buckets encrypt with the stack's key
     * by default; the header makes a bucket policy that denies unencrypted puts accept the request.
     */
    kms?: { keyId?: string };
}

export interface StoredObject {
    body: Buffer;
    contentType?: string;
    metadata: Record<string, string>;
}

/** User metadata travels as HTTP headers: S3 limits it to 2 KB and header-safe text. */
const MAX_METADATA_BYTES = 2048;

/**
 * The client needs PutObject only for writing; `get`/`getJson` also need getObject and `deleteMany` deleteObjects, which
 * the compiler checks through the type of the client given (a writer's bundle then carries no other S3 operation).
 */
export class S3RawStore<C extends Pick<S3Api, "putObject"> = Pick<S3Api, "putObject" | "getObject" | "deleteObjects">> {
    constructor(
        private readonly bucket: string,
        private readonly client: C,
    ) {}

    async putRaw(
        key: string,
        body: string | Uint8Array,
        contentType: string,
        metadata: Record<string, string> = {},
        options: PutOptions = {},
    ): Promise<void> {
        checkMetadata(key, metadata);
        await this.client.putObject({
            bucket: this.bucket,
            key,
            body,
            contentType,
            metadata,
            ...(options.kms ? { kms: options.kms } : {}),
        });
    }

    async putJson(key: string, value: unknown, metadata: Record<string, string> = {}, options: PutOptions = {}): Promise<void> {
        const body = JSON.stringify(value);
        if (body === undefined) throw new Error(`putJson ${key}: value is not JSON-serialisable`);
        await this.putRaw(key, body, "application/json", metadata, options);
    }

    /** The object, or undefined when the key does not exist. */
    async get(this: S3RawStore<Pick<S3Api, "putObject" | "getObject">>, key: string): Promise<StoredObject | undefined> {
        try {
            return await this.client.getObject(this.bucket, key);
        } catch (error) {
            if (error instanceof Error && error.name === "NoSuchKey") return undefined;
            throw error;
        }
    }

    /** A JSON object validated with `schema`; an invalid one is an error naming the bucket, key and fields. */
    async getJson<S extends z.ZodMiniType>(
        this: S3RawStore<Pick<S3Api, "putObject" | "getObject">>,
        key: string,
        schema: S,
    ): Promise<z.output<S> | undefined> {
        const object = await this.get(key);
        if (!object) return undefined;
        let parsed: unknown;
        try {
            parsed = JSON.parse(object.body.toString("utf8"));
        } catch {
            throw new Error(`s3://${this.bucket}/${key} is not valid JSON`);
        }
        const result = schema.safeParse(parsed);
        if (!result.success) {
            const fields = result.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
            throw new Error(`s3://${this.bucket}/${key} does not match its schema: ${fields.join("; ")}`);
        }
        return result.data;
    }

    /** DeleteObjects in chunks of 1000 (its limit); missing keys count as deleted, like in S3. */
    async deleteMany(this: S3RawStore<Pick<S3Api, "putObject" | "deleteObjects">>, keys: readonly string[]): Promise<void> {
        const failed: string[] = [];
        for (const part of chunk([...new Set(keys)], 1000)) {
            const errors = await this.client.deleteObjects(
                this.bucket,
                part.map((key) => ({ key })),
            );
            for (const error of errors) failed.push(`${error.key} (${error.code})`);
        }
        if (failed.length > 0) throw new Error(`Could not delete ${failed.length} objects from ${this.bucket}: ${failed.join(", ")}`);
    }
}

function checkMetadata(key: string, metadata: Record<string, string>): void {
    let bytes = 0;
    for (const [name, value] of Object.entries(metadata)) {
        // Printable ASCII only: anything else is mangled or rejected as an HTTP header.
        if (!/^[A-Za-z0-9-_]+$/.test(name))
            throw new Error(`putRaw ${key}: metadata name ${JSON.stringify(name)} must be letters, digits, - or _`);
        if (!/^[\x20-\x7e]*$/.test(value)) throw new Error(`putRaw ${key}: metadata ${name} must be printable ASCII`);
        bytes += name.length + value.length;
    }
    if (bytes > MAX_METADATA_BYTES) throw new Error(`putRaw ${key}: metadata is ${bytes} bytes, S3 allows ${MAX_METADATA_BYTES}`);
}
