import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { CorruptItemError, type DocumentClient } from "../../../lambdas/adapters/dynamo-items";
import { DynamoSignalRepository, SignalNotFoundError } from "../../../lambdas/adapters/dynamo-signal-repository";
import { signalKey } from "../../../lambdas/domain/ingestion";
import type { SignalScore } from "../../../lambdas/domain/signals";
import { startLocalAws } from "../../support/localAws";
import { makeSignal, rejectionOf, uniqueName } from "./fixtures";

const SCORE: SignalScore = {
    score: 0.4,
    confidence: 0.7,
    factors: { sentiment: 0.5, credibility: 0.8, recency: 1, engagement: 0.2, novelty: 0.9 },
    evidence: ["moon", "bullish"],
    scorer: "lexicon-v1",
    scoredAt: "2026-11-20T13:05:00.000Z",
};

/** A client that counts the commands it forwards, by command class name. */
function countingClient(inner: DynamoDBDocumentClient) {
    const calls: string[] = [];
    const client = {
        send: (command: { constructor: { name: string } }) => {
            calls.push(command.constructor.name);
            return inner.send(command as never);
        },
    } as unknown as DocumentClient;
    return { client, calls };
}

describe("DynamoSignalRepository (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;
    let table: string;
    let repo: DynamoSignalRepository;

    before(async function () {
        const aws = await startLocalAws();
        table = (await aws.createTables(uniqueName("signals"))).signals;
        db = aws.documentClient();
        repo = new DynamoSignalRepository(table, db);
    });

    const itemsIn = async (pk: string) =>
        (
            await db.send(
                new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }),
            )
        ).Items ?? [];

    describe("signalKey", function () {
        it("uses the UTC day and instant, and escapes # in the source id", function () {
            expect(
                signalKey({ asset: "BRK.B", ts: "2026-11-21T00:30:00+01:00", agent: "news.rss", sourceId: "rss:http://x/a#b%c" }),
            ).to.deep.equal({
                pk: "BRK.B#20261120",
                sk: "2026-11-20T23:30:00.000Z#news.rss#rss:http://x/a%23b%25c",
            });
        });
    });

    describe("putIfNew", function () {
        it("stores a signal seen twice once", async function () {
            const signal = makeSignal(1, { asset: "DUP" });
            expect(await repo.putIfNew(signal)).to.equal("created");
            expect(await repo.putIfNew({ ...signal, text: "a later copy" })).to.equal("duplicate");
            const items = await itemsIn(signal.pk);
            expect(items).to.have.length(1);
            expect(items[0]!["text"]).to.equal(signal.text);
        });

        it("rejects a key that is not the canonical one, before writing", async function () {
            const signal = makeSignal(2, { asset: "BADKEY" });
            const raw = { ...signal, sk: signal.sk.replace(".000Z", "Z") };
            const error = await rejectionOf(repo.putIfNew(raw));
            expect(error.message).to.contain("canonical").and.contain("signalKey()");
            expect(await itemsIn(signal.pk)).to.have.length(0);
        });

        it("reports per signal in putManyIfNew, in input order", async function () {
            const [a, b] = [makeSignal(3, { asset: "MANY" }), makeSignal(4, { asset: "MANY" })];
            await repo.putIfNew(b);
            const results = await repo.putManyIfNew([a, b, a]);
            expect(results.map((r) => r.result)).to.deep.equal(["created", "duplicate", "duplicate"]);
            expect(results[0]!.key).to.deep.equal({ pk: a.pk, sk: a.sk });
        });
    });

    describe("get", function () {
        const signals = Array.from({ length: 230 }, (_, n) => makeSignal(n, { asset: "BULK", authorPseudonym: n % 2 ? "odd" : undefined }));

        before(async function () {
            await repo.putManyIfNew(signals);
        });

        it("reads more than 100 keys in chunks of 100, in key order, skipping missing and repeated keys", async function () {
            const { client, calls } = countingClient(db);
            const keys = [...signals].reverse().map(({ pk, sk }) => ({ pk, sk }));
            const missing = makeSignal(9999, { asset: "BULK" });
            const got = await new DynamoSignalRepository(table, client).get([...keys, { pk: missing.pk, sk: missing.sk }, keys[0]!]);
            expect(got.map((s) => s.sourceId)).to.deep.equal(keys.map((_, i) => signals[229 - i]!.sourceId));
            expect(got[0]).to.deep.equal(signals[229]);
            expect(calls).to.deep.equal(["BatchGetCommand", "BatchGetCommand", "BatchGetCommand"]);
        });

        it("retries unprocessed keys", async function () {
            let throttled = false;
            const client = {
                send: async (command: unknown) => {
                    if (command instanceof BatchGetCommand && !throttled) {
                        // Answer half of the first request and leave the rest unprocessed, like a throttled table.
                        throttled = true;
                        const keys = command.input.RequestItems![table]!.Keys!;
                        const half = Math.ceil(keys.length / 2);
                        const out = await db.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys.slice(0, half) } } }));
                        return { ...out, UnprocessedKeys: { [table]: { Keys: keys.slice(half) } } };
                    }
                    return db.send(command as never);
                },
            } as unknown as DocumentClient;
            const keys = signals.slice(0, 40).map(({ pk, sk }) => ({ pk, sk }));
            const got = await new DynamoSignalRepository(table, client).get(keys);
            expect(throttled).to.equal(true);
            expect(got).to.have.length(40);
        });

        it("names the key and the field of a corrupt item", async function () {
            const signal = makeSignal(5, { asset: "CORRUPT" });
            await db.send(new PutCommand({ TableName: table, Item: { ...signal, score: { ...SCORE, confidence: 7 } } }));
            const error = await rejectionOf(repo.get([{ pk: signal.pk, sk: signal.sk }]));
            expect(error).to.be.instanceOf(CorruptItemError);
            expect(error.message).to.contain(signal.pk).and.contain(signal.sk).and.contain("score.confidence");
        });
    });

    describe("saveScore", function () {
        it("adds the score to an existing signal", async function () {
            const signal = makeSignal(6, { asset: "SCORE" });
            await repo.putIfNew(signal);
            await repo.saveScore({ pk: signal.pk, sk: signal.sk }, SCORE);
            const [stored] = await repo.get([{ pk: signal.pk, sk: signal.sk }]);
            expect(stored).to.deep.equal({ ...signal, score: SCORE });
        });

        it("does not create an item for a missing key", async function () {
            const signal = makeSignal(7, { asset: "SCORE" });
            const error = await rejectionOf(repo.saveScore({ pk: signal.pk, sk: signal.sk }, SCORE));
            expect(error).to.be.instanceOf(SignalNotFoundError);
            const read = await db.send(new GetCommand({ TableName: table, Key: { pk: signal.pk, sk: signal.sk } }));
            expect(read.Item).to.equal(undefined);
        });
    });

    describe("queryAssetWindow", function () {
        const at = (iso: string, n: number, asset = "WIN") => makeSignal(n, { asset, ts: iso });
        const stored = [
            at("2026-11-20T23:40:00.000Z", 1), // before the window
            at("2026-11-20T23:50:00.000Z", 2),
            at("2026-11-21T00:10:00.000Z", 3),
            at("2026-11-21T00:20:00.000Z", 4), // exactly `to`: included
            at("2026-11-21T00:20:00.001Z", 5), // after
            at("2026-11-21T00:00:00.000Z", 6, "OTHER"),
        ];

        before(async function () {
            await repo.putManyIfNew(stored);
        });

        it("covers both days of a window across midnight, bounds included, oldest first", async function () {
            // The bounds in another offset: the repository compares instants, not strings.
            const got = await repo.queryAssetWindow("WIN", "2026-11-21T00:45:00+01:00", "2026-11-21T01:20:00+01:00");
            expect(got.map((s) => s.ts)).to.deep.equal([
                "2026-11-20T23:50:00.000Z",
                "2026-11-21T00:10:00.000Z",
                "2026-11-21T00:20:00.000Z",
            ]);
        });

        it("paginates a day with more items than one page", async function () {
            const big = "x".repeat(19_000);
            const many = Array.from({ length: 70 }, (_, n) => makeSignal(n, { asset: "PAGED", text: big }));
            await repo.putManyIfNew(many);
            // ~1.3 MB in one partition: more than one 1 MB query page.
            const { client, calls } = countingClient(db);
            const got = await new DynamoSignalRepository(table, client).queryAssetWindow(
                "PAGED",
                "2026-11-20T00:00:00Z",
                "2026-11-20T23:59:59Z",
            );
            expect(calls.length).to.be.greaterThan(1);
            expect(got.map((s) => s.sourceId)).to.deep.equal(many.map((s) => s.sourceId));
        });

        it("rejects a reversed window", async function () {
            const error = await rejectionOf(repo.queryAssetWindow("WIN", "2026-11-22T00:00:00Z", "2026-11-21T00:00:00Z"));
            expect(error.message).to.contain("after");
        });
    });

    describe("erasure by author and dedup by source id", function () {
        it("finds every key of an author and deletes them in batches", async function () {
            const mine = Array.from({ length: 30 }, (_, n) => makeSignal(n, { asset: "GDPR", authorPseudonym: "author-a" }));
            const theirs = Array.from({ length: 2 }, (_, n) => makeSignal(100 + n, { asset: "GDPR", authorPseudonym: "author-b" }));
            await repo.putManyIfNew([...mine, ...theirs]);
            const keys = await repo.keysByAuthor("author-a");
            expect(keys).to.have.deep.members(mine.map(({ pk, sk }) => ({ pk, sk })));
            const { client, calls } = countingClient(db);
            await new DynamoSignalRepository(table, client).deleteMany([...keys, keys[0]!]);
            expect(calls).to.deep.equal(["BatchWriteCommand", "BatchWriteCommand"]);
            expect(await repo.keysByAuthor("author-a")).to.deep.equal([]);
            expect(await repo.keysByAuthor("author-b")).to.have.length(2);
        });

        it("tells whether a source item is stored", async function () {
            const signal = makeSignal(8, { asset: "SEEN", sourceId: "reddit:t3_seen" });
            expect(await repo.existsBySourceId("reddit:t3_seen")).to.equal(false);
            await repo.putIfNew(signal);
            expect(await repo.existsBySourceId("reddit:t3_seen")).to.equal(true);
        });
    });
});
