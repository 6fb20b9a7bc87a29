/**
 * Policy tests declare real @pulumi/aws resources on the mock engine (runInline), evaluate the pack on the recorded
 * graph exactly like `pulumi preview --policy-pack policy-pack` (offline/policyRunner) and look at one policy's
 * violations. Every policy gets a compliant case (no violation) and a failing case (exactly the named resources, at
 * the expected level).
 */
import * as path from "node:path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT, runInline, type RecordedResource } from "../../offline/engine";
import {
    evaluatePolicyPacks,
    type EnforcementLevel,
    type PolicyEvaluation,
    type PolicyPackConfig,
    type Violation,
} from "../../offline/policyRunner";

export const PACK_DIR = path.join(PROJECT_ROOT, "policy-pack");
export const ACCOUNT = "111122223333";

export async function evaluate(
    declare: () => void,
    options: { preview?: boolean; config?: PolicyPackConfig } = {},
): Promise<{ resources: RecordedResource[]; evaluation: PolicyEvaluation }> {
    const { resources } = await runInline(declare, { preview: options.preview });
    const evaluation = await evaluatePolicyPacks(resources, { packDirs: [PACK_DIR], configs: options.config ? [options.config] : [] });
    return { resources, evaluation };
}

export const violationsOf = (evaluation: PolicyEvaluation, policy: string): Violation[] =>
    evaluation.violations.filter((v) => v.policyName === policy);

export interface PolicyCase {
    policy: string;
    /** Compliant resources of the policy's type: no violation expected. */
    pass: () => void;
    /** Resources violating the policy; `failing` names exactly those reported. */
    fail: () => void;
    failing: string[];
    level?: EnforcementLevel;
    /** A message one of the violations must match. */
    message?: RegExp;
    config?: PolicyPackConfig;
}

export function describePolicyCases(cases: PolicyCase[]): void {
    for (const c of cases) {
        describe(c.policy, () => {
            it("reports nothing for compliant resources", async () => {
                const { evaluation } = await evaluate(c.pass, { config: c.config });
                expect(
                    evaluation.packs[0]!.policies.map((p) => p.name),
                    "policy exists in the pack",
                ).to.include(c.policy);
                expect(violationsOf(evaluation, c.policy).map((v) => `${v.resourceName}: ${v.message}`)).to.deep.equal([]);
            });
            it(`reports ${c.failing.join(", ")} (${c.level ?? "mandatory"})`, async () => {
                const { evaluation } = await evaluate(c.fail, { config: c.config });
                const hits = violationsOf(evaluation, c.policy);
                expect([...new Set(hits.map((v) => v.resourceName))].sort()).to.deep.equal([...c.failing].sort());
                for (const v of hits) expect(v.enforcementLevel, v.message).to.equal(c.level ?? "mandatory");
                if (c.message) expect(hits.map((v) => v.message).join("\n")).to.match(c.message);
            });
        });
    }
}

/** A policy document as the program would pass it: JSON text, resolved from outputs. */
export const doc = (statements: unknown[]): string => JSON.stringify({ Version: "2012-10-17", Statement: statements });
export const docOf = <T>(input: pulumi.Input<T>, build: (value: T) => unknown[]): pulumi.Output<string> =>
    pulumi.output(input).apply((value) => doc(build(value as T)));

export const CODE = new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => ({});") });
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/fn`;
export const KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
