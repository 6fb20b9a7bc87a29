import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { ApiGatewayConnectionPusher } from "../../../lambdas/adapters/apigw-connection-pusher";
import { DynamoConnectionDirectory } from "../../../lambdas/adapters/dynamo-connection-directory";
import { DynamoConnectionRepository } from "../../../lambdas/adapters/dynamo-connection-repository";
import { dashboardPushConsumer, type DashboardPushDeps, streamInfoRoutes } from "../../../lambdas/app/dashboard-push";
import { dashboardUpdateMessageSchema } from "../../../lambdas/domain/messages";
import { createHttpHandler } from "../../../lambdas/shared/http";
import { createSqsHandler } from "../../../lambdas/shared/sqs";
import { LOCAL_REGION, startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { bodyOf, capturingLogger, restEvent } from "../support";
import { counted, httpTestEnv, sqsEvent, testMetrics } from "./helpers";

interface Post {
    stage: string;
    connectionId: string;
    body: string;
    signed: boolean;
}

/**
 * The @connections API of an API Gateway WebSocket stage on loopback: POST /<stage>/@connections/<id> answers 200,
 * or for the ids in `gone` 410 GoneException (as API Gateway does), for `bareGone` a 410 without an error type, and
 * for `forbidden` 403 ForbiddenException.
 */
class FakeConnectionsApi {
    readonly posts: Post[] = [];
    readonly gone = new Set<string>();
    readonly bareGone = new Set<string>();
    readonly forbidden = new Set<string>();
    private server!: Server;
    endpoint = "";

    async start(): Promise<void> {
        this.server = createServer(async (request: IncomingMessage, response) => {
            const chunks: Buffer[] = [];
            for await (const chunk of request) chunks.push(chunk as Buffer);
            const match = /^\/([^/]+)\/@connections\/([^/?]+)$/.exec(request.url ?? "");
            if (request.method !== "POST" || !match) {
                response.writeHead(404).end();
                return;
            }
            const connectionId = decodeURIComponent(match[2]!);
            this.posts.push({
                stage: match[1]!,
                connectionId,
                body: Buffer.concat(chunks).toString("utf8"),
                signed: String(request.headers["authorization"] ?? "").startsWith("AWS4-HMAC-SHA256"),
            });
            const error = (status: number, type: string | undefined) =>
                response
                    .writeHead(status, { "Content-Type": "application/json", ...(type ? { "x-amzn-ErrorType": type } : {}) })
                    .end(JSON.stringify({ message: null }));
            if (this.gone.has(connectionId)) error(410, "GoneException");
            else if (this.bareGone.has(connectionId)) error(410, undefined);
            else if (this.forbidden.has(connectionId)) error(403, "ForbiddenException");
            else response.writeHead(200).end();
        });
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
        this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/local`;
    }

    stop(): Promise<void> {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}

const update = (type: "proposal.created" | "decision.recorded", entityId: string) => ({
    type,
    entityId,
    correlationId: `corr-${entityId}`,
    emittedAt: "2026-11-23T11:31:00.000Z",
});

describe("stream: dashboard updates pushed to WebSocket connections (DynamoDB Local + local @connections API)", function () {
    const api = new FakeConnectionsApi();
    const pusher = new ApiGatewayConnectionPusher({
        region: LOCAL_REGION,
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        maxAttempts: 1,
    });
    let db: DynamoDBDocumentClient;
    let table: string;
    let connections: DynamoConnectionRepository;
    let deps: DashboardPushDeps & { metrics: ReturnType<typeof testMetrics> };
    let logs: Record<string, unknown>[];

    before(async function () {
        await api.start();
        const aws = await startLocalAws();
        db = aws.documentClient();
        table = (await aws.createTables(uniqueName("stream"))).connections;
        connections = new DynamoConnectionRepository(table, db);
    });

    after(async function () {
        pusher.destroy();
        await api.stop();
    });

    const nowSeconds = () => Math.floor(Date.now() / 1000);
    async function connect(connectionId: string, ttl = nowSeconds() + 3600, callbackEndpoint = api.endpoint) {
        await connections.put({
            connectionId,
            sub: `user-${connectionId}`,
            groups: ["viewer"],
            callbackEndpoint,
            connectedAt: new Date().toISOString(),
            ttl,
        });
    }
    const stored = async (connectionId: string) => (await db.send(new GetCommand({ TableName: table, Key: { connectionId } }))).Item;

    beforeEach(async function () {
        api.posts.length = 0;
        for (const set of [api.gone, api.bareGone, api.forbidden]) set.clear();
        // Each test starts from an empty connections table of its own.
        table = (await (await startLocalAws()).createTables(uniqueName("stream"))).connections;
        connections = new DynamoConnectionRepository(table, db);
        deps = { connections: new DynamoConnectionDirectory(table, db), pusher, metrics: testMetrics() };
    });

    const consumer = () => {
        const { logger, entries } = capturingLogger();
        logs = entries;
        return createSqsHandler({ schema: dashboardUpdateMessageSchema, process: dashboardPushConsumer(deps), logger });
    };

    it("pushes the frame to every live connection and deletes the ones API Gateway reports gone (410)", async function () {
        for (const id of ["live-1", "live-2", "live=3", "gone-1", "gone-2"]) await connect(id);
        await connect("expired-ttl", nowSeconds() - 10); // TTL passed, not yet deleted by DynamoDB
        api.gone.add("gone-1");
        api.bareGone.add("gone-2");

        const result = await consumer()(sqsEvent([update("proposal.created", "p-1")]));
        expect(result.batchItemFailures).to.deep.equal([]);

        expect(api.posts.map((p) => p.connectionId).sort()).to.deep.equal(["gone-1", "gone-2", "live-1", "live-2", "live=3"]);
        for (const post of api.posts) {
            expect(post.stage).to.equal("local");
            expect(post.signed).to.equal(true);
            expect(JSON.parse(post.body)).to.deep.equal(update("proposal.created", "p-1"));
        }
        expect(await stored("gone-1")).to.equal(undefined);
        expect(await stored("gone-2")).to.equal(undefined);
        // (expired-ttl is not asserted: DynamoDB Local runs TTL deletion too, at its own pace.)
        for (const id of ["live-1", "live-2", "live=3"]) expect(await stored(id), id).to.not.equal(undefined);
        expect(counted(deps.metrics, "DashboardPushes", ["Status", "delivered"])).to.equal(3);
        expect(counted(deps.metrics, "DashboardPushes", ["Status", "gone"])).to.equal(2);
        expect(logs.find((e) => e["message"] === "dashboard update pushed")).to.include({
            connections: 5,
            delivered: 3,
            pruned: 2,
            failed: 0,
        });
    });

    it("pushes decision updates too, one frame per message, in a batch", async function () {
        await connect("live-1");
        const result = await consumer()(sqsEvent([update("decision.recorded", "p-2"), update("proposal.created", "p-3")]));
        expect(result.batchItemFailures).to.deep.equal([]);
        // A standard queue's batch is processed concurrently: one frame per message, in no particular order.
        expect(api.posts.map((p) => JSON.parse(p.body).type)).to.have.members(["decision.recorded", "proposal.created"]);
    });

    it("counts a connection that fails otherwise (403) without deleting it, and acknowledges the message", async function () {
        await connect("live-1");
        await connect("broken");
        api.forbidden.add("broken");
        const result = await consumer()(sqsEvent([update("proposal.created", "p-4")]));
        expect(result.batchItemFailures).to.deep.equal([]);
        expect(await stored("broken")).to.not.equal(undefined);
        expect(counted(deps.metrics, "DashboardPushes", ["Status", "failed"])).to.equal(1);
        expect(counted(deps.metrics, "DashboardPushes", ["Status", "delivered"])).to.equal(1);
    });

    it("fails the message when no connection could be reached at all, and a poison record, but not the others", async function () {
        await connect("unreachable", undefined, "http://127.0.0.1:1/local");
        const bad = sqsEvent([update("proposal.created", "p-5"), { type: "proposal.deleted", entityId: "x" }]);
        const result = await consumer()(bad);
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal(bad.Records.map((r) => r.messageId));

        await connect("live-1");
        const mixed = sqsEvent([update("proposal.created", "p-6"), "not json"]);
        const second = await consumer()(mixed);
        expect(second.batchItemFailures.map((f) => f.itemIdentifier)).to.deep.equal([mixed.Records[1]!.messageId]);
    });

    it("acknowledges an update when nobody is connected", async function () {
        const result = await consumer()(sqsEvent([update("proposal.created", "p-7")]));
        expect(result.batchItemFailures).to.deep.equal([]);
        expect(api.posts).to.deep.equal([]);
    });

    it("GET /dashboard/stream names the socket when configured, and answers 501 with the reason when not", async function () {
        const env = httpTestEnv({ "GET /dashboard/stream": ["viewer", "analyst", "approver", "admin"] });
        const configured = createHttpHandler(streamInfoRoutes("wss://stream.ai-investment.example/v1"), env, capturingLogger().logger);
        const response = await configured(restEvent("GET /dashboard/stream", { groups: "viewer" }));
        expect(response.statusCode).to.equal(200);
        expect(bodyOf(response).data).to.deep.include({ transport: "websocket", url: "wss://stream.ai-investment.example/v1" });
        expect(bodyOf(response).data.updates).to.include.members(["proposal.created", "decision.recorded"]);

        const unconfigured = createHttpHandler(streamInfoRoutes(undefined), env, capturingLogger().logger);
        const pending = await unconfigured(restEvent("GET /dashboard/stream", { groups: "viewer" }));
        expect(pending.statusCode).to.equal(501);
        expect(bodyOf(pending).error.message).to.include("DASHBOARD_WEBSOCKET_URL");
    });
});
