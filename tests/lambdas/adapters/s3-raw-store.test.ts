import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import * as z from "zod";
import type { PutObjectInput, S3Http } from "../../../lambdas/adapters/s3-http";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "./fixtures";

describe("S3RawStore (fauxqs)", function () {
    let s3: S3Client;
    let s3Http: S3Http;
    let bucket: string;
    let store: S3RawStore;

    before(async function () {
        const aws = await startLocalAws();
        s3 = aws.s3Client();
        s3Http = aws.s3Http();
        bucket = await aws.createBucket(uniqueName("raw"));
        store = new S3RawStore(bucket, s3Http);
    });

    const keysIn = async (prefix: string) => {
        const keys: string[] = [];
        let ContinuationToken: string | undefined;
        do {
            const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
            keys.push(...(out.Contents ?? []).map((o) => o.Key!));
            ContinuationToken = out.NextContinuationToken;
        } while (ContinuationToken);
        return keys;
    };

    it("round-trips a raw payload with its content type and metadata", async function () {
        const body = Buffer.from([0, 1, 2, 250, 255]);
        await store.putRaw("reddit/2026/11/20/12/t3_1.bin", body, "application/octet-stream", { source: "reddit", "fetched-by": "ingest" });
        const got = await store.get("reddit/2026/11/20/12/t3_1.bin");
        expect(got?.body.equals(body)).to.equal(true);
        expect(got?.contentType).to.equal("application/octet-stream");
        expect(got?.metadata).to.deep.equal({ source: "reddit", "fetched-by": "ingest" });
    });

    it("sends the SSE-KMS header only when asked", async function () {
        // fauxqs accepts but does not record SSE headers, so the request itself is checked.
        const puts: PutObjectInput[] = [];
        const capturing = Object.assign(Object.create(s3Http) as S3Http, {
            putObject: (input: PutObjectInput) => {
                puts.push(input);
                return s3Http.putObject(input);
            },
        });
        const kmsStore = new S3RawStore(bucket, capturing);
        await kmsStore.putRaw("sse/a.json", "{}", "application/json", {}, { kms: { keyId: "alias/ai-investment" } });
        await kmsStore.putJson("sse/b.json", {});
        expect(puts.map((p) => p.kms)).to.deep.equal([{ keyId: "alias/ai-investment" }, undefined]);
        expect((await store.get("sse/a.json"))?.body.toString()).to.equal("{}");
    });

    it("answers undefined for a missing key", async function () {
        expect(await store.get("reddit/none.json")).to.equal(undefined);
    });

    it("writes JSON and reads it back validated", async function () {
        const schema = z.strictObject({ asset: z.string(), features: z.array(z.number()) });
        await store.putJson("features/BTC/2026-11-20.json", { asset: "BTC", features: [0.1, 0.2] });
        expect(await store.getJson("features/BTC/2026-11-20.json", schema)).to.deep.equal({ asset: "BTC", features: [0.1, 0.2] });
        expect((await store.get("features/BTC/2026-11-20.json"))?.contentType).to.equal("application/json");
        await store.putJson("features/ETH/2026-11-20.json", { asset: "ETH", features: ["x"] });
        const error = await rejectionOf(store.getJson("features/ETH/2026-11-20.json", schema));
        expect(error.message).to.contain("features/ETH/2026-11-20.json").and.contain("features.0");
    });

    it("rejects metadata S3 cannot carry before sending", async function () {
        const error = await rejectionOf(store.putRaw("reddit/meta.json", "{}", "application/json", { author: "Zoë" }));
        expect(error.message).to.contain("metadata author must be printable ASCII");
        expect(await keysIn("reddit/meta")).to.deep.equal([]);
    });

    it("deletes more than 1000 keys in chunks of 1000", async function () {
        this.timeout(60_000);
        const keys = Array.from({ length: 1003 }, (_, i) => `erase/${String(i).padStart(4, "0")}.json`);
        await Promise.all(keys.map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: "{}" }))));
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "erase-not/keep.json", Body: "{}" }));
        expect(await keysIn("erase/")).to.have.length(1003);

        const sizes: number[] = [];
        const counting = Object.assign(Object.create(s3Http) as S3Http, {
            deleteObjects: (bucketName: string, objects: readonly { key: string }[]) => {
                sizes.push(objects.length);
                return s3Http.deleteObjects(bucketName, objects);
            },
        });
        await new S3RawStore(bucket, counting).deleteMany([...keys, "erase/never-existed.json"]);
        expect(sizes).to.deep.equal([1000, 4]);
        expect(await keysIn("erase/")).to.deep.equal([]);
        expect(await keysIn("erase-not/")).to.deep.equal(["erase-not/keep.json"]);
    });
});
