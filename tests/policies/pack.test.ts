/** The pack as a whole: metadata on every policy, a test case and a README row for every policy, valid configs. */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { evaluatePolicyPacks, readPolicyPackConfig } from "../../offline/policyRunner";
import { PACK_DIR } from "./support";

describe("policy pack: ai-investment-controls", function () {
    this.timeout(120_000);
    let policies: { name: string; severity?: string; enforcementLevel: string; description: string }[];

    before(async () => {
        const { resources } = await runInline(() => undefined);
        policies = (await evaluatePolicyPacks(resources, { packDirs: [PACK_DIR] })).packs[0]!.policies;
    });

    it("loads as ai-investment-controls with every policy carrying a description and a severity", () => {
        expect(policies.length).to.be.greaterThan(60);
        for (const p of policies) {
            expect(p.description, p.name).to.have.length.greaterThan(20);
            expect(["low", "medium", "high", "critical"], p.name).to.include(p.severity);
        }
    });

    it("is mandatory by default; only the documented policies are advisory", () => {
        const advisory = policies.filter((p) => p.enforcementLevel !== "mandatory").map((p) => p.name);
        expect(advisory.sort()).to.deep.equal(["lambda-function-runtime-deprecation", "secretsmanager-secret-rotation"]);
    });

    it("has a passing and a failing test case for every policy", () => {
        const tests = fs
            .readdirSync(__dirname)
            .filter((f) => f.endsWith(".test.ts"))
            .map((f) => fs.readFileSync(path.join(__dirname, f), "utf8"))
            .join("\n");
        const missing = policies.filter((p) => !tests.includes(`policy: "${p.name}"`)).map((p) => p.name);
        expect(missing).to.deep.equal([]);
    });

    it("documents every policy in the README", () => {
        const readme = fs.readFileSync(path.join(PACK_DIR, "README.md"), "utf8");
        expect(policies.filter((p) => !readme.includes(`\`${p.name}\``)).map((p) => p.name)).to.deep.equal([]);
    });

    it("ships configs that name only existing policies with valid levels", async () => {
        const { resources } = await runInline(() => undefined);
        for (const file of fs.readdirSync(path.join(PACK_DIR, "config"))) {
            const config = readPolicyPackConfig(path.join(PACK_DIR, "config", file));
            // The runner rejects unknown policy names, like the CLI.
            await evaluatePolicyPacks(resources, { packDirs: [PACK_DIR], configs: [config] });
        }
    });
});
