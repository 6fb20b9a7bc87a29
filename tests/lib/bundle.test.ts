import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { basename, join } from "node:path";
import { expect } from "chai";
import { buildHandlerBundle, compactErrorClasses, ESBUILD_TARGET, LAMBDA_RUNTIME, literalSchemaKeys } from "../../lib/bundle";
import LRUCache from "../../lib/bundle-shims/lru-cache";
import { BUNDLE_TARGET_BYTES } from "../support/bundle-budgets";

/** The files a bundle was built from, from its source map (paths relative to the virtual output directory). */
function sourcesOf(sourceMap: string): string[] {
    return (JSON.parse(sourceMap) as { sources: string[] }).sources;
}

describe("handler bundling", function () {
    this.timeout(30_000);

    it("targets the Lambda runtime's Node.js major", () => {
        expect(LAMBDA_RUNTIME).to.equal("nodejs24.x");
        expect(ESBUILD_TARGET).to.equal("node24");
    });

    it("is byte-for-byte deterministic across builds", async () => {
        const first = await buildHandlerBundle("lambdas/handlers/stream.ts");
        const second = await buildHandlerBundle("lambdas/handlers/stream.ts");
        expect(second.sha256).to.equal(first.sha256);
        expect(second.code).to.equal(first.code);
    });

    it("emits a minified ES module with a source map whose paths are relative to the project", async () => {
        const bundle = await buildHandlerBundle("lambdas/handlers/health.ts");
        expect(bundle.code).to.match(/^import\{createRequire as __cr\}from"node:module";/);
        expect(bundle.code).to.match(/export\{[^}]*as handler\}/);
        const map = JSON.parse(bundle.sourceMap);
        expect(map.sources).to.include("../../lambdas/handlers/health.ts");
        for (const source of map.sources) expect(source).not.to.match(/^\/|work\/main/);
    });

    it("fails with the esbuild error for a broken entry", async () => {
        const error = await buildHandlerBundle("lambdas/handlers/does-not-exist.ts").catch((e: Error) => e);
        expect(String(error)).to.match(/esbuild failed for lambdas\/handlers\/does-not-exist.ts: Could not resolve/);
    });

    describe("AWS SDK trimming", function () {
        it("score ships the env-only credential provider, not the default chain with its nested clients", async () => {
            const bundle = await buildHandlerBundle("lambdas/handlers/score.ts");
            const sources = sourcesOf(bundle.sourceMap);
            expect(sources).to.include("../../lambdas/adapters/lambda-credential-provider.ts");
            for (const pkg of [
                "@aws-sdk/credential-provider-node",
                "@aws-sdk/credential-provider-ini",
                "@aws-sdk/credential-provider-sso",
                "@aws-sdk/credential-provider-web-identity",
                "@aws-sdk/nested-clients",
                "@smithy/credential-provider-imds",
            ]) {
                expect(
                    sources.some((source) => source.includes(`node_modules/${pkg}/`)),
                    pkg,
                ).to.equal(false);
            }
        });

        it("keeps the SQS shapes of the commands a handler sends and drops the others", async () => {
            const { code } = await buildHandlerBundle("lambdas/handlers/score.ts");
            // score queues scored signals with SendMessageBatch; nothing in it manages queue permissions or DLQ sources.
            expect(code).to.include('"SendMessageBatchRequestEntry"');
            expect(code).not.to.include("AddPermission");
            expect(code).not.to.include("ListDeadLetterSourceQueues");
        });

        it("swaps the lazily loaded event-stream codec for a module that names why it is missing", async () => {
            const { code, sourceMap } = await buildHandlerBundle("lambdas/handlers/stream.ts");
            expect(code).to.include("@smithy/core/event-streams is not bundled (lib/bundle.ts)");
            expect(sourcesOf(sourceMap).some((source) => source.includes("/submodules/event-streams/"))).to.equal(false);
        });

        it("swaps SDK modules a function never reaches (pure-JS hashes, adaptive retry, ~/.aws files) for stubs that name why", async () => {
            const { code } = await buildHandlerBundle("lambdas/handlers/decision.ts");
            // Markers of the real modules: SHA-256's first round constant, the rate limiter's state, the files' variables.
            for (const marker of ["1116352408", "measuredTxRate", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"])
                expect(code, marker).not.to.include(marker);
            expect(code).to.include("adaptive retry (set AWS_RETRY_MODE=standard) is not bundled (lib/bundle.ts)");
            expect(code).to.include("the pure-JS SHA-256 (node:crypto's is used) is not bundled (lib/bundle.ts)");
        });

        describe("compactErrorClasses", () => {
            const CLIENTS = ["dynamodb", "sqs", "apigatewaymanagementapi", "bedrock-runtime"];
            let dir: string;
            before(() => (dir = mkdtempSync(join(tmpdir(), "sdk-errors-"))));
            after(() => rmSync(dir, { recursive: true, force: true }));

            /** The client's errors module as an ES module file, with its classes as published or compacted. */
            async function errorsModule(client: string, compact: boolean): Promise<Record<string, any>> {
                const file = join(process.cwd(), `node_modules/@aws-sdk/client-${client}/dist-es/models/errors.js`);
                const result = await esbuild.build({
                    entryPoints: [file],
                    bundle: true,
                    write: false,
                    format: "esm",
                    platform: "node",
                    mainFields: ["module", "main"],
                    plugins: compact
                        ? [
                              {
                                  name: "compact",
                                  setup: (b) =>
                                      b.onLoad({ filter: /models[\\/]errors\.js$/ }, () => ({
                                          contents: compactErrorClasses(readFileSync(file, "utf8")),
                                          loader: "js",
                                      })),
                              },
                          ]
                        : [],
                });
                const out = join(dir, `${client}-${compact}.mjs`);
                writeFileSync(out, result.outputFiles[0]!.text);
                return import(pathToFileURL(out).href);
            }

            /** Everything a caller can observe of an error built the way the SDK's protocols build them. */
            function observe(ErrorClass: any) {
                const members = Object.keys(new ErrorClass({})).filter(
                    (key) => !["name", "$fault", "$metadata", "$retryable"].includes(key),
                );
                const opts = {
                    message: "boom",
                    $metadata: { httpStatusCode: 400 },
                    ...Object.fromEntries(members.map((m) => [m, `${m}-value`])),
                };
                const error = new ErrorClass(opts);
                // Not the class's own name: bundlers rename classes (esbuild's bundle of the published file calls them `_X`).
                return {
                    shapeId: ErrorClass.shapeId,
                    ownKeys: Object.keys(error).sort(),
                    values: Object.fromEntries(Object.keys(error).map((key) => [key, error[key]])),
                    message: error.message,
                    isError: error instanceof Error,
                    isOwnClass: error instanceof ErrorClass,
                    prototypeDepth: (() => {
                        let depth = 0;
                        for (let p = Object.getPrototypeOf(error); p; p = Object.getPrototypeOf(p)) depth++;
                        return depth;
                    })(),
                };
            }

            for (const client of CLIENTS) {
                it(`builds ${client}'s exceptions that behave as the published classes, in fewer bytes`, async () => {
                    const source = readFileSync(`node_modules/@aws-sdk/client-${client}/dist-es/models/errors.js`, "utf8");
                    const compacted = compactErrorClasses(source);
                    expect(compacted.length).to.be.below(source.length);
                    expect(compacted).not.to.match(/\bclass \w+ extends __BaseException/);
                    const [published, compact] = await Promise.all([errorsModule(client, false), errorsModule(client, true)]);
                    expect(Object.keys(compact).sort()).to.deep.equal(Object.keys(published).sort());
                    for (const name of Object.keys(published)) {
                        if (typeof published[name] !== "function" || !published[name].shapeId) continue;
                        expect(observe(compact[name]), name).to.deep.equal(observe(published[name]));
                    }
                });
            }

            it("leaves a file of another shape as it is", () => {
                const custom =
                    'import { X as __BaseException } from "./X";\nexport class Odd extends __BaseException {\n    static shapeId = "a#Odd";\n    constructor(opts) { super(opts); this.extra = 1; }\n}\n';
                expect(compactErrorClasses(custom)).to.equal(custom);
            });
        });

        it("gives the DynamoDB endpoint cache a Map-based LRU and drops the IMDS region lookup", async () => {
            const { code, sourceMap } = await buildHandlerBundle("lambdas/handlers/decision.ts");
            const sources = sourcesOf(sourceMap);
            expect(sources).to.include("../../lib/bundle-shims/lru-cache.ts");
            expect(sources.some((source) => /node_modules\/(mnemonist|obliterator)\//.test(source))).to.equal(false);
            expect(sources.some((source) => source.endsWith("/getInstanceMetadataRegion.js"))).to.equal(false);
            expect(code).not.to.include("/latest/meta-data/placement/region");
        });

        it("the LRU shim evicts the least recently used entry; peek and has do not count as a use", () => {
            const cache = new LRUCache<string, number>(2);
            cache.set("a", 1).set("b", 2);
            expect(cache.get("a")).to.equal(1); // a is now the most recent
            cache.set("c", 3); // evicts b
            expect([cache.has("a"), cache.has("b"), cache.has("c")]).to.deep.equal([true, false, true]);
            expect(cache.peek("a")).to.equal(1);
            cache.set("d", 4); // the order is a, c (peek did not move a): evicts a
            expect([cache.has("a"), cache.has("c"), cache.has("d")]).to.deep.equal([false, true, true]);
            cache.set("c", 30); // an update is a use
            cache.set("e", 5); // evicts d
            expect([cache.get("c"), cache.has("d"), cache.get("e"), cache.size]).to.deep.equal([30, false, 5, 2]);
            expect(cache.get("missing")).to.equal(undefined);
            cache.clear();
            expect(cache.size).to.equal(0);
        });

        it("literalSchemaKeys turns the schema file's own string constants into literal keys, and nothing else", () => {
            const source = [
                'const _e = "error";',
                'const _hE = "httpError";',
                'const _p = "__proto__";',
                "export var A$ = [-3, n0, _e, { [_e]: _c, [_hE]: 403 }, [], []];",
                "export var B$ = [3, n0, _e, { [other]: 1, [_p]: 2 }, [[() => A$, { [_e]: 1 }]]];",
            ].join("\n");
            expect(literalSchemaKeys(source).split("\n").slice(3)).to.deep.equal([
                'export var A$ = [-3, n0, _e, { "error": _c, "httpError": 403 }, [], []];',
                'export var B$ = [3, n0, _e, { [other]: 1, [_p]: 2 }, [[() => A$, { "error": 1 }]]];',
            ]);
        });
    });

    describe("size budgets (KB = 1000 bytes)", function () {
        this.timeout(120_000);
        const handlers = readdirSync(join(__dirname, "../../lambdas/handlers"))
            .filter((file) => file.endsWith(".ts"))
            .map((file) => basename(file, ".ts"))
            .sort();

        for (const name of handlers) {
            it(`${name}: within ${BUNDLE_TARGET_BYTES / 1000} KB`, async function () {
                const bytes = Buffer.byteLength((await buildHandlerBundle(`lambdas/handlers/${name}.ts`)).code);
                this.test!.title += ` [${(bytes / 1000).toFixed(1)} KB]`;
                expect(bytes).to.be.at.most(BUNDLE_TARGET_BYTES);
            });
        }
    });
});
