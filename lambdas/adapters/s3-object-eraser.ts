/**
 * S3 calls of the GDPR erasure: deleting raw payloads for good, and writing the audit record exactly once.
 *
 * The buckets are versioned, so a plain DELETE only adds a delete marker and the payload stays readable as a
 * noncurrent version until the lifecycle expires it (90 days by default). With `purgeVersions` every version and
 * delete marker of the key is deleted by version id (ListObjectVersions + DeleteObjects), which is what erasure needs.
 * Local S3 stand-ins without versioning (fauxqs) run with purgeVersions off.
 */
import { chunk } from "./batching";
import type { ObjectIdentifier, S3Api } from "./s3-http";

export interface ObjectEraserOptions {
    /** Delete every version of each key (versioned buckets). Default true. */
    purgeVersions?: boolean;
}

export class ObjectExistsError extends Error {
    constructor(
        readonly bucket: string,
        readonly key: string,
    ) {
        super(`s3://${bucket}/${key} exists already and is never overwritten`);
        this.name = "ObjectExistsError";
    }
}

export class S3ObjectEraser {
    private readonly purgeVersions: boolean;

    constructor(
        private readonly bucket: string,
        private readonly client: Pick<S3Api, "putObject" | "deleteObjects" | "listObjectVersions">,
        options: ObjectEraserOptions = {},
    ) {
        this.purgeVersions = options.purgeVersions ?? true;
    }

    /** Deletes the keys (every version of them with purgeVersions); returns how many object versions were deleted. */
    async erase(keys: readonly string[]): Promise<number> {
        const unique = [...new Set(keys)];
        const targets: ObjectIdentifier[] = [];
        if (this.purgeVersions) {
            for (const key of unique) targets.push(...(await this.versionsOf(key)));
        } else {
            targets.push(...unique.map((key) => ({ key })));
        }
        const failed: string[] = [];
        for (const part of chunk(targets, 1000)) {
            for (const error of await this.client.deleteObjects(this.bucket, part))
                failed.push(`${error.key}${error.versionId ? `@${error.versionId}` : ""} (${error.code})`);
        }
        if (failed.length > 0)
            throw new Error(`Could not delete ${failed.length} object versions from ${this.bucket}: ${failed.join(", ")}`);
        return targets.length;
    }

    /** Writes the JSON object only if the key does not exist (If-None-Match: *); throws ObjectExistsError otherwise. */
    async putOnce(key: string, value: unknown): Promise<void> {
        const body = JSON.stringify(value);
        if (body === undefined) throw new Error(`putOnce ${key}: value is not JSON-serialisable`);
        try {
            await this.client.putObject({ bucket: this.bucket, key, body, contentType: "application/json", ifNoneMatch: "*" });
        } catch (error) {
            if (error instanceof Error && (error.name === "PreconditionFailed" || error.name === "ConditionalRequestConflict")) {
                throw new ObjectExistsError(this.bucket, key);
            }
            throw error;
        }
    }

    /** Every version and delete marker of exactly this key (the listing is by prefix, so longer keys are dropped). */
    private async versionsOf(key: string): Promise<ObjectIdentifier[]> {
        const versions: ObjectIdentifier[] = [];
        let keyMarker: string | undefined;
        let versionIdMarker: string | undefined;
        for (;;) {
            const page = await this.client.listObjectVersions(this.bucket, { prefix: key, keyMarker, versionIdMarker });
            for (const entry of page.versions) {
                if (entry.key === key && entry.versionId !== undefined) versions.push({ key, versionId: entry.versionId });
            }
            if (!page.isTruncated) return versions;
            if (page.nextKeyMarker === undefined && page.nextVersionIdMarker === undefined)
                throw new Error(`ListObjectVersions of ${this.bucket} is truncated without a next marker`);
            keyMarker = page.nextKeyMarker;
            versionIdMarker = page.nextVersionIdMarker;
        }
    }
}
