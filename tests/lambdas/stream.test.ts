import { expect } from "chai";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoConnectionRepository } from "../../lambdas/adapters/dynamo-connection-repository";
import { CONNECTION_TTL_SECONDS, type ConnectionRepository, type DashboardConnection } from "../../lambdas/domain/connections";
import { createWebSocketHandler, type WebSocketEvent } from "../../lambdas/shared/websocket";
import { capturingLogger, fixture } from "./support";

/** In-memory implementation of the repository port. */
class InMemoryConnections implements ConnectionRepository {
    readonly items = new Map<string, DashboardConnection>();
    async put(connection: DashboardConnection) {
        this.items.set(connection.connectionId, connection);
    }
    async delete(connectionId: string) {
        this.items.delete(connectionId);
    }
}

const NOW = new Date("2026-11-23T11:31:00.000Z");
const CONNECTION_ID = "Bx8AbcdVFiACFnA=";

describe("stream: WebSocket connections", () => {
    let repository: InMemoryConnections;
    let handler: ReturnType<typeof createWebSocketHandler>;

    beforeEach(() => {
        repository = new InMemoryConnections();
        handler = createWebSocketHandler({ repository, logger: capturingLogger().logger, now: () => NOW });
    });

    it("$connect stores the connection with the authorizer's sub and groups, its callback endpoint and a ttl 2 h ahead", async () => {
        const result = await handler(fixture<WebSocketEvent>("websocket-connect-event.json"));
        expect(result).to.deep.equal({ statusCode: 200 });
        expect(repository.items.get(CONNECTION_ID)).to.deep.equal({
            connectionId: CONNECTION_ID,
            sub: "5f3c1a2e-8b7d-4e6f-9a01-23456789abcd",
            groups: ["viewer", "analyst"],
            callbackEndpoint: "https://w9x8y7z6v5.execute-api.eu-central-1.amazonaws.com/v1",
            connectedAt: "2026-11-23T11:31:00.000Z",
            ttl: NOW.getTime() / 1000 + 7200,
        });
        expect(CONNECTION_TTL_SECONDS).to.equal(7200);
    });

    it("$connect without an authorizer identity is refused and stores nothing", async () => {
        const event = fixture<WebSocketEvent>("websocket-connect-event.json");
        event.requestContext.authorizer = null;
        expect(await handler(event)).to.deep.equal({ statusCode: 401 });
        expect(repository.items.size).to.equal(0);
    });

    it("$disconnect deletes the connection", async () => {
        await handler(fixture<WebSocketEvent>("websocket-connect-event.json"));
        expect(repository.items.size).to.equal(1);
        expect(await handler(fixture<WebSocketEvent>("websocket-disconnect-event.json"))).to.deep.equal({ statusCode: 200 });
        expect(repository.items.size).to.equal(0);
    });

    it("$default answers an error frame naming the unsupported action", async () => {
        const result = await handler(fixture<WebSocketEvent>("websocket-default-event.json"));
        expect(result.statusCode).to.equal(400);
        const frame = JSON.parse(result.body!);
        expect(frame.success).to.equal(false);
        expect(frame.error).to.deep.equal({
            code: "UNSUPPORTED_ACTION",
            message: 'Action "subscribe" is not supported: this connection only receives dashboard updates.',
        });
    });

    it("answers 500 and logs when the store fails", async () => {
        const { logger, entries } = capturingLogger();
        const failing = createWebSocketHandler({
            repository: {
                put: async () => {
                    throw new Error("ProvisionedThroughputExceededException");
                },
                delete: async () => {},
            },
            logger,
        });
        expect(await failing(fixture<WebSocketEvent>("websocket-connect-event.json"))).to.deep.equal({ statusCode: 500 });
        expect(entries.find((entry) => entry["message"] === "websocket event failed")).to.include({ connectionId: CONNECTION_ID });
    });
});

describe("adapters/DynamoConnectionRepository", () => {
    const sent: (PutCommand | DeleteCommand)[] = [];
    const repository = new DynamoConnectionRepository("ai-investment-dev-connections", {
        send: async (command) => {
            sent.push(command);
            return {};
        },
    });

    beforeEach(() => (sent.length = 0));

    it("puts the connection item into the table", async () => {
        const connection = {
            connectionId: "c1",
            sub: "u1",
            groups: ["viewer"],
            callbackEndpoint: "https://w9x8y7z6v5.execute-api.eu-central-1.amazonaws.com/v1",
            connectedAt: NOW.toISOString(),
            ttl: 1,
        };
        await repository.put(connection);
        expect(sent).to.have.length(1);
        expect(sent[0]).to.be.instanceOf(PutCommand);
        expect(sent[0]!.input).to.deep.equal({ TableName: "ai-investment-dev-connections", Item: connection });
    });

    it("deletes by the connectionId partition key", async () => {
        await repository.delete("c1");
        expect(sent[0]).to.be.instanceOf(DeleteCommand);
        expect(sent[0]!.input).to.deep.equal({ TableName: "ai-investment-dev-connections", Key: { connectionId: "c1" } });
    });
});
