import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoOutcomeRepository, outcomeIdFor } from "../../../lambdas/adapters/dynamo-outcome-repository";
import { DynamoProposalReader } from "../../../lambdas/adapters/dynamo-proposal-reader";
import { DynamoSignalAgentIndex } from "../../../lambdas/adapters/dynamo-signal-agent-index";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import { createDashboard, DASHBOARD_AGENTS, type DashboardDeps, dashboardRoutes } from "../../../lambdas/app/dashboard";
import { SOURCE_KINDS } from "../../../lambdas/domain/signals";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { startLocalAws } from "../../support/localAws";
import { makeSignal, uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, ISO_TIMESTAMP, restEvent } from "../support";
import { makeProposal, putItems } from "./support";

const NOW = new Date("2026-11-20T12:00:00.000Z");
const HOUR = 3_600_000;

describe("dashboard summary and metrics (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;
    let deps: DashboardDeps;
    let dashboard: ReturnType<typeof createDashboard>;
    const ids: Record<string, string> = {};

    before(async function () {
        const aws = await startLocalAws();
        const tables = await aws.createTables(uniqueName("dashboard"));
        db = aws.documentClient();
        const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * HOUR).toISOString();

        const pending = [1, 2, 3].map((h) => makeProposal({ status: "PENDING", createdAt: at(h) }));
        const approvedHit = makeProposal({ decidedAt: "2026-10-01T10:00:00.000Z", horizonDays: 5 });
        const approvedMiss = makeProposal({ decidedAt: "2026-10-02T10:00:00.000Z", horizonDays: 5 });
        const approvedOpen = makeProposal({ decidedAt: at(20), horizonDays: 30 });
        const rejected = makeProposal({ status: "REJECTED", decidedAt: "2026-10-03T10:00:00.000Z", horizonDays: 5, side: "sell" });
        const expired = makeProposal({ status: "EXPIRED", createdAt: "2026-11-01T10:00:00.000Z" });
        Object.assign(ids, { newest: pending[0]!.proposalId, approvedOpen: approvedOpen.proposalId });
        await putItems(db, tables.proposals, [...pending, approvedHit, approvedMiss, approvedOpen, rejected, expired]);
        // Records of the other kinds the table holds: no status, so neither counted nor listed.
        await putItems(db, tables.proposals, [
            { proposalId: approvedHit.proposalId, createdAt: "audit#decision", recordType: "decision-audit", decision: "APPROVE" },
            { proposalId: "open#AAPL", createdAt: "marker", recordType: "open-marker", holderProposalId: pending[0]!.proposalId },
        ]);

        const outcomes = new DynamoOutcomeRepository(tables.outcomes, db);
        const outcome = (proposal: typeof approvedHit, excessReturn: number) =>
            outcomes.putOnce({
                outcomeId: outcomeIdFor(proposal.proposalId),
                proposalId: proposal.proposalId,
                asset: proposal.asset,
                side: proposal.side,
                decision: proposal.status as "APPROVED" | "REJECTED",
                assetReturn: excessReturn,
                benchmarkReturn: 0,
                excessReturn,
                hit: excessReturn > 0,
                evaluatedAt: "2026-10-10T02:00:00.000Z",
            });
        await outcome(approvedHit, 0.04);
        await outcome(approvedMiss, -0.01);
        await outcome(rejected, 0.02);

        const signals = new DynamoSignalRepository(tables.signals, db);
        let n = 50_000;
        const signal = (agent: string, source: string, hoursAgo: number) => {
            const channel = agent.split(".")[0];
            return makeSignal(++n, { agent, channel, source, sourceId: `${source}:${n}`, ts: at(hoursAgo) } as never);
        };
        await signals.putManyIfNew([
            signal("social.reddit", "reddit", 1),
            signal("social.reddit", "reddit", 5),
            signal("social.reddit", "reddit", 23.9),
            signal("social.reddit", "reddit", 24.1),
            signal("news.rss", "rss", 2),
            signal("news.rss", "rss", 3),
            signal("social.manual", "manual", 4),
            signal("news.manual", "manual", 30),
        ]);

        const { logger } = capturingLogger();
        deps = {
            proposals: new DynamoProposalReader(tables.proposals, db, logger),
            outcomes,
            signals: new DynamoSignalAgentIndex(tables.signals, db),
            now: () => NOW,
        };
        dashboard = createDashboard(deps);
    });

    it("counts proposals per status, lists the newest, and measures the hit rate of the evaluated ones", async function () {
        const summary = await dashboard.summary();
        expect(summary.generatedAt).to.equal(NOW.toISOString());
        expect(summary.proposals.byStatus).to.deep.equal({ PENDING: 3, APPROVED: 3, REJECTED: 1, EXPIRED: 1 });
        expect(summary.proposals.total).to.equal(8);
        expect(summary.proposals.latest).to.have.length(8);
        expect(summary.proposals.latest[0]!.proposalId).to.equal(ids["newest"]);
        const created = summary.proposals.latest.map((card) => card.createdAt);
        expect(created).to.deep.equal([...created].sort().reverse());
        expect(summary.proposals.latest[0]).to.have.keys(
            "proposalId",
            "createdAt",
            "asset",
            "side",
            "size",
            "confidence",
            "status",
            "expiresAt",
        );
        expect(summary.outcomes).to.deep.include({
            sampleSize: 3,
            approved: { hitRate: 0.5, sampleSize: 2 },
            rejected: { hitRate: 1, sampleSize: 1 },
        });
        expect(summary.outcomes.hitRate).to.be.closeTo(2 / 3, 1e-12);
    });

    it("counts each source's signals published in the last 24 hours", async function () {
        const { signalsLast24h } = await dashboard.summary();
        expect(signalsLast24h.since).to.equal("2026-11-19T12:00:00.000Z");
        expect(signalsLast24h.total).to.equal(6);
        expect(signalsLast24h.bySource).to.deep.include({ reddit: 3, rss: 2, manual: 1, mastodon: 0, "sec-edgar": 0 });
        expect(Object.keys(signalsLast24h.bySource).sort()).to.deep.equal([...SOURCE_KINDS].sort());
        expect(signalsLast24h.byAgent).to.deep.include({ "social.reddit": 3, "news.rss": 2, "social.manual": 1, "news.manual": 0 });
        expect(Object.keys(signalsLast24h.byAgent)).to.have.length(DASHBOARD_AGENTS.length);
    });

    it("caps the latest proposals at the limit", async function () {
        const small = createDashboard({ ...deps, latestLimit: 2 });
        const summary = await small.summary();
        expect(summary.proposals.latest).to.have.length(2);
        expect(summary.proposals.latest[0]!.proposalId).to.equal(ids["newest"]);
    });

    it("serves GET /dashboard/summary and GET /metrics in the envelope, to the groups ROUTE_ACCESS names", async function () {
        const { logger } = capturingLogger();
        const http = createHttpHandler(
            dashboardRoutes(dashboard),
            {
                ROUTE_ACCESS: {
                    "GET /dashboard/summary": ["viewer", "analyst", "approver", "admin"],
                    "GET /metrics": ["analyst", "admin"],
                },
                CORS_ALLOWED_ORIGINS: [],
            },
            logger,
        );
        const summary = await http(restEvent("GET /dashboard/summary", { groups: "viewer" }));
        expect(summary.statusCode).to.equal(200);
        const body = bodyOf(summary);
        expect(body.success).to.equal(true);
        expect(body.timestamp).to.match(ISO_TIMESTAMP);
        expect(body.data.proposals.byStatus.PENDING).to.equal(3);

        expect((await http(restEvent("GET /metrics", { groups: "viewer" }))).statusCode).to.equal(403);
        const metrics = bodyOf(await http(restEvent("GET /metrics", { groups: "analyst" })));
        expect(metrics.data).to.deep.include({
            proposalsByStatus: { PENDING: 3, APPROVED: 3, REJECTED: 1, EXPIRED: 1 },
            proposalsTotal: 8,
            outcomesInHitRate: 3,
            signalsLast24h: 6,
        });
        expect(metrics.data).not.to.have.property("latest");
        expect(metrics.data.signalsLast24hBySource.reddit).to.equal(3);
    });
});
