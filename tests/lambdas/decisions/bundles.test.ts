import { expect } from "chai";
import { buildHandlerBundle } from "../../../lib/bundle";
import { BUNDLE_TARGET_BYTES } from "../../support/bundle-budgets";

/**
 * The handlers of the decision half, bundled the way the stack deploys them (lib/bundle.ts: esbuild, ESM, minified,
 * AWS SDK bundled and trimmed). Each meets the 350 KB target (KB = 1000 bytes; ~335–346 KB now).
 */
const HANDLERS = ["risk-check", "propose", "decision", "stream"] as const;
const BUDGET_BYTES = BUNDLE_TARGET_BYTES;

describe("decision-half handler bundles", function () {
    for (const name of HANDLERS) {
        it(`${name} bundles within ${BUDGET_BYTES / 1000} KB minified, with its use case in it`, async function () {
            const bundle = await buildHandlerBundle(`lambdas/handlers/${name}.ts`);
            const bytes = Buffer.byteLength(bundle.code, "utf8");
            this.test!.title += ` [${(bytes / 1000).toFixed(1)} KB]`;
            expect(bytes).to.be.at.most(BUDGET_BYTES);
            // The function's own work must be in it (not a placeholder that bundles to the wrappers only).
            const marker = {
                "risk-check": "market-data:",
                propose: "NO_FUSED_VIEW",
                decision: "decision lost a race",
                stream: "dashboard update pushed",
            }[name];
            expect(bundle.code).to.include(marker);
        });
    }
});
