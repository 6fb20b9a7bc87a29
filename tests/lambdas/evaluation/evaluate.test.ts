import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoOutcomeRepository, GUARD_SK, outcomeIdFor } from "../../../lambdas/adapters/dynamo-outcome-repository";
import { DynamoProposalReader } from "../../../lambdas/adapters/dynamo-proposal-reader";
import type { S3Http } from "../../../lambdas/adapters/s3-http";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { createEvaluator, evaluateRoutes, type EvaluatorDeps } from "../../../lambdas/app/evaluate";
import { outcomeSchema } from "../../../lambdas/domain/evaluation";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { recordingMetrics } from "../../../lambdas/shared/metrics";
import { startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, rejectionOf, restEvent } from "../support";
import { FakeMarketData, makeProposal, putItems, weekdayCloses } from "./support";

const NOW = new Date("2026-11-14T02:00:00.000Z");

describe("outcome evaluation (DynamoDB Local + fauxqs S3)", function () {
    let db: DynamoDBDocumentClient;
    let s3: S3Client;
    let s3Http: S3Http;
    let tables: Awaited<ReturnType<Awaited<ReturnType<typeof startLocalAws>>["createTables"]>>;
    let bucket: string;
    let outcomes: DynamoOutcomeRepository;
    let market: FakeMarketData;

    before(async function () {
        const aws = await startLocalAws();
        tables = await aws.createTables(uniqueName("evaluate"));
        bucket = await aws.createBucket(uniqueName("eval"));
        db = aws.documentClient();
        s3 = aws.s3Client();
        s3Http = aws.s3Http();
        outcomes = new DynamoOutcomeRepository(tables.outcomes, db);
    });

    beforeEach(function () {
        // AAPL rises 10 % from 2026-11-02 to 2026-11-09, the benchmark 1 %.
        market = new FakeMarketData({
            AAPL: weekdayCloses("2026-10-26", "2026-11-13", (_i, date) => (date < "2026-11-09" ? 100 : 110)),
            SPY: weekdayCloses("2026-10-26", "2026-11-13", (_i, date) => (date < "2026-11-09" ? 500 : 505)),
        });
    });

    function evaluator(overrides: Partial<EvaluatorDeps> = {}) {
        const { logger, entries } = capturingLogger();
        const metrics = recordingMetrics();
        const deps: EvaluatorDeps = {
            proposals: new DynamoProposalReader(tables.proposals, db, logger),
            outcomes,
            marketData: market,
            records: new S3RawStore(bucket, s3Http),
            metrics,
            benchmarkSymbol: "SPY",
            provider: "fake",
            now: () => NOW,
            ...overrides,
        };
        return { evaluator: createEvaluator(deps), logger, entries, metrics };
    }

    const outcomeItems = async (proposalId: string) =>
        (
            await db.send(
                new QueryCommand({
                    TableName: tables.outcomes,
                    KeyConditionExpression: "outcomeId = :id",
                    ExpressionAttributeValues: { ":id": outcomeIdFor(proposalId) },
                    ConsistentRead: true,
                }),
            )
        ).Items ?? [];

    const objectKeys = async (prefix: string) =>
        ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((object) => object.Key!);

    it("evaluates a decided proposal past its horizon, and stores its outcome once even when run twice", async function () {
        const proposal = makeProposal({ decidedAt: "2026-11-02T15:00:00.000Z", horizonDays: 7 });
        await putItems(db, tables.proposals, [proposal]);
        const first = evaluator();

        const report = await first.evaluator.run(
            { kind: "proposal", proposalId: proposal.proposalId },
            { logger: first.logger, trigger: "test" },
        );
        expect(report.evaluated.map((entry) => entry.proposalId)).to.deep.equal([proposal.proposalId]);
        expect(report.skipped).to.deep.equal([]);
        const [stored] = await outcomes.byProposal(proposal.proposalId);
        expect(outcomeSchema.parse(stored)).to.deep.include({
            proposalId: proposal.proposalId,
            decision: "APPROVED",
            hit: true,
            evaluatedAt: NOW.toISOString(),
        });
        expect(stored!.assetReturn).to.be.closeTo(0.1, 1e-12);
        expect(stored!.benchmarkReturn).to.be.closeTo(0.01, 1e-12);
        expect(stored!.excessReturn).to.be.closeTo(0.09, 1e-12);
        expect(first.metrics.counts).to.deep.equal([
            { name: "OutcomesEvaluated", value: 1, dimensions: { Decision: "APPROVED" } },
            { name: "OutcomeHits", value: 1, dimensions: { Decision: "APPROVED" } },
        ]);

        const recordKey = `evaluations/2026/11/14/${proposal.proposalId}.json`;
        expect(report.evaluated[0]!.recordKey).to.equal(recordKey);
        const record = JSON.parse((await new S3RawStore(bucket, s3Http).get(recordKey))!.body.toString("utf8"));
        expect(record.outcome).to.deep.equal(stored);
        // Entry: the decision day's close; exit: the first close on or after decidedAt + 7 days.
        expect(record.prices.asset).to.deep.equal({
            symbol: "AAPL",
            entry: { date: "2026-11-02", close: 100 },
            exit: { date: "2026-11-09", close: 110 },
        });
        expect(record.prices.benchmark.exit).to.deep.equal({ date: "2026-11-09", close: 505 });

        // A day later, as the schedule would: already evaluated, no price asked for, nothing added.
        const callsBefore = market.calls.length;
        const second = evaluator({ now: () => new Date(NOW.getTime() + 86_400_000) });
        const again = await second.evaluator.run({ kind: "due" }, { logger: second.logger, trigger: "schedule" });
        expect(again.evaluated).to.deep.equal([]);
        expect(again.alreadyEvaluated).to.include(proposal.proposalId);
        expect(market.calls.length).to.equal(callsBefore);
        expect(await outcomes.byProposal(proposal.proposalId)).to.have.length(1);
        expect((await outcomeItems(proposal.proposalId)).map((item) => item["evaluatedAt"]).sort()).to.deep.equal([
            GUARD_SK,
            NOW.toISOString(),
        ]);
        expect(second.metrics.counts).to.deep.equal([]);
    });

    it("stores one outcome when two runs race for the same proposal at different instants", async function () {
        const proposal = makeProposal({ decidedAt: "2026-11-03T15:00:00.000Z", horizonDays: 5 });
        await putItems(db, tables.proposals, [proposal]);
        const a = evaluator();
        const b = evaluator({ now: () => new Date(NOW.getTime() + 1000) });
        const scope = { kind: "proposal" as const, proposalId: proposal.proposalId };
        const [left, right] = await Promise.all([
            a.evaluator.run(scope, { logger: a.logger, trigger: "a" }),
            b.evaluator.run(scope, { logger: b.logger, trigger: "b" }),
        ]);
        expect(left.evaluated.length + right.evaluated.length).to.equal(1);
        expect(left.alreadyEvaluated.length + right.alreadyEvaluated.length).to.equal(1);
        expect(await outcomes.byProposal(proposal.proposalId)).to.have.length(1);
        expect(await outcomeItems(proposal.proposalId)).to.have.length(2);
    });

    it("skips a proposal whose price is missing — no outcome, no record — and evaluates it once the price exists", async function () {
        const proposal = makeProposal({ asset: "XYZ", decidedAt: "2026-11-02T16:00:00.000Z", horizonDays: 7 });
        await putItems(db, tables.proposals, [proposal]);
        const run = evaluator();
        const report = await run.evaluator.run(
            { kind: "proposal", proposalId: proposal.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(report.evaluated).to.deep.equal([]);
        expect(report.skipped).to.have.length(1);
        expect(report.skipped[0]!.reason).to.include("asset").and.include("XYZ").and.include("no data");
        expect(await outcomeItems(proposal.proposalId)).to.deep.equal([]);
        expect(await objectKeys(`evaluations/2026/11/14/${proposal.proposalId}`)).to.deep.equal([]);
        expect(
            run.entries.some(
                (entry) => entry["message"] === "proposal not evaluated: no price" && entry["proposalId"] === proposal.proposalId,
            ),
        ).to.equal(true);
        expect(run.metrics.counts).to.deep.equal([]);

        // The exit close exists only up to the day before the horizon ends: still skipped, nothing estimated.
        market.series["XYZ"] = weekdayCloses("2026-10-26", "2026-11-06", () => 20);
        const partial = await run.evaluator.run(
            { kind: "proposal", proposalId: proposal.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(partial.skipped[0]!.reason).to.include("no close from 2026-11-09");
        expect(await outcomeItems(proposal.proposalId)).to.deep.equal([]);

        market.series["XYZ"] = weekdayCloses("2026-10-26", "2026-11-13", (_i, date) => (date < "2026-11-09" ? 20 : 19));
        const later = await run.evaluator.run(
            { kind: "proposal", proposalId: proposal.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(later.evaluated).to.have.length(1);
        expect(later.evaluated[0]!.hit).to.equal(false);
    });

    it("stops asking the provider after a rate-limit answer and skips the rest for the next run", async function () {
        const first = makeProposal({ asset: "MSFT", decidedAt: "2026-10-20T15:00:00.000Z", horizonDays: 7 });
        const second = makeProposal({ asset: "NVDA", decidedAt: "2026-10-21T15:00:00.000Z", horizonDays: 7 });
        await putItems(db, tables.proposals, [first, second]);
        market.failures.set("MSFT", "rate-limited");
        market.series["NVDA"] = weekdayCloses("2026-10-01", "2026-11-13", () => 50);
        const run = evaluator();
        const report = await run.evaluator.run(
            { kind: "range", from: "2026-10-20", to: "2026-10-21" },
            { logger: run.logger, trigger: "test" },
        );
        expect(report.considered).to.equal(2);
        expect(report.skipped.map((entry) => entry.proposalId)).to.deep.equal([first.proposalId, second.proposalId]);
        expect(report.skipped[1]!.reason).to.include("request budget exhausted").and.include("next run");
        expect(market.calls).to.deep.equal(["MSFT"]);
        expect(await outcomeItems(first.proposalId)).to.deep.equal([]);
        expect(await outcomeItems(second.proposalId)).to.deep.equal([]);
    });

    it("stops starting proposals when the invocation's time budget runs low", async function () {
        const proposal = makeProposal({ decidedAt: "2026-10-22T15:00:00.000Z", horizonDays: 3 });
        await putItems(db, tables.proposals, [proposal]);
        const run = evaluator({ remainingMs: () => 5_000 });
        const report = await run.evaluator.run(
            { kind: "range", from: "2026-10-22", to: "2026-10-22" },
            { logger: run.logger, trigger: "test" },
        );
        expect(report.skipped).to.deep.equal([
            { proposalId: proposal.proposalId, reason: "time budget of this invocation used up; retried next run" },
        ]);
        expect(market.calls).to.deep.equal([]);
    });

    it("leaves proposals alone whose horizon has not passed or that were never decided", async function () {
        const young = makeProposal({ decidedAt: "2026-11-10T15:00:00.000Z", horizonDays: 30 });
        const pending = makeProposal({ status: "PENDING", createdAt: "2026-11-12T10:00:00.000Z" });
        const exitToday = makeProposal({ decidedAt: "2026-11-07T01:00:00.000Z", horizonDays: 7 });
        await putItems(db, tables.proposals, [young, pending, exitToday]);
        const run = evaluator();
        const youngReport = await run.evaluator.run(
            { kind: "proposal", proposalId: young.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(youngReport.notDue).to.deep.equal([{ proposalId: young.proposalId, reason: "horizon ends at 2026-12-10T15:00:00.000Z" }]);
        const pendingReport = await run.evaluator.run(
            { kind: "proposal", proposalId: pending.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(pendingReport.notDue[0]!.reason).to.include("status PENDING");
        // Due (the horizon ended at 01:00), but the exit day's close is not final before the day is over.
        const todayReport = await run.evaluator.run(
            { kind: "proposal", proposalId: exitToday.proposalId },
            { logger: run.logger, trigger: "test" },
        );
        expect(todayReport.skipped[0]!.reason).to.equal("the close of the exit day 2026-11-14 is not final yet");
        expect(market.calls).to.deep.equal([]);
    });

    it("answers POST /evaluate through the REST wrapper, with 404 for an unknown proposal and 400 for a reversed range", async function () {
        const proposal = makeProposal({ decidedAt: "2026-11-04T15:00:00.000Z", horizonDays: 2 });
        await putItems(db, tables.proposals, [proposal]);
        const run = evaluator();
        const http = createHttpHandler(
            evaluateRoutes(run.evaluator),
            { ROUTE_ACCESS: { "POST /evaluate": ["analyst", "admin"] }, CORS_ALLOWED_ORIGINS: [] },
            run.logger,
        );

        const ok = await http(restEvent("POST /evaluate", { body: { scope: { proposalId: proposal.proposalId } }, groups: "analyst" }));
        expect(ok.statusCode).to.equal(200);
        const body = bodyOf(ok);
        expect(body).to.include.keys("success", "data", "meta", "timestamp");
        expect(body.data.evaluated[0].proposalId).to.equal(proposal.proposalId);
        expect(body.data.evaluated[0].recordKey).to.match(/^evaluations\/2026\/11\/14\//);

        const unknown = await http(
            restEvent("POST /evaluate", { body: { scope: { proposalId: "0f0e0d0c-0b0a-4000-8000-ffffffffffff" } }, groups: "analyst" }),
        );
        expect(unknown.statusCode).to.equal(404);
        const reversed = await http(
            restEvent("POST /evaluate", { body: { scope: { from: "2026-11-10", to: "2026-11-01" } }, groups: "admin" }),
        );
        expect(reversed.statusCode).to.equal(400);
        expect(bodyOf(reversed).error.message).to.include("scope.from");
        const viewer = await http(restEvent("POST /evaluate", { body: { scope: { proposalId: proposal.proposalId } }, groups: "viewer" }));
        expect(viewer.statusCode).to.equal(403);
    });

    it("skips items of the proposals table that are not proposals, with a warning naming the key", async function () {
        const decided = makeProposal({ decidedAt: "2026-09-01T15:00:00.000Z", horizonDays: 1 });
        await putItems(db, tables.proposals, [decided]);
        // A foreign record that (wrongly) carries a status: it shows up in byStatus but is not a proposal.
        await db.send(
            new PutCommand({
                TableName: tables.proposals,
                Item: { proposalId: "view#AAPL", createdAt: "2026-09-01T10:00:00.000Z", status: "APPROVED", recordType: "assessed-view" },
            }),
        );
        const { logger, entries } = capturingLogger();
        const reader = new DynamoProposalReader(tables.proposals, db, logger);
        const listed = await reader.listByStatus("APPROVED", {
            createdFrom: "2026-09-01T00:00:00.000Z",
            createdTo: "2026-09-02T00:00:00.000Z",
        });
        expect(listed.map((proposal) => proposal.proposalId)).to.deep.equal([decided.proposalId]);
        const warning = entries.find((entry) => entry["message"] === "proposals table: item skipped, not a proposal");
        expect(warning).to.deep.include({
            recordType: "assessed-view",
            key: { proposalId: "view#AAPL", createdAt: "2026-09-01T10:00:00.000Z" },
        });
        // Counting filters on proposal-only attributes, so the foreign record is not counted either.
        const count = await reader.countByStatus("APPROVED");
        const all = await reader.listByStatus("APPROVED");
        expect(count).to.equal(all.length);
    });

    it("putOnce: a second outcome of the same proposal under a later evaluatedAt is refused", async function () {
        const id = "0f0e0d0c-0b0a-4000-8000-000000000def";
        const outcome = {
            outcomeId: outcomeIdFor(id),
            proposalId: id,
            asset: "AAPL",
            side: "sell" as const,
            decision: "REJECTED" as const,
            assetReturn: -0.02,
            benchmarkReturn: 0.01,
            excessReturn: 0.03,
            hit: true,
            evaluatedAt: NOW.toISOString(),
        };
        expect(await outcomes.putOnce(outcome)).to.equal("created");
        expect(await outcomes.putOnce({ ...outcome, excessReturn: -1, hit: false, evaluatedAt: "2026-11-15T02:00:00.000Z" })).to.equal(
            "exists",
        );
        expect(await outcomes.byProposal(id)).to.deep.equal([outcome]);
        expect([...(await outcomes.evaluatedAmong([id, "0f0e0d0c-0b0a-4000-8000-00000000beef"]))]).to.deep.equal([id]);
        expect((await outcomes.findForProposals([id])).get(id)).to.deep.equal(outcome);
    });

    it("refuses an outcome whose id is not derived from its proposal", async function () {
        const error = await rejectionOf(
            outcomes.putOnce({
                outcomeId: "outcome-1",
                proposalId: "0f0e0d0c-0b0a-4000-8000-000000000abc",
                asset: "AAPL",
                side: "buy",
                decision: "APPROVED",
                assetReturn: 0,
                benchmarkReturn: 0,
                excessReturn: 0,
                hit: false,
                evaluatedAt: NOW.toISOString(),
            }),
        );
        expect(error.message).to.include("outcomeIdFor");
    });
});
