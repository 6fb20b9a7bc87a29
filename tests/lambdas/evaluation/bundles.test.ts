import { expect } from "chai";
import { buildHandlerBundle } from "../../../lib/bundle";

/**
 * Bundle sizes of the evaluate, dashboard and admin functions as the infrastructure builds them (lib/bundle.ts: the
 * AWS SDK bundled in, minified ESM). The target was 350 KB; with the SDK bundled the DynamoDB client alone is ~330 KB,
 * so the budgets here are what each function needs now, to catch growth (e.g. a client it does not use). Marking
 * @aws-sdk/* and @smithy/* external (the nodejs24.x runtime ships SDK v3) would bring all three to 120–170 KB.
 */
const BUDGET_KB: Record<string, number> = { evaluate: 700, dashboard: 480, admin: 680 };

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
        ["evaluate", ["@aws-sdk/client-sqs"]],
        ["dashboard", ["@aws-sdk/client-s3", "@aws-sdk/client-sqs", "@aws-sdk/client-secrets-manager", "@aws-lambda-powertools/metrics"]],
        ["admin", ["@aws-sdk/client-sqs", "fast-xml-parser"]],
    ] as const) {
        it(`${name}: builds within its budget and without clients it does not use`, async function () {
            const bundle = await buildHandlerBundle(`lambdas/handlers/${name}.ts`);
            const kb = Buffer.byteLength(bundle.code) / 1024;
            sizes[name] = Math.round(kb * 10) / 10;
            expect(bundle.code).to.match(/export\s*\{[^}]*\bhandler\b/);
            expect(kb, `${name} is ${kb.toFixed(1)} KB`).to.be.at.most(BUDGET_KB[name]!);
            const packages = packagesOf(bundle.sourceMap);
            expect(packages.has("@aws-sdk/client-dynamodb"), "bundles the DynamoDB client").to.equal(true);
            for (const pkg of unused) expect(packages.has(pkg), `${name} bundles ${pkg}`).to.equal(false);
        });
    }

    after(function () {
        if (Object.keys(sizes).length > 0) console.log(`      bundle sizes (KB): ${JSON.stringify(sizes)}`);
    });
});
