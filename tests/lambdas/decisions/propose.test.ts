import type { SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { DynamoProposalRepository } from "../../../lambdas/adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { proposeConsumer, type ProposeDeps, proposeRoutes } from "../../../lambdas/app/propose";
import { assessedCandidateMessageSchema } from "../../../lambdas/domain/candidates";
import { dashboardUpdateMessageSchema } from "../../../lambdas/domain/messages";
import { SYSTEM_PROPOSER } from "../../../lambdas/domain/proposals";
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
    passedAssessment,
    POLICY,
    signalKeys,
    sqsEvent,
    testMetrics,
} from "./helpers";

const NOW = new Date();
let sequence = 0;

function assessedMessage(asset: string, overrides: Record<string, unknown> = {}) {
    const c = candidate(asset);
    return {
        type: "risk.assessed",
        correlationId: `corr-${asset}-${++sequence}`,
        emittedAt: new Date(NOW.getTime() + sequence).toISOString(),
        candidate: c,
        assessment: passedAssessment(c),
        signalKeys: signalKeys(asset),
        fused: fused(asset, NOW),
        ...overrides,
    };
}

describe("propose on DynamoDB Local + fauxqs", function () {
    let sqs: SQSClient;
    let queueUrl: string;
    let table: string;
    let repo: DynamoProposalRepository;
    let deps: ProposeDeps & { metrics: ReturnType<typeof testMetrics> };
    let logs: Record<string, unknown>[];

    before(async function () {
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("propose"))).proposals;
        queueUrl = (await aws.createQueue(uniqueName("propose-dashboard"))).url;
        sqs = aws.sqsClient();
        repo = new DynamoProposalRepository(table, aws.documentClient());
    });

    beforeEach(async function () {
        deps = {
            proposals: repo,
            publisher: new SqsPublisher(sqs),
            dashboardQueueUrl: queueUrl,
            policy: POLICY,
            metrics: testMetrics(),
            now: () => NOW,
        };
        await drainQueue(sqs, queueUrl);
    });

    const consumer = (overrides: Partial<ProposeDeps> = {}) => {
        const { logger, entries } = capturingLogger();
        logs = entries;
        return createSqsHandler({ schema: assessedCandidateMessageSchema, process: proposeConsumer({ ...deps, ...overrides }), logger });
    };
    const http = (access: ("viewer" | "analyst" | "approver" | "admin")[] = ["analyst", "admin"]) =>
        createHttpHandler(proposeRoutes(deps), httpTestEnv({ "POST /propose": access }), capturingLogger().logger);

    it("turns a passed candidate into a PENDING proposal with its rationale, risk and deadline, and announces it", async function () {
        const message = assessedMessage("PA");
        expect((await consumer()(sqsEvent([message]))).batchItemFailures).to.deep.equal([]);
        const [proposal, ...others] = await repo.openForAsset("PA");
        expect(others).to.deep.equal([]);
        expect(proposal).to.deep.include({
            asset: "PA",
            side: "buy",
            status: "PENDING",
            proposer: SYSTEM_PROPOSER,
            size: message.assessment.adjustedSize,
            confidence: message.candidate.confidence,
            risk: message.assessment,
            rationale: { signalKeys: message.signalKeys, fused: message.fused },
            createdAt: NOW.toISOString(),
            expiresAt: new Date(NOW.getTime() + POLICY.validForHours * HOUR_MS).toISOString(),
            horizonDays: POLICY.horizonDays,
        });
        const updates = await drainQueue(sqs, queueUrl);
        expect(updates).to.have.length(1);
        expect(dashboardUpdateMessageSchema.parse(updates[0])).to.include({
            type: "proposal.created",
            entityId: proposal!.proposalId,
            correlationId: message.correlationId,
        });
        expect(counted(deps.metrics, "ProposalsCreated", ["Status", "PENDING"])).to.equal(1);
    });

    it("makes no second proposal from a redelivered message, and announces the existing one again", async function () {
        const message = assessedMessage("PB");
        await consumer()(sqsEvent([message]));
        await consumer()(sqsEvent([message]));
        const proposals = await repo.listForAsset("PB", ["PENDING"]);
        expect(proposals).to.have.length(1);
        const updates = await drainQueue(sqs, queueUrl);
        expect(updates.map((u) => u.entityId)).to.deep.equal([proposals[0]!.proposalId, proposals[0]!.proposalId]);
        expect(counted(deps.metrics, "ProposalsCreated")).to.equal(1);
    });

    it("recognises a redelivery by the proposal id when the byAsset index has not caught up yet", async function () {
        const message = assessedMessage("PBB");
        await consumer()(sqsEvent([message]));
        const lagging = Object.assign(Object.create(repo) as DynamoProposalRepository, { openForAsset: async () => [] });
        const result = await consumer({ proposals: lagging })(sqsEvent([message]));
        expect(result.batchItemFailures).to.deep.equal([]);
        expect(await repo.listForAsset("PBB", ["PENDING"])).to.have.length(1);
        expect(logs.find((e) => e["outcome"] === "duplicate")).to.include({
            message: "proposal exists already (redelivery), announced again",
        });
        expect(await drainQueue(sqs, queueUrl)).to.have.length(2);
    });

    it("never opens a second proposal for an asset: a later candidate is skipped with the reason", async function () {
        await consumer()(sqsEvent([assessedMessage("PC")]));
        await consumer()(sqsEvent([assessedMessage("PC")]));
        expect(await repo.listForAsset("PC", ["PENDING"])).to.have.length(1);
        expect(logs.find((e) => e["message"] === "no proposal")).to.include({ asset: "PC", reason: "PC already has an open proposal" });
    });

    it("never opens a second proposal under two concurrent candidates, even when both saw no open proposal", async function () {
        // Both consumers get past openForAsset before either creates: only the marker can keep it to one proposal.
        let arrived = 0;
        let release!: () => void;
        const bothChecked = new Promise<void>((resolve) => (release = resolve));
        const racingStore = () => {
            const own = new DynamoProposalRepository(table, repo["client"]);
            return Object.assign(Object.create(own) as DynamoProposalRepository, {
                openForAsset: async (asset: string) => {
                    const open = await own.openForAsset(asset);
                    if (++arrived === 2) release();
                    await bothChecked;
                    return open;
                },
            });
        };
        const results = await Promise.all([
            consumer({ proposals: racingStore() })(sqsEvent([assessedMessage("PD")])),
            consumer({ proposals: racingStore() })(sqsEvent([assessedMessage("PD")])),
        ]);
        expect(results.flatMap((r) => r.batchItemFailures)).to.deep.equal([]);
        expect(await repo.listForAsset("PD", ["PENDING", "APPROVED", "REJECTED", "EXPIRED"])).to.have.length(1);
        expect((await drainQueue(sqs, queueUrl)).filter((u) => u.type === "proposal.created")).to.have.length(1);
    });

    it("reports poison records as batch-item failures while the rest are processed", async function () {
        const event = sqsEvent([
            assessedMessage("PE"),
            "][",
            { ...assessedMessage("PF"), assessment: { passed: true, reasons: [] } }, // base contract only: no adjustedSize/checks
            assessedMessage("PG"),
        ]);
        const result = await consumer()(event);
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([
            event.Records[1]!.messageId,
            event.Records[2]!.messageId,
        ]);
        expect(await repo.openForAsset("PE")).to.have.length(1);
        expect(await repo.openForAsset("PF")).to.have.length(0);
        expect(await repo.openForAsset("PG")).to.have.length(1);
    });

    it("keeps a passed candidate without a fused view for the DLQ instead of inventing a rationale", async function () {
        const event = sqsEvent([assessedMessage("PH", { fused: undefined })]);
        const result = await consumer()(event);
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0]!.messageId }]);
        expect(logs.find((e) => e["message"] === "record failed")).to.include({ code: "NO_FUSED_VIEW" });
        expect(await repo.listForAsset("PH", ["PENDING"])).to.deep.equal([]);
    });

    it("proposes nothing for a failed risk check or a weak fused view, but keeps the view", async function () {
        const failed = assessedMessage("PI", {
            assessment: { ...passedAssessment(candidate("PI")), passed: false, reasons: ["blacklist: PI is on the blacklist"] },
        });
        const weak = assessedMessage("PJ", { fused: fused("PJ", NOW, { weightedScore: 0.1 }) });
        await consumer()(sqsEvent([failed, weak]));
        expect(await repo.listForAsset("PI", ["PENDING"])).to.deep.equal([]);
        expect(await repo.listForAsset("PJ", ["PENDING"])).to.deep.equal([]);
        expect(logs.filter((e) => e["message"] === "no proposal").map((e) => e["reason"])).to.deep.equal([
            "risk check failed: blacklist: PI is on the blacklist",
            "|score| 0.100 below the threshold 0.300",
        ]);
        expect((await repo.latestView("PI"))?.assessment.passed).to.equal(false);
        expect((await repo.latestView("PJ"))?.correlationId).to.equal(weak.correlationId);
        expect(await drainQueue(sqs, queueUrl)).to.deep.equal([]);
    });

    describe("POST /propose", function () {
        const as = (sub: string, groups: string) => ({ claims: { sub, "cognito:groups": groups } });

        it("answers 409 NO_FUSED_VIEW when no view of the asset came through the pipeline", async function () {
            const response = await http()(restEvent("POST /propose", { body: { asset: "NONE" }, ...as("analyst-1", "analyst") }));
            expect(response.statusCode).to.equal(409);
            expect(bodyOf(response).error.code).to.equal("NO_FUSED_VIEW");
            expect(bodyOf(response).error.message).to.include("NONE");
        });

        it("proposes from the latest view with the analyst as proposer and the horizon asked for; a second request gets 409", async function () {
            // A weak view (no automatic proposal) that passed the risk check: the analyst's request replaces the thresholds.
            await consumer()(sqsEvent([assessedMessage("PK", { fused: fused("PK", NOW, { weightedScore: 0.1 }) })]));
            expect(await repo.openForAsset("PK")).to.deep.equal([]);

            const response = await http()(
                restEvent("POST /propose", { body: { asset: "PK", horizon: "swing" }, ...as("analyst-1", "analyst") }),
            );
            expect(response.statusCode).to.equal(201);
            const proposal = bodyOf(response).data;
            expect(proposal).to.include({ asset: "PK", status: "PENDING", proposer: "analyst-1", horizonDays: POLICY.horizons.swing });
            expect(proposal.rationale.fused.weightedScore).to.equal(0.1);
            expect(await repo.get(proposal.proposalId)).to.deep.equal(proposal);
            expect((await drainQueue(sqs, queueUrl)).map((u) => [u.type, u.entityId])).to.deep.equal([
                ["proposal.created", proposal.proposalId],
            ]);

            const again = await http()(restEvent("POST /propose", { body: { asset: "PK" }, ...as("analyst-2", "analyst") }));
            expect(again.statusCode).to.equal(409);
            expect(bodyOf(again).error).to.deep.include({ code: "OPEN_PROPOSAL_EXISTS", details: { proposalIds: [proposal.proposalId] } });
        });

        it("answers 422 RISK_REJECTED with the reasons when the latest candidate failed the risk check", async function () {
            const reasons = ["concentration: too much"];
            await consumer()(
                sqsEvent([assessedMessage("PL", { assessment: { ...passedAssessment(candidate("PL")), passed: false, reasons } })]),
            );
            const response = await http()(restEvent("POST /propose", { body: { asset: "PL" }, ...as("analyst-1", "analyst") }));
            expect(response.statusCode).to.equal(422);
            expect(bodyOf(response).error.code).to.equal("RISK_REJECTED");
            expect(bodyOf(response).error.details.reasons).to.deep.equal(reasons);
        });

        it("answers 409 NO_FUSED_VIEW for a view older than maxViewAgeHours", async function () {
            const old = new Date(NOW.getTime() - (POLICY.maxViewAgeHours + 1) * HOUR_MS);
            await consumer()(sqsEvent([assessedMessage("PM", { fused: fused("PM", old, { weightedScore: 0.1 }) })]));
            const response = await http()(restEvent("POST /propose", { body: { asset: "PM" }, ...as("analyst-1", "analyst") }));
            expect(response.statusCode).to.equal(409);
            expect(bodyOf(response).error.code).to.equal("NO_FUSED_VIEW");
            expect(bodyOf(response).error.details.windowEnd).to.equal(old.toISOString());
        });

        it("answers 403 for a viewer and 400 naming a bad asset", async function () {
            const viewer = await http()(restEvent("POST /propose", { body: { asset: "PA" }, ...as("viewer-1", "viewer") }));
            expect(viewer.statusCode).to.equal(403);
            const bad = await http()(
                restEvent("POST /propose", { body: { asset: "pa", horizon: "forever" }, ...as("analyst-1", "analyst") }),
            );
            expect(bad.statusCode).to.equal(400);
            expect(bodyOf(bad).error.details.issues.map((i: { path: string }) => i.path)).to.deep.equal(["asset", "horizon"]);
        });
    });
});
