import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoEntityRepository } from "../../../lambdas/adapters/dynamo-entity-repository";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import type { S3Http } from "../../../lambdas/adapters/s3-http";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { createIngestService, type IngestServiceDeps } from "../../../lambdas/app/ingest";
import { buildEntityIndex } from "../../../lambdas/domain/matching";
import { signalsIngestedMessageSchema } from "../../../lambdas/domain/messages";
import { signalSchema } from "../../../lambdas/domain/signals";
import { recordingMetrics } from "../../../lambdas/shared/metrics";
import { createBlueskyConnector } from "../../../lambdas/sources/bluesky";
import { defineConnector, parseJsonPayload, type RawPayload, type SourceConnector } from "../../../lambdas/sources/connector";
import { createHttpClient } from "../../../lambdas/sources/http";
import { createRssConnector } from "../../../lambdas/sources/rss";
import { createSecCurrentFilingsConnector } from "../../../lambdas/sources/sec-edgar";
import { createStocktwitsConnector } from "../../../lambdas/sources/stocktwits";
import { startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { fixtureText, TEST_USER_AGENT } from "../sources/support";
import { getObject, listKeys, memoryLogger, PSEUDONYM_KEY, receiveAll, scanAll, seedEntities, sourceServer } from "./support";

const HANDLES = [
    "ThetaGangSteve",
    "bearish_bill",
    "newtrader2025",
    "chartsandcoffee",
    "macro-desk",
    "z72i7hdynmk6r22z27h6tvur",
    "4vjy6gbhtvspxqf5fwbaqxw2",
];

/** A connector over an in-memory JSON list of {id, at, text, author?}: lets a test change what a source publishes. */
function listConnector(id: string, entries: () => { id: string; at: string; text: string; author?: string }[]): SourceConnector {
    return defineConnector({
        kind: "mastodon",
        channel: "social",
        id,
        async fetchRaw() {
            const raw: RawPayload = {
                url: `https://list.example/${id}`,
                status: 200,
                contentType: "application/json",
                body: JSON.stringify(entries()),
                fetchedAt: new Date().toISOString(),
            };
            return [raw];
        },
        parse(raw) {
            const json = parseJsonPayload(raw);
            if (!json.ok) return { items: [], rejected: [json.rejection] };
            const list = json.value as { id: string; at: string; text: string; author?: string }[];
            return {
                items: list.map((entry) => ({
                    channel: "social" as const,
                    source: "mastodon" as const,
                    sourceItemId: `https://list.example/statuses/${entry.id}`,
                    url: `https://list.example/statuses/${entry.id}`,
                    publishedAt: entry.at,
                    text: entry.text,
                    ...(entry.author === undefined ? {} : { author: entry.author }),
                })),
                rejected: [],
            };
        },
    });
}

describe("ingest (app/ingest on DynamoDB Local, fauxqs S3 + SQS, sources on node:http)", function () {
    let db: DynamoDBDocumentClient;
    let s3: S3Client;
    let s3Http: S3Http;
    let sqs: SQSClient;
    let tables: Awaited<ReturnType<Awaited<ReturnType<typeof startLocalAws>>["createTables"]>>;
    let bucket: string;
    let queueUrl: string;
    let server: Awaited<ReturnType<typeof sourceServer>>;
    let stocktwitsAnswers = 0;

    before(async function () {
        const aws = await startLocalAws();
        [tables, bucket] = await Promise.all([aws.createTables(uniqueName("ingest")), aws.createBucket(uniqueName("raw-ingest"))]);
        queueUrl = (await aws.createQueue(uniqueName("ingested"))).url;
        db = aws.documentClient();
        s3 = aws.s3Client();
        s3Http = aws.s3Http();
        sqs = aws.sqsClient();
        await seedEntities(db, tables["tracked-entities"]);
        server = await sourceServer({
            "/api/2/streams/symbol/AAPL.json": () => {
                stocktwitsAnswers++;
                return { status: 200, contentType: "application/json; charset=utf-8", body: fixtureText("stocktwits-aapl.json") };
            },
            "/api/2/streams/symbol/TSLA.json": () => ({ status: 500, body: '{"errors":[{"message":"internal"}]}' }),
            "/api/2/streams/symbol/NVDA.json": () => ({ status: 200, contentType: "text/html", body: "<html>maintenance</html>" }),
            "/xrpc/app.bsky.feed.searchPosts": () => ({ status: 200, body: fixtureText("bluesky-search.json") }),
            "/feeds/companies.xml": () => ({ status: 200, contentType: "application/rss+xml", body: fixtureText("rss-news.xml") }),
        });
    });

    after(async () => server?.close());

    function deps(overrides: Partial<IngestServiceDeps> = {}) {
        const metrics = recordingMetrics();
        const { logger, entries } = memoryLogger();
        const entities = new DynamoEntityRepository(tables["tracked-entities"], db);
        const service = createIngestService({
            rawStore: new S3RawStore(bucket, s3Http),
            entities: async () => buildEntityIndex(await entities.listActive()),
            signals: new DynamoSignalRepository(tables.signals, db),
            publisher: new SqsPublisher(sqs),
            queueUrl,
            pseudonymKey: async () => PSEUDONYM_KEY,
            metrics,
            logger,
            retentionDays: 30,
            ...overrides,
        });
        return { service, metrics, logs: entries };
    }

    // Fast retries: the 500 answer is retried once without waiting.
    const fetchContext = () => ({ http: createHttpClient({ userAgent: TEST_USER_AGENT, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 }) });

    function socialConnectors(): SourceConnector[] {
        const api = `${server.base}/api/2`;
        return [
            createStocktwitsConnector({ symbol: "AAPL", apiBaseUrl: api }),
            createStocktwitsConnector({ symbol: "TSLA", apiBaseUrl: api }),
            createStocktwitsConnector({ symbol: "NVDA", apiBaseUrl: api }),
            createBlueskyConnector({ query: "MSFT", appViewUrl: server.base }),
        ];
    }

    it("stores every raw payload before parsing it, stores pseudonymised signals, queues their keys, and keeps going past a failing and a garbage source", async function () {
        // Record the order of storing and parsing per payload URL.
        const events: string[] = [];
        const raw = new S3RawStore(bucket, s3Http);
        const connectors = socialConnectors().map((connector) => ({
            ...connector,
            parse: (payload: RawPayload) => {
                events.push(`parse ${new URL(payload.url).pathname}`);
                return connector.parse(payload);
            },
        }));
        const recordingStore = {
            putRaw: async (key: string, body: string | Uint8Array, contentType: string, metadata?: Record<string, string>) => {
                events.push(`store ${metadata?.["source-url"] === undefined ? key : new URL(decodeURI(metadata["source-url"])).pathname}`);
                await raw.putRaw(key, body, contentType, metadata);
            },
            putJson: (key: string, value: unknown) => raw.putJson(key, value),
        };
        const { service, metrics, logs } = deps({ rawStore: recordingStore });

        const summary = await service.ingestFromConnectors("social", connectors, fetchContext(), { correlationId: "run-1" });

        for (const path of ["/api/2/streams/symbol/AAPL.json", "/api/2/streams/symbol/NVDA.json", "/xrpc/app.bsky.feed.searchPosts"]) {
            expect(events.indexOf(`store ${path}`), path)
                .to.be.greaterThan(-1)
                .and.lessThan(events.indexOf(`parse ${path}`));
        }
        expect(summary).to.include({
            connectors: 4,
            payloads: 3,
            items: 6,
            unmatched: 0,
            created: 7,
            duplicates: 0,
            rejected: 1,
            messages: 1,
        });
        expect(summary.failures).to.have.length(1);
        expect(summary.failures[0]).to.include({ source: "stocktwits", status: 500 });

        // The raw payload, byte for byte, under social/<source>/yyyy/mm/dd/HH/.
        const stocktwitsKey = summary.rawKeys.find((key) => key.startsWith("social/stocktwits/") && key.includes("aapl"))!;
        expect(stocktwitsKey).to.match(/^social\/stocktwits\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/[^/]+\.json$/);
        const stored = await getObject(s3, bucket, stocktwitsKey);
        expect(stored.body).to.equal(fixtureText("stocktwits-aapl.json"));
        expect(stored.contentType).to.equal("application/json; charset=utf-8");

        // The garbage payload is kept too, and a rejection record names it and says why.
        const rejections = await listKeys(s3, bucket, "social/rejected/");
        expect(rejections).to.have.length(1).and.to.deep.equal(summary.rejectionKeys);
        const record = JSON.parse((await getObject(s3, bucket, rejections[0]!)).body);
        expect(record).to.include({ channel: "social", source: "stocktwits", correlationId: "run-1" });
        expect(record.rejections[0].reason).to.match(/^payload: not valid JSON \(content-type text\/html\)/);
        expect((await getObject(s3, bucket, record.rawObjectKey)).body).to.equal("<html>maintenance</html>");

        expect(metrics.counts).to.deep.include.members([
            { name: "SignalsIngested", value: 4, dimensions: { Source: "stocktwits" } },
            { name: "SignalsIngested", value: 3, dimensions: { Source: "bluesky" } },
            { name: "PayloadsRejected", value: 1, dimensions: { Source: "stocktwits" } },
            { name: "SourceFailures", value: 1, dimensions: { Source: "stocktwits" } },
        ]);
        expect(logs.find((entry) => entry["message"] === "source failed")).to.include({ source: "stocktwits", status: 500 });
        expect(logs.find((entry) => entry["message"] === "ingest finished")).to.include({ created: 7, rejected: 1 });

        // Stored: valid signals whose authors are pseudonyms only — no handle or DID anywhere in any item.
        const items = await scanAll(db, tables.signals);
        expect(items).to.have.length(7);
        for (const item of items) {
            expect(signalSchema.safeParse(item).success).to.equal(true);
            expect(item["authorPseudonym"]).to.match(/^[0-9a-f]{64}$/);
            const text = JSON.stringify(item).toLowerCase();
            for (const handle of HANDLES) expect(text, handle).to.not.include(handle.toLowerCase());
        }
        expect(items.map((item) => item["rawObjectKey"])).to.satisfy((keys: string[]) =>
            keys.every((key) => summary.rawKeys.includes(key)),
        );

        // The keys arrived on the queue, in one signals.ingested message.
        const messages = await receiveAll(sqs, queueUrl, 1);
        expect(messages).to.have.length(1);
        const message = signalsIngestedMessageSchema.parse(JSON.parse(messages[0]!.Body!));
        expect(message.correlationId).to.equal("run-1");
        expect(message.signalKeys).to.have.deep.members(summary.createdKeys);
        expect(message.signalKeys).to.have.deep.members(items.map((item) => ({ pk: item["pk"], sk: item["sk"] })));
    });

    it("stores a source item seen again once: duplicates are counted, not stored or queued again", async function () {
        const before = (await scanAll(db, tables.signals)).length;
        const answersBefore = stocktwitsAnswers;
        const { service, metrics } = deps();
        const summary = await service.ingestFromConnectors("social", socialConnectors(), fetchContext(), { correlationId: "run-2" });
        expect(stocktwitsAnswers).to.equal(answersBefore + 1);
        expect(summary).to.include({ created: 0, duplicates: 7, messages: 0 });
        expect((await scanAll(db, tables.signals)).length).to.equal(before);
        expect(await receiveAll(sqs, queueUrl)).to.have.length(0);
        expect(metrics.counts).to.deep.include({ name: "SignalsDuplicate", value: 4, dimensions: { Source: "stocktwits" } });
        expect(metrics.counts.filter((count) => count.name === "SignalsIngested")).to.deep.equal([]);
    });

    it("treats an item its source re-dated as the same item (bySourceId), but stores it for a newly mentioned asset", async function () {
        let published = "2026-11-23T09:00:00.000Z";
        let text = "Apple record quarter";
        const connector = listConnector("redate", () => [{ id: "r1", at: published, text, author: "someone" }]);
        const { service } = deps();
        const first = await service.ingestFromConnectors("social", [connector], fetchContext(), { correlationId: "redate-1" });
        expect(first).to.include({ created: 1, duplicates: 0 });

        published = "2026-11-23T09:05:00.000Z";
        const second = await service.ingestFromConnectors("social", [connector], fetchContext(), { correlationId: "redate-2" });
        expect(second).to.include({ created: 0, duplicates: 1 });

        text = "Apple record quarter, Tesla too";
        const third = await service.ingestFromConnectors("social", [connector], fetchContext(), { correlationId: "redate-3" });
        expect(third).to.include({ created: 1, duplicates: 1 });
        expect(third.createdKeys[0]!.pk).to.match(/^TSLA#/);
        await receiveAll(sqs, queueUrl, 2);
    });

    it("deletes the new signals again when they cannot be queued, so that the retry stores and queues them", async function () {
        const connector = listConnector("queue-down", () => [{ id: "q1", at: "2026-11-23T10:00:00.000Z", text: "Nvidia guidance raised" }]);
        const failing = deps({
            publisher: {
                publishAll: async () => {
                    throw Object.assign(new Error("1 of 1 messages not sent"), { failed: [{ index: 0 }] });
                },
            },
        });
        const error = await failing.service
            .ingestFromConnectors("social", [connector], fetchContext(), { correlationId: "down-1" })
            .catch((e: Error) => e);
        expect(error).to.be.instanceOf(Error).with.property("message", "1 of 1 messages not sent");
        expect(failing.logs.some((entry) => String(entry["message"]).includes("deleting them"))).to.equal(true);
        const nvda = async () => (await scanAll(db, tables.signals)).filter((item) => String(item["pk"]).startsWith("NVDA#"));
        expect(await nvda()).to.have.length(0);
        // The raw payload stays.
        expect((await listKeys(s3, bucket, "social/mastodon/")).length).to.be.greaterThan(0);

        const retry = await deps().service.ingestFromConnectors("social", [connector], fetchContext(), { correlationId: "down-2" });
        expect(retry).to.include({ created: 1, messages: 1 });
        expect(await nvda()).to.have.length(1);
        const [message] = await receiveAll(sqs, queueUrl, 1);
        expect(JSON.parse(message!.Body!).signalKeys).to.deep.equal(retry.createdKeys);
    });

    it("ingests posted items: the request body is the raw payload, stored first; unmatched items are counted, not stored", async function () {
        const body = JSON.stringify({
            items: [
                { sourceId: "desk:notes", url: "https://notes.example/1", publishedAt: "2026-11-23T11:00:00Z", text: "Microsoft upgrade" },
                { sourceId: "desk:notes", url: "https://notes.example/2", publishedAt: "2026-11-23T11:01:00Z", text: "Weather is nice" },
            ],
        });
        const { service } = deps();
        const summary = await service.ingestPosted(
            "social",
            { body, items: JSON.parse(body).items, submittedBy: "analyst-sub" },
            { correlationId: "post-1" },
        );
        expect(summary).to.include({ items: 2, created: 1, unmatched: 1, rejected: 0, messages: 1 });
        expect(summary.rawKeys[0]).to.match(/^social\/manual\/\d{4}\/\d{2}\/\d{2}\/\d{2}\/post-1-[0-9a-f-]+\.json$/);
        expect((await getObject(s3, bucket, summary.rawKeys[0]!)).body).to.equal(body);
        const [item] = (await scanAll(db, tables.signals)).filter((entry) => entry["agent"] === "social.manual");
        expect(item).to.include({ asset: "MSFT", source: "manual", rawObjectKey: summary.rawKeys[0] });
        const [message] = await receiveAll(sqs, queueUrl, 1);
        expect(JSON.parse(message!.Body!)).to.include({ type: "signals.ingested", correlationId: "post-1" });
    });

    it("reads SEC EDGAR's current 8-K feed (regulatory): filings are matched by CIK, raw kept under regulatory/", async function () {
        const requested: string[] = [];
        const http = createHttpClient({
            userAgent: TEST_USER_AGENT,
            // EDGAR's URL is fixed (www.sec.gov): answered here from the recorded feed instead of the network.
            fetch: async (input) => {
                requested.push(String(input));
                return new Response(fixtureText("sec-current-8k.xml"), {
                    status: 200,
                    headers: { "content-type": "application/atom+xml" },
                });
            },
        });
        const { service } = deps();
        const summary = await service.ingestFromConnectors(
            "regulatory",
            [createSecCurrentFilingsConnector({ userAgent: TEST_USER_AGENT, form: "8-K" })],
            { http },
            { correlationId: "sec-1" },
        );
        expect(requested).to.have.length(1);
        expect(requested[0]).to.match(/^https:\/\/www\.sec\.gov\/cgi-bin\/browse-edgar\?action=getcurrent&type=8-K/);
        expect(summary.rawKeys[0]).to.match(/^regulatory\/sec-edgar\//);
        expect(summary.created).to.equal(2);
        const filings = (await scanAll(db, tables.signals)).filter((item) => item["agent"] === "regulatory.sec-edgar");
        expect(filings.map((item) => item["asset"]).sort()).to.deep.equal(["AAPL", "MSFT"]);
        await receiveAll(sqs, queueUrl, 1);
    });

    it("reads news feeds as well (another channel, another raw prefix)", async function () {
        const { service } = deps();
        const summary = await service.ingestFromConnectors(
            "news",
            [createRssConnector({ url: `${server.base}/feeds/companies.xml` })],
            fetchContext(),
            { correlationId: "news-1" },
        );
        expect(summary).to.include({ payloads: 1, items: 3, created: 3, unmatched: 1 }); // Tesla; Nvidia (which "passed Apple"): TSLA, NVDA, AAPL; Boeing is not tracked
        expect(summary.rawKeys[0]).to.match(/^news\/rss\//);
        const journalist = (await scanAll(db, tables.signals)).filter((item) => item["agent"] === "news.rss");
        expect(journalist.some((item) => typeof item["authorPseudonym"] === "string")).to.equal(true);
        expect(JSON.stringify(journalist)).to.not.include("Jane Doe");
        await receiveAll(sqs, queueUrl, 1);
    });
});
