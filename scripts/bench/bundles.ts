/**
 * Handler bundles: minified size of what each function ships, and its cold import time next to the same handler
 * loaded with its dependencies from node_modules (one esbuild run with `packages: "external"`), measured side by side
 * in fresh Node processes in one run. Each handler is imported with the environment the prod stack gives it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { buildHandlerBundle, ESBUILD_TARGET } from "../../lib/bundle";
import { runProgram } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";

const ROOT = path.resolve(__dirname, "../..");
/** Inside the project, so that the unbundled variant resolves its imports from node_modules. */
const WORK_DIR = path.join(ROOT, ".bench");
const RUNS = 5;

export interface BundleResult {
    handler: string;
    bundleBytes: number;
    bundledImportMs: number;
    nodeModulesImportMs: number;
    ratio: number;
    /** Set when the handler could not be imported with the stack's environment. */
    error?: string;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds from `import()` to a loaded module, in a fresh process; throws with the module's own error. */
function coldImportMs(file: string, env: Record<string, string>): number {
    const script = `const t = performance.now(); await import(${JSON.stringify(`file://${file}`)}); console.log(performance.now() - t);`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
        env: { PATH: process.env["PATH"] ?? "", AWS_REGION: "eu-central-1", ...env },
        encoding: "utf8",
    });
    if (child.status !== 0) {
        // A handler that cannot start with the environment the stack gives it is a finding, not a crash of the bench.
        const reason =
            /problems: \[([^\]]*)\]/.exec(child.stderr)?.[1]?.trim() ?? child.stderr.split("\n").find((line) => /Error/.test(line));
        throw new Error(`import of ${path.basename(path.dirname(file))} failed: ${reason ?? `exit ${child.status}`}`);
    }
    return Number(child.stdout.trim().split("\n").pop());
}

/** The environment variables each function gets in the prod stack (from the mock run). */
async function prodEnvironments(): Promise<Record<string, Record<string, string>>> {
    const run = await runProgram({ stack: "prod" });
    const graph = new ResourceGraph(run.resources);
    const environments: Record<string, Record<string, string>> = {};
    for (const component of graph.ofType("ai-investment:compute:IngestFunction")) {
        const fn = graph.children(component).find((child) => child.type === "aws:lambda/function:Function");
        environments[component.name] = (fn?.inputs.environment?.variables ?? {}) as Record<string, string>;
    }
    return environments;
}

/**
 * The environment a handler gets in prod. score-bedrock is the score function's build when a stack sets scorer: bedrock
 * (prod does not): the score function's environment with that setting.
 */
function environmentOf(handler: string, environments: Record<string, Record<string, string>>): Record<string, string> {
    if (handler === "score-bedrock")
        return { ...environments["score"], SCORER: "bedrock", BEDROCK_MODEL_ID: "eu.anthropic.claude-3-haiku-20240307-v1:0" };
    return environments[handler] ?? {};
}

export async function benchBundles(): Promise<BundleResult[]> {
    const handlers = fs
        .readdirSync(path.join(ROOT, "lambdas/handlers"))
        .filter((file) => file.endsWith(".ts"))
        .map((file) => path.basename(file, ".ts"))
        .sort();
    const environments = await prodEnvironments();
    fs.rmSync(WORK_DIR, { recursive: true, force: true });
    const results: BundleResult[] = [];
    for (const handler of handlers) {
        const entry = `lambdas/handlers/${handler}.ts`;
        const dir = path.join(WORK_DIR, handler);
        fs.mkdirSync(dir, { recursive: true });
        const bundle = await buildHandlerBundle(entry);
        const bundled = path.join(dir, "bundled.mjs");
        fs.writeFileSync(bundled, bundle.code);
        const fromNodeModules = path.join(dir, "node-modules.mjs");
        await esbuild.build({
            entryPoints: [path.join(ROOT, entry)],
            outfile: fromNodeModules,
            bundle: true,
            packages: "external",
            platform: "node",
            format: "esm",
            target: ESBUILD_TARGET,
            logLevel: "silent",
        });
        const env = environmentOf(handler, environments);
        const bundledTimes: number[] = [];
        const externalTimes: number[] = [];
        try {
            for (let run = 0; run < RUNS; run++) {
                // Alternate, so that machine noise hits both variants alike.
                bundledTimes.push(coldImportMs(bundled, env));
                externalTimes.push(coldImportMs(fromNodeModules, env));
            }
        } catch (error) {
            const bundleBytes = Buffer.byteLength(bundle.code);
            results.push({
                handler,
                bundleBytes,
                bundledImportMs: NaN,
                nodeModulesImportMs: NaN,
                ratio: NaN,
                error: (error as Error).message,
            });
            continue;
        }
        const bundledImportMs = median(bundledTimes);
        const nodeModulesImportMs = median(externalTimes);
        results.push({
            handler,
            bundleBytes: Buffer.byteLength(bundle.code),
            bundledImportMs,
            nodeModulesImportMs,
            ratio: bundledImportMs / nodeModulesImportMs,
        });
    }
    fs.rmSync(WORK_DIR, { recursive: true, force: true });
    return results;
}
