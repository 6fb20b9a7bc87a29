import { expect } from "chai";
import { buildHandlerBundle } from "../../../lib/bundle";
import { bundleBudgetBytes } from "../../support/bundle-budgets";

/**
 * The signal-half handlers bundled as the stack deploys them (lib/bundle.ts: esbuild, ESM, minified, AWS SDK bundled
 * and trimmed). They do not meet the 350 KB target yet (ingest-* ~593 KB, score ~483 KB, fuse ~474 KB): besides zod
 * (~97 KB) they carry the DynamoDB, S3 and SQS clients (and Secrets Manager and fast-xml-parser for ingest). Their
 * budgets (tests/support/bundle-budgets.ts) sit just above those sizes, so that any growth fails.
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
        it(`${name} bundles within ${bundleBudgetBytes(name) / 1000} KB minified, with its use case in it`, async function () {
            const bundle = await buildHandlerBundle(`lambdas/handlers/${name}.ts`);
            const bytes = Buffer.byteLength(bundle.code, "utf8");
            this.test!.title += ` [${(bytes / 1000).toFixed(1)} KB]`;
            expect(bytes).to.be.at.most(bundleBudgetBytes(name));
            expect(bundle.code).to.include(marker);
        });
    }
});
