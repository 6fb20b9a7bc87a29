import type { SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { DynamoProposalRepository } from "../../../lambdas/adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { riskCheckConsumer, riskCheckRoutes, type RiskCheckDeps } from "../../../lambdas/app/risk";
import { assessedCandidateMessageSchema, fusedCandidateMessageSchema } from "../../../lambdas/domain/candidates";
import { riskAssessedMessageSchema } from "../../../lambdas/domain/messages";
import { decide } from "../../../lambdas/domain/proposals";
import { RISK_RULES } from "../../../lambdas/domain/risk";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { createSqsHandler } from "../../../lambdas/shared/sqs";
import { startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, restEvent } from "../support";
import {
    candidate,
    counted,
    drainQueue,
    fused,
    HOUR_MS,
    httpTestEnv,
    LIMITS,
    marketData,
    pendingProposal,
    signalKeys,
    sqsEvent,
    testMetrics,
} from "./helpers";

const NOW = new Date();

function fusedMessage(asset: string, overrides: Record<string, unknown> = {}) {
    return {
        type: "candidate.fused",
        correlationId: `corr-${asset}`,
        emittedAt: NOW.toISOString(),
        candidate: candidate(asset),
        signalKeys: signalKeys(asset),
        fused: fused(asset, NOW),
        ...overrides,
    };
}

describe("risk-check on DynamoDB Local + fauxqs", function () {
    let sqs: SQSClient;
    let queueUrl: string;
    let repo: DynamoProposalRepository;
    let deps: RiskCheckDeps & { metrics: ReturnType<typeof testMetrics> };

    before(async function () {
        const aws = await startLocalAws();
        const table = (await aws.createTables(uniqueName("risk"))).proposals;
        queueUrl = (await aws.createQueue(uniqueName("risk-checked"))).url;
        sqs = aws.sqsClient();
        repo = new DynamoProposalRepository(table, aws.documentClient());
    });

    beforeEach(async function () {
        deps = {
            proposals: repo,
            publisher: new SqsPublisher(sqs),
            nextQueueUrl: queueUrl,
            limits: LIMITS,
            marketData: marketData(NOW),
            metrics: testMetrics(),
            now: () => NOW,
        };
        await drainQueue(sqs, queueUrl);
    });

    const consumer = () =>
        createSqsHandler({ schema: fusedCandidateMessageSchema, process: riskCheckConsumer(deps), logger: capturingLogger().logger });

    it("assesses each candidate.fused and sends risk.assessed with the full assessment, signal keys and fused view", async function () {
        const result = await consumer()(sqsEvent([fusedMessage("BTC")]));
        expect(result.batchItemFailures).to.deep.equal([]);
        const [sent, ...more] = await drainQueue(sqs, queueUrl);
        expect(more).to.deep.equal([]);
        // Both the base contract (what any consumer reads) and the extended one (what propose reads) accept it.
        expect(riskAssessedMessageSchema.safeParse(sent).success).to.equal(true);
        const message = assessedCandidateMessageSchema.parse(sent);
        expect(message).to.include({ type: "risk.assessed", correlationId: "corr-BTC" });
        expect(message.assessment.passed).to.equal(true);
        expect(message.assessment.checks.map((c) => c.rule)).to.deep.equal([...RISK_RULES]);
        expect(message.signalKeys).to.deep.equal(signalKeys("BTC"));
        expect(message.fused).to.deep.equal(fused("BTC", NOW));
        expect(counted(deps.metrics, "RiskChecks", ["Status", "passed"])).to.equal(1);
    });

    it("rejects a blacklisted asset, naming the blacklist, and still passes the verdict on", async function () {
        await consumer()(sqsEvent([fusedMessage("SCAM")]));
        const [message] = await drainQueue(sqs, queueUrl);
        expect(message.assessment.passed).to.equal(false);
        expect(message.assessment.reasons).to.deep.equal(["blacklist: SCAM is on the blacklist"]);
        expect(counted(deps.metrics, "RiskChecks", ["Status", "failed"])).to.equal(1);
    });

    it("reports a poison record as a batch-item failure while the other records are processed", async function () {
        const event = sqsEvent([
            fusedMessage("BTC"),
            "{not json",
            { ...fusedMessage("ETH"), candidate: { asset: "eth" } },
            fusedMessage("FLAG"),
        ]);
        const result = await consumer()(event);
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([
            event.Records[1]!.messageId,
            event.Records[2]!.messageId,
        ]);
        const sent = await drainQueue(sqs, queueUrl);
        expect(sent.map((m) => m.candidate.asset).sort()).to.deep.equal(["BTC", "FLAG"]);
        const flag = sent.find((m) => m.candidate.asset === "FLAG");
        expect(flag.assessment.reasons[0]).to.equal("regulatory-flag: FLAG has 1 open regulatory flag(s): BaFin short-selling ban");
    });

    it("forwards a candidate without a fused view, and fails the record when the next queue cannot be reached", async function () {
        await consumer()(sqsEvent([fusedMessage("ETH", { fused: undefined })]));
        const [sent] = await drainQueue(sqs, queueUrl);
        expect(sent.assessment.passed).to.equal(true);
        expect(sent).to.not.have.property("fused");

        deps.publisher = { publishAll: async () => Promise.reject(new Error("queue down")) };
        const event = sqsEvent([fusedMessage("BTC")]);
        expect((await consumer()(event)).batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0]!.messageId }]);
    });

    it("counts the open proposals of the asset into the concentration (pending until deadline, approved until horizon)", async function () {
        // 20 000 EUR approved (within its horizon) + 75 000 EUR pending + a 10 000 EUR candidate = 10.5 % of 1 000 000 > 10 %.
        const asset = "CONC";
        deps.marketData = marketData(NOW, {
            assets: { [asset]: { price: 100, averageDailyVolume: 100_000_000, annualisedVolatility: 0.1 } },
        });
        deps.limits = { ...LIMITS, maxPositionNotional: 200_000 };
        // A pending proposal past its deadline adds nothing.
        const expired = pendingProposal(asset, new Date(NOW.getTime() - 30 * HOUR_MS));
        await repo.create({ ...expired, size: { notional: 500_000, currency: "EUR" } });
        const approved = { ...pendingProposal(asset, new Date(NOW.getTime() - 2 * HOUR_MS)), size: { notional: 20_000, currency: "EUR" } };
        await repo.create(approved);
        const decision = decide(approved, { decision: "APPROVE", approver: { sub: "approver-1", groups: ["approver"] }, now: NOW });
        if (!decision.ok) throw new Error(decision.message);
        await repo.recordDecision(decision.updated, decision.audit);
        const open = { ...pendingProposal(asset, new Date(NOW.getTime() - HOUR_MS)), size: { notional: 75_000, currency: "EUR" } };
        await repo.create(open);

        const http = createHttpHandler(riskCheckRoutes(deps), httpTestEnv({ "POST /risk/check": ["analyst"] }), capturingLogger().logger);
        const response = await http(restEvent("POST /risk/check", { body: { candidate: candidate(asset) }, groups: "analyst" }));
        expect(response.statusCode).to.equal(200);
        const data = bodyOf(response).data;
        expect(data.exposure).to.deep.equal({
            position: 0,
            openProposals: 95_000,
            openProposalIds: [approved.proposalId, open.proposalId],
        });
        expect(data.assessment.passed).to.equal(false);
        expect(data.assessment.reasons).to.have.length(1);
        expect(data.assessment.reasons[0]).to.match(/^concentration: .*10\.50 %.*exceeds the limit 10\.00 %/);

        // A sell reduces the exposure and passes.
        const sell = await http(
            restEvent("POST /risk/check", { body: { candidate: candidate(asset, { side: "sell" }) }, groups: "analyst" }),
        );
        expect(bodyOf(sell).data.assessment.passed).to.equal(true);
    });

    it("POST /risk/check returns every failing reason and every check", async function () {
        const http = createHttpHandler(riskCheckRoutes(deps), httpTestEnv({ "POST /risk/check": ["analyst"] }), capturingLogger().logger);
        deps.marketData = marketData(NOW, { assets: { SCAM: { price: 1, averageDailyVolume: 10, annualisedVolatility: 0.5 } } });
        const response = await http(
            restEvent("POST /risk/check", {
                body: { candidate: candidate("SCAM", { size: { notional: 60_000, currency: "USD" } }) },
                groups: "analyst",
            }),
        );
        expect(response.statusCode).to.equal(200);
        const { assessment, marketAsOf } = bodyOf(response).data;
        expect(marketAsOf).to.equal(deps.marketData.asOf);
        expect(assessment.passed).to.equal(false);
        expect(assessment.reasons.map((r: string) => r.split(":")[0])).to.deep.equal(["blacklist", "currency", "liquidity"]);
        expect(assessment.checks).to.have.length(RISK_RULES.length);
    });

    it("fails closed without market data: an unlisted asset or a stale snapshot never passes", async function () {
        const http = createHttpHandler(riskCheckRoutes(deps), httpTestEnv({ "POST /risk/check": ["analyst"] }), capturingLogger().logger);
        const unlisted = bodyOf(
            await http(restEvent("POST /risk/check", { body: { candidate: candidate("DOGE") }, groups: "analyst" })),
        ).data;
        expect(unlisted.assessment.passed).to.equal(false);
        expect(unlisted.assessment.reasons).to.deep.equal(["market-data: no price, volume and volatility for DOGE in RISK_MARKET_DATA"]);
        expect(unlisted.exposure).to.equal(null);

        deps.marketData = { ...marketData(NOW), asOf: new Date(NOW.getTime() - 25 * HOUR_MS).toISOString() };
        const stale = bodyOf(await http(restEvent("POST /risk/check", { body: { candidate: candidate("SCAM") }, groups: "analyst" }))).data;
        expect(stale.assessment.passed).to.equal(false);
        expect(stale.assessment.reasons[0]).to.equal("blacklist: SCAM is on the blacklist");
        expect(stale.assessment.reasons[1]).to.match(/^market-data: the market snapshot of .* is older than 24 h/);
    });

    it("POST /risk/check answers 400 naming the bad field and 403 for a viewer", async function () {
        const http = createHttpHandler(
            riskCheckRoutes(deps),
            httpTestEnv({ "POST /risk/check": ["analyst", "admin"] }),
            capturingLogger().logger,
        );
        const bad = await http(
            restEvent("POST /risk/check", { body: { candidate: { ...candidate("BTC"), confidence: 2 } }, groups: "analyst" }),
        );
        expect(bad.statusCode).to.equal(400);
        expect(bodyOf(bad).error.details.issues.map((i: { path: string }) => i.path)).to.deep.equal(["candidate.confidence"]);
        const viewer = await http(restEvent("POST /risk/check", { body: { candidate: candidate("BTC") }, groups: "viewer" }));
        expect(viewer.statusCode).to.equal(403);
    });
});
