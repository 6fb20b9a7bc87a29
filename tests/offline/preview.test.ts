import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../offline/engine";

/** Runs the preview CLI the way a reviewer or CI does; returns exit code and output. */
function preview(...args: string[]) {
    const result = spawnSync(
        process.execPath,
        [path.join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(PROJECT_ROOT, "scripts/preview.ts"), ...args],
        {
            cwd: PROJECT_ROOT,
            encoding: "utf8",
            env: { ...process.env, NODE_OPTIONS: "" },
        },
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every resource the misconfigured fixture declares; each breaks at least one control. */
const BROKEN = [
    "open-bucket",
    "open-bucket-sse",
    "open-bucket-policy",
    "plain-queue",
    "plain-table",
    "forever-logs",
    "admin-role",
    "star-policy",
    "admin-attachment",
    "old-function",
    "anyone-invokes",
    "unrotated-key",
    "plain-topic",
    "open-method",
];

describe("npm run preview (offline preview with policy verdicts)", function () {
    this.timeout(120_000);

    it("exits 1 on a misconfigured program and names every broken resource", () => {
        const { status, stdout, stderr } = preview("--program", "tests/fixtures/misconfigured", "--stack", "test", "--format", "json");
        expect(stderr).to.equal("");
        expect(status).to.equal(1);
        const report = JSON.parse(stdout);
        const named = new Set(report.violations.filter((v: any) => v.enforcementLevel === "mandatory").map((v: any) => v.resourceName));
        expect(
            BROKEN.filter((name) => !named.has(name)),
            "broken resources without a mandatory violation",
        ).to.deep.equal([]);
        expect(report.mandatoryCount).to.be.greaterThan(BROKEN.length);
    });

    it("passes the prod stack with no mandatory violation and prints the markdown CI posts", () => {
        const { status, stdout } = preview("--stack", "prod", "--format", "markdown");
        expect(status, stdout).to.equal(0);
        expect(stdout).to.match(/^<!-- offline-preview:prod -->\n### Offline preview — `ai-investment\/prod`/);
        expect(stdout).to.include("**✅ No mandatory policy violations**");
        expect(stdout).to.match(/\| \d{3} \| \d{3} \| \d+ \| 0 \| \d+ \| [\d.]+ s \|/);
    });

    it("prints the tree, the counts per type, the verdicts and the time it took", () => {
        const { status, stdout } = preview("--stack", "dev", "--policy-pack-config", "policy-pack/config/dev.json");
        expect(status, stdout).to.equal(0);
        expect(stdout).to.include(" + ai-investment:data:SecureBucket raw-data\n +     aws:s3/bucket:Bucket raw-data\n");
        expect(stdout).to.match(/\n\s+14 {2}aws:lambda\/function:Function\n/);
        expect(stdout).to.match(/\n0 mandatory and \d+ advisory violations of \d+ policies\.\n/);
        expect(stdout).to.match(/Preview took [\d.]+ s \(program [\d.]+ s\)\.\n$/);
    });

    it("answers a missing stack with the usage and exit 2", () => {
        const { status, stderr } = preview("--format", "yaml");
        expect(status).to.equal(2);
        expect(stderr).to.include("usage: npm run preview -- --stack <name>");
    });
});
