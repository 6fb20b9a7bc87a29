import { stackRun } from "../support/stackRuns";
/**
 * The pack on our own stacks: dev, staging and prod (each with its policy-pack config) have no mandatory violation,
 * both for an update and for a first deploy (unknown ids and outputs). Advisory findings are printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { evaluatePolicyPacks, readPolicyPackConfig, type PolicyEvaluation } from "../../offline/policyRunner";
import { PACK_DIR } from "./support";

const configFile = (stack: string) => path.join(PACK_DIR, "config", `${stack}.json`);

async function evaluateStack(stack: string, preview: boolean): Promise<PolicyEvaluation> {
    const run = await stackRun(stack, { preview });
    const configs = fs.existsSync(configFile(stack)) ? [readPolicyPackConfig(configFile(stack))] : [];
    return evaluatePolicyPacks(run.resources, { packDirs: [PACK_DIR], configs });
}

function summary(evaluation: PolicyEvaluation, level: string): string[] {
    const counts = new Map<string, number>();
    for (const v of evaluation.violations.filter((x) => x.enforcementLevel === level)) {
        const preview = /during preview/.test(v.message) ? " (can't run during preview)" : "";
        const key = `${v.policyName}${preview}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([k, n]) => `${k} ×${n}`).sort();
}

describe("policy pack on our stacks", function () {
    this.timeout(120_000);

    for (const stack of ["dev", "staging", "prod"]) {
        for (const preview of [false, true]) {
            it(`${stack}${preview ? " (first deploy, unknown values)" : ""}: no mandatory violation`, async () => {
                const evaluation = await evaluateStack(stack, preview);
                const mandatory = evaluation.violations.filter(
                    (v) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate",
                );
                expect(mandatory.map((v) => `${v.policyName} ${v.resourceName}: ${v.message.split("\n").pop()}`)).to.deep.equal([]);
                const advisory = summary(evaluation, "advisory");
                console.log(
                    `      advisory on ${stack}${preview ? " (first deploy)" : ""}: ${advisory.length ? "\n        " + advisory.join("\n        ") : "none"}`,
                );
                // The provider API keys can't be rotated automatically: always reported, never blocking.
                expect(advisory.join("\n")).to.include("secretsmanager-secret-rotation ×3");
                if (stack === "dev" && !preview) expect(advisory).to.include("apigateway-stage-waf-required ×1");
            });
        }
    }

    it("dev without its config fails on what dev deliberately lacks (WAF, deletion protection)", async () => {
        const run = await stackRun("dev");
        const evaluation = await evaluatePolicyPacks(run.resources, { packDirs: [PACK_DIR] });
        const mandatory = new Set(evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName));
        expect([...mandatory].sort()).to.deep.equal(["apigateway-stage-waf-required", "dynamodb-table-deletion-protection"]);
    });

    it("prod's config demands 365 days of log retention (staging's 90 would fail it)", async () => {
        expect(readPolicyPackConfig(configFile("prod"))).to.deep.include({ "cloudwatch-log-group-retention": { minimumDays: 365 } });
        const run = await stackRun("staging");
        const evaluation = await evaluatePolicyPacks(run.resources, {
            packDirs: [PACK_DIR],
            configs: [readPolicyPackConfig(configFile("prod"))],
        });
        // Staging keeps 90 days: under prod's rule every log group would fail.
        expect(evaluation.violations.filter((v) => v.policyName === "cloudwatch-log-group-retention").length).to.be.greaterThan(0);
    });
});
