import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT, readStackConfig } from "../offline/engine";

describe("the program loads the way the Pulumi CLI loads it", function () {
    this.timeout(180_000);

    it("compiles index.ts with the SDK's ts-node and the project's TypeScript, and declares the dev stack", () => {
        const env = { ...process.env, PULUMI_CONFIG: JSON.stringify(readStackConfig(PROJECT_ROOT, "dev")), NODE_OPTIONS: "" };
        const out = execFileSync(process.execPath, [path.join(PROJECT_ROOT, "tests/cli/load-like-cli.js"), "dev"], {
            env,
            encoding: "utf8",
        });
        const summary = JSON.parse(out.trim().split("\n").pop()!);
        expect(summary.typescript).to.match(/^5\./);
        expect(summary.resources).to.be.greaterThan(150);
    });
});
