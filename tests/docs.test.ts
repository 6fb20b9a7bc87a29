/**
 * The operator docs keep up with the code: every config key declared in Pulumi.yaml, every stack output of index.ts
 * and every provider secret must be named in docs/infrastructure.md; every route of ROUTES and every function of
 * FUNCTION_NAMES must be named in docs/infrastructure.md or README.md. Each failure lists what is missing.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { FUNCTION_NAMES } from "../config/stackConfig";
import { ROUTES } from "../stacks/routes";
import { GLOBAL_TABLES, REPLICATED_BUCKETS, TABLES } from "../stacks/data";
import { PROVIDER_SECRETS } from "../stacks/security";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A mention: the exact name, not as a prefix of a longer key, route or identifier. */
const mentionPatterns = {
    configKey: (key: string) => new RegExp(`${escape(key)}(?![A-Za-z0-9_])`),
    route: (route: string) => new RegExp(`${escape(route)}(?![A-Za-z0-9_/{}-])`),
    /** Names that are also ordinary words (`health`, `score`) count only as code spans: `health`. */
    codeSpan: (name: string) => new RegExp("`" + escape(name) + "`"),
};

/** The names that no text mentions. */
export function missingNames(names: readonly string[], texts: readonly string[], pattern: (name: string) => RegExp): string[] {
    return names.filter((name) => !texts.some((text) => pattern(name).test(text)));
}

function configKeys(): string[] {
    const project = yaml.load(read("Pulumi.yaml")) as { config?: Record<string, unknown> };
    return Object.keys(project.config ?? {});
}

function stackOutputs(): string[] {
    return [...read("index.ts").matchAll(/^export\s+const\s+([A-Za-z_$][\w$]*)/gm)].map((match) => match[1]!);
}

describe("docs", () => {
    const infrastructure = read("docs/infrastructure.md");
    const readme = read("README.md");

    it("finds the code's names to check", () => {
        expect(configKeys().length, "config keys in Pulumi.yaml").to.be.greaterThan(30);
        expect(configKeys().every((key) => key.startsWith("ai-investment:"))).to.equal(true);
        expect(stackOutputs(), "exports of index.ts").to.include.members(["apiUrl", "kmsKeyArn", "environment"]);
        expect(ROUTES.length).to.be.greaterThan(0);
    });

    it("docs/infrastructure.md names every config key declared in Pulumi.yaml", () => {
        const missing = missingNames(configKeys(), [infrastructure], mentionPatterns.configKey);
        expect(missing, `config keys missing from docs/infrastructure.md: ${missing.join(", ")}`).to.deep.equal([]);
    });

    it("docs/infrastructure.md names every stack output of index.ts", () => {
        const missing = missingNames(stackOutputs(), [infrastructure], mentionPatterns.codeSpan);
        expect(missing, `stack outputs missing from docs/infrastructure.md: ${missing.join(", ")}`).to.deep.equal([]);
    });

    it("docs/infrastructure.md names every provider secret", () => {
        const names = PROVIDER_SECRETS.map((secret) => secret.name);
        const missing = missingNames(names, [infrastructure], mentionPatterns.codeSpan);
        expect(missing, `provider secrets missing from docs/infrastructure.md: ${missing.join(", ")}`).to.deep.equal([]);
    });

    it("docs/infrastructure.md or README.md names every route as METHOD path", () => {
        const routes = ROUTES.map((route) => `${route.method} ${route.path}`);
        const missing = missingNames(routes, [infrastructure, readme], mentionPatterns.route);
        expect(missing, `routes missing from docs/infrastructure.md and README.md: ${missing.join(", ")}`).to.deep.equal([]);
    });

    it("docs/infrastructure.md or README.md names every function", () => {
        const missing = missingNames(FUNCTION_NAMES, [infrastructure, readme], mentionPatterns.codeSpan);
        expect(missing, `functions missing from docs/infrastructure.md and README.md: ${missing.join(", ")}`).to.deep.equal([]);
    });

    it("docs/disaster-recovery.md covers every table, every replicated bucket, the failover keys and only real outputs", () => {
        const runbook = read("docs/disaster-recovery.md");
        const names = [...TABLES, ...REPLICATED_BUCKETS, "failoverKeyArn", "failoverTables"];
        const missing = missingNames(names, [runbook], mentionPatterns.codeSpan);
        expect(missing, `missing from docs/disaster-recovery.md: ${missing.join(", ")}`).to.deep.equal([]);
        expect(
            GLOBAL_TABLES.every((table) => runbook.includes(`${table}=`)),
            "every global table in the failoverTables example",
        ).to.equal(true);
        // `pulumi stack output <name>` and `.<name>` of prod-outputs.json must name outputs that exist.
        const used = [...runbook.matchAll(/pulumi stack output (\w+)|jq -r '\.(\w+)[^']*' prod-outputs\.json/g)].map(
            (match) => match[1] ?? match[2]!,
        );
        const unknown = used.filter((name) => !stackOutputs().includes(name));
        expect(used.length).to.be.greaterThan(5);
        expect(unknown, `outputs the runbook uses but index.ts does not export: ${unknown.join(", ")}`).to.deep.equal([]);
    });

    describe("the checks can fail", () => {
        it("report a config key that the docs don't mention, by name", () => {
            const keys = ["ai-investment:enableWaf", "ai-investment:notARealKey", "ai-investment:enableWafX"];
            expect(missingNames(keys, [infrastructure], mentionPatterns.configKey)).to.deep.equal([
                "ai-investment:notARealKey",
                "ai-investment:enableWafX",
            ]);
        });

        it("report a route, an output, a function and a secret that the docs don't mention", () => {
            expect(
                missingNames(["GET /health", "DELETE /health", "GET /dashboard"], [infrastructure], mentionPatterns.route),
            ).to.deep.equal(["DELETE /health", "GET /dashboard"]);
            expect(missingNames(["apiUrl", "fakeOutput"], [infrastructure], mentionPatterns.codeSpan)).to.deep.equal(["fakeOutput"]);
            expect(missingNames(["score", "ingest-fake"], [infrastructure, readme], mentionPatterns.codeSpan)).to.deep.equal([
                "ingest-fake",
            ]);
            expect(missingNames(["social-api", "fake-api"], [infrastructure], mentionPatterns.codeSpan)).to.deep.equal(["fake-api"]);
        });
    });
});
