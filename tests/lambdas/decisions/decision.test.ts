import { randomUUID } from "node:crypto";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult } from "aws-lambda";
import { expect } from "chai";
import { DynamoProposalRepository } from "../../../lambdas/adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { decisionRoutes, expireDueProposals } from "../../../lambdas/app/decision";
import type { Proposal } from "../../../lambdas/domain/proposals";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, restEvent } from "../support";
import { counted, drainQueue, HOUR_MS, httpTestEnv, pendingProposal, testMetrics } from "./helpers";

const PROPOSER = "analyst-7";

const asCaller = (sub: string, groups: string) => ({ claims: { sub, "cognito:groups": groups } });

describe("decision: POST /decision on DynamoDB Local + fauxqs", function () {
    let db: DynamoDBDocumentClient;
    let sqs: SQSClient;
    let table: string;
    let queueUrl: string;
    let repo: DynamoProposalRepository;
    let metrics: ReturnType<typeof testMetrics>;
    let handler: ReturnType<typeof createHttpHandler>;

    const build = (access: ("viewer" | "analyst" | "approver" | "admin")[] = ["approver", "admin"]) => {
        metrics = testMetrics();
        const deps = {
            // Each handler gets its own client, like two Lambda instances.
            proposals: new DynamoProposalRepository(table, db),
            publisher: new SqsPublisher(sqs),
            dashboardQueueUrl: queueUrl,
            metrics,
        };
        return createHttpHandler(decisionRoutes(deps), httpTestEnv({ "POST /decision": access }), capturingLogger().logger);
    };

    before(async function () {
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("decision"))).proposals;
        queueUrl = (await aws.createQueue(uniqueName("decision-dashboard"))).url;
        db = aws.documentClient();
        sqs = aws.sqsClient();
        repo = new DynamoProposalRepository(table, db);
    });

    beforeEach(async function () {
        handler = build();
        await drainQueue(sqs, queueUrl);
    });

    async function stored(
        asset = `D${Math.floor(Math.random() * 1e6)}`,
        options: Parameters<typeof pendingProposal>[2] = {},
    ): Promise<Proposal> {
        const proposal = pendingProposal(asset, options.validForHours ? new Date(Date.now() - 2 * HOUR_MS) : new Date(), {
            proposer: PROPOSER,
            ...options,
        });
        await repo.create(proposal);
        return proposal;
    }

    const body = (proposalId: string, decision: "approve" | "reject" = "approve") => ({
        proposalId,
        decision,
        reason: "Within limits, signals agree",
    });

    async function call(sub: string, groups: string, payload: unknown): Promise<APIGatewayProxyResult> {
        return handler(restEvent("POST /decision", { body: payload, ...asCaller(sub, groups) }));
    }

    it("approves: 200 with the updated proposal and its audit record, stored, announced, counted", async function () {
        const proposal = await stored();
        const response = await call("approver-1", "approver", body(proposal.proposalId));
        expect(response.statusCode).to.equal(200);
        const data = bodyOf(response).data;
        expect(data.proposal).to.include({ proposalId: proposal.proposalId, status: "APPROVED", decidedBy: "approver-1" });
        expect(data.audit).to.include({ decision: "APPROVE", approver: "approver-1", previousStatus: "PENDING", newStatus: "APPROVED" });
        expect((await repo.get(proposal.proposalId))!.status).to.equal("APPROVED");
        expect(await repo.getDecisionAudit(proposal.proposalId)).to.deep.equal(data.audit);

        const updates = await drainQueue(sqs, queueUrl);
        expect(updates).to.have.length(1);
        expect(updates[0]).to.include({ type: "decision.recorded", entityId: proposal.proposalId });
        expect(counted(metrics, "DecisionsRecorded", ["Decision", "APPROVE"])).to.equal(1);
    });

    it("of two concurrent approvals exactly one gets 200, the other 409; APPROVED once, one audit record", async function () {
        for (let round = 0; round < 4; round++) {
            const proposal = await stored();
            const [first, second] = [build(), build()];
            const responses = await Promise.all([
                first(restEvent("POST /decision", { body: body(proposal.proposalId), ...asCaller("approver-a", "approver") })),
                second(restEvent("POST /decision", { body: body(proposal.proposalId), ...asCaller("approver-b", "admin") })),
            ]);
            const statuses = responses.map((r) => r.statusCode).sort();
            expect(statuses, `round ${round}`).to.deep.equal([200, 409]);
            const loser = bodyOf(responses.find((r) => r.statusCode === 409)!);
            expect(loser.success).to.equal(false);
            expect(loser.error.code).to.equal("ALREADY_DECIDED");
            expect(loser.error.details).to.include({ proposalId: proposal.proposalId, status: "APPROVED" });

            const winner = bodyOf(responses.find((r) => r.statusCode === 200)!).data.proposal.decidedBy;
            const final = await repo.get(proposal.proposalId);
            expect(final).to.include({ status: "APPROVED", decidedBy: winner });
            const audits = await db.send(
                new QueryCommand({
                    TableName: table,
                    KeyConditionExpression: "proposalId = :id AND begins_with(createdAt, :a)",
                    ExpressionAttributeValues: { ":id": proposal.proposalId, ":a": "audit#" },
                }),
            );
            expect(audits.Items, `round ${round}`).to.have.length(1);
            expect(audits.Items![0]!["approver"]).to.equal(winner);
        }
        const updates = await drainQueue(sqs, queueUrl);
        expect(updates.filter((u) => u.type === "decision.recorded")).to.have.length(4);
    });

    it("resolves the race in the conditional transaction when both requests read PENDING before either writes", async function () {
        const proposal = await stored();
        // A barrier: each request's first read waits until both requests have read, so both decide on PENDING.
        let arrived = 0;
        let release!: () => void;
        const bothRead = new Promise<void>((resolve) => (release = resolve));
        const { logger, entries } = capturingLogger();
        const racing = () => {
            const own = new DynamoProposalRepository(table, db);
            let first = true;
            const proposals = {
                get: async (id: string) => {
                    const read = await own.get(id);
                    if (first) {
                        first = false;
                        if (++arrived === 2) release();
                        await bothRead;
                    }
                    return read;
                },
                recordDecision: own.recordDecision.bind(own),
            };
            const deps = { proposals, publisher: new SqsPublisher(sqs), dashboardQueueUrl: queueUrl, metrics: testMetrics() };
            return createHttpHandler(decisionRoutes(deps), httpTestEnv({ "POST /decision": ["approver", "admin"] }), logger);
        };
        const responses = await Promise.all([
            racing()(restEvent("POST /decision", { body: body(proposal.proposalId, "approve"), ...asCaller("approver-a", "approver") })),
            racing()(restEvent("POST /decision", { body: body(proposal.proposalId, "reject"), ...asCaller("approver-b", "approver") })),
        ]);
        expect(responses.map((r) => r.statusCode).sort()).to.deep.equal([200, 409]);
        expect(entries.filter((e) => e["message"] === "decision lost a race")).to.have.length(1);
        const winner = bodyOf(responses.find((r) => r.statusCode === 200)!).data.proposal;
        expect((await repo.get(proposal.proposalId))!.status).to.equal(winner.status);
        expect((await repo.getDecisionAudit(proposal.proposalId))!.approver).to.equal(winner.decidedBy);
    });

    it("refuses the proposer deciding on their own proposal with 403 SELF_APPROVAL, even as approver", async function () {
        const proposal = await stored();
        for (const decision of ["approve", "reject"] as const) {
            const response = await call(PROPOSER, "approver,analyst", body(proposal.proposalId, decision));
            expect(response.statusCode).to.equal(403);
            expect(bodyOf(response).error.code).to.equal("SELF_APPROVAL");
        }
        expect((await repo.get(proposal.proposalId))!.status).to.equal("PENDING");
        expect(await drainQueue(sqs, queueUrl)).to.deep.equal([]);
    });

    it("refuses viewers and analysts with 403 — by ROUTE_ACCESS and, if that is misconfigured, by the use case", async function () {
        const proposal = await stored();
        for (const group of ["viewer", "analyst"]) {
            const response = await call("someone-else", group, body(proposal.proposalId));
            expect(response.statusCode, group).to.equal(403);
            expect(bodyOf(response).error.code).to.equal("FORBIDDEN");
        }
        handler = build(["viewer", "analyst", "approver", "admin"]);
        for (const group of ["viewer", "analyst"]) {
            const response = await call("someone-else", group, body(proposal.proposalId));
            expect(response.statusCode, `${group} with open ROUTE_ACCESS`).to.equal(403);
            expect(bodyOf(response).error.message).to.include("approver, admin");
        }
        expect((await repo.get(proposal.proposalId))!.status).to.equal("PENDING");
    });

    it("refuses a proposal past its deadline with 410 EXPIRED, approving and rejecting alike", async function () {
        const proposal = await stored(undefined, { validForHours: 1 }); // created 2 h ago, valid for 1 h
        for (const decision of ["approve", "reject"] as const) {
            const response = await call("approver-1", "approver", body(proposal.proposalId, decision));
            expect(response.statusCode).to.equal(410);
            expect(bodyOf(response).error).to.deep.include({ code: "EXPIRED" });
            expect(bodyOf(response).error.details).to.include({ proposalId: proposal.proposalId, expiresAt: proposal.expiresAt });
        }
        expect((await repo.get(proposal.proposalId))!.status).to.equal("PENDING");
        expect(await repo.getDecisionAudit(proposal.proposalId)).to.equal(undefined);
    });

    it("refuses a second decision with 409 ALREADY_DECIDED", async function () {
        const proposal = await stored();
        expect((await call("approver-1", "approver", body(proposal.proposalId, "reject"))).statusCode).to.equal(200);
        const again = await call("approver-2", "admin", body(proposal.proposalId, "approve"));
        expect(again.statusCode).to.equal(409);
        expect(bodyOf(again).error.code).to.equal("ALREADY_DECIDED");
        expect((await repo.get(proposal.proposalId))!.status).to.equal("REJECTED");
    });

    it("answers 404 for an unknown proposal", async function () {
        const response = await call("approver-1", "approver", body(randomUUID()));
        expect(response.statusCode).to.equal(404);
        expect(bodyOf(response).error.code).to.equal("NOT_FOUND");
    });

    it("answers 400 naming every malformed field, in the error envelope", async function () {
        const response = await call("approver-1", "approver", { proposalId: "not-a-uuid", decision: "maybe", extra: 1 });
        expect(response.statusCode).to.equal(400);
        const envelope = bodyOf(response);
        expect(envelope.success).to.equal(false);
        expect(envelope.error.code).to.equal("VALIDATION_FAILED");
        const paths = envelope.error.details.issues.map((issue: { path: string }) => issue.path);
        expect(paths).to.include.members(["proposalId", "decision", "reason", "extra"]);
        expect(envelope.error.message).to.include("proposalId").and.include("decision").and.include("reason");
    });

    it("keeps the decision when the dashboard update cannot be sent, and says so in meta", async function () {
        const proposal = await stored();
        const deps = {
            proposals: repo,
            publisher: { publishAll: async () => Promise.reject(new Error("queue down")) },
            dashboardQueueUrl: queueUrl,
            metrics: testMetrics(),
        };
        const { logger, entries } = capturingLogger();
        const failing = createHttpHandler(decisionRoutes(deps), httpTestEnv({ "POST /decision": ["approver"] }), logger);
        const response = await failing(
            restEvent("POST /decision", { body: body(proposal.proposalId), ...asCaller("approver-1", "approver") }),
        );
        expect(response.statusCode).to.equal(200);
        expect(bodyOf(response).meta).to.deep.equal({ dashboardNotified: false });
        expect((await repo.get(proposal.proposalId))!.status).to.equal("APPROVED");
        expect(entries.some((e) => e["message"] === "dashboard update not sent")).to.equal(true);
    });
});

describe("decision: the scheduled expiry sweep on DynamoDB Local + fauxqs", function () {
    let db: DynamoDBDocumentClient;
    let sqs: SQSClient;
    let table: string;
    let queueUrl: string;
    let repo: DynamoProposalRepository;

    before(async function () {
        const aws = await startLocalAws();
        // A table of its own: the sweep reads every PENDING proposal.
        table = (await aws.createTables(uniqueName("expiry"))).proposals;
        queueUrl = (await aws.createQueue(uniqueName("expiry-dashboard"))).url;
        db = aws.documentClient();
        sqs = aws.sqsClient();
        repo = new DynamoProposalRepository(table, db);
    });

    it("expires overdue PENDING proposals once, with an audit record and a dashboard update, and leaves the others alone", async function () {
        const overdue = pendingProposal("EXPA", new Date(Date.now() - 2 * HOUR_MS), { proposer: PROPOSER, validForHours: 1 });
        const current = pendingProposal("EXPB", new Date(), { proposer: PROPOSER });
        await repo.create(overdue);
        await repo.create(current);
        const metrics = testMetrics();
        const deps = { proposals: repo, publisher: new SqsPublisher(sqs), dashboardQueueUrl: queueUrl, metrics };

        const report = await expireDueProposals(deps, capturingLogger().logger);
        expect(report).to.deep.equal({ expired: [overdue.proposalId], decidedMeanwhile: [] });
        const expired = (await repo.get(overdue.proposalId))!;
        expect(expired).to.include({ status: "EXPIRED" });
        expect(await repo.getDecisionAudit(overdue.proposalId)).to.include({ decision: "EXPIRE", newStatus: "EXPIRED" });
        expect((await repo.get(current.proposalId))!.status).to.equal("PENDING");
        // The asset is free for a new proposal.
        expect(await repo.openMarker("EXPA")).to.equal(undefined);
        expect(counted(metrics, "ProposalsExpired")).to.equal(1);
        const updates = await drainQueue(sqs, queueUrl);
        expect(updates.map((u) => [u.type, u.entityId])).to.deep.equal([["proposal.expired", overdue.proposalId]]);

        // A second sweep finds nothing to do.
        expect(await expireDueProposals(deps, capturingLogger().logger)).to.deep.equal({ expired: [], decidedMeanwhile: [] });
    });

    it("loses cleanly to a decision recorded between its read and its write", async function () {
        const proposal = pendingProposal("EXPC", new Date(Date.now() - 2 * HOUR_MS), { proposer: PROPOSER, validForHours: 1 });
        await repo.create(proposal);
        const racing = {
            listByStatus: repo.listByStatus.bind(repo),
            // Someone else moved the proposal out of PENDING before the sweep's write.
            recordExpiry: async (updated: Proposal, audit: Parameters<DynamoProposalRepository["recordExpiry"]>[1]) => {
                await repo.recordExpiry(updated, audit);
                await repo.recordExpiry(updated, audit);
            },
        };
        const report = await expireDueProposals(
            { proposals: racing, publisher: new SqsPublisher(sqs), dashboardQueueUrl: queueUrl, metrics: testMetrics() },
            capturingLogger().logger,
        );
        expect(report.decidedMeanwhile).to.deep.equal([proposal.proposalId]);
        expect((await repo.get(proposal.proposalId))!.status).to.equal("EXPIRED");
    });
});
