import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import { ApiGatewayConnectionPusher } from "../../../lambdas/adapters/apigw-connection-pusher";
import { DynamoConnectionDirectory } from "../../../lambdas/adapters/dynamo-connection-directory";
import { DynamoConnectionRepository } from "../../../lambdas/adapters/dynamo-connection-repository";
import { DynamoProposalRepository } from "../../../lambdas/adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { dashboardPushConsumer } from "../../../lambdas/app/dashboard-push";
import { decisionRoutes } from "../../../lambdas/app/decision";
import { proposeConsumer } from "../../../lambdas/app/propose";
import { riskCheckConsumer } from "../../../lambdas/app/risk";
import { assessedCandidateMessageSchema, fusedCandidateMessageSchema } from "../../../lambdas/domain/candidates";
import { dashboardUpdateMessageSchema } from "../../../lambdas/domain/messages";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { createSqsHandler } from "../../../lambdas/shared/sqs";
import { LOCAL_REGION, startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, restEvent } from "../support";
import { candidate, drainQueue, fused, httpTestEnv, LIMITS, marketData, POLICY, signalKeys, sqsEvent, testMetrics } from "./helpers";

/**
 * The decision half end to end on the local servers, each stage's output queue feeding the next stage:
 * candidate.fused → risk-check → risk.assessed → propose → proposal.created → stream → socket;
 * POST /decision → decision.recorded → stream → socket.
 */
describe("decision pipeline end to end (DynamoDB Local + fauxqs + local @connections API)", function () {
    let sqs: SQSClient;
    let server: Server;
    const frames: unknown[] = [];

    after(async function () {
        if (server) await new Promise((resolve) => server.close(resolve));
    });

    it("turns a fused candidate into a pending proposal, an approval, and two frames on the dashboard socket", async function () {
        const aws = await startLocalAws();
        sqs = aws.sqsClient();
        const db = aws.documentClient();
        const tables = await aws.createTables(uniqueName("pipeline"));
        const riskChecked = (await aws.createQueue(uniqueName("pipeline-risk-checked"))).url;
        const dashboard = (await aws.createQueue(uniqueName("pipeline-dashboard"))).url;
        server = createServer(async (request, response) => {
            const chunks: Buffer[] = [];
            for await (const chunk of request) chunks.push(chunk as Buffer);
            frames.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            response.writeHead(200).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
        await new DynamoConnectionRepository(tables.connections, db).put({
            connectionId: "dash-1",
            sub: "viewer-1",
            groups: ["viewer"],
            callbackEndpoint: endpoint,
            connectedAt: new Date().toISOString(),
            ttl: Math.floor(Date.now() / 1000) + 3600,
        });

        const now = new Date();
        const logger = capturingLogger().logger;
        const proposals = new DynamoProposalRepository(tables.proposals, db);
        const publisher = new SqsPublisher(sqs);
        const metrics = testMetrics();
        const riskCheck = createSqsHandler({
            schema: fusedCandidateMessageSchema,
            process: riskCheckConsumer({
                proposals,
                publisher,
                nextQueueUrl: riskChecked,
                limits: LIMITS,
                marketData: marketData(now),
                metrics,
            }),
            logger,
        });
        const propose = createSqsHandler({
            schema: assessedCandidateMessageSchema,
            process: proposeConsumer({ proposals, publisher, dashboardQueueUrl: dashboard, policy: POLICY, metrics }),
            logger,
        });
        const pusher = new ApiGatewayConnectionPusher({
            region: LOCAL_REGION,
            credentials: { accessKeyId: "local", secretAccessKey: "local" },
        });
        const stream = createSqsHandler({
            schema: dashboardUpdateMessageSchema,
            process: dashboardPushConsumer({ connections: new DynamoConnectionDirectory(tables.connections, db), pusher, metrics }),
            logger,
        });
        const decision = createHttpHandler(
            decisionRoutes({ proposals, publisher, dashboardQueueUrl: dashboard, metrics }),
            httpTestEnv({ "POST /decision": ["approver", "admin"] }),
            logger,
        );

        const fusedMessage = {
            type: "candidate.fused",
            correlationId: "corr-e2e",
            emittedAt: now.toISOString(),
            candidate: candidate("ETH"),
            signalKeys: signalKeys("ETH", 3),
            fused: fused("ETH", now),
        };
        expect((await riskCheck(sqsEvent([fusedMessage]))).batchItemFailures).to.deep.equal([]);
        const assessed = await drainQueue(sqs, riskChecked);
        expect(assessed).to.have.length(1);
        expect((await propose(sqsEvent(assessed))).batchItemFailures).to.deep.equal([]);
        const created = await drainQueue(sqs, dashboard);
        expect(created.map((u) => u.type)).to.deep.equal(["proposal.created"]);
        const proposalId = created[0].entityId;
        const proposal = await proposals.get(proposalId);
        expect(proposal).to.include({ status: "PENDING", asset: "ETH" });
        expect(proposal!.rationale.signalKeys).to.deep.equal(signalKeys("ETH", 3));
        expect((await stream(sqsEvent(created))).batchItemFailures).to.deep.equal([]);

        const approval = await decision(
            restEvent("POST /decision", {
                body: { proposalId, decision: "approve", reason: "Signals agree" },
                claims: { sub: "approver-1", "cognito:groups": "approver" },
            }),
        );
        expect(approval.statusCode).to.equal(200);
        expect(bodyOf(approval).data.proposal.status).to.equal("APPROVED");
        const decided = await drainQueue(sqs, dashboard);
        expect((await stream(sqsEvent(decided))).batchItemFailures).to.deep.equal([]);

        expect(frames.map((f) => [(f as { type: string }).type, (f as { entityId: string }).entityId])).to.deep.equal([
            ["proposal.created", proposalId],
            ["decision.recorded", proposalId],
        ]);
        pusher.destroy();
    });
});
