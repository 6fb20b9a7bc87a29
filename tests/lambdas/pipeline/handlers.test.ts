import type { S3Client } from "@aws-sdk/client-s3";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyResult, Context, SQSBatchResponse } from "aws-lambda";
import { expect } from "chai";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import { fusedSignalSchema } from "../../../lambdas/domain/fusion";
import { candidateFusedMessageSchema, signalsIngestedMessageSchema, signalsScoredMessageSchema } from "../../../lambdas/domain/messages";
import { apiRoutes } from "../../../lambdas/shared/api-schemas";
import { createFuseHandler } from "../../../lambdas/shared/fuse-handler";
import { createIngestHandler } from "../../../lambdas/shared/ingest-handler";
import { ingestRoute } from "../../../lambdas/shared/ingest-route";
import { newsSources, regulatorySources, socialSources } from "../../../lambdas/sources/registry";
import { createScoreHandler } from "../../../lambdas/shared/score-handler";
import { bedrockScorer } from "../../../lambdas/adapters/bedrock-scorer";
import { lexiconScorer } from "../../../lambdas/domain/scoring";
import { startLocalAws, type LocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { fixtureText } from "../sources/support";
import { bodyOf, restEvent } from "../support";
import {
    getObject,
    listKeys,
    localAwsVariables,
    PSEUDONYM_KEY,
    receiveAll,
    scanAll,
    secretsServer,
    seedAgents,
    seedEntities,
    sourceServer,
    sqsEventOf,
    capturing,
} from "./support";

/**
 * The real handlers, built from an environment like the stack's and run against the local servers through the SDK's
 * standard endpoint variables (AWS_ENDPOINT_URL_<SERVICE>): DynamoDB Local, fauxqs for S3 and SQS, a small
 * GetSecretValue server for Secrets Manager, and the sources on node:http.
 */

type Handler = (event: unknown, context?: Context) => Promise<unknown>;

const BAFIN_FEED = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>BaFin</title><link>https://www.bafin.de/</link>
<description>BaFin</description><item><title>BaFin ordnet Sonderprüfung bei Tesla Germany an</title>
<link>https://www.bafin.de/SharedDocs/Veroeffentlichungen/DE/Meldung/2026/meldung_2026_11_23_tesla.html</link>
<guid>https://www.bafin.de/SharedDocs/Veroeffentlichungen/DE/Meldung/2026/meldung_2026_11_23_tesla.html</guid>
<pubDate>Mon, 23 Nov 2026 09:00:00 +0100</pubDate><description>Die BaFin hat eine Sonderprüfung angeordnet.</description></item>
</channel></rss>`;

const ACCOUNT = "123456789012";
const PSEUDONYM_SECRET_ARN = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:ai-investment/pseudonym-key-AbCdEf`;
/** SQS queue URLs must be https in the environment; requests go to AWS_ENDPOINT_URL_SQS (fauxqs routes by path). */
const queueUrlOf = (name: string) => `https://sqs.eu-central-1.amazonaws.com/000000000000/${name}`;

function context(requestId: string): Context {
    return { awsRequestId: requestId, getRemainingTimeInMillis: () => 120_000 } as unknown as Context;
}

function emfCount(lines: Record<string, any>[], metric: string, dimension?: [string, string]): number {
    return lines
        .filter((line) => line["_aws"] !== undefined && metric in line && (dimension === undefined || line[dimension[0]] === dimension[1]))
        .reduce((sum, line) => sum + Number(line[metric]), 0);
}

describe("signal-half handlers on the local servers (ingest-social, ingest-news, score, fuse)", function () {
    let aws: LocalAws;
    let db: DynamoDBDocumentClient;
    let s3: S3Client;
    let sqs: SQSClient;
    let tables: Record<string, string>;
    let buckets: { raw: string; features: string; curated: string };
    let queues: { ingested: { url: string; arn: string }; scored: { url: string; arn: string }; fused: { url: string; arn: string } };
    let sources: Awaited<ReturnType<typeof sourceServer>>;
    let sourcesBase: string;
    let secrets: Awaited<ReturnType<typeof secretsServer>>;
    let restoreDns: () => void;
    const savedEnv = { ...process.env };
    const handlers: Record<"ingestSocial" | "ingestNews" | "ingestRegulatory" | "score" | "fuse", Handler> = {} as never;
    let baseEnv: Record<string, string>;

    before(async function () {
        aws = await startLocalAws();
        tables = await aws.createTables(uniqueName("handlers"));
        buckets = {
            raw: await aws.createBucket(uniqueName("raw")),
            features: await aws.createBucket(uniqueName("features")),
            curated: await aws.createBucket(uniqueName("curated")),
        };
        const names = { ingested: uniqueName("raw-signals"), scored: uniqueName("scored-signals"), fused: uniqueName("fused-signals") };
        const [ingested, scored, fused] = await Promise.all([
            aws.createQueue(names.ingested),
            aws.createQueue(names.scored),
            aws.createQueue(names.fused),
        ]);
        queues = { ingested: ingested!, scored: scored!, fused: fused! };
        db = aws.documentClient();
        s3 = aws.s3Client();
        sqs = aws.sqsClient();
        await seedEntities(db, tables["tracked-entities"]!);
        await seedAgents(db, tables["agents-config"]!, { "social.manual": 0.9, "social.bluesky": 0.5, "news.rss": 0.6 });
        sources = await sourceServer({
            "/xrpc/app.bsky.feed.searchPosts": () => ({ status: 200, body: fixtureText("bluesky-search.json") }),
            "/feeds/companies.xml": () => ({ status: 200, contentType: "application/rss+xml", body: fixtureText("rss-news.xml") }),
            "/feeds/garbage.xml": () => ({ status: 200, contentType: "application/rss+xml", body: "<rss><channel><item>" }),
            "/bafin/rss.xml": () => ({ status: 200, contentType: "application/rss+xml; charset=utf-8", body: BAFIN_FEED }),
        });
        // zod's httpUrl (SOURCES_CONFIG) wants a domain name: *.localhost resolves to 127.0.0.1 below.
        sourcesBase = sources.base.replace("127.0.0.1", "sources.localhost");
        secrets = await secretsServer({ [PSEUDONYM_SECRET_ARN]: JSON.stringify({ key: PSEUDONYM_KEY.toString("base64") }) });

        // fauxqs serves S3 virtual-hosted style on <bucket>.s3.localhost: resolve *.localhost to 127.0.0.1 meanwhile.
        const { interceptLocalhostDns } = await import("fauxqs");
        restoreDns = interceptLocalhostDns();
        Object.assign(process.env, localAwsVariables(aws, secrets.base));

        baseEnv = {
            ENVIRONMENT: "dev",
            LOG_LEVEL: "INFO",
            SERVICE_VERSION: "1.0.0-test",
            CORS_ALLOWED_ORIGINS: "[]",
            ROUTE_ACCESS: JSON.stringify(Object.fromEntries(Object.keys(apiRoutes).map((route) => [route, ["analyst", "admin"]]))),
            SIGNALS_TABLE: tables["signals"]!,
            TRACKED_ENTITIES_TABLE: tables["tracked-entities"]!,
            AGENTS_CONFIG_TABLE: tables["agents-config"]!,
            PSEUDONYM_SECRET_ARN,
        };
        const ingestEnv = { ...baseEnv, RAW_DATA_BUCKET: buckets.raw, NEXT_QUEUE_URL: queueUrlOf(names.ingested) };
        handlers.ingestSocial = createIngestHandler(socialSources, ingestRoute("POST /ingest/social"), {
            ...ingestEnv,
            POWERTOOLS_SERVICE_NAME: "ingest-social",
            SOURCES_CONFIG: JSON.stringify({ social: { bluesky: { queries: ["MSFT"], appViewUrl: sourcesBase } } }),
        });
        handlers.ingestNews = createIngestHandler(newsSources, ingestRoute("POST /ingest/news"), {
            ...ingestEnv,
            POWERTOOLS_SERVICE_NAME: "ingest-news",
            SOURCES_CONFIG: JSON.stringify({
                news: {
                    rss: {
                        feeds: [`${sourcesBase}/feeds/companies.xml`, `${sourcesBase}/feeds/gone.xml`, `${sourcesBase}/feeds/garbage.xml`],
                    },
                },
            }),
        });
        handlers.ingestRegulatory = createIngestHandler(regulatorySources, undefined, {
            ...ingestEnv,
            POWERTOOLS_SERVICE_NAME: "ingest-regulatory",
            SOURCES_CONFIG: JSON.stringify({ regulatory: { bafin: { feeds: [`${sourcesBase}/bafin/rss.xml`] } } }),
        });
        handlers.score = createScoreHandler({
            ...baseEnv,
            POWERTOOLS_SERVICE_NAME: "score",
            FEATURES_BUCKET: buckets.features,
            NEXT_QUEUE_URL: queueUrlOf(names.scored),
        });
        handlers.fuse = createFuseHandler({
            ...baseEnv,
            POWERTOOLS_SERVICE_NAME: "fuse",
            CURATED_DATA_BUCKET: buckets.curated,
            NEXT_QUEUE_URL: queueUrlOf(names.fused),
            FUSION_WINDOW_MINUTES: "60",
            FUSION_MIN_ABS_SCORE: "0.1",
            DEFAULT_POSITION_NOTIONAL: "2500",
        });
    });

    after(async function () {
        restoreDns?.();
        for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
        Object.assign(process.env, savedEnv);
        await sources?.close();
        await secrets?.close();
    });

    it("ingest-social schedule: reads Bluesky over HTTP, stores the raw payload and pseudonymised signals, queues the keys; a rerun queues nothing", async function () {
        const first = await capturing(() => handlers.ingestSocial({ task: "ingest", source: "social" }, context("sched-social-1")));
        const finished = first.lines.find((line) => line["message"] === "ingest finished")!;
        expect(finished).to.include({ correlationId: "sched-social-1", created: 3, duplicates: 0, rejected: 0, messages: 1 });
        expect(emfCount(first.lines, "SignalsIngested", ["Source", "bluesky"])).to.equal(3);

        const rawKeys = await listKeys(s3, buckets.raw, "social/bluesky/");
        expect(rawKeys).to.have.length(1);
        expect((await getObject(s3, buckets.raw, rawKeys[0]!)).body).to.equal(fixtureText("bluesky-search.json"));

        const items = (await scanAll(db, tables["signals"]!)).filter((item) => item["agent"] === "social.bluesky");
        expect(items.map((item) => item["asset"])).to.deep.equal(["MSFT", "MSFT", "MSFT"]);
        const stored = JSON.stringify(items);
        for (const handle of ["chartsandcoffee", "macro-desk.com", "did:plc:"]) expect(stored).to.not.include(handle);
        expect(items.every((item) => /^[0-9a-f]{64}$/.test(String(item["authorPseudonym"])))).to.equal(true);

        const [message] = await receiveAll(sqs, queues.ingested.url, 1);
        const ingested = signalsIngestedMessageSchema.parse(JSON.parse(message!.Body!));
        expect(ingested.correlationId).to.equal("sched-social-1");
        expect(ingested.signalKeys).to.have.deep.members(items.map((item) => ({ pk: item["pk"], sk: item["sk"] })));

        const second = await capturing(() => handlers.ingestSocial({ task: "ingest", source: "social" }, context("sched-social-2")));
        expect(second.lines.find((line) => line["message"] === "ingest finished")).to.include({ created: 0, duplicates: 3, messages: 0 });
        expect(emfCount(second.lines, "SignalsDuplicate", ["Source", "bluesky"])).to.equal(3);
        expect(await receiveAll(sqs, queues.ingested.url)).to.have.length(0);
        // The pseudonym key was read from Secrets Manager once and cached.
        expect(secrets.reads.filter((id) => id === PSEUDONYM_SECRET_ARN)).to.have.length(1);
        // A schedule meant for another channel is refused.
        const misrouted = await capturing(() => handlers.ingestSocial({ task: "ingest", source: "news" }).catch((error: Error) => error));
        expect((misrouted.result as Error).message).to.include("does not run scheduled task ingest:news");
    });

    it("ingest-news schedule: a feed that is gone and one that is garbage do not stop the good one (rejection record, metrics)", async function () {
        const run = await capturing(() => handlers.ingestNews({ task: "ingest", source: "news" }, context("sched-news-1")));
        const finished = run.lines.find((line) => line["message"] === "ingest finished")!;
        expect(finished).to.include({ connectors: 3, payloads: 2, created: 3, rejected: 1 });
        expect(finished["failures"]).to.have.length(1);
        expect(finished["failures"][0]).to.include({ source: "rss", status: 404 });
        expect(run.lines.find((line) => line["message"] === "source failed")).to.include({ level: "WARN", status: 404 });
        expect(emfCount(run.lines, "SourceFailures", ["Source", "rss"])).to.equal(1);
        expect(emfCount(run.lines, "PayloadsRejected", ["Source", "rss"])).to.equal(1);
        expect(emfCount(run.lines, "SignalsIngested", ["Source", "rss"])).to.equal(3);

        const [rejectionKey, ...others] = await listKeys(s3, buckets.raw, "news/rejected/");
        expect(others).to.deep.equal([]);
        const record = JSON.parse((await getObject(s3, buckets.raw, rejectionKey!)).body);
        expect(record).to.include({
            channel: "news",
            source: "rss",
            correlationId: "sched-news-1",
            url: `${sourcesBase}/feeds/garbage.xml`,
        });
        expect(record.rejections[0].reason).to.be.a("string").and.not.equal("");
        expect((await getObject(s3, buckets.raw, record.rawObjectKey)).body).to.equal("<rss><channel><item>");
        await receiveAll(sqs, queues.ingested.url, 1);
    });

    it("ingest-regulatory schedule: reads a BaFin feed; it has no REST route", async function () {
        const run = await capturing(() => handlers.ingestRegulatory({ task: "ingest", source: "regulatory" }, context("sched-reg-1")));
        expect(run.lines.find((line) => line["message"] === "ingest finished")).to.include({ payloads: 1, created: 1, messages: 1 });
        const [rawKey] = await listKeys(s3, buckets.raw, "regulatory/bafin/");
        expect((await getObject(s3, buckets.raw, rawKey!)).body).to.equal(BAFIN_FEED);
        const [signal] = (await scanAll(db, tables["signals"]!)).filter((item) => item["agent"] === "regulatory.bafin");
        expect(signal).to.include({ asset: "TSLA", channel: "regulatory", rawObjectKey: rawKey });
        await receiveAll(sqs, queues.ingested.url, 1);
        const rest = await handlers
            .ingestRegulatory(restEvent("POST /ingest/social", { groups: "analyst", body: {} }))
            .catch((error: Error) => error);
        expect((rest as Error).message).to.equal("This function does not handle http events; check its trigger wiring.");
    });

    it("POST /ingest/social: a malformed body is answered 400 naming the field, and nothing is stored", async function () {
        const before = (await listKeys(s3, buckets.raw, "social/manual/")).length;
        const { result } = await capturing(
            () =>
                handlers.ingestSocial(
                    restEvent("POST /ingest/social", {
                        groups: "analyst",
                        body: { items: [{ sourceId: "desk", url: "not a url", publishedAt: "2026-11-23T11:00:00Z", text: "x" }] },
                    }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(result.statusCode).to.equal(400);
        const body = bodyOf(result);
        expect(body.error.code).to.equal("VALIDATION_FAILED");
        expect(body.error.message).to.include("items[0].url");
        expect((await listKeys(s3, buckets.raw, "social/manual/")).length).to.equal(before);
    });

    let posted: { pk: string; sk: string }[] = [];

    it("POST /ingest/social: stores the body first, answers with the new signal keys and queues them", async function () {
        const recent = new Date(Date.now() - 5 * 60_000).toISOString();
        const items = [
            {
                sourceId: "desk:calls",
                url: "https://notes.example/aapl-1",
                publishedAt: recent,
                text: "$AAPL beats estimates with record revenue, strong buy",
            },
            {
                sourceId: "desk:calls",
                url: "https://notes.example/aapl-2",
                publishedAt: recent,
                text: "Apple shares soar after record profit and upgrade",
            },
            { sourceId: "desk:calls", url: "https://notes.example/nothing", publishedAt: recent, text: "Lunch was good" },
        ];
        const { result } = await capturing(
            () =>
                handlers.ingestSocial(
                    restEvent("POST /ingest/social", { groups: "analyst", body: { items }, headers: { "x-correlation-id": "post-aapl" } }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(result.statusCode).to.equal(200);
        const data = bodyOf(result).data;
        expect(data).to.include({ items: 3, created: 2, duplicates: 0, unmatched: 1, rejected: 0 });
        expect(JSON.parse((await getObject(s3, buckets.raw, data.rawObjectKey)).body)).to.deep.equal({ items });
        posted = data.signalKeys;
        expect(posted.every((key) => key.pk.startsWith("AAPL#"))).to.equal(true);
        const messages = await receiveAll(sqs, queues.ingested.url, 1);
        expect(messages.map((message) => JSON.parse(message.Body!).signalKeys)).to.deep.equal([posted]);
        // Back on the queue for the score test below.
        for (const message of messages)
            await sqs.send(new SendMessageCommand({ QueueUrl: queues.ingested.url, MessageBody: message.Body! }));
    });

    it("score consumes the queue: records received from SQS are scored and sent on; a poison record fails alone", async function () {
        await sqs.send(
            new SendMessageCommand({ QueueUrl: queues.ingested.url, MessageBody: '{"type":"signals.ingested","signalKeys":"oops"}' }),
        );
        const received = await receiveAll(sqs, queues.ingested.url, 2);
        expect(received).to.have.length(2);
        const poison = received.find((message) => message.Body!.includes("oops"))!;

        const { result, lines } = await capturing(
            () => handlers.score(sqsEventOf(received, queues.ingested.arn)) as Promise<SQSBatchResponse>,
        );

        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: poison.MessageId }]);
        expect(lines.find((line) => line["message"] === "record failed")).to.include({
            code: "INVALID_MESSAGE",
            messageId: poison.MessageId,
        });
        const stored = await new DynamoSignalRepository(tables["signals"]!, db).get(posted);
        expect(stored).to.have.length(2);
        for (const signal of stored) {
            expect(signal.score!.scorer).to.equal("lexicon-v1");
            expect(signal.score!.score).to.be.greaterThan(0.3);
            expect(signal.score!.factors.credibility).to.equal(0.9);
        }
        expect(await listKeys(s3, buckets.features, "signals/")).to.have.length(2);
        expect(emfCount(lines, "SignalsScored", ["Channel", "social"])).to.equal(2);
        const [scored] = await receiveAll(sqs, queues.scored.url, 1);
        const message = signalsScoredMessageSchema.parse(JSON.parse(scored!.Body!));
        expect(message.correlationId).to.equal("post-aapl");
        expect(message.signalKeys).to.have.deep.members(posted);
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.scored.url, MessageBody: scored!.Body! }));
    });

    it("fuse consumes the scored queue: a strongly positive window becomes a buy candidate, a quiet asset none", async function () {
        const quiet = {
            type: "signals.scored",
            correlationId: "quiet",
            emittedAt: new Date().toISOString(),
            signalKeys: [{ pk: "TSLA#20250102", sk: "2025-01-02T14:37:00.000Z#news.rss#rss:urn:uuid:x" }],
        };
        await sqs.send(new SendMessageCommand({ QueueUrl: queues.scored.url, MessageBody: JSON.stringify(quiet) }));
        const received = await receiveAll(sqs, queues.scored.url, 2);
        expect(received).to.have.length(2);

        const { result, lines } = await capturing(
            () => handlers.fuse(sqsEventOf(received, queues.scored.arn)) as Promise<SQSBatchResponse>,
        );

        expect(result.batchItemFailures).to.deep.equal([]);
        expect(emfCount(lines, "CandidatesFused")).to.equal(1);
        const candidates = await receiveAll(sqs, queues.fused.url, 1);
        expect(candidates).to.have.length(1);
        const body = JSON.parse(candidates[0]!.Body!);
        const message = candidateFusedMessageSchema.parse(body);
        expect(message.correlationId).to.equal("post-aapl");
        expect(message.candidate).to.deep.include({ asset: "AAPL", side: "buy", size: { notional: 2500, currency: "EUR" } });
        expect(message.signalKeys).to.have.deep.members(posted);
        const fused = fusedSignalSchema.parse(body.fused);
        expect(fused.count).to.equal(2);
        expect(fused.weightedScore).to.be.greaterThan(0.3);
        expect(await listKeys(s3, buckets.curated, "fused/")).to.have.length(1);
        expect(body.curatedKey).to.match(/^fused\/\d{4}\/\d{2}\/\d{2}\/AAPL\//);
    });

    it("POST /score scores the given keys synchronously; keys of no stored signal are answered 404", async function () {
        const { result } = await capturing(
            () =>
                handlers.score(
                    restEvent("POST /score", { groups: "analyst", body: { signalKeys: posted } }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(result.statusCode).to.equal(200);
        const data = bodyOf(result).data;
        expect(data.missing).to.deep.equal([]);
        expect(data.scores.map((entry: { signalKey: unknown }) => entry.signalKey)).to.have.deep.members(posted);
        expect(data.scores[0].score.scorer).to.equal("lexicon-v1");
        await receiveAll(sqs, queues.scored.url, 1);

        const ghost = { pk: "AAPL#20261123", sk: "2026-11-23T11:00:00.000Z#social.manual#manual:none" };
        const missing = await capturing(
            () =>
                handlers.score(
                    restEvent("POST /score", { groups: "analyst", body: { signalKeys: [ghost] } }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(missing.result.statusCode).to.equal(404);
        expect(bodyOf(missing.result).error.details).to.deep.equal({ missing: [ghost] });
    });

    it("the Bedrock build scores with the model's sentiment (Converse), same envelope and storage", async function () {
        const requests: { modelId: string; messages: { content: { text: string }[] }[] }[] = [];
        const bedrockScore = createScoreHandler(
            {
                ...baseEnv,
                POWERTOOLS_SERVICE_NAME: "score",
                FEATURES_BUCKET: buckets.features,
                NEXT_QUEUE_URL: queueUrlOf(queues.scored.url.split("/").pop()!),
                SCORER: "bedrock",
                BEDROCK_MODEL_ID: "eu.anthropic.claude-3-haiku-20240307-v1:0",
            },
            (modelId) =>
                bedrockScorer({
                    modelId,
                    converse: async (request) => {
                        requests.push(request);
                        return { output: { message: { content: [{ text: '{"sentiment": -0.7, "evidence": ["guidance cut"]}' }] } } };
                    },
                }),
        );
        const { result } = await capturing(
            () =>
                bedrockScore(
                    restEvent("POST /score", { groups: "analyst", body: { signalKeys: posted } }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(result.statusCode).to.equal(200);
        const scores = bodyOf(result).data.scores;
        expect(scores).to.have.length(posted.length);
        for (const entry of scores) {
            expect(entry.score.scorer).to.equal("bedrock:eu.anthropic.claude-3-haiku-20240307-v1:0");
            expect(entry.score.factors.sentiment).to.equal(-0.7);
            expect(entry.score.evidence).to.deep.equal(["guidance cut"]);
        }
        expect(requests).to.have.length(posted.length);
        expect(requests[0]!.modelId).to.equal("eu.anthropic.claude-3-haiku-20240307-v1:0");
        await receiveAll(sqs, queues.scored.url, 1);
    });

    it("refuses to start with a bad environment, naming every problem", async function () {
        const ingestError = (() => {
            try {
                createIngestHandler(socialSources, ingestRoute("POST /ingest/social"), {
                    ...baseEnv,
                    POWERTOOLS_SERVICE_NAME: "x",
                    RAW_DATA_BUCKET: "Not_A_Bucket",
                    SOURCES_CONFIG: JSON.stringify({ social: { reddit: { subreddits: ["r/stocks"] } } }),
                });
            } catch (error) {
                return error as Error;
            }
            return undefined;
        })();
        expect(ingestError?.message).to.include("RAW_DATA_BUCKET: must be an S3 bucket name");
        expect(ingestError?.message).to.include("NEXT_QUEUE_URL: is required but not set");
        expect(ingestError?.message).to.include("SOURCES_CONFIG at social.reddit.subreddits.0: must be a subreddit name without r/");

        const redditError = (() => {
            try {
                createIngestHandler(socialSources, undefined, {
                    ...baseEnv,
                    POWERTOOLS_SERVICE_NAME: "x",
                    RAW_DATA_BUCKET: buckets.raw,
                    NEXT_QUEUE_URL: queueUrlOf("q"),
                    SOURCES_CONFIG: JSON.stringify({ social: { reddit: { subreddits: ["stocks"] } } }),
                });
            } catch (error) {
                return error as Error;
            }
            return undefined;
        })();
        expect(redditError?.message).to.include("PROVIDER_SECRET_ARN: is required when SOURCES_CONFIG configures social.reddit");

        expect(() =>
            createScoreHandler({
                ...baseEnv,
                POWERTOOLS_SERVICE_NAME: "s",
                FEATURES_BUCKET: buckets.features,
                NEXT_QUEUE_URL: queueUrlOf("q"),
                SCORER: "bedrock",
                BEDROCK_MODEL_ID: "eu.anthropic.claude-3-haiku-20240307-v1:0",
            }),
        ).to.throw("runs only in the score-bedrock build");
        expect(() =>
            createScoreHandler(
                {
                    ...baseEnv,
                    POWERTOOLS_SERVICE_NAME: "s",
                    FEATURES_BUCKET: buckets.features,
                    NEXT_QUEUE_URL: queueUrlOf("q"),
                    SCORER: "bedrock",
                },
                () => lexiconScorer,
            ),
        ).to.throw("BEDROCK_MODEL_ID: is required");
    });
});
