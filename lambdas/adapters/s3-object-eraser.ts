/**
 * S3 calls of the GDPR erasure: deleting raw payloads for good, and writing the audit record exactly once.
 *
 * The buckets are versioned, so a plain DELETE only adds a delete marker and the payload stays readable as a
 * noncurrent version until the lifecycle expires it (90 days by default). With `purgeVersions` every version and
 * delete marker of the key is deleted by version id (ListObjectVersions + DeleteObjects), which is what erasure needs.
 * Local S3 stand-ins without versioning (fauxqs) run with purgeVersions off.
 */
import { DeleteObjectsCommand, ListObjectVersionsCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { chunk } from "./batching";

export type S3Sender = Pick<S3Client, "send">;

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

interface ObjectIdentifier {
    Key: string;
    VersionId?: string;
}

export class S3ObjectEraser {
    private readonly purgeVersions: boolean;

    constructor(
        private readonly bucket: string,
        private readonly client: S3Sender,
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
            targets.push(...unique.map((Key) => ({ Key })));
        }
        const failed: string[] = [];
        for (const part of chunk(targets, 1000)) {
            const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: part, Quiet: true } }));
            for (const error of out.Errors ?? [])
                failed.push(`${error.Key}${error.VersionId ? `@${error.VersionId}` : ""} (${error.Code})`);
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
            await this.client.send(
                new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: "application/json", IfNoneMatch: "*" }),
            );
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
        let KeyMarker: string | undefined;
        let VersionIdMarker: string | undefined;
        for (;;) {
            const out = await this.client.send(
                new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key, KeyMarker, VersionIdMarker }),
            );
            for (const entry of [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])]) {
                if (entry.Key === key && entry.VersionId !== undefined) versions.push({ Key: key, VersionId: entry.VersionId });
            }
            if (!out.IsTruncated) return versions;
            KeyMarker = out.NextKeyMarker;
            VersionIdMarker = out.NextVersionIdMarker;
        }
    }
}
