/**
 * Monthly cost projection of one stack from its recorded resource graph — offline, with list prices from a data file.
 *
 *   npm run cost -- --stack dev
 *   npm run cost -- --stack prod --signals-per-day 1000000 --format markdown
 *   npm run cost -- --stack staging --usage usage.yaml --format json
 *   npm run cost -- --stack dev --idle
 *
 * Runs the program for the stack's config on the mock engine, applies a usage profile (defaults derived from the
 * config, overridden by a usage file and flags) and prints the cost per service and per resource with the unit prices
 * used, the total against `ai-investment:monthlyBudgetUsd`, and always the idle cost (zero traffic). Exit 0, or 2 on a
 * usage error (unknown flag, unknown stack, bad usage file).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { parseStackConfig } from "../config/stackConfig";
import { projectCost } from "../offline/cost/model";
import { DEFAULT_PRICE_FILE, loadPrices } from "../offline/cost/prices";
import { renderCost, type CostFormat } from "../offline/cost/render";
import { readUsageFile, resolveUsage, type UsageProfile } from "../offline/cost/usage";
import { PROJECT_ROOT, runProgram } from "../offline/engine";

// As in scripts/preview.ts: the SDK's stack captures cost seconds on a large program and this tool prints messages only.
process.setSourceMapsEnabled(false);
Error.stackTraceLimit = 3;

const USAGE = `usage: npm run cost -- --stack <name> [--usage <file>] [--idle | --signals-per-day <n>]
                    [--format text|json|markdown] [--prices <file>] [--program <dir>]

  --stack            stack whose Pulumi.<stack>.yaml configures the run (required)
  --usage            usage profile (JSON or YAML) overriding the defaults derived from the config
  --idle             zero traffic and no stored data: what the resource graph costs by itself
  --signals-per-day  shortcut for the usage field signalsPerDay
  --format           text (default), json, or markdown (the PR comment next to the policy preview)
  --prices           unit-price file (default: offline/cost/prices-eu-central-1.json)
  --program          Pulumi program directory (default: this project)`;

class UsageFlagError extends Error {}

async function main(): Promise<number> {
    let values;
    try {
        ({ values } = parseArgs({
            options: {
                stack: { type: "string" },
                usage: { type: "string" },
                idle: { type: "boolean", default: false },
                "signals-per-day": { type: "string" },
                format: { type: "string", default: "text" },
                prices: { type: "string" },
                program: { type: "string" },
                help: { type: "boolean", default: false },
            },
            allowPositionals: false,
        }));
    } catch (error) {
        throw new UsageFlagError((error as Error).message);
    }
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    if (!values.stack) throw new UsageFlagError("--stack: required");
    const format = values.format as CostFormat;
    if (!["text", "json", "markdown"].includes(format))
        throw new UsageFlagError(`--format: expected text, json or markdown, got "${values.format}"`);
    let signalsPerDay: number | undefined;
    if (values["signals-per-day"] !== undefined) {
        signalsPerDay = Number(values["signals-per-day"].replace(/_/g, ""));
        if (!Number.isFinite(signalsPerDay) || signalsPerDay < 0 || values["signals-per-day"].trim() === "") {
            throw new UsageFlagError(`--signals-per-day: expected a number ≥ 0, got "${values["signals-per-day"]}"`);
        }
        if (values.idle) throw new UsageFlagError("--signals-per-day: cannot be combined with --idle (idle means zero signals)");
    }
    const programDir = path.resolve(values.program ?? PROJECT_ROOT);
    if (!fs.existsSync(path.join(programDir, `Pulumi.${values.stack}.yaml`))) {
        const stacks = fs
            .readdirSync(programDir)
            .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
            .filter(Boolean);
        throw new UsageFlagError(
            `--stack: unknown stack "${values.stack}" — no Pulumi.${values.stack}.yaml (stacks: ${stacks.join(", ") || "none"})`,
        );
    }
    const file: Partial<UsageProfile> = values.usage ? readUsageFile(path.resolve(values.usage)) : {};
    const priceFile = path.resolve(values.prices ?? DEFAULT_PRICE_FILE);
    const prices = loadPrices(priceFile);

    const run = await runProgram({ programDir, stack: values.stack });
    const config = parseStackConfig(run.stack, run.project, run.config);
    const usage = resolveUsage(config, { file, signalsPerDay, idle: values.idle });
    const idleUsage = values.idle ? usage : resolveUsage(config, { file, idle: true });
    const projection = projectCost(run.resources, config, usage.usage, prices);
    const idle = values.idle ? projection : projectCost(run.resources, config, idleUsage.usage, prices);

    const text = renderCost({
        project: run.project,
        stack: run.stack,
        format,
        priceFile: path.relative(PROJECT_ROOT, priceFile) || priceFile,
        prices,
        usage,
        projection,
        idle,
        idleRun: values.idle ?? false,
    });
    // process.exit does not wait for a pipe to drain: a large JSON report would be cut off.
    await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
    return 0;
}

main().then(
    (code) => process.exit(code),
    (error) => {
        const usageError = error instanceof UsageFlagError || ["UsageError", "StackConfigError"].includes((error as Error)?.name);
        console.error(error instanceof Error ? error.message : error);
        if (error instanceof UsageFlagError) console.error(USAGE);
        process.exit(usageError ? 2 : 1);
    },
);
