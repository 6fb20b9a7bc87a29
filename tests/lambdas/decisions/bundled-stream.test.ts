import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse } from "aws-lambda";
import { expect } from "chai";
import { DynamoConnectionRepository } from "../../../lambdas/adapters/dynamo-connection-repository";
import { bundledHandlers, type BundledHandler } from "../../support/bundled";
import { startLocalAws } from "../../support/localAws";
import { capturingOutput } from "../../support/output";
import { uniqueName } from "../adapters/fixtures";
import { sqsEvent } from "./helpers";

/**
 * The stream function as deployed (lib/bundle.ts), on DynamoDB Local and a loopback @connections API: the bundled
 * API Gateway Management client (REST-JSON, the only REST protocol besides S3's) signs with the credentials Lambda puts
 * in the environment, and its modelled GoneException still comes back as that type, so gone connections are deleted.
 */
describe("stream bundle: dashboard updates pushed over the bundled API Gateway Management client", function () {
    this.timeout(120_000);
    const bundles = bundledHandlers();
    const posts: { connectionId: string; body: string; authorization: string }[] = [];
    let server: Server;
    let endpoint: string;
    let db: DynamoDBDocumentClient;
    let table: string;
    let handler: BundledHandler;

    before(async function () {
        server = createServer(async (request: IncomingMessage, response) => {
            const chunks: Buffer[] = [];
            for await (const chunk of request) chunks.push(chunk as Buffer);
            const connectionId = decodeURIComponent(/@connections\/([^/?]+)$/.exec(request.url ?? "")?.[1] ?? "");
            posts.push({
                connectionId,
                body: Buffer.concat(chunks).toString("utf8"),
                authorization: String(request.headers.authorization),
            });
            if (connectionId.startsWith("gone")) {
                response
                    .writeHead(410, { "Content-Type": "application/json", "x-amzn-ErrorType": "GoneException" })
                    .end('{"message":null}');
            } else response.writeHead(200).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`;
        const aws = await startLocalAws();
        db = aws.documentClient();
        table = (await aws.createTables(uniqueName("bundled-stream"))).connections;
        const env = {
            AWS_REGION: "eu-central-1",
            AWS_ACCESS_KEY_ID: "AKIDLAMBDAROLE",
            AWS_SECRET_ACCESS_KEY: "local",
            AWS_SESSION_TOKEN: "local-session",
            AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
            ENVIRONMENT: "dev",
            LOG_LEVEL: "WARN",
            POWERTOOLS_SERVICE_NAME: "stream",
            CORS_ALLOWED_ORIGINS: "[]",
            ROUTE_ACCESS: JSON.stringify({ "GET /dashboard/stream": ["viewer"] }),
            CONNECTIONS_TABLE: table,
        };
        handler = await bundles.load("stream", env);
        bundles.useEnvironment(env);
    });

    after(async function () {
        bundles.restore();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("pushes to the live connection, signed with the role's credentials, and deletes the gone one", async function () {
        const connections = new DynamoConnectionRepository(table, db);
        const ttl = Math.floor(Date.now() / 1000) + 3600;
        for (const connectionId of ["live-1", "gone-1"]) {
            await connections.put({
                connectionId,
                sub: `user-${connectionId}`,
                groups: ["viewer"],
                callbackEndpoint: endpoint,
                connectedAt: new Date().toISOString(),
                ttl,
            });
        }
        const update = { type: "proposal.created", entityId: "p-1", correlationId: "corr-p-1", emittedAt: new Date().toISOString() };

        const { result, lines } = await capturingOutput(() => handler(sqsEvent([update])) as Promise<SQSBatchResponse>);

        // EMF: one push delivered, one recognised as GoneException (the modelled error type survived bundling).
        const pushes = lines.map((line) => JSON.parse(line)).filter((line) => "DashboardPushes" in line);
        expect(pushes.map((line) => [line.Status, line.DashboardPushes]).sort()).to.deep.equal([
            ["delivered", 1],
            ["gone", 1],
        ]);

        expect(result.batchItemFailures).to.deep.equal([]);
        expect(posts.map((post) => post.connectionId).sort()).to.deep.equal(["gone-1", "live-1"]);
        const live = posts.find((post) => post.connectionId === "live-1")!;
        expect(live.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDLAMBDAROLE\/\d{8}\/eu-central-1\/execute-api\/aws4_request/);
        expect(JSON.parse(live.body)).to.deep.include({ type: "proposal.created", entityId: "p-1" });
        const stored = async (connectionId: string) => (await db.send(new GetCommand({ TableName: table, Key: { connectionId } }))).Item;
        expect(await stored("live-1")).to.not.equal(undefined);
        expect(await stored("gone-1")).to.equal(undefined);
    });
});
