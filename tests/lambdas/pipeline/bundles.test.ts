import { expect } from "chai";
import { buildHandlerBundle } from "../../../lib/bundle";
import { BUNDLE_TARGET_BYTES } from "../../support/bundle-budgets";

/**
 * The signal-half handlers bundled as the stack deploys them (lib/bundle.ts: esbuild, ESM, minified, AWS SDK bundled
 * and trimmed). All five meet the 350 KB target (tests/support/bundle-budgets.ts; the ingest functions, with their
 * connectors, with the least room: ~1–6 KB). S3 and Secrets Manager go through the REST adapters (adapters/s3-http.ts,
 * adapters/secrets-http.ts): no bundle carries @aws-sdk/client-s3, and no S3 operation but PutObject (admin's erasure
 * alone needs the others).
 */
const HANDLERS = {
    "ingest-social": "ingest finished",
    "ingest-news": "ingest finished",
    "ingest-regulatory": "ingest finished",
    score: "signals scored",
    fuse: "assets fused",
} as const;

describe("signal-half handler bundles", function () {
    for (const [name, marker] of Object.entries(HANDLERS)) {
        it(`${name} bundles within ${BUNDLE_TARGET_BYTES / 1000} KB minified, with its use case in it`, async function () {
            const bundle = await buildHandlerBundle(`lambdas/handlers/${name}.ts`);
            const bytes = Buffer.byteLength(bundle.code, "utf8");
            this.test!.title += ` [${(bytes / 1000).toFixed(1)} KB]`;
            expect(bytes).to.be.at.most(BUNDLE_TARGET_BYTES);
            expect(bundle.code).to.include(marker);
            const sources = (JSON.parse(bundle.sourceMap) as { sources: string[] }).sources;
            expect(
                sources.filter((source) =>
                    /node_modules\/(@aws-sdk\/client-s3|@aws-sdk\/client-secrets-manager|fast-xml-parser)\//.test(source),
                ),
            ).to.deep.equal([]);
            expect(bundle.code).to.include("PutObject").and.not.include("ListObjectVersions").and.not.include("DeleteObjects");
        });
    }
});
