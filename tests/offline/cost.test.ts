import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseStackConfig } from "../../config/stackConfig";
import {
    coldStarts,
    INIT_MS,
    KEYS_ONLY_INDEX_ENTRY_BYTES,
    projectCost,
    queueInvocations,
    tracesRecorded,
    type CostProjection,
} from "../../offline/cost/model";
import { loadPrices, parsePrices } from "../../offline/cost/prices";
import { firesPer30Days, parseUsage, readUsageFile, resolveUsage, type UsageProfile } from "../../offline/cost/usage";
import { PROJECT_ROOT, readStackConfig, type RecordedResource } from "../../offline/engine";
import { stackRun } from "../support/stackRuns";

const prices = loadPrices();
const p = prices.services;
const GB = 1024 ** 3;

/** A recorded resource as the engine would hand it over; `outputs.arn` joins it to its neighbours. */
function rec(
    type: string,
    name: string,
    inputs: Record<string, any> = {},
    outputs: Record<string, any> = {},
    custom = true,
): RecordedResource {
    return {
        urn: `urn:pulumi:test::ai-investment::${type}::${name}`,
        type,
        name,
        custom,
        id: outputs.id,
        inputs,
        outputs,
        dependencies: [],
        propertyDependencies: {},
        protect: false,
        ignoreChanges: [],
    };
}

/** Zero traffic, nothing stored, quiet logs: each test sets what it exercises. */
const QUIET: UsageProfile = {
    signalsPerDay: 0,
    fetchesPerDay: 0,
    apiCallsPerDay: 0,
    dashboardUsers: 0,
    websocketConnectionsAvg: 0,
    websocketConnectsPerDay: 0,
    avgSignalBytes: 1024,
    rawPayloadBytesPerFetch: 64 * 1024,
    retentionDays: 90,
    storedGbStart: 0,
    tableGbStart: 0,
    logBytesPerInvocation: 0,
    logsInsightsScanFactor: 0,
};

const project = (resources: RecordedResource[], usage: Partial<UsageProfile> = {}, budget = 50) =>
    projectCost(resources, { monthlyBudgetUsd: budget }, { ...QUIET, ...usage }, prices);
const item = (projection: CostProjection, name: string, label: string) => {
    const found = projection.lineItems.filter((i) => i.name === name && i.item === label);
    expect(
        found,
        `line item "${label}" of ${name} (have: ${projection.lineItems.map((i) => `${i.name}/${i.item}`).join(", ")})`,
    ).to.have.length(1);
    return found[0]!;
};
const close = (actual: number, expected: number) => expect(actual).to.be.closeTo(expected, Math.max(1e-9, Math.abs(expected) * 1e-9));

const FN_ARN = (name: string) => `arn:aws:lambda:eu-central-1:111122223333:function:${name}-1234567`;
const fn = (name: string, inputs: Record<string, any> = {}) =>
    rec("aws:lambda/function:Function", name, { architectures: ["arm64"], memorySize: 1024, ...inputs }, { arn: FN_ARN(name) });

/** The dev stack's config with pinned schedules and sources, so derived defaults do not move with the stack file. */
function pinnedConfig(overrides: Record<string, string> = {}) {
    return parseStackConfig("dev", "ai-investment", {
        ...readStackConfig(PROJECT_ROOT, "dev"),
        "ai-investment:socialIngestSchedule": "rate(1 minute)",
        "ai-investment:newsIngestSchedule": "rate(5 minutes)",
        "ai-investment:regulatoryIngestSchedule": "cron(0 * * * ? *)",
        "ai-investment:socialSources": '["r/stocks","r/investing"]',
        "ai-investment:newsFeeds": '["https://news.example.com/rss"]',
        "ai-investment:regulatoryFeeds": "[]",
        "ai-investment:logLevel": "DEBUG",
        ...overrides,
    });
}

describe("cost projection (npm run cost)", function () {
    this.timeout(120_000);

    describe("schedule expressions", () => {
        it("counts rate(...) fires in a 30-day month", () => {
            expect(firesPer30Days("rate(1 minute)")).to.equal(43_200);
            expect(firesPer30Days("rate(5 minutes)")).to.equal(8_640);
            expect(firesPer30Days("rate(15 minutes)")).to.equal(2_880);
            expect(firesPer30Days("rate(1 hour)")).to.equal(720);
            expect(firesPer30Days("rate(2 days)")).to.equal(15);
        });

        it("counts cron(...) fires per 30 days, averaged over a year for day-of-week and monthly schedules", () => {
            expect(firesPer30Days("cron(0 2 * * ? *)")).to.equal(30);
            expect(firesPer30Days("cron(0/15 * * * ? *)")).to.equal(2_880);
            expect(firesPer30Days("cron(0 8,20 * * ? *)")).to.equal(60);
            close(firesPer30Days("cron(0 3 ? * SUN *)"), (52 * 30) / 365); // 2025 has 52 Sundays
            close(firesPer30Days("cron(0 9 ? * MON-FRI *)"), (261 * 30) / 365);
            close(firesPer30Days("cron(0 0 1 * ? *)"), (12 * 30) / 365);
            close(firesPer30Days("cron(0 0 L * ? *)"), (12 * 30) / 365);
            close(firesPer30Days("cron(0 0 ? * 6#3 *)"), (12 * 30) / 365);
            expect(firesPer30Days("at(2026-01-01T00:00:00)")).to.equal(0);
        });

        it("rejects what it cannot read, naming the expression", () => {
            expect(() => firesPer30Days("rate(0 minutes)")).to.throw(/rate\(0 minutes\).*positive/);
            expect(() => firesPer30Days("cron(0 2 * * *)")).to.throw(/cron\(0 2 \* \* \*\).*6 fields/);
            expect(() => firesPer30Days("cron(0 2 1 * MON *)")).to.throw(/day-of-month and day-of-week/);
            expect(() => firesPer30Days("cron(61 * * * ? *)")).to.throw(/"61" is not a value between 0 and 59/);
            expect(() => firesPer30Days("every minute")).to.throw(/every minute: expected rate/);
        });
    });

    describe("usage profile", () => {
        it("derives the defaults from the config's schedules, sources, users and log level", () => {
            const { usage, sources, fetchesBySchedule } = resolveUsage(pinnedConfig());
            // 2 subreddits every minute + 1 news feed every 5 minutes + no regulatory feed (hourly).
            expect(fetchesBySchedule.map((s) => s.fetchesPerDay)).to.deep.equal([2_880, 288, 0]);
            expect(usage.fetchesPerDay).to.equal(3_168);
            expect(usage.signalsPerDay).to.equal(3_168 * 5);
            expect(usage.dashboardUsers).to.equal(3);
            expect(usage.apiCallsPerDay).to.equal(900);
            expect(usage.logBytesPerInvocation).to.equal(4096);
            close(usage.tableGbStart, (3_168 * 5 * 1024 * 90) / GB);
            expect(Object.values(sources).every((s) => s === "default")).to.equal(true);
        });

        it("idle zeroes traffic and stored data but keeps the schedules' fetches and a file's stored data", () => {
            const idle = resolveUsage(pinnedConfig(), { idle: true, file: { storedGbStart: 7, apiCallsPerDay: 99 } });
            expect(idle.usage).to.include({
                signalsPerDay: 0,
                apiCallsPerDay: 0,
                dashboardUsers: 0,
                websocketConnectionsAvg: 0,
                tableGbStart: 0,
            });
            expect(idle.usage.fetchesPerDay).to.equal(3_168);
            expect(idle.usage.storedGbStart).to.equal(7);
            expect(idle.sources).to.include({ signalsPerDay: "idle", apiCallsPerDay: "idle", storedGbStart: "file" });
        });

        it("lets --signals-per-day win over the file, and derived storage follows it", () => {
            const { usage, sources } = resolveUsage(pinnedConfig(), {
                file: { signalsPerDay: 10, retentionDays: 30 },
                signalsPerDay: 1_000_000,
            });
            expect(usage.signalsPerDay).to.equal(1_000_000);
            expect(sources.signalsPerDay).to.equal("flag");
            close(usage.tableGbStart, (1_000_000 * 1024 * 30) / GB);
        });

        it("names the bad field of a usage file (JSON or YAML)", () => {
            expect(() => parseUsage({ signalsPerDay: -1 }, "u.json")).to.throw(/^u\.json: signalsPerDay: expected a number ≥ 0/);
            expect(() => parseUsage({ avgSignalBytes: 1.5 }, "u.json")).to.throw(/avgSignalBytes: expected a whole number of bytes/);
            expect(() => parseUsage({ signalsPerDya: 5 }, "u.json")).to.throw(/signalsPerDya: unknown field/);
            expect(() => parseUsage([1, 2], "u.json")).to.throw(/expected a mapping/);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "usage-"));
            fs.writeFileSync(path.join(dir, "u.yaml"), "signalsPerDay: 1000\nretentionDays: forever\n");
            expect(() => readUsageFile(path.join(dir, "u.yaml"))).to.throw(
                /u\.yaml: retentionDays: expected a whole number of days, got "forever"/,
            );
            fs.writeFileSync(path.join(dir, "ok.yaml"), "signalsPerDay: 1000\n");
            expect(readUsageFile(path.join(dir, "ok.yaml"))).to.deep.equal({ signalsPerDay: 1000 });
        });
    });

    describe("arithmetic on small graphs", () => {
        it("prices fixed monthly items and compares the total with the budget", () => {
            const graph = [
                rec("aws:kms/key:Key", "key", {}, { arn: "arn:aws:kms:eu-central-1:111122223333:key/k1" }),
                rec("aws:secretsmanager/secret:Secret", "secret", { replicas: [{ region: "eu-west-1" }] }),
                rec("aws:cloudwatch/dashboard:Dashboard", "board"),
                rec("aws:cloudwatch/compositeAlarm:CompositeAlarm", "composite"),
                rec("aws:cloudwatch/metricAlarm:MetricAlarm", "plain", { metricName: "Errors", period: 300 }),
                rec("aws:cloudwatch/metricAlarm:MetricAlarm", "math", {
                    metricQueries: [
                        { id: "e", expression: "a/b" },
                        { metric: { metricName: "a", period: 60 } },
                        { metric: { metricName: "b", period: 60 } },
                    ],
                }),
                rec("aws:cloudwatch/metricAlarm:MetricAlarm", "fast", { metricName: "Errors", period: 10 }),
            ];
            const projection = project(graph);
            // key 1 + secret with a replica 2 × 0.40 + dashboard 3 + composite 0.50 + alarms 0.10 + 2 × 0.10 + 0.30 (10 s)
            close(projection.totalUsd, 1 + 0.8 + 3 + 0.5 + 0.1 + 0.2 + 0.3);
            close(projection.byService.find((s) => s.service === "CloudWatch")!.monthlyUsd, 4.1);
            close(projection.percentOfBudget, (5.9 / 50) * 100);
            expect(projection.overBudget).to.equal(false);
            expect(project(graph, {}, 5).overBudget).to.equal(true);
            close(project(graph, {}, 5).percentOfBudget, 118);
            expect(item(projection, "fast", "alarm").priceKey).to.equal("highResolutionAlarmMetric");
        });

        it("reports an unknown resource type as unpriced, never as a silent zero", () => {
            const projection = project([
                rec("aws:kms/key:Key", "key"),
                rec("aws:neptune/cluster:Cluster", "graph-db", { engine: "neptune" }),
                rec("aws:iam/role:Role", "role"),
                rec("ai-investment:data:Thing", "component", {}, {}, false),
            ]);
            expect(projection.unpriced.map((u) => `${u.type} ${u.name}`)).to.deep.equal(["aws:neptune/cluster:Cluster graph-db"]);
            expect(projection.unpriced[0]!.reason).to.match(/no price rule/);
            expect(projection.resources.map((r) => r.name)).to.deep.equal(["key"]);
            expect(projection.free).to.deep.equal([{ type: "aws:iam/role:Role", count: 1, reason: "IAM is free" }]);
            expect(projection.notes.join(" ")).to.include("1 resource(s) are unpriced and NOT in the total");
            close(projection.totalUsd, 1);
        });

        it("bills a scheduled function: requests, GB-seconds with cold-start init, the schedule and its logs", () => {
            const f = fn("poller", { loggingConfig: { logGroup: "/aws/lambda/poller" } });
            const schedule = rec("aws:scheduler/schedule:Schedule", "poller-schedule", {
                scheduleExpression: "rate(1 minute)",
                target: { arn: FN_ARN("poller") },
            });
            const logs = rec("aws:cloudwatch/logGroup:LogGroup", "poller-logs", { name: "/aws/lambda/poller", retentionInDays: 30 });
            const projection = project([f, schedule, logs], { logBytesPerInvocation: 2048 });
            close(item(projection, "poller", "requests").quantity, 43_200);
            close(item(projection, "poller", "requests").monthlyUsd, (43_200 * 0.2) / 1e6);
            // Every minute keeps it warm: 1 % of 43,200 + 360 recycles = 792 cold starts with INIT billed; 1 s per run (default), 1 GB.
            expect(coldStarts(43_200)).to.equal(792);
            const gbSeconds = 43_200 * 1 + (792 * INIT_MS) / 1000;
            close(item(projection, "poller", "compute").quantity, gbSeconds);
            close(item(projection, "poller", "compute").monthlyUsd, gbSeconds * p.lambda.prices.gbSecondArm64.usd);
            close(item(projection, "poller-schedule", "invocations").monthlyUsd, 43_200 / 1e6);
            close(item(projection, "poller-logs", "ingestion").quantity, (43_200 * 2048) / GB);
            close(item(projection, "poller-logs", "storage").quantity, ((43_200 * 2048) / GB) * 0.15); // 30 days retention, compressed
        });

        it("batches a queue-triggered function by the event source mapping and bills the queue's polling", () => {
            expect(queueInvocations(1_000, 10, 5)).to.equal(1_000); // slow trickle: one message per invocation
            expect(queueInvocations(3_000_000, 10, 5)).to.equal(518_400); // one batch per 5-second window
            expect(queueInvocations(30_000_000, 10, 5)).to.equal(3_000_000); // full batches
            const queue = rec("aws:sqs/queue:Queue", "raw-signals", {}, { arn: "arn:aws:sqs:eu-central-1:111122223333:raw-signals-1" });
            const score = fn("score", { memorySize: 512 });
            const mapping = rec("aws:lambda/eventSourceMapping:EventSourceMapping", "score-trigger", {
                eventSourceArn: "arn:aws:sqs:eu-central-1:111122223333:raw-signals-1",
                functionName: FN_ARN("score"),
                batchSize: 10,
                maximumBatchingWindowInSeconds: 5,
            });
            const busy = project([queue, score, mapping], { signalsPerDay: 100_000 });
            close(item(busy, "score", "requests").quantity, 518_400);
            // 3,000,000 messages: sends in batches of 5, one receive and one delete per batch, at least 5 pollers × 3 polls a minute.
            close(item(busy, "raw-signals", "requests").quantity, 600_000 + 648_000 + 518_400);
            const idle = project([queue, score, mapping]);
            close(item(idle, "raw-signals", "requests").quantity, 648_000);
            close(item(idle, "raw-signals", "requests").monthlyUsd, 0.2592);
            close(item(idle, "score", "requests").quantity, 0);
        });

        it("counts table and GSI write units from the graph's indexes, and replicated writes of a global table", () => {
            const signals = rec("aws:dynamodb/table:Table", "signals", {
                billingMode: "PAY_PER_REQUEST",
                globalSecondaryIndexes: [
                    { name: "bySourceId", projectionType: "KEYS_ONLY" },
                    { name: "byAgent", projectionType: "ALL" },
                ],
                pointInTimeRecovery: { enabled: true },
                replicas: [{ regionName: "eu-west-1", pointInTimeRecovery: false }],
            });
            const projection = project([signals], { signalsPerDay: 1_000, avgSignalBytes: 1500, tableGbStart: 10 });
            // 30,000 puts × (2 + 1 keys-only + 2 ALL) + 30,000 score updates × (2 + 2 ALL) = 270,000 write units.
            close(item(projection, "signals", "writes").quantity, 270_000);
            close(item(projection, "signals", "writes").monthlyUsd, 270_000 * (p.dynamodb.prices.onDemandWrites.usd / 1e6));
            // ... replicated with the 30,000 TTL deletes (2 units each) to the one replica.
            close(item(projection, "signals", "replicated writes").quantity, 270_000 + 60_000);
            // Storage: 10 GB + an ALL index of 10 GB + a keys-only index of 200 B per 1,500-byte item.
            close(item(projection, "signals", "storage").quantity, 10 + 10 + (10 * KEYS_ONLY_INDEX_ENTRY_BYTES) / 1500);
            close(item(projection, "signals", "point-in-time recovery").monthlyUsd, 10 * p.dynamodb.prices.pitr.usd);
        });

        it("bills provisioned capacity per table and GSI at the auto-scaling minimum when idle", () => {
            const table = rec(
                "aws:dynamodb/table:Table",
                "outcomes",
                {
                    billingMode: "PROVISIONED",
                    readCapacity: 5,
                    writeCapacity: 5,
                    globalSecondaryIndexes: [{ name: "byProposal", readCapacity: 5, writeCapacity: 5 }],
                },
                { name: "outcomes-1" },
            );
            const projection = project([table]);
            close(projection.totalUsd, (5 * 0.0001586 + 5 * 0.000793) * 720 * 2);
            expect(projection.totalUsd.toFixed(2)).to.equal("6.85");
        });

        it("bills replication of a replicated bucket: transfer, replica PUTs and Standard-IA storage with its 128 KB minimum", () => {
            const raw = rec("aws:s3/bucket:Bucket", "raw-data", {}, { bucket: "raw-1", arn: "arn:aws:s3:::raw-1" });
            const replica = rec("aws:s3/bucket:Bucket", "raw-data-replica", {}, { bucket: "raw-r", arn: "arn:aws:s3:::raw-r" });
            const replication = rec("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "raw-data-replication", {
                bucket: "raw-1",
                rules: [{ status: "Enabled", destination: { bucket: "arn:aws:s3:::raw-r", storageClass: "STANDARD_IA" } }],
            });
            // 1,000 fetches a day with new items, 32 KB each.
            const projection = project([raw, replica, replication], {
                fetchesPerDay: 1_000,
                signalsPerDay: 50_000,
                rawPayloadBytesPerFetch: 32 * 1024,
            });
            const newGb = (30_000 * 32 * 1024) / GB;
            close(item(projection, "raw-data", "PUT requests").quantity, 30_000);
            close(item(projection, "raw-data-replication", "replication transfer").monthlyUsd, newGb * 0.02);
            close(item(projection, "raw-data-replication", "replication PUTs").monthlyUsd, 30_000 * (0.01 / 1000));
            close(item(projection, "raw-data-replica", "replica storage").quantity, (newGb / 2) * 4); // 32 KB objects billed as 128 KB
        });

        it("prices NAT gateways of an awsx VPC by strategy, with their public IPs", () => {
            const vpc = (strategy: string) =>
                rec("awsx:ec2:Vpc", `vpc-${strategy}`, { natGateways: { strategy }, numberOfAvailabilityZones: 2 }, {}, false);
            close(project([vpc("OnePerAz")]).totalUsd, 2 * 720 * (0.052 + 0.005));
            close(project([vpc("Single")]).totalUsd, 720 * (0.052 + 0.005));
            close(project([vpc("None")]).totalUsd, 0);
        });

        it("samples X-Ray traces with the default rule: 1 per second, then 5 %", () => {
            expect(tracesRecorded(1_000)).to.equal(1_000);
            close(tracesRecorded(2_592_000 + 1_000_000), 2_592_000 + 50_000);
        });
    });

    describe("the stacks' graphs", function () {
        // Three program runs on the mock engine; slow on a busy machine.
        this.timeout(300_000);
        const usageFor = async (stack: string, options: { idle?: boolean; signalsPerDay?: number } = {}) => {
            const run = await stackRun(stack);
            const config = parseStackConfig(stack, run.project, run.config);
            return { run, config, usage: resolveUsage(config, options).usage };
        };

        it("prices every resource type of dev, staging and prod (nothing unpriced)", async () => {
            for (const stack of ["dev", "staging", "prod"]) {
                const { run, config, usage } = await usageFor(stack);
                const projection = projectCost(run.resources, config, usage, prices);
                expect(projection.unpriced, `${stack}: unpriced resources`).to.deep.equal([]);
                expect(projection.resources.length, `${stack}: priced resources`).to.be.greaterThan(75);
            }
        });

        it("costs more with more signals: idle ≤ default ≤ 1M signals a day, per service too (prod)", async () => {
            const idle = await usageFor("prod", { idle: true });
            const normal = await usageFor("prod");
            const million = await usageFor("prod", { signalsPerDay: 1_000_000 });
            const [a, b, c] = [idle, normal, million].map((x) => projectCost(x.run.resources, x.config, x.usage, prices));
            expect(a!.totalUsd).to.be.greaterThan(0);
            expect(a!.totalUsd).to.be.lessThan(b!.totalUsd);
            expect(b!.totalUsd).to.be.lessThan(c!.totalUsd);
            for (const service of c!.byService) {
                const before = b!.byService.find((s) => s.service === service.service)?.monthlyUsd ?? 0;
                expect(service.monthlyUsd, service.service).to.be.at.least(before - 1e-9);
            }
            // Global tables and replicated buckets only cost once data flows.
            expect(item(c!, "signals", "replicated writes").monthlyUsd).to.be.greaterThan(
                item(b!, "signals", "replicated writes").monthlyUsd,
            );
            expect(item(a!, "signals", "replicated writes").monthlyUsd).to.equal(0);
            expect(item(c!, "raw-data-replication", "replication transfer").monthlyUsd).to.be.greaterThan(0);
        });

        it("shows what the dev stack costs at idle, resource by resource", async () => {
            const { run, config, usage } = await usageFor("dev", { idle: true });
            const idle = projectCost(run.resources, config, usage, prices);
            // Each dashboard costs 3 USD a month whether anyone looks at it or not; types are listed most expensive first.
            for (const board of idle.resources.filter((r) => r.type === "aws:cloudwatch/dashboard:Dashboard")) close(board.monthlyUsd, 3);
            const amounts = idle.byType.map((x) => x.monthlyUsd);
            expect(amounts).to.deep.equal([...amounts].sort((a, b) => b - a));
            // The schedules run at idle: Lambda, Scheduler and queue polling cost something, API Gateway nothing.
            expect(idle.byService.find((s) => s.service === "Lambda")!.monthlyUsd).to.be.greaterThan(0);
            expect(idle.byService.find((s) => s.service === "EventBridge Scheduler")!.monthlyUsd).to.be.greaterThan(0);
            expect(idle.byService.find((s) => s.service === "API Gateway")!.monthlyUsd).to.equal(0);
            close(
                idle.totalUsd,
                idle.resources.reduce((sum, r) => sum + r.monthlyUsd, 0),
            );
        });
    });

    describe("price file", () => {
        it("carries its date, a source page per service and rejects a missing price", () => {
            expect(prices.retrievedOn).to.match(/^\d{4}-\d{2}-\d{2}$/);
            expect(prices.region).to.equal("eu-central-1");
            for (const service of Object.values(prices.services)) expect(service.source).to.match(/^https:\/\/aws\.amazon\.com\//);
            const raw = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "offline/cost/prices-eu-central-1.json"), "utf8"));
            delete raw.services.sqs.prices.standardRequests;
            expect(() => parsePrices(raw, "broken.json")).to.throw(
                /broken\.json: invalid price file:\n {2}- services\.sqs\.prices\.standardRequests/,
            );
        });
    });

    describe("CLI", function () {
        // Each run starts tsx and runs the program.
        this.timeout(300_000);
        const cost = (...args: string[]) => {
            const result = spawnSync(
                process.execPath,
                [path.join(PROJECT_ROOT, "node_modules/tsx/dist/cli.mjs"), path.join(PROJECT_ROOT, "scripts/cost.ts"), ...args],
                {
                    cwd: PROJECT_ROOT,
                    encoding: "utf8",
                    env: { ...process.env, NODE_OPTIONS: "" },
                    maxBuffer: 64 * 1024 * 1024,
                },
            );
            return { status: result.status, stdout: result.stdout, stderr: result.stderr };
        };

        it("prints the markdown PR comment with the total, the budget and the idle cost", () => {
            const { status, stdout, stderr } = cost("--stack", "dev", "--format", "markdown");
            expect(status, stderr).to.equal(0);
            expect(stdout).to.match(/^<!-- cost-projection:dev -->\n### Cost projection — `ai-investment\/dev`/);
            expect(stdout).to.match(/\*\*Total: \$[\d,]+\.\d\d \/ month\*\* — [\d.]+ % of the 50 USD budget/);
            expect(stdout).to.match(/\*\*Idle \(zero traffic\): \$[\d,]+\.\d\d \/ month\*\*/);
            expect(stdout).to.include("| **total** |");
            expect(stdout).to.include("<summary>Unit prices used (eu-central-1, " + prices.retrievedOn + ")</summary>");
        });

        it("prints JSON whose totals add up, complete even when large", () => {
            const { status, stdout, stderr } = cost("--stack", "dev", "--signals-per-day", "1000000", "--format", "json");
            expect(status, stderr).to.equal(0);
            const report = JSON.parse(stdout);
            expect(report.usage.values.signalsPerDay).to.equal(1_000_000);
            expect(report.usage.sources.signalsPerDay).to.equal("flag");
            const byService = report.byService.reduce((sum: number, s: any) => sum + s.monthlyUsd, 0);
            expect(byService).to.be.closeTo(report.totalUsd, 0.01);
            expect(report.idle.totalUsd).to.be.lessThan(report.totalUsd);
            expect(report.budgetUsd).to.equal(50);
        });

        it("answers usage errors with exit 2, naming the flag, the stack or the field", () => {
            const unknownFlag = cost("--stack", "dev", "--sigals-per-day", "5");
            expect(unknownFlag.status).to.equal(2);
            expect(unknownFlag.stderr).to.include("--sigals-per-day");
            const unknownStack = cost("--stack", "qa");
            expect(unknownStack.status).to.equal(2);
            expect(unknownStack.stderr).to.include('unknown stack "qa"');
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "usage-"));
            fs.writeFileSync(path.join(dir, "usage.yaml"), "signalsPerDay: lots\n");
            const badFile = cost("--stack", "dev", "--usage", path.join(dir, "usage.yaml"));
            expect(badFile.status).to.equal(2);
            expect(badFile.stderr).to.match(/usage\.yaml: signalsPerDay: expected a number/);
            const badFormat = cost("--stack", "dev", "--format", "yaml");
            expect(badFormat.status).to.equal(2);
            expect(badFormat.stderr).to.include("--format");
        });
    });
});
