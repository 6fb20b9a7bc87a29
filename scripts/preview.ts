/**
 * Offline preview of one stack with its policy verdicts — what a compliance reviewer runs without cloud credentials.
 *
 *   npm run preview -- --stack prod
 *   npm run preview -- --stack dev --policy-pack-config policy-pack/config/dev.json --format markdown
 *   npm run preview -- --stack test --program tests/fixtures/misconfigured --policy-pack policy-pack --policy-pack ../company-pack
 *
 * Runs the program for the stack's config file on the mock engine, evaluates the policy packs on the recorded graph
 * the way `pulumi preview --policy-pack` does, prints the resource tree, counts and violations, and exits 1 when a
 * mandatory policy is violated.
 */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { PROJECT_ROOT, runProgram } from "../offline/engine";
import { evaluatePolicyPacks, readPolicyPackConfig } from "../offline/policyRunner";
import { renderPreview, type PreviewFormat } from "../offline/report";

// The Pulumi SDK captures a stack trace for every resource and most promises (source positions, leak diagnostics);
// with source maps and full depth that is seconds for 500 resources. This tool prints only error messages.
process.setSourceMapsEnabled(false);
Error.stackTraceLimit = 3;

const USAGE = `usage: npm run preview -- --stack <name> [--policy-pack <dir>]... [--policy-pack-config <file>]...
                       [--program <dir>] [--format text|json|markdown] [--first-deploy]

  --stack               stack whose Pulumi.<stack>.yaml configures the run (required)
  --policy-pack         CrossGuard pack directory; repeatable (default: policy-pack)
  --policy-pack-config  JSON config per pack, in the order of --policy-pack (one file applies to all)
  --program             Pulumi program directory (default: this project)
  --format              text (default), json, or markdown (what CI posts on a pull request)
  --first-deploy        new resources have unknown ids and outputs, as in the first \`pulumi preview\``;

async function main(): Promise<number> {
    const { values } = parseArgs({
        options: {
            stack: { type: "string" },
            "policy-pack": { type: "string", multiple: true },
            "policy-pack-config": { type: "string", multiple: true },
            program: { type: "string" },
            format: { type: "string", default: "text" },
            "first-deploy": { type: "boolean", default: false },
            help: { type: "boolean", default: false },
        },
    });
    const format = values.format as PreviewFormat;
    if (values.help || !values.stack || !["text", "json", "markdown"].includes(format)) {
        console.error(USAGE);
        return 2;
    }
    const started = performance.now();
    const programDir = path.resolve(values.program ?? PROJECT_ROOT);
    const packDirs = (values["policy-pack"] ?? [path.join(PROJECT_ROOT, "policy-pack")]).map((dir) => path.resolve(dir));
    const configs = (values["policy-pack-config"] ?? []).map(readPolicyPackConfig);

    const run = await runProgram({ programDir, stack: values.stack, preview: values["first-deploy"] });
    const evaluation = await evaluatePolicyPacks(run.resources, { packDirs, configs });
    const totalMs = performance.now() - started;

    process.stdout.write(renderPreview({ run, evaluation, format, totalMs, programDir }));
    return evaluation.mandatoryCount > 0 ? 1 : 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(2);
    },
);
