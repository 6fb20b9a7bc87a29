import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { AgentConfigConflictError, DynamoAgentConfigRepository } from "../../../lambdas/adapters/dynamo-agent-config-repository";
import { CorruptItemError } from "../../../lambdas/adapters/dynamo-items";
import type { AgentConfig } from "../../../lambdas/domain/signals";
import { startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "./fixtures";

const config = (agentId: string, version: number, weight = 0.5): AgentConfig => ({
    agentId,
    version,
    status: "active",
    weight,
    updatedAt: `2026-11-${String(10 + version).padStart(2, "0")}T08:00:00.000Z`,
    reason: version === 1 ? "initial" : `recalibration ${version}`,
});

describe("DynamoAgentConfigRepository (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;
    let table: string;
    let repo: DynamoAgentConfigRepository;

    before(async function () {
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("agents")))["agents-config"];
        db = aws.documentClient();
        repo = new DynamoAgentConfigRepository(table, db);
    });

    it("stores versions zero-padded and retires the previous version on publish", async function () {
        await repo.publishVersion(config("social.reddit", 1, 0.5));
        await repo.publishVersion(config("social.reddit", 2, 0.6));
        const raw = await db.send(new GetCommand({ TableName: table, Key: { agentId: "social.reddit", version: "00000001" } }));
        expect(raw.Item?.["status"]).to.equal("retired");
        expect(await repo.history("social.reddit")).to.deep.equal([
            { ...config("social.reddit", 1, 0.5), status: "retired" },
            config("social.reddit", 2, 0.6),
        ]);
    });

    it("orders versions numerically beyond 9", async function () {
        for (let v = 1; v <= 11; v++) await repo.publishVersion(config("news.gdelt", v, v / 20));
        expect((await repo.history("news.gdelt")).map((c) => c.version)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });

    it("lists the active version of every agent", async function () {
        await repo.publishVersion(config("regulatory.sec-edgar", 1, 0.9));
        const active = await repo.latestActive();
        expect(active.map((c) => [c.agentId, c.version])).to.deep.equal([
            ["news.gdelt", 11],
            ["regulatory.sec-edgar", 1],
            ["social.reddit", 2],
        ]);
    });

    it("lets exactly one of two concurrent publishers of the same version win", async function () {
        await repo.publishVersion(config("social.bluesky", 1));
        const other = new DynamoAgentConfigRepository(table, (await startLocalAws()).documentClient());
        const outcomes = await Promise.allSettled([
            repo.publishVersion(config("social.bluesky", 2, 0.3)),
            other.publishVersion(config("social.bluesky", 2, 0.7)),
        ]);
        const won = outcomes.filter((o) => o.status === "fulfilled");
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
        expect(won).to.have.length(1);
        expect(lost).to.have.length(1);
        expect(lost[0]!.reason).to.be.instanceOf(AgentConfigConflictError);
        expect((lost[0]!.reason as AgentConfigConflictError).version).to.equal(2);
        const winnerWeight = outcomes[0]!.status === "fulfilled" ? 0.3 : 0.7;
        const history = await repo.history("social.bluesky");
        expect(history.map((c) => [c.version, c.status, c.weight])).to.deep.equal([
            [1, "retired", 0.5],
            [2, "active", winnerWeight],
        ]);
    });

    it("refuses a version that exists, and one whose predecessor is not active", async function () {
        await repo.publishVersion(config("social.mastodon", 1));
        const again = await rejectionOf(repo.publishVersion(config("social.mastodon", 1)));
        expect(again).to.be.instanceOf(AgentConfigConflictError);
        expect((again as AgentConfigConflictError).reason).to.equal("version-exists");
        const gap = await rejectionOf(repo.publishVersion(config("social.mastodon", 3)));
        expect((gap as AgentConfigConflictError).reason).to.equal("previous-not-active");
        expect((await repo.history("social.mastodon")).map((c) => c.version)).to.deep.equal([1]);
    });

    it("names the key and the field of a corrupt item", async function () {
        await db.send(new PutCommand({ TableName: table, Item: { ...config("news.rss", 1), status: "retired", version: "1" } }));
        const error = await rejectionOf(repo.history("news.rss"));
        expect(error).to.be.instanceOf(CorruptItemError);
        expect(error.message).to.contain('"agentId":"news.rss"').and.contain("version");
        await db.send(new PutCommand({ TableName: table, Item: { ...config("news.rss", 2), version: "00000002", weight: 3 } }));
        const weight = await rejectionOf(repo.latestActive());
        expect(weight.message).to.contain('"version":"00000002"').and.contain("weight");
    });
});
