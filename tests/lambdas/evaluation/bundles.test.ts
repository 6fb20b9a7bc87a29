import { expect } from "chai";
import { buildHandlerBundle } from "../../../lib/bundle";
import { BUNDLE_TARGET_BYTES } from "../../support/bundle-budgets";

/**
 * Bundle sizes of the evaluate, dashboard and admin functions as the infrastructure builds them (lib/bundle.ts: the
 * AWS SDK bundled in and trimmed, minified ESM). All three meet the 350 KB target (tests/support/bundle-budgets.ts):
 * dashboard uses DynamoDB only; evaluate and admin also use Secrets Manager and S3 through the REST adapters
 * (adapters/secrets-http.ts, adapters/s3-http.ts), never @aws-sdk/client-secrets-manager or @aws-sdk/client-s3. The lists
 * below catch a client a bundle must not carry.
 */
/** The npm packages a bundle contains, from its source map. */
function packagesOf(sourceMap: string): Set<string> {
    const sources = (JSON.parse(sourceMap) as { sources: string[] }).sources;
    return new Set(
        sources
            .map((source) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1])
            .filter((name): name is string => name !== undefined),
    );
}

describe("bundles of evaluate, dashboard and admin", function () {
    this.timeout(120_000);
    const sizes: Record<string, number> = {};

    for (const [name, unused] of [
        ["evaluate", ["@aws-sdk/client-sqs", "@aws-sdk/client-s3", "@aws-sdk/client-secrets-manager"]],
        ["dashboard", ["@aws-sdk/client-s3", "@aws-sdk/client-sqs", "@aws-sdk/client-secrets-manager", "@aws-lambda-powertools/metrics"]],
        ["admin", ["@aws-sdk/client-sqs", "@aws-sdk/client-s3", "@aws-sdk/client-secrets-manager"]],
    ] as const) {
        it(`${name}: builds within its budget and without clients it does not use`, async function () {
            const bundle = await buildHandlerBundle(`lambdas/handlers/${name}.ts`);
            const kb = Buffer.byteLength(bundle.code) / 1000;
            sizes[name] = Math.round(kb * 10) / 10;
            expect(bundle.code).to.match(/export\s*\{[^}]*\bhandler\b/);
            expect(kb, `${name} is ${kb.toFixed(1)} KB`).to.be.at.most(BUNDLE_TARGET_BYTES / 1000);
            const packages = packagesOf(bundle.sourceMap);
            expect(packages.has("@aws-sdk/client-dynamodb"), "bundles the DynamoDB client").to.equal(true);
            for (const pkg of unused) expect(packages.has(pkg), `${name} bundles ${pkg}`).to.equal(false);
        });
    }

    after(function () {
        if (Object.keys(sizes).length > 0) console.log(`      bundle sizes (KB): ${JSON.stringify(sizes)}`);
    });
});
