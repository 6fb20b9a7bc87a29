import { stackRun } from "./support/stackRuns";
import { expect } from "chai";
import { TABLE_DESIGNS } from "../stacks/data";
import { type ProgramRun, type RecordedResource, recordedResources, runProgram } from "../offline/engine";
import { ResourceGraph } from "../offline/graph";
import { ENVIRONMENTS, FUNCTION_NAMES, type FunctionName, parseStackConfig, StackConfigError } from "../config/stackConfig";
import { functionTimeoutSeconds } from "../stacks/compute";
import { RESOURCE_WILDCARD_ACTIONS } from "../lib/grants";
import { ALARM_KINDS } from "../components/AlarmSet";

const FUNCTION = "aws:lambda/function:Function";
const TABLE = "aws:dynamodb/table:Table";
const BUCKET = "aws:s3/bucket:Bucket";

const runs: Record<string, { run: ProgramRun; graph: ResourceGraph }> = {};

function functionComponent(graph: ResourceGraph, name: string): RecordedResource {
    return graph.one("ai-investment:compute:IngestFunction", name);
}
function childOf(graph: ResourceGraph, parent: RecordedResource, type: string): RecordedResource[] {
    return graph.children(parent).filter((r) => r.type === type);
}
/** Every policy document attached to the function's execution role, wherever the policy is declared. */
function policiesOf(graph: ResourceGraph, fn: string): any[] {
    const role = childOf(graph, functionComponent(graph, fn), "aws:iam/role:Role").find((r) => r.name === `${fn}-role`)!;
    const attachedArns = graph
        .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.inputs.role === role.outputs.name)
        .map((a) => a.inputs.policyArn);
    return graph
        .ofType("aws:iam/policy:Policy")
        .filter((p) => attachedArns.includes(p.outputs.arn))
        .map((p) => JSON.parse(p.inputs.policy));
}
function resourcesNamedBy(graph: ResourceGraph, fn: string): string[] {
    return policiesOf(graph, fn)
        .flatMap((doc) => doc.Statement)
        .flatMap((s: any) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
}
const arnOf = (graph: ResourceGraph, type: string, name: string) => graph.one(type, name).outputs.arn as string;

describe("the whole program on the mock engine", function () {
    this.timeout(120_000);

    before(async () => {
        for (const stack of ENVIRONMENTS) {
            const run = await stackRun(stack);
            runs[stack] = { run, graph: new ResourceGraph(run.resources) };
        }
    });

    for (const stack of ENVIRONMENTS) {
        describe(`${stack} stack`, () => {
            const graph = () => runs[stack]!.graph;
            const config = () => parseStackConfig(stack, "ai-investment", runs[stack]!.run.config);

            it("declares every AWS resource through the tagged explicit provider", () => {
                const providers = graph().ofType("pulumi:providers:aws");
                for (const provider of providers) {
                    // Provider inputs reach the engine JSON-encoded.
                    expect(JSON.parse(provider.inputs.defaultTags)).to.deep.equal({ tags: config().tags });
                }
                const providerRefs = new Set(providers.map((p) => `${p.urn}::${p.id}`));
                const untagged = graph().resources.filter(
                    (r) => r.custom && r.type.startsWith("aws:") && !providerRefs.has(r.provider ?? ""),
                );
                expect(untagged.map((r) => `${r.type} ${r.name}`)).to.deep.equal([]);
            });

            it("gives every function its own encrypted log group with the stack's retention", () => {
                const kmsArn = graph().one("aws:kms/key:Key", "platform-key").outputs.arn;
                for (const name of FUNCTION_NAMES) {
                    const component = functionComponent(graph(), name);
                    const [logGroup] = childOf(graph(), component, "aws:cloudwatch/logGroup:LogGroup");
                    const [fn] = childOf(graph(), component, FUNCTION);
                    expect(logGroup!.inputs, name).to.include({ retentionInDays: config().logRetentionDays, kmsKeyId: kmsArn });
                    expect(fn!.inputs.loggingConfig.logGroup, name).to.equal(logGroup!.outputs.name);
                }
            });

            it("runs every function on nodejs24.x, arm64, traced, with a DLQ and the sizing of the environment", () => {
                const failures = graph().one("aws:sqs/queue:Queue", "invocation-failures").outputs.arn;
                for (const fn of graph().ofType(FUNCTION)) {
                    expect(fn.inputs, fn.name).to.deep.include({
                        runtime: "nodejs24.x",
                        architectures: ["arm64"],
                        handler: "index.handler",
                        memorySize: config().lambda.memoryMb,
                        timeout: functionTimeoutSeconds(config(), fn.name as FunctionName),
                        tracingConfig: { mode: "Active" },
                        deadLetterConfig: { targetArn: failures },
                    });
                    expect(fn.inputs.environment.variables.LOG_LEVEL).to.equal(config().lambda.logLevel);
                }
                expect(graph().ofType(FUNCTION)).to.have.length(FUNCTION_NAMES.length);
                // Ingest runs fetch every source of a channel: at least a minute whatever the stack's default.
                expect(graph().one(FUNCTION, "ingest-news").inputs.timeout).to.equal(Math.max(60, config().lambda.timeoutSeconds));
            });

            it("puts only names, URLs and ARNs into function environments — never secret values", () => {
                for (const fn of graph().ofType(FUNCTION)) {
                    for (const [key, value] of Object.entries<string>(fn.inputs.environment.variables)) {
                        if (/SECRET|PASSWORD|TOKEN|API_KEY/.test(key)) expect(key, `${fn.name}.${key}`).to.match(/_ARN$/);
                        if (key.endsWith("_ARN")) expect(value, `${fn.name}.${key}`).to.match(/^arn:aws:secretsmanager:/);
                    }
                }
            });

            it("grants each role only its own resources, without wildcards", () => {
                for (const name of FUNCTION_NAMES) {
                    for (const statement of policiesOf(graph(), name).flatMap((d) => d.Statement)) {
                        for (const action of statement.Action) {
                            expect(action, `${name}: ${statement.Sid}`).not.to.match(/^\*$|:\*$/);
                        }
                        if (statement.Resource === "*") {
                            expect(RESOURCE_WILDCARD_ACTIONS as readonly string[], `${name}: ${statement.Sid}`).to.include.members(
                                statement.Action,
                            );
                        }
                    }
                    const ownLogGroup = childOf(graph(), functionComponent(graph(), name), "aws:cloudwatch/logGroup:LogGroup")[0]!.outputs
                        .arn;
                    const otherLogGroups = graph()
                        .ofType("aws:cloudwatch/logGroup:LogGroup")
                        .map((g) => g.outputs.arn)
                        .filter((arn) => arn !== ownLogGroup);
                    const named = resourcesNamedBy(graph(), name);
                    expect(
                        named.some((r) => r.startsWith(ownLogGroup)),
                        name,
                    ).to.equal(true);
                    expect(
                        named.filter((r) => otherLogGroups.some((arn) => r.startsWith(`${arn}:`))),
                        name,
                    ).to.deep.equal([]);
                }
            });

            it("follows the data flow in its grants: each step reads its input and writes only its output", () => {
                const g = graph();
                const table = (n: string) => arnOf(g, TABLE, n);
                const queue = (n: string) => arnOf(g, "aws:sqs/queue:Queue", n);
                const secret = (n: string) => g.one("aws:secretsmanager/secret:Secret", `providers-${n}`).outputs.arn;

                expect(resourcesNamedBy(g, "ingest-social")).to.include.members([
                    secret("social-api"),
                    secret("pseudonym-key"),
                    queue("raw-signals"),
                    table("signals"),
                ]);
                expect(resourcesNamedBy(g, "ingest-social")).not.to.include(secret("market-data-api"));
                // Open feeds: only the pseudonym key, never another provider's credentials.
                for (const fn of ["ingest-news", "ingest-regulatory"]) {
                    expect(resourcesNamedBy(g, fn).filter((r) => r.includes(":secretsmanager:"))).to.deep.equal([secret("pseudonym-key")]);
                }
                expect(resourcesNamedBy(g, "admin")).to.include.members([secret("pseudonym-key"), table("signals")]);
                expect(resourcesNamedBy(g, "admin")).not.to.include(secret("social-api"));
                expect(resourcesNamedBy(g, "score"))
                    .to.include.members([queue("raw-signals"), queue("scored-signals")])
                    .and.not.include(table("proposals"));
                expect(resourcesNamedBy(g, "decision"))
                    .to.include(table("proposals"))
                    .and.not.include.members([table("signals"), table("agents-config")]);
                expect(
                    resourcesNamedBy(g, "health").filter(
                        (r) => !r.includes(":logs:") && !r.includes(":sqs:") && !r.includes(":kms:") && r !== "*",
                    ),
                ).to.deep.equal([]);
                const bucketPut = resourcesNamedBy(g, "ingest-news").filter((r) => r.startsWith("arn:aws:s3:::"));
                expect(bucketPut).to.deep.equal([`${arnOf(g, BUCKET, "raw-data")}/news/*`]);
                const connections = resourcesNamedBy(g, "stream").filter((r) => r.includes("@connections"));
                const apiArn = g.one("aws:apigatewayv2/api:Api", "live").outputs.executionArn;
                expect(connections).to.deep.equal(["POST", "GET", "DELETE"].map((m) => `${apiArn}/v1/${m}/@connections/*`));
                expect(resourcesNamedBy(g, "dashboard").filter((r) => r.includes("execute-api"))).to.deep.equal([]);
            });

            it("triggers the queue consumers with partial batch responses and schedules ingestion in Europe/Zurich", () => {
                const mappings = graph().ofType("aws:lambda/eventSourceMapping:EventSourceMapping");
                expect(mappings.map((m) => m.name).sort()).to.deep.equal([
                    "fuse-queue-trigger",
                    "propose-queue-trigger",
                    "risk-check-queue-trigger",
                    "score-queue-trigger",
                    "stream-queue-trigger",
                ]);
                for (const mapping of mappings) expect(mapping.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
                const schedules = graph().ofType("aws:scheduler/schedule:Schedule");
                expect(schedules.map((s) => s.inputs.scheduleExpression).sort()).to.deep.equal(
                    // Ingest (1, 5, 15 min), evaluation, learning, and the proposal expiry sweep (15 min).
                    [
                        "cron(0 2 * * ? *)",
                        "cron(0 3 ? * SUN *)",
                        "rate(1 minute)",
                        "rate(15 minutes)",
                        "rate(15 minutes)",
                        "rate(5 minutes)",
                    ].sort(),
                );
                for (const schedule of schedules) {
                    expect(schedule.inputs.scheduleExpressionTimezone).to.equal("Europe/Zurich");
                    expect(schedule.inputs.target.deadLetterConfig.arn).to.equal(
                        arnOf(graph(), "aws:sqs/queue:Queue", "invocation-failures"),
                    );
                }
            });

            it("gives every queue a DLQ and a visibility timeout of six function timeouts", () => {
                const queues = graph().ofType("aws:sqs/queue:Queue");
                for (const queue of queues.filter((q) => !q.name.endsWith("-dlq"))) {
                    const dlq = queues.find((q) => q.name === `${queue.name}-dlq`)!;
                    expect(JSON.parse(queue.inputs.redrivePolicy).deadLetterTargetArn, queue.name).to.equal(dlq.outputs.arn);
                    expect(queue.inputs.visibilityTimeoutSeconds).to.equal(6 * config().lambda.timeoutSeconds);
                }
            });

            it("blocks public access on every bucket and encrypts every table with the key", () => {
                for (const bucket of graph().ofType(BUCKET)) {
                    const [block] = graph().dependentsVia(bucket, "bucket", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
                    expect(block?.inputs, bucket.name).to.include({
                        blockPublicAcls: true,
                        blockPublicPolicy: true,
                        ignorePublicAcls: true,
                        restrictPublicBuckets: true,
                    });
                }
                const kmsArn = graph().one("aws:kms/key:Key", "platform-key").outputs.arn;
                for (const table of graph().ofType(TABLE)) {
                    expect(table.inputs.serverSideEncryption, table.name).to.deep.equal({ enabled: true, kmsKeyArn: kmsArn });
                    expect(table.inputs.pointInTimeRecovery.enabled, table.name).to.equal(true);
                }
            });

            it("exports what an operator needs", () => {
                const outputs = runs[stack]!.run.outputs as Record<string, any>;
                expect(outputs.apiUrl).to.match(/^https:\/\/[a-z0-9]+\.execute-api\.eu-central-1\.amazonaws\.com\/v1$/);
                expect(outputs.websocketUrl).to.match(/^wss:\/\/[a-z0-9]+\.execute-api\.eu-central-1\.amazonaws\.com\/v1$/);
                expect(outputs.userPoolId).to.match(/^eu-central-1_[A-Za-z0-9]+$/);
                expect(outputs.userPoolClientId).to.be.a("string").with.length.greaterThan(10);
                expect(Object.keys(outputs.tableNames).sort()).to.deep.equal([
                    "agents-config",
                    "connections",
                    "outcomes",
                    "proposals",
                    "signals",
                    "tracked-entities",
                ]);
                expect(Object.keys(outputs.bucketNames).sort()).to.deep.equal([
                    "backtests",
                    "curated-data",
                    "eval",
                    "features",
                    "raw-data",
                ]);
                expect(outputs.dashboardNames).to.have.length(config().observability.dashboards.length);
                expect(outputs.alarmTopicArn).to.match(/^arn:aws:sns:eu-central-1:111122223333:/);
            });
        });
    }

    describe("per-environment differences", () => {
        it("keeps dev's observability to one dashboard, the data-loss alarms and stage-level API metrics", () => {
            const dev = runs.dev!.graph;
            const prod = runs.prod!.graph;
            expect(dev.ofType("aws:cloudwatch/dashboard:Dashboard").map((d) => d.name)).to.deep.equal(["platform-health"]);
            expect(prod.ofType("aws:cloudwatch/dashboard:Dashboard")).to.have.length(4);
            const kinds = (graph: ResourceGraph) =>
                new Set(
                    graph
                        .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
                        .map((a) => ALARM_KINDS.find((kind) => a.name.endsWith(`-${kind}`))),
                );
            expect([...kinds(dev)].sort()).to.deep.equal(["dlq-messages", "failure-messages"]);
            expect([...kinds(prod)].sort()).to.deep.equal([...ALARM_KINDS].sort());
            expect(dev.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm")).to.have.length(0);
            expect(prod.ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm")).to.have.length(2);
            const settings = (graph: ResourceGraph) => graph.ofType("aws:apigateway/methodSettings:MethodSettings")[0]!.inputs.settings;
            expect(settings(dev).metricsEnabled).to.equal(false);
            expect(settings(prod).metricsEnabled).to.equal(true);
            const wsStage = (graph: ResourceGraph) => graph.ofType("aws:apigatewayv2/stage:Stage")[0]!.inputs.defaultRouteSettings;
            expect(wsStage(dev).detailedMetricsEnabled).to.equal(false);
            expect(wsStage(prod).detailedMetricsEnabled).to.equal(true);
        });

        it("with scorer bedrock deploys the Bedrock build of score, allowed to invoke exactly that model", async () => {
            const modelId = "eu.anthropic.claude-3-haiku-20240307-v1:0";
            const run = await runProgram({
                stack: "dev",
                configOverrides: { "ai-investment:scorer": "bedrock", "ai-investment:bedrockModelId": modelId },
            });
            const graph = new ResourceGraph(run.resources);
            const score = childOf(graph, functionComponent(graph, "score"), FUNCTION)[0]!;
            expect(score.inputs.environment.variables).to.include({ SCORER: "bedrock", BEDROCK_MODEL_ID: modelId });
            const statements = (name: string) =>
                policiesOf(graph, name).flatMap((policy) => policy.Statement as { Action: string[]; Resource: string | string[] }[]);
            const invoke = statements("score").filter((s) => s.Action.includes("bedrock:InvokeModel"));
            expect(invoke.map((s) => s.Resource)).to.deep.equal([
                [
                    `arn:aws:bedrock:eu-central-1:111122223333:inference-profile/${modelId}`,
                    "arn:aws:bedrock:*::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                ],
            ]);
            for (const other of FUNCTION_NAMES.filter((name) => name !== "score")) {
                expect(JSON.stringify(statements(other)), other).not.to.include("bedrock:");
            }
            // The lexicon stacks grant no Bedrock access at all.
            for (const name of FUNCTION_NAMES) expect(JSON.stringify(policiesOf(runs.dev!.graph, name)), name).not.to.include("bedrock:");
        });

        it("deletes raw payloads (personal data) after 30 days in every stack, on the prod replica too", () => {
            for (const env of ENVIRONMENTS) {
                const lifecycles = runs[env]!.graph.ofType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
                const rawData = lifecycles.filter((l) => /^raw-data(-replica)?-lifecycle$/.test(l.name));
                expect(rawData.map((l) => l.name).sort(), env).to.deep.equal(
                    env === "prod" ? ["raw-data-lifecycle", "raw-data-replica-lifecycle"] : ["raw-data-lifecycle"],
                );
                for (const l of rawData) expect(l.inputs.rules[0].expiration, `${env} ${l.name}`).to.deep.equal({ days: 30 });
                // Other buckets keep their data (tiering and archive).
                expect(lifecycles.find((l) => l.name === "eval-lifecycle")!.inputs.rules[0].expiration, env).to.equal(undefined);
            }
        });

        it("protects prod: deletion protection, reserved concurrency from config, replicas in eu-west-1", () => {
            const { graph, run } = runs.prod!;
            const config = parseStackConfig("prod", "ai-investment", run.config);
            for (const table of graph.ofType(TABLE)) expect(table.inputs.deletionProtectionEnabled, table.name).to.equal(true);
            for (const name of FUNCTION_NAMES) {
                const [fn] = childOf(graph, functionComponent(graph, name), FUNCTION);
                expect(fn!.inputs.reservedConcurrentExecutions, name).to.equal(config.lambda.reservedConcurrency[name]);
            }
            // SQS pollers scale up to the reserved concurrency (score 20), not the component's default of 5.
            const pollers = graph.one("aws:lambda/eventSourceMapping:EventSourceMapping", "score-queue-trigger").inputs.scalingConfig;
            expect(pollers).to.deep.equal({ maximumConcurrency: config.lambda.reservedConcurrency.score });
            expect(
                runs.dev!.graph.one("aws:lambda/eventSourceMapping:EventSourceMapping", "score-queue-trigger").inputs.scalingConfig,
            ).to.deep.equal({
                maximumConcurrency: 5,
            });
            const replicas = graph.ofType(BUCKET).filter((b) => b.name.endsWith("-replica"));
            expect(replicas.map((b) => b.name).sort()).to.deep.equal(["curated-data-replica", "eval-replica", "raw-data-replica"]);
            for (const replica of replicas) expect(replica.outputs.region).to.equal("eu-west-1");
            expect(graph.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).to.have.length(3);
            expect(graph.one("ai-investment:security:EncryptionKey", "platform").protect).to.equal(true);
        });

        it("makes prod's tables global tables in eu-west-1 under the replica key, except WebSocket connections", () => {
            const { graph } = runs.prod!;
            const replicaKey = graph.one("aws:kms/key:Key", "platform-replica-key");
            for (const table of graph.ofType(TABLE)) {
                if (table.name === "connections") {
                    expect(table.inputs.replicas ?? [], table.name).to.deep.equal([]);
                    continue;
                }
                expect(table.inputs.replicas, table.name).to.deep.equal([
                    {
                        regionName: "eu-west-1",
                        kmsKeyArn: replicaKey.outputs.arn,
                        pointInTimeRecovery: true,
                        deletionProtectionEnabled: true,
                        propagateTags: true,
                    },
                ]);
                expect(table.inputs).to.include({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
            }
            for (const stack of ["dev", "staging"]) {
                for (const table of runs[stack]!.graph.ofType(TABLE))
                    expect(table.inputs.replicas ?? [], `${stack} ${table.name}`).to.deep.equal([]);
            }
        });

        it("leaves dev and staging without reserved concurrency or deletion protection", () => {
            for (const stack of ["dev", "staging"]) {
                const { graph } = runs[stack]!;
                for (const fn of graph.ofType(FUNCTION)) expect(fn.inputs.reservedConcurrentExecutions, `${stack} ${fn.name}`).to.equal(-1);
                for (const table of graph.ofType(TABLE)) expect(table.inputs.deletionProtectionEnabled).to.equal(false);
            }
        });

        it("provisions staging's tables at 5/5 under auto scaling, dev and prod on demand", () => {
            for (const table of runs.staging!.graph.ofType(TABLE)) {
                expect(table.inputs).to.include({ billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
            }
            const targets = runs.staging!.graph.ofType("aws:appautoscaling/target:Target");
            // table + each GSI, read and write
            const indexes = Object.values(TABLE_DESIGNS).reduce((sum, design) => sum + (design.globalSecondaryIndexes?.length ?? 0), 0);
            expect(targets.length).to.equal(2 * (Object.keys(TABLE_DESIGNS).length + indexes));
            for (const stack of ["dev", "prod"]) {
                for (const table of runs[stack]!.graph.ofType(TABLE)) expect(table.inputs.billingMode).to.equal("PAY_PER_REQUEST");
                expect(runs[stack]!.graph.ofType("aws:appautoscaling/target:Target")).to.have.length(0);
            }
        });

        it("attaches the WAF where enabled (staging, prod) and not in dev", () => {
            expect(runs.dev!.graph.ofType("aws:wafv2/webAcl:WebAcl")).to.have.length(0);
            for (const stack of ["staging", "prod"]) {
                expect(runs[stack]!.graph.ofType("aws:wafv2/webAcl:WebAcl"), stack).to.have.length(1);
                expect(runs[stack]!.graph.ofType("aws:wafv2/webAclAssociation:WebAclAssociation"), stack).to.have.length(1);
            }
        });

        it("runs prod's functions in the VPC's private subnets and the others outside a VPC", () => {
            const vpc = runs.prod!.graph.one("awsx:ec2:Vpc", "network-vpc");
            for (const fn of runs.prod!.graph.ofType(FUNCTION))
                expect(fn.inputs.vpcConfig.subnetIds, fn.name).to.deep.equal(vpc.outputs.privateSubnetIds);
            for (const fn of runs.dev!.graph.ofType(FUNCTION)) expect(fn.inputs.vpcConfig).to.equal(undefined);
        });

        it("ships identical bundles on every run, so an unchanged handler produces no diff", async () => {
            const again = new ResourceGraph((await runProgram({ stack: "dev" })).resources);
            for (const fn of runs.dev!.graph.ofType(FUNCTION)) {
                const code = fn.inputs.code.assets["index.mjs"].text as string;
                expect(code.length, fn.name).to.be.greaterThan(10_000);
                expect(again.one(FUNCTION, fn.name).inputs.code, fn.name).to.deep.equal(fn.inputs.code);
            }
        });
    });

    describe("a regional failover stack on prod's replicas", () => {
        let graph: ResourceGraph;
        let prodTables: Record<string, string>;
        const replicaKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/9f3c1e2a-7b4d-4e8f-a1b2-c3d4e5f60718";
        before(async () => {
            const prod = await stackRun("prod");
            prodTables = prod.outputs.tableNames as Record<string, string>;
            const adopted = ["signals", "proposals", "outcomes", "agents-config", "tracked-entities"];
            const run = await runProgram({
                stack: "prod",
                configOverrides: {
                    "aws:region": "eu-west-1",
                    "ai-investment:enableReplication": "false",
                    "ai-investment:replicationRegion": undefined,
                    "ai-investment:failoverKeyArn": replicaKeyArn,
                    "ai-investment:failoverTables": JSON.stringify(adopted.map((name) => `${name}=${prodTables[name]}`)),
                },
            });
            graph = new ResourceGraph(run.resources);
        });

        it("creates no key and no global table, only the regional connections table", () => {
            expect(graph.ofType("ai-investment:security:EncryptionKey")).to.deep.equal([]);
            expect(graph.ofType(TABLE).map((table) => table.name)).to.deep.equal(["connections"]);
            expect(graph.ofType(TABLE)[0]!.inputs.serverSideEncryption.kmsKeyArn).to.equal(replicaKeyArn);
        });

        it("points the functions at the adopted tables under the replica key", () => {
            const env = childOf(graph, functionComponent(graph, "ingest-social"), FUNCTION)[0]!.inputs.environment.variables;
            expect(env.SIGNALS_TABLE).to.equal(prodTables.signals);
            const resources = resourcesNamedBy(graph, "score");
            expect(resources).to.include(`arn:aws:dynamodb:eu-west-1:111122223333:table/${prodTables.signals}`);
            expect(resources).to.include(replicaKeyArn);
        });
    });

    describe("a bad stack file", () => {
        it("stops the program before any resource is registered, naming every bad key", async () => {
            let error: unknown;
            const run = runProgram({
                stack: "staging",
                configOverrides: { "ai-investment:lambdaTimeoutSeconds": "9000", "ai-investment:monthlyBudgetUsd": undefined },
            }).catch((e) => {
                error = e;
            });
            await run;
            // The program's modules are loaded afresh for each run, so compare by name rather than class identity.
            expect((error as Error).name).to.equal("StackConfigError");
            expect((error as StackConfigError).problems).to.have.members([
                "ai-investment:monthlyBudgetUsd: expected a number, got nothing (the key is missing)",
                'ai-investment:lambdaTimeoutSeconds: expected at most 900, got "9000"',
            ]);
            expect(recordedResources()).to.deep.equal([]);
        });
    });
});
