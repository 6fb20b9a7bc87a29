import { stackRun } from "../support/stackRuns";
/**
 * Least privilege of every function role and every scheduler role, proved by IAM simulation
 * (@cloud-copilot/iam-simulate, offline) against the policies the program declares in dev, staging and prod.
 *
 * The specification is the matrix in tests/iam/matrix.ts; the probe universe and role discovery are in
 * tests/iam/model.ts; the per-role verdict is tests/iam/check.ts.
 */
import { expect } from "chai";
import { ENVIRONMENTS, FUNCTION_NAMES, parseStackConfig } from "../../config/stackConfig";
import { ResourceGraph } from "../../offline/graph";
import { allUnexpected, checkRole, type RoleFindings } from "./check";
import { MATRIX, SCHEDULER_MATRIX } from "./matrix";
import { buildModel, type RoleUnderTest, type StackModel } from "./model";
import { type NamedPolicy, type PolicyDocument, type PolicyStatement, Simulator, statementsOf } from "./simulate";

const DESTRUCTIVE = [
    "dynamodb:DeleteTable",
    "s3:DeleteBucket",
    "s3:PutBucketPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:PutKeyPolicy",
    "iam:PassRole",
    "iam:CreateRole",
    "iam:AttachRolePolicy",
    "sts:AssumeRole",
    "lambda:UpdateFunctionCode",
    "secretsmanager:PutSecretValue",
];

interface StackResult {
    model: StackModel;
    sim: Simulator;
    invalidProbes: string[];
    findings: Map<RoleUnderTest, RoleFindings>;
}
const results: Record<string, StackResult> = {};
const result = (stack: string) => results[stack]!;
const lines = (items: string[]) =>
    items.length ? `\n  ${items.slice(0, 40).join("\n  ")}${items.length > 40 ? `\n  … ${items.length - 40} more` : ""}` : "";

describe("least privilege of the function and scheduler roles (IAM simulation)", function () {
    this.timeout(120_000);

    before(async () => {
        for (const stack of ENVIRONMENTS) {
            const run = await stackRun(stack);
            const config = parseStackConfig(stack, run.project, run.config);
            const model = buildModel(stack, new ResourceGraph(run.resources), config.features.vpc);
            const sim = new Simulator(model.account);
            // Every probe is a valid request that only an identity policy decides (see Simulator.validate).
            const principal = model.roles[0]!.principal;
            const invalidProbes: string[] = [];
            for (const probe of model.universe) invalidProbes.push(...(await sim.validate(probe, principal)));
            const findings = new Map(model.roles.map((role) => [role, checkRole(model, role, sim)] as const));
            results[stack] = { model, sim, invalidProbes, findings };
        }
    });

    for (const stack of ENVIRONMENTS) {
        describe(`${stack} stack`, () => {
            const findingsOf = (pick: (f: RoleFindings) => string[]) => [...result(stack).findings.values()].flatMap(pick);

            it(`finds the ${FUNCTION_NAMES.length} function roles and one scheduler role per scheduled function, with readable policies only`, () => {
                const { model } = result(stack);
                expect(model.roles.filter((r) => r.kind === "function").map((r) => r.fn)).to.have.members([...FUNCTION_NAMES]);
                const scheduled = [...new Set(SCHEDULER_MATRIX.map((r) => r.scheduler))];
                expect(
                    model.roles.filter((r) => r.kind === "scheduler").map((r) => r.fn),
                    "scheduler roles vs SCHEDULER_MATRIX",
                ).to.have.members(scheduled);
                expect(model.strayRoles, "roles Lambda or Scheduler can assume that the matrix does not cover").to.deep.equal([]);
                expect(model.roles.flatMap((r) => r.problems.map((p) => `${r.label}: ${p}`))).to.deep.equal([]);
                for (const role of model.roles) expect(role.policies, role.label).to.not.be.empty;
            });

            it("asks only valid requests, each decided by the identity policy alone", () => {
                expect(result(stack).invalidProbes, lines(result(stack).invalidProbes)).to.deep.equal([]);
            });

            it(`allows every row of the matrix (${MATRIX.length} function rows, ${SCHEDULER_MATRIX.length} scheduler rows)`, () => {
                const missing = findingsOf((f) => f.missing);
                expect(missing, lines(missing)).to.deep.equal([]);
            });

            it("denies the same data actions on every table, bucket, queue, secret, log group and function without a row", () => {
                const unexpected = findingsOf((f) => f.unexpected.data);
                expect(unexpected, lines(unexpected)).to.deep.equal([]);
            });

            it("denies objects outside the granted prefixes", () => {
                const unexpected = findingsOf((f) => f.unexpected.prefix);
                expect(unexpected, lines(unexpected)).to.deep.equal([]);
            });

            it(`denies destructive and escalating actions (${DESTRUCTIVE.join(", ")}, …)`, () => {
                const { model } = result(stack);
                const probed = new Set(model.universe.filter((p) => p.category === "destructive").map((p) => p.action));
                expect([...probed], "the universe probes every listed action").to.include.members(DESTRUCTIVE);
                const unexpected = findingsOf((f) => f.unexpected.destructive);
                expect(unexpected, lines(unexpected)).to.deep.equal([]);
            });

            it("denies KMS on other keys, without kms:ViaService or through a service the role has no row for", () => {
                const unexpected = findingsOf((f) => f.unexpected.kms);
                expect(unexpected, lines(unexpected)).to.deep.equal([]);
            });

            it("denies account-wide actions (listing, metrics, ENIs outside a VPC) without a row", () => {
                const unexpected = findingsOf((f) => f.unexpected.account);
                expect(unexpected, lines(unexpected)).to.deep.equal([]);
            });

            it("exercises every statement — each action, resource and kms:ViaService — with a matrix row", () => {
                const unexercised = findingsOf((f) => f.unexercised);
                expect(unexercised, lines(unexercised)).to.deep.equal([]);
            });

            it("lets each scheduler role invoke exactly its function and no other", () => {
                const { model, sim } = result(stack);
                const functions = model.graph.ofType("aws:lambda/function:Function");
                expect(functions).to.have.length(FUNCTION_NAMES.length);
                for (const role of model.roles.filter((r) => r.kind === "scheduler")) {
                    const allowed = functions
                        .filter(
                            (f) =>
                                sim.decide(
                                    { action: "lambda:InvokeFunction", resource: f.outputs.arn, what: f.name },
                                    role.principal,
                                    role.policies,
                                ) === "Allowed",
                        )
                        .map((f) => f.name);
                    expect(allowed, role.label).to.deep.equal([role.fn]);
                }
            });
        });
    }

    describe("the checks catch widened grants (deliberately widened copies of the dev policies)", () => {
        const dev = () => result("dev");
        const role = (label: string) => dev().model.roles.find((r) => r.label === label)!;
        /** A deep copy of the role's policies with one statement replaced (or added, when `sid` is new). */
        function widened(
            r: RoleUnderTest,
            sid: string,
            change: (s: PolicyStatement | undefined) => PolicyStatement | undefined,
        ): NamedPolicy[] {
            const copy = JSON.parse(JSON.stringify(r.policies)) as NamedPolicy[];
            const doc = copy[0]!.document as PolicyDocument;
            const statements = statementsOf(doc);
            const at = statements.findIndex((s) => s.Sid === sid);
            const next = change(at >= 0 ? statements[at] : undefined);
            if (at >= 0) statements.splice(at, 1, ...(next ? [next] : []));
            else if (next) statements.push(next);
            doc.Statement = statements;
            return copy;
        }
        const check = (r: RoleUnderTest, policies: NamedPolicy[]) => checkRole(dev().model, r, dev().sim, policies);

        it("the unmodified dev policies have no findings (baseline of the cases below)", () => {
            const f = check(role("score"), role("score").policies);
            expect([...f.missing, ...allUnexpected(f), ...f.unexercised]).to.deep.equal([]);
        });

        it("dynamodb:* on the signals table: Scan and DeleteTable are reported", () => {
            const f = check(
                role("score"),
                widened(role("score"), "TableSignalsReadWrite", (s) => ({ ...s!, Action: ["dynamodb:*"] })),
            );
            expect(f.unexpected.data.join("\n")).to.match(/dynamodb:Scan on table signals/);
            expect(f.unexpected.destructive.join("\n")).to.match(/dynamodb:DeleteTable on table signals/);
        });

        it("Resource * on a read grant: reads of every other table are reported", () => {
            const f = check(
                role("score"),
                widened(role("score"), "TableAgentsConfigRead", (s) => ({ ...s!, Resource: "*" })),
            );
            expect(f.unexpected.data.join("\n"))
                .to.match(/dynamodb:GetItem on table proposals/)
                .and.match(/dynamodb:Query on table connections/);
        });

        it("a name-prefix table grant (`table/<name>*`): a lookalike table is reported", () => {
            const f = check(
                role("dashboard"),
                widened(role("dashboard"), "TableOutcomesRead", (s) => ({ ...s!, Resource: [`${(s!.Resource as string[])[0]}*`] })),
            );
            expect(f.unexpected.data.join("\n")).to.match(/dynamodb:GetItem on table outcomes-shadow/);
        });

        it("a bucket grant without its prefix: objects outside news/ are reported", () => {
            const r = role("ingest-news");
            const f = check(
                r,
                widened(r, "BucketRawDataNewsPut", (s) => ({ ...s!, Resource: String(s!.Resource).replace(/news\/\*$/, "*") })),
            );
            expect(allUnexpected(f).join("\n")).to.match(/s3:PutObject on s3 raw-data\/social\//);
            expect(f.unexpected.prefix.join("\n"))
                .to.match(/raw-data\/news-shadow\//)
                .and.match(/raw-data\/other\/news\//);
        });

        it("a prefix grant without its trailing slash: the lookalike prefix is reported", () => {
            const r = role("ingest-news");
            const f = check(
                r,
                widened(r, "BucketRawDataNewsPut", (s) => ({ ...s!, Resource: String(s!.Resource).replace(/news\/\*$/, "news*") })),
            );
            expect(f.unexpected.prefix.join("\n")).to.match(/raw-data\/news-shadow\//);
        });

        it("KMS without its kms:ViaService condition: direct use and other services are reported", () => {
            const f = check(
                role("health"),
                widened(role("health"), "KmsDecrypt", (s) => ({ ...s!, Condition: undefined })),
            );
            expect(f.unexpected.kms.join("\n"))
                .to.match(/kms:Decrypt on key platform-key directly/)
                .and.match(/via dynamodb/);
        });

        it("a new grant without a matrix row: unexpected access and the unexercised Sid are reported by function and Sid", () => {
            const queue = dev().model.graph.one("aws:sqs/queue:Queue", "fused-signals").outputs.arn;
            const f = check(
                role("score"),
                widened(role("score"), "QueueFusedSignalsSend", () => ({
                    Sid: "QueueFusedSignalsSend",
                    Effect: "Allow",
                    Action: ["sqs:SendMessage"],
                    Resource: queue,
                })),
            );
            expect(f.unexpected.data.join("\n")).to.match(/sqs:SendMessage on queue fused-signals/);
            expect(f.unexercised.join("\n")).to.match(/dev score: .* statement QueueFusedSignalsSend is exercised by no matrix row/);
        });

        it("a grant the universe never asks about still fails completeness", () => {
            const f = check(
                role("health"),
                widened(role("health"), "BedrockInvoke", () => ({
                    Sid: "BedrockInvoke",
                    Effect: "Allow",
                    Action: ["bedrock:InvokeModel"],
                    Resource: "*",
                })),
            );
            expect(f.unexercised.join("\n")).to.match(/dev health: .* statement BedrockInvoke is exercised by no matrix row/);
        });

        it("an extra action in a statement is reported as unexpected and as unexercised", () => {
            const f = check(
                role("ingest-social"),
                widened(role("ingest-social"), "SecretSocialApiRead", (s) => ({
                    ...s!,
                    Action: [...(s!.Action as string[]), "secretsmanager:PutSecretValue"],
                })),
            );
            expect(f.unexpected.destructive.join("\n")).to.match(/secretsmanager:PutSecretValue on secret providers-social-api/);
            expect(f.unexercised.join("\n")).to.match(/SecretSocialApiRead: action secretsmanager:PutSecretValue/);
        });

        it("iam:PassRole / sts:AssumeRole on *: escalation to every role is reported", () => {
            const f = check(
                role("decision"),
                widened(role("decision"), "Escalate", () => ({
                    Sid: "Escalate",
                    Effect: "Allow",
                    Action: ["iam:PassRole", "sts:AssumeRole"],
                    Resource: "*",
                })),
            );
            expect(f.unexpected.destructive.join("\n"))
                .to.match(/iam:PassRole on role admin/)
                .and.match(/sts:AssumeRole on role score-role/);
        });

        it("a scheduler role invoking function:*: every other function is reported", () => {
            const r = role("evaluate (scheduler)");
            const f = check(
                r,
                widened(r, "InvokeEvaluate", (s) => ({ ...s!, Resource: String(s!.Resource).replace(/function:.*$/, "function:*") })),
            );
            expect(f.unexpected.data.join("\n")).to.match(/lambda:InvokeFunction on function score/);
        });

        it("a removed grant: the matrix rows it served are reported as missing", () => {
            const f = check(
                role("ingest-social"),
                widened(role("ingest-social"), "SecretSocialApiRead", () => undefined),
            );
            expect(f.missing.join("\n")).to.match(/dev ingest-social: needs secretsmanager:GetSecretValue on secret social-api/);
        });
    });

    after(function () {
        if (!Object.keys(results).length) return;
        const lines = ENVIRONMENTS.filter((s) => results[s]).map((stack) => {
            const { model, sim, findings } = result(stack);
            const all = [...findings.values()];
            const tolerated = all.reduce((n, f) => n + f.tolerated.length, 0);
            return (
                `${stack}: ${model.roles.length} roles, ${model.rowCount} matrix rows (${all.reduce((n, f) => n + f.rows, 0)} allowed requests), ` +
                `${model.universe.length} probes per role (${model.universe.length * model.roles.length} verdicts): ${sim.counts.validated} validated + ` +
                `${sim.counts.fast} fast simulations, ${sim.counts.noStatementForAction} implicit denials without a statement for the action, ` +
                `${tolerated} tolerated allows (matrix TOLERATED)`
            );
        });
        console.log(`      IAM simulation summary\n        ${lines.join("\n        ")}`);
    });

    it("summary: simulations ran for every stack and role", () => {
        for (const stack of ENVIRONMENTS) {
            const { model, sim, findings } = result(stack);
            expect(findings.size, stack).to.equal(model.roles.length);
            expect(sim.counts.fast + sim.counts.noStatementForAction, stack).to.be.at.least(model.roles.length * model.universe.length);
        }
    });
});
