/**
 * Offline preview of one stack: runs the program on the mock engine with the stack's config file and prints a
 * preview-like tree (children under the component that owns them), the resource count per type and the run time.
 *
 *   npm run preview -- --stack prod [--preview]
 */
import { parseArgs } from "node:util";
// Stack traces with source maps cost ~1 s across 500 resources (Pulumi records a source position per resource).
process.setSourceMapsEnabled(false);
import { performance } from "node:perf_hooks";
import { type RecordedResource, runProgram } from "../offline/engine";
import { ResourceGraph } from "../offline/graph";

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { stack: { type: "string" }, preview: { type: "boolean", default: false } } });
    if (!values.stack) {
        console.error("usage: npm run preview -- --stack <dev|staging|prod> [--preview]");
        return 2;
    }
    const started = performance.now();
    const run = await runProgram({ stack: values.stack, preview: values.preview });
    const graph = new ResourceGraph(run.resources);

    console.log(
        `Previewing stack ${run.project}/${run.stack} on the offline mock engine${run.preview ? " (preview mode: new ids unknown)" : ""}\n`,
    );
    const print = (resource: RecordedResource, depth: number) => {
        console.log(`${"    ".repeat(depth)}+ ${resource.type} ${resource.name}`);
        for (const child of graph.children(resource)) print(child, depth + 1);
    };
    for (const root of run.resources.filter((r) => !r.parent || !graph.byUrn(r.parent))) print(root, 0);

    const counts = graph.countsByType();
    console.log("\nResources by type:");
    for (const [type, count] of Object.entries(counts)) console.log(`  ${String(count).padStart(4)}  ${type}`);
    const custom = run.resources.filter((r) => r.custom).length;
    console.log(`\n${run.resources.length} resources (${custom} cloud resources, ${run.resources.length - custom} components)`);
    console.log(`program ran in ${run.durationMs.toFixed(0)} ms; whole preview ${(performance.now() - started).toFixed(0)} ms`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    },
);
