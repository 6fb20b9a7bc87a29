import { expect } from "chai";
import * as path from "node:path";
import { PROJECT_ROOT, readProjectFile, readStackConfig } from "../offline/engine";
import { CONFIG_KEYS, ENVIRONMENTS, FUNCTION_NAMES, parseStackConfig, StackConfigError } from "../config/stackConfig";

const stackConfig = (stack: string) => readStackConfig(PROJECT_ROOT, stack);
const parse = (stack: string, overrides: Record<string, string | undefined> = {}) => {
    const config = { ...stackConfig(stack) };
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[key];
        else config[key] = value;
    }
    return parseStackConfig(stack, "ai-investment", config);
};
const problemsOf = (fn: () => unknown): string[] => {
    try {
        fn();
    } catch (error) {
        expect(error).to.be.instanceOf(StackConfigError);
        return (error as StackConfigError).problems;
    }
    expect.fail("expected a StackConfigError");
};

describe("stack config", () => {
    describe("the three stack files", () => {
        it("follow seed 000's environment table", () => {
            const sizing = Object.fromEntries(ENVIRONMENTS.map((env) => [env, parse(env)]));
            expect(sizing.dev!.lambda).to.deep.include({ memoryMb: 128, timeoutSeconds: 30, logLevel: "DEBUG" });
            expect(sizing.staging!.lambda).to.deep.include({ memoryMb: 256, timeoutSeconds: 60, logLevel: "INFO" });
            expect(sizing.prod!.lambda).to.deep.include({ memoryMb: 512, timeoutSeconds: 120, logLevel: "WARN" });
            expect(sizing.dev!.tables.billingMode).to.equal("on-demand");
            expect(sizing.staging!.tables).to.deep.include({ billingMode: "provisioned", readCapacity: 5, writeCapacity: 5 });
            expect(sizing.prod!.tables).to.deep.include({ billingMode: "on-demand", pointInTimeRecovery: true, deletionProtection: true });
            expect([sizing.dev!.logRetentionDays, sizing.staging!.logRetentionDays, sizing.prod!.logRetentionDays]).to.deep.equal([
                30, 90, 365,
            ]);
        });

        it("reserve exactly 100 concurrent executions across prod's functions", () => {
            const reserved = parse("prod").lambda.reservedConcurrency;
            expect(Object.values(reserved).reduce((a, b) => a + (b ?? 0), 0)).to.equal(100);
            expect(Object.keys(reserved).sort()).to.deep.equal([...FUNCTION_NAMES].sort());
        });

        it("replicate prod to another region and keep dev cheap", () => {
            const prod = parse("prod");
            expect(prod.replicationRegion).to.equal("eu-west-1");
            expect(prod.features).to.deep.equal({ waf: true, vpc: true, timestream: false, replication: true });
            expect(parse("dev").features).to.deep.equal({ waf: false, vpc: false, timestream: false, replication: false });
        });

        it("carry the four required tags", () => {
            expect(parse("staging").tags).to.deep.equal({
                project: "ai-investment",
                environment: "staging",
                owner: "platform-team",
                "cost-center": "cc-ai-investment-staging",
            });
        });

        it("run every schedule in Europe/Zurich with seed 002's cadence", () => {
            expect(parse("dev").schedules).to.deep.include({
                timezone: "Europe/Zurich",
                socialIngest: "rate(1 minute)",
                newsIngest: "rate(5 minutes)",
                evaluation: "cron(0 2 * * ? *)",
            });
        });
    });

    describe("bad values", () => {
        it("lists every bad key of a stack in one error, naming the stack and what is expected", () => {
            let message = "";
            try {
                parse("staging", {
                    "ai-investment:lambdaMemoryMb": "64",
                    "ai-investment:logLevel": "LOUD",
                    "ai-investment:alertEmails": '["not-an-address"]',
                    "ai-investment:corsOrigins": '["http://insecure.example.com"]',
                    "ai-investment:owner": undefined,
                });
            } catch (error) {
                message = (error as Error).message;
            }
            expect(message).to.match(/^Invalid configuration for stack "staging" \(5 problems\)/);
            expect(message).to.include('ai-investment:lambdaMemoryMb: expected at least 128, got "64"');
            expect(message).to.include('ai-investment:logLevel: expected one of "DEBUG", "INFO", "WARN", "ERROR", got "LOUD"');
            expect(message).to.match(/ai-investment:alertEmails\[0\]: expected an e-mail address/);
            expect(message).to.match(/ai-investment:corsOrigins\[0\]: expected an https origin/);
            expect(message).to.include("ai-investment:owner: expected a string, got nothing (the key is missing)");
        });

        it("rejects a missing or malformed region", () => {
            expect(problemsOf(() => parse("dev", { "aws:region": undefined }))).to.deep.equal([
                "aws:region: expected an AWS region such as eu-central-1, got nothing (the key is missing)",
            ]);
            expect(problemsOf(() => parse("dev", { "aws:region": "frankfurt" }))[0]).to.include('got "frankfurt"');
        });

        it("rejects unknown keys as likely typos", () => {
            expect(problemsOf(() => parse("dev", { "ai-investment:lambdaMemory": "256" }))).to.deep.equal([
                "ai-investment:lambdaMemory: unknown key (typo?)",
            ]);
        });

        it("rejects reserved concurrency above the total and for unknown functions", () => {
            expect(problemsOf(() => parse("prod", { "ai-investment:reservedConcurrency": '["score=90","fuse=20"]' }))).to.deep.equal([
                "ai-investment:reservedConcurrency: the per-function values add up to 110, more than ai-investment:reservedConcurrencyTotal = 100",
            ]);
            expect(problemsOf(() => parse("prod", { "ai-investment:reservedConcurrency": '["scorer=10"]' }))[0]).to.match(
                /reservedConcurrency\[0\]: expected "<function>=<count>"/,
            );
        });

        it("keeps prod's recovery guarantees", () => {
            const problems = problemsOf(() =>
                parse("prod", {
                    "ai-investment:pointInTimeRecovery": "false",
                    "ai-investment:deletionProtection": "false",
                    "ai-investment:reservedConcurrency": "[]",
                }),
            );
            expect(problems).to.have.length(3);
            expect(problems.join("\n"))
                .to.include("pointInTimeRecovery: must be true in prod")
                .and.include("deletionProtection: must be true in prod")
                .and.include("prod must reserve concurrency");
        });

        it("switches observability per environment: dev keeps one dashboard and the data-loss alarms, prod all of them", () => {
            expect(parse("dev", {}).observability).to.deep.equal({
                dashboards: ["health"],
                alarmLevel: "data-loss",
                apiDetailedMetrics: false,
            });
            expect(parse("prod", {}).observability).to.deep.equal({
                dashboards: ["health", "business", "cost", "security"],
                alarmLevel: "all",
                apiDetailedMetrics: true,
            });
            expect(
                parse("dev", {
                    "ai-investment:dashboards": '["health","business"]',
                    "ai-investment:alarmLevel": "all",
                    "ai-investment:apiDetailedMetrics": "true",
                }).observability,
            ).to.deep.equal({ dashboards: ["health", "business"], alarmLevel: "all", apiDetailedMetrics: true });
        });

        it("names a wrong dashboard or alarm level, and keeps every alarm in prod", () => {
            expect(problemsOf(() => parse("dev", { "ai-investment:dashboards": '["health","costs"]' }))[0]).to.match(
                /^ai-investment:dashboards\[1\]: expected one of "health", "business", "cost", "security"/,
            );
            expect(problemsOf(() => parse("dev", { "ai-investment:dashboards": '["cost","cost"]' }))[0]).to.include(
                "each dashboard at most once",
            );
            expect(problemsOf(() => parse("dev", { "ai-investment:alarmLevel": "none" }))[0]).to.match(
                /^ai-investment:alarmLevel: expected one of "all", "data-loss"/,
            );
            expect(problemsOf(() => parse("prod", { "ai-investment:alarmLevel": "data-loss" }))).to.deep.equal([
                'ai-investment:alarmLevel: must be "all" in prod — on-call needs every alarm of seed 002 and the composites',
            ]);
        });

        it("needs a Bedrock model id for the bedrock scorer and names a malformed one", () => {
            expect(parse("dev", {}).scoring).to.deep.equal({ scorer: "lexicon" });
            expect(problemsOf(() => parse("dev", { "ai-investment:scorer": "bedrock" }))).to.deep.equal([
                'ai-investment:bedrockModelId: required when scorer is "bedrock"',
            ]);
            expect(
                problemsOf(() => parse("dev", { "ai-investment:scorer": "bedrock", "ai-investment:bedrockModelId": "claude 3" }))[0],
            ).to.match(/^ai-investment:bedrockModelId: expected a Bedrock model id/);
            expect(
                parse("dev", {
                    "ai-investment:scorer": "bedrock",
                    "ai-investment:bedrockModelId": "eu.anthropic.claude-3-haiku-20240307-v1:0",
                }).scoring,
            ).to.deep.equal({ scorer: "bedrock", bedrockModelId: "eu.anthropic.claude-3-haiku-20240307-v1:0" });
        });

        it("explains why Timestream cannot be enabled", () => {
            expect(problemsOf(() => parse("dev", { "ai-investment:enableTimestream": "true" }))[0]).to.include("closed to new customers");
        });

        it("needs a replication region different from the primary one", () => {
            expect(problemsOf(() => parse("dev", { "ai-investment:enableReplication": "true" }))[0]).to.include(
                "replicationRegion: required",
            );
            expect(problemsOf(() => parse("prod", { "ai-investment:replicationRegion": "eu-central-1" }))[0]).to.include(
                "must differ from aws:region",
            );
        });

        it("refuses provisioned tables for a replicating stack (global tables scale per region)", () => {
            const problems = problemsOf(() =>
                parse("staging", { "ai-investment:enableReplication": "true", "ai-investment:replicationRegion": "eu-west-1" }),
            );
            expect(problems).to.have.length(1);
            expect(problems[0]).to.include("tableBillingMode: must be on-demand when enableReplication is true");
        });

        it("takes a failover key and the adopted tables together, in the stack's region, without replication", () => {
            const key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
            expect(problemsOf(() => parse("dev", { "ai-investment:failoverKeyArn": key }))).to.deep.include.members([
                "ai-investment:failoverTables: failoverKeyArn and failoverTables are set together (the tables are encrypted with that key)",
                "ai-investment:failoverKeyArn: must be a key in aws:region (eu-central-1), got one in eu-west-1",
            ]);
            expect(problemsOf(() => parse("prod", { "ai-investment:failoverTables": '["signals=signals-4f2a9c1"]' })).join("\n"))
                .to.include("set together")
                .and.include("enableReplication: must be false while failing over");
            expect(problemsOf(() => parse("dev", { "ai-investment:failoverTables": '["signals"]' }))[0]).to.include(
                '"<table>=<physical table name>"',
            );
        });

        it("reports a value of the wrong type", () => {
            expect(problemsOf(() => parse("dev", { "ai-investment:enableWaf": "yes" }))).to.deep.equal([
                'ai-investment:enableWaf: expected a boolean, got "yes"',
            ]);
            expect(problemsOf(() => parse("dev", { "ai-investment:newsFeeds": "https://one.example.com/rss" }))[0]).to.include(
                "expected a list",
            );
        });
    });

    describe("Pulumi.yaml", () => {
        const declared = readProjectFile(path.resolve(PROJECT_ROOT)).config as Record<string, { type: string; default?: unknown }>;

        it("declares every key the schema reads, with a type, and no other", () => {
            const known = Object.keys(declared);
            expect(known.sort()).to.deep.equal([...CONFIG_KEYS].sort());
            // Every key present in any stack file must be declared (aws:* belongs to the provider).
            for (const env of ENVIRONMENTS) {
                for (const key of Object.keys(stackConfig(env)).filter((k) => k.startsWith("ai-investment:"))) {
                    expect(known, `${key} in Pulumi.${env}.yaml`).to.include(key);
                }
            }
            for (const [key, decl] of Object.entries(declared)) {
                expect(["string", "integer", "boolean", "array"], key).to.include(decl.type);
                // Dropping any declared key from a complete config must either fail or fall back to a default.
                const withoutKey = { ...stackConfig("prod") };
                delete withoutKey[key];
                const hasDefault = "default" in decl;
                const optionalInSchema =
                    /Default per environment/.test((decl as { description?: string }).description ?? "") ||
                    key.endsWith("replicationRegion") ||
                    key.endsWith("riskMarketData") ||
                    key.endsWith("bedrockModelId") ||
                    key.endsWith("secEdgarUserAgent") ||
                    key.includes(":failover") ||
                    key.endsWith("reservedConcurrencyTotal");
                if (!hasDefault && !optionalInSchema) {
                    expect(
                        () => parseStackConfig("prod", "ai-investment", withoutKey),
                        `${key} has no default, so it is required`,
                    ).to.throw(StackConfigError);
                }
            }
        });
    });
});
