/**
 * `npm run bench`: scoring and fusion throughput, each handler's bundle size and cold import time next to loading it
 * from node_modules, and the end-to-end pipeline rate on the local servers. Targets (issue 6): scoring ≥ 100k signals/s
 * on one core, bundles ≤ 350 KB minified, cold import ≤ 0.6× the node_modules import, pipeline ≥ 1k signals/s.
 * Prints the numbers and which targets are missed; exit 1 when one is.
 */
import { benchBundles } from "./bundles";
import { benchDomain } from "./domain";
import { benchPipeline, PIPELINE_TARGET_PER_SECOND, printPipeline } from "./pipeline";

const SCORING_TARGET_PER_SECOND = 100_000;
const BUNDLE_TARGET_BYTES = 350 * 1000;
const IMPORT_RATIO_TARGET = 0.6;

async function main(): Promise<number> {
    const missed: string[] = [];
    const domain = await benchDomain();
    console.log("Domain throughput (one thread, signals/s)");
    for (const [name, value] of Object.entries(domain)) console.log(`  ${name.padEnd(22)} ${Math.round(value).toLocaleString("en-US")}`);
    if (domain.scoringPerSecond < SCORING_TARGET_PER_SECOND) missed.push(`scoring ${Math.round(domain.scoringPerSecond)}/s < 100k/s`);

    console.log("\nHandler bundles (minified ESM) and cold import, median of 5 fresh processes");
    console.log(
        `  ${"handler".padEnd(20)} ${"KB".padStart(7)} ${"bundled ms".padStart(11)} ${"node_modules ms".padStart(16)} ${"ratio".padStart(6)}`,
    );
    for (const result of await benchBundles()) {
        console.log(
            `  ${result.handler.padEnd(20)} ${(result.bundleBytes / 1000).toFixed(1).padStart(7)} ${result.bundledImportMs.toFixed(1).padStart(11)} ` +
                `${result.nodeModulesImportMs.toFixed(1).padStart(16)} ${result.ratio.toFixed(2).padStart(6)}`,
        );
        if (result.error) missed.push(result.error);
        if (result.bundleBytes > BUNDLE_TARGET_BYTES)
            missed.push(`${result.handler} bundle ${(result.bundleBytes / 1000).toFixed(0)} KB > 350 KB`);
        if (!result.error && result.ratio > IMPORT_RATIO_TARGET)
            missed.push(`${result.handler} cold import ratio ${result.ratio.toFixed(2)} > 0.6`);
    }

    console.log("");
    const pipeline = await benchPipeline();
    printPipeline(pipeline, PIPELINE_TARGET_PER_SECOND);
    if (!pipeline.complete) missed.push(`pipeline run incomplete (${pipeline.failures} failures)`);
    if (pipeline.endToEndPerSecond < PIPELINE_TARGET_PER_SECOND)
        missed.push(
            `pipeline ${Math.round(pipeline.endToEndPerSecond)} signals/s end to end < 1k/s ` +
                `(this machine's storage ceiling: ${Math.round(pipeline.storageCeiling.perSecond)}/s)`,
        );
    console.log(missed.length ? `\nMissed targets:\n  ${missed.join("\n  ")}` : "\nAll targets met.");
    return missed.length ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error);
        process.exit(2);
    },
);
