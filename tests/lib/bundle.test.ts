import { expect } from "chai";
import { buildHandlerBundle, ESBUILD_TARGET, LAMBDA_RUNTIME } from "../../lib/bundle";

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
});
