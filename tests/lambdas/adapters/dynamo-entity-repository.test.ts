import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoEntityRepository } from "../../../lambdas/adapters/dynamo-entity-repository";
import { CorruptItemError } from "../../../lambdas/adapters/dynamo-items";
import type { TrackedEntity } from "../../../lambdas/domain/signals";
import { startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "./fixtures";

const BTC: TrackedEntity = {
    entityType: "crypto",
    entityId: "bitcoin",
    symbol: "BTC",
    name: "Bitcoin",
    aliases: ["bitcoin", "btc"],
    active: true,
};
const AAPL: TrackedEntity = {
    entityType: "equity",
    entityId: "apple",
    symbol: "AAPL",
    name: "Apple Inc.",
    aliases: ["Apple"],
    cik: "0000320193",
    active: true,
};
const GME: TrackedEntity = { entityType: "equity", entityId: "gamestop", symbol: "GME", name: "GameStop", aliases: [], active: false };
const SPY: TrackedEntity = { entityType: "etf", entityId: "spdr-sp500", symbol: "SPY", name: "SPDR S&P 500", aliases: [], active: true };

describe("DynamoEntityRepository (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;
    let table: string;
    let repo: DynamoEntityRepository;

    beforeEach(async function () {
        // A fresh table set per test: listActive reads the whole table.
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("entities")))["tracked-entities"];
        db = aws.documentClient();
        repo = new DynamoEntityRepository(table, db);
    });

    it("lists the active entities of every type", async function () {
        for (const entity of [BTC, AAPL, GME, SPY]) await repo.put(entity);
        const active = await repo.listActive();
        expect(active).to.have.deep.members([BTC, AAPL, SPY]);
        expect(active).to.have.length(3);
    });

    it("deletes an entity", async function () {
        await repo.put(BTC);
        await repo.put(SPY);
        await repo.delete("crypto", "bitcoin");
        expect(await repo.listActive()).to.deep.equal([SPY]);
    });

    it("validates on write", async function () {
        const error = await rejectionOf(repo.put({ ...BTC, symbol: "btc" }));
        expect(error.message).to.contain("upper-case asset symbol");
        expect(await repo.listActive()).to.deep.equal([]);
    });

    it("names the key and the field of a corrupt item", async function () {
        await db.send(new PutCommand({ TableName: table, Item: { ...AAPL, cik: "320193" } }));
        const error = await rejectionOf(repo.listActive());
        expect(error).to.be.instanceOf(CorruptItemError);
        expect(error.message).to.contain('"entityId":"apple"').and.contain("cik");
    });
});
