import { randomUUID } from "node:crypto";
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import {
    DecisionConflictError,
    DuplicateProposalError,
    DynamoProposalRepository,
    OpenProposalExistsError,
} from "../../../lambdas/adapters/dynamo-proposal-repository";
import { CorruptItemError } from "../../../lambdas/adapters/dynamo-items";
import { decide, type Proposal } from "../../../lambdas/domain/proposals";
import { startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "../adapters/fixtures";
import { candidate, fused, HOUR_MS, passedAssessment, pendingProposal, signalKeys } from "./helpers";

const APPROVER = { sub: "approver-1", groups: ["approver"] };

describe("DynamoProposalRepository (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;
    let table: string;
    let repo: DynamoProposalRepository;

    before(async function () {
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("proposal-repo"))).proposals;
        db = aws.documentClient();
        repo = new DynamoProposalRepository(table, db);
    });

    const approve = (proposal: Proposal, sub = APPROVER.sub) => {
        const result = decide(proposal, { decision: "APPROVE", approver: { sub, groups: ["approver"] }, comment: "fine", now: new Date() });
        if (!result.ok) throw new Error(result.message);
        return result;
    };

    it("creates a proposal and reads it back by id (sk is createdAt), and not some other id", async function () {
        const proposal = pendingProposal("AAA", new Date());
        await repo.create(proposal);
        expect(await repo.get(proposal.proposalId)).to.deep.equal(proposal);
        expect(await repo.get(randomUUID())).to.equal(undefined);
    });

    it("refuses a second create of the same id as a duplicate", async function () {
        const proposal = pendingProposal("AAB", new Date());
        await repo.create(proposal);
        // Same id, and the marker is held by itself: the duplicate is what is reported.
        expect(await rejectionOf(repo.create(proposal))).to.be.instanceOf(DuplicateProposalError);
    });

    it("keeps one open proposal per asset: a second create for the asset fails and names the holder", async function () {
        const first = pendingProposal("AAC", new Date());
        await repo.create(first);
        const error = await rejectionOf(repo.create(pendingProposal("AAC", new Date())));
        expect(error).to.be.instanceOf(OpenProposalExistsError);
        expect((error as OpenProposalExistsError).holderProposalId).to.equal(first.proposalId);
        expect((await repo.openForAsset("AAC")).map((p) => p.proposalId)).to.deep.equal([first.proposalId]);
    });

    it("lets exactly one of five concurrent creates for one asset win", async function () {
        const others = await Promise.all(
            Array.from({ length: 4 }, async () => new DynamoProposalRepository(table, (await startLocalAws()).documentClient())),
        );
        const attempts = [repo, ...others].map((r) => r.create(pendingProposal("AAD", new Date())));
        const outcomes = await Promise.allSettled(attempts);
        expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(1);
        for (const lost of outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected")) {
            expect(lost.reason).to.be.instanceOf(OpenProposalExistsError);
        }
        const stored = await db.send(
            new QueryCommand({
                TableName: table,
                IndexName: "byAsset",
                KeyConditionExpression: "asset = :a",
                ExpressionAttributeValues: { ":a": "AAD" },
            }),
        );
        expect(stored.Items).to.have.length(1);
    });

    it("frees the asset once the open proposal's deadline has passed", async function () {
        const expired = pendingProposal("AAE", new Date(Date.now() - 3 * HOUR_MS), { validForHours: 1 });
        await repo.create(expired);
        expect(await repo.openForAsset("AAE")).to.deep.equal([]);
        expect(await repo.openMarker("AAE")).to.equal(undefined);
        const next = pendingProposal("AAE", new Date());
        await repo.create(next);
        expect((await repo.openMarker("AAE"))?.holderProposalId).to.equal(next.proposalId);
    });

    it("records a decision in one transaction: status, immutable audit record, marker released", async function () {
        const proposal = pendingProposal("AAF", new Date());
        await repo.create(proposal);
        const { updated, audit } = approve(proposal);
        await repo.recordDecision(updated, audit);

        const stored = await repo.get(proposal.proposalId);
        expect(stored).to.include({ status: "APPROVED", decidedBy: APPROVER.sub, decisionComment: "fine" });
        expect(await repo.getDecisionAudit(proposal.proposalId)).to.deep.equal(audit);
        expect(await repo.openMarker("AAF")).to.equal(undefined);
        // The asset is free again for a new proposal.
        await repo.create(pendingProposal("AAF", new Date()));
    });

    it("lets exactly one of two concurrent decisions on one PENDING proposal through, with one audit record", async function () {
        for (let round = 0; round < 5; round++) {
            const proposal = pendingProposal(`AAG${round}`, new Date());
            await repo.create(proposal);
            const other = new DynamoProposalRepository(table, (await startLocalAws()).documentClient());
            // Both decided on the same PENDING read: only the conditional transaction can tell them apart.
            const a = approve(proposal, "approver-a");
            const b = decide(proposal, {
                decision: "REJECT",
                approver: { sub: "approver-b", groups: ["admin"] },
                comment: "no",
                now: new Date(),
            });
            if (!b.ok) throw new Error(b.message);
            const outcomes = await Promise.allSettled([repo.recordDecision(a.updated, a.audit), other.recordDecision(b.updated, b.audit)]);
            const won = outcomes.findIndex((o) => o.status === "fulfilled");
            expect(
                outcomes.filter((o) => o.status === "fulfilled"),
                `round ${round}`,
            ).to.have.length(1);
            const lost = outcomes[1 - won] as PromiseRejectedResult;
            expect(lost.reason).to.be.instanceOf(DecisionConflictError);

            const stored = await repo.get(proposal.proposalId);
            expect(stored!.status).to.equal(won === 0 ? "APPROVED" : "REJECTED");
            const audits = await db.send(
                new QueryCommand({
                    TableName: table,
                    KeyConditionExpression: "proposalId = :id AND begins_with(createdAt, :audit)",
                    ExpressionAttributeValues: { ":id": proposal.proposalId, ":audit": "audit#" },
                }),
            );
            expect(audits.Items, `round ${round}`).to.have.length(1);
            expect(audits.Items![0]!["approver"]).to.equal(won === 0 ? "approver-a" : "approver-b");
        }
    });

    it("refuses to record a decision on a proposal past its deadline, and writes nothing", async function () {
        const proposal = pendingProposal("AAH", new Date(Date.now() - 2 * HOUR_MS), { validForHours: 1 });
        await repo.create(proposal);
        // decide() would refuse too; the repository must hold on its own (a request that read just before the deadline).
        const early = decide(proposal, { decision: "APPROVE", approver: APPROVER, now: new Date(Date.now() - 90 * 60_000) });
        if (!early.ok) throw new Error(early.message);
        const error = await rejectionOf(repo.recordDecision(early.updated, early.audit));
        expect(error).to.be.instanceOf(DecisionConflictError);
        expect((error as DecisionConflictError).reason).to.equal("not-pending");
        expect((await repo.get(proposal.proposalId))!.status).to.equal("PENDING");
        expect(await repo.getDecisionAudit(proposal.proposalId)).to.equal(undefined);
    });

    it("keeps audits, markers and views out of the byStatus and byAsset indexes", async function () {
        const proposal = pendingProposal("AAI", new Date());
        await repo.create(proposal);
        const { updated, audit } = approve(proposal);
        await repo.recordDecision(updated, audit);
        const c = candidate("AAI");
        await repo.saveLatestView({
            asset: "AAI",
            candidate: c,
            assessment: passedAssessment(c),
            signalKeys: signalKeys("AAI"),
            fused: fused("AAI", new Date()),
            assessedAt: new Date().toISOString(),
            correlationId: "corr-view",
        });
        const all = await db.send(
            new ScanCommand({
                TableName: table,
                FilterExpression: "begins_with(proposalId, :p) OR proposalId = :id",
                ExpressionAttributeValues: { ":p": "view#AAI", ":id": proposal.proposalId },
            }),
        );
        expect(all.Items!.length).to.equal(3); // proposal, audit, view
        const byAsset = await repo.listForAsset("AAI", ["PENDING", "APPROVED", "REJECTED", "EXPIRED"]);
        expect(byAsset.map((p) => p.proposalId)).to.deep.equal([proposal.proposalId]);
        const approved = await repo.listByStatus("APPROVED", { limit: 1000 });
        expect(approved.every((p) => p.proposalId.length === 36)).to.equal(true);
        expect(approved.map((p) => p.proposalId)).to.include(proposal.proposalId);
    });

    it("lists by status newest first, bounded by limit and since", async function () {
        const local = new DynamoProposalRepository((await (await startLocalAws()).createTables(uniqueName("proposal-list"))).proposals, db);
        const base = Date.now() - 10 * HOUR_MS;
        const created: Proposal[] = [];
        for (let i = 0; i < 5; i++) {
            const p = pendingProposal(`LST${i}`, new Date(base + i * HOUR_MS), { validForHours: 48 });
            await local.create(p);
            created.push(p);
        }
        const newest = await local.listByStatus("PENDING", { limit: 2, newestFirst: true });
        expect(newest.map((p) => p.proposalId)).to.deep.equal([created[4]!.proposalId, created[3]!.proposalId]);
        const since = await local.listByStatus("PENDING", { limit: 10, sinceIso: created[3]!.createdAt });
        expect(since.map((p) => p.proposalId)).to.deep.equal([created[3]!.proposalId, created[4]!.proposalId]);
    });

    it("keeps the newest assessed view: an older one does not replace it", async function () {
        const c = candidate("AAJ");
        const view = (assessedAt: string, correlationId: string) => ({
            asset: "AAJ",
            candidate: c,
            assessment: passedAssessment(c),
            signalKeys: signalKeys("AAJ"),
            fused: fused("AAJ", new Date(assessedAt)),
            assessedAt,
            correlationId,
        });
        expect(await repo.saveLatestView(view("2026-11-23T10:00:00.000Z", "newer"))).to.equal("saved");
        expect(await repo.saveLatestView(view("2026-11-23T09:00:00.000Z", "older"))).to.equal("older");
        expect((await repo.latestView("AAJ"))?.correlationId).to.equal("newer");
        expect(await repo.latestView("NOPE")).to.equal(undefined);
    });

    it("reports a corrupt proposal item by key instead of returning it", async function () {
        const proposal = pendingProposal("AAK", new Date());
        await repo.create(proposal);
        const { PutCommand } = await import("@aws-sdk/lib-dynamodb");
        await db.send(new PutCommand({ TableName: table, Item: { ...proposal, confidence: 7 } }));
        const error = await rejectionOf(repo.get(proposal.proposalId));
        expect(error).to.be.instanceOf(CorruptItemError);
        expect(error.message).to.include("confidence");
    });
});
