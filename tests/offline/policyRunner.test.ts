import { expect } from "chai";
import * as aws from "@pulumi/aws";
import * as path from "node:path";
import { PROJECT_ROOT, runInline, type RecordedResource } from "../../offline/engine";
import { evaluatePolicyPacks, readPolicyPackConfig } from "../../offline/policyRunner";

const COMPANY_PACK = path.join(PROJECT_ROOT, "tests/fixtures/packs/company-pack");

function declare() {
    const kept = new aws.s3.Bucket("kept", {});
    new aws.s3.BucketVersioning("kept-versioning", { bucket: kept.id, versioningConfiguration: { status: "Enabled" } });
    new aws.s3.BucketPolicy("kept-policy", {
        bucket: kept.id,
        policy: kept.arn.apply((arn) =>
            JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: arn }] }),
        ),
    });
    new aws.s3.Bucket("scratch", { forceDestroy: true });
    new aws.sqs.Queue("short", { messageRetentionSeconds: 3600 });
}

describe("offline policy runner (any CrossGuard pack, engine semantics)", function () {
    this.timeout(60_000);
    let resources: RecordedResource[];
    before(async () => {
        resources = (await runInline(declare)).resources;
    });

    it("loads a pack written in compliance-policies style and reports its name and package version", async () => {
        const evaluation = await evaluatePolicyPacks(resources, { packDirs: [COMPANY_PACK] });
        expect(evaluation.packs).to.have.length(1);
        expect(evaluation.packs[0]).to.include({ name: "company-pack", version: "2.3.4" });
        expect(evaluation.packs[0]!.policies.map((p) => p.name)).to.deep.equal([
            "sqs-queue-minimum-retention",
            "s3-no-force-destroy",
            "s3-bucket-has-versioning-child",
            "bucket-policy-readable",
        ]);
    });

    it("runs resource policies per resource, stack policies once, with each policy's own enforcement level", async () => {
        const { violations, mandatoryCount } = await evaluatePolicyPacks(resources, { packDirs: [COMPANY_PACK] });
        const summary = violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName}`).sort();
        expect(summary).to.deep.equal([
            "advisory sqs-queue-minimum-retention short",
            "mandatory s3-bucket-has-versioning-child scratch",
            "mandatory s3-no-force-destroy scratch",
        ]);
        expect(mandatoryCount).to.equal(2);
        const retention = violations.find((v) => v.policyName === "sqs-queue-minimum-retention")!;
        expect(retention.message).to.include("retention 3600s is below 86400s");
        expect(retention.urn).to.equal(resources.find((r) => r.name === "short")!.urn);
    });

    it("honours a policy-pack config: enforcement levels, properties over schema defaults, disabled policies", async () => {
        const { violations, mandatoryCount } = await evaluatePolicyPacks(resources, {
            packDirs: [COMPANY_PACK],
            configs: [
                {
                    "sqs-queue-minimum-retention": { enforcementLevel: "mandatory", minimumSeconds: 600 },
                    "s3-no-force-destroy": "advisory",
                    "s3-bucket-has-versioning-child": "disabled",
                },
            ],
        });
        expect(violations.map((v) => `${v.enforcementLevel} ${v.policyName}`)).to.deep.equal(["advisory s3-no-force-destroy"]);
        expect(mandatoryCount).to.equal(0);
    });

    it("rejects a config naming a policy the pack doesn't have", async () => {
        let error: unknown;
        await evaluatePolicyPacks(resources, { packDirs: [COMPANY_PACK], configs: [{ "no-such-policy": "advisory" }] }).catch(
            (e) => (error = e),
        );
        expect(String(error)).to.include("doesn't have: no-such-policy");
    });

    it("reads config files in the CLI's format and refuses unknown enforcement levels", () => {
        const file = path.join(PROJECT_ROOT, "tests/fixtures/packs/company-pack.config.json");
        expect(readPolicyPackConfig(file)).to.deep.equal({
            "s3-no-force-destroy": "advisory",
            "sqs-queue-minimum-retention": { minimumSeconds: 60 },
        });
        expect(() => readPolicyPackConfig(path.join(PROJECT_ROOT, "tests/fixtures/packs/bad-level.config.json"))).to.throw(
            /enforcement level "strict"/,
        );
    });

    it("on a first deploy joins through property dependencies and reports unknown values as advisory, like the engine", async () => {
        const { resources: preview } = await runInline(declare, { preview: true });
        expect(preview.find((r) => r.name === "kept")!.id).to.equal(undefined);
        const { violations } = await evaluatePolicyPacks(preview, { packDirs: [COMPANY_PACK] });
        // The versioning of "kept" is still found although its bucket id is unknown.
        expect(violations.filter((v) => v.policyName === "s3-bucket-has-versioning-child").map((v) => v.resourceName)).to.deep.equal([
            "scratch",
        ]);
        const unknown = violations.find((v) => v.policyName === "bucket-policy-readable")!;
        expect(unknown.enforcementLevel).to.equal("advisory");
        expect(unknown.message).to.match(/can't run policy 'bucket-policy-readable' from policy pack 'company-pack@v2.3.4' during preview/);
    });

    it("evaluates several packs side by side", async () => {
        const { packs } = await evaluatePolicyPacks(resources, { packDirs: [COMPANY_PACK, path.join(PROJECT_ROOT, "policy-pack")] });
        expect(packs.map((p) => p.name)).to.deep.equal(["company-pack", "ai-investment-controls"]);
    });

    it("refuses a directory that is not a policy pack", async () => {
        let error: unknown;
        await evaluatePolicyPacks(resources, { packDirs: [path.join(PROJECT_ROOT, "tests")] }).catch((e) => (error = e));
        expect(String(error)).to.include("is not a policy pack (no PulumiPolicy.yaml)");
    });
});
