import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { expect } from "chai";
import { signalsIngestedMessageSchema, signalsScoredMessageSchema } from "../../../lambdas/domain/messages";
import { apiRoutes } from "../../../lambdas/shared/api-schemas";
import { bundledHandlers, type BundledHandler } from "../../support/bundled";
import { startLocalAws, type LocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { fixtureText } from "../sources/support";
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
 * The deployed artefacts, not the source: ingest-news and score bundled by lib/bundle.ts (SDK bundled, credential chain
 * replaced by the env-only provider, unused schemas dropped), written to a directory outside the project so that nothing
 * can resolve from node_modules, imported with a Lambda-like environment (credentials only in AWS_ACCESS_KEY_ID and
 * friends) and run against DynamoDB Local, fauxqs (S3, SQS) and a GetSecretValue server: the bundled DynamoDB, S3, SQS
 * and Secrets Manager clients carry a schedule run and the scoring of its signals end to end.
 */

const ACCOUNT = "123456789012";
const PSEUDONYM_SECRET_ARN = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:ai-investment/pseudonym-key-AbCdEf`;
const queueUrlOf = (name: string) => `https://sqs.eu-central-1.amazonaws.com/000000000000/${name}`;
/** The news fixture, dated ten minutes ago: a months-old item scores a recency too small for a DynamoDB number. */
const FEED = fixtureText("rss-news.xml").replace(
    /<pubDate>[^<]*<\/pubDate>/g,
    `<pubDate>${new Date(Date.now() - 10 * 60_000).toUTCString()}</pubDate>`,
);

describe("bundled handlers on the local servers (ingest-news → score)", function () {
    this.timeout(120_000);
    let aws: LocalAws;
    let db: DynamoDBDocumentClient;
    let s3: S3Client;
    let sqs: SQSClient;
    let tables: Record<string, string>;
    let buckets: { raw: string; features: string };
    let queues: { ingested: { url: string; arn: string }; scored: { url: string; arn: string } };
    let sources: Awaited<ReturnType<typeof sourceServer>>;
    let secrets: Awaited<ReturnType<typeof secretsServer>>;
    let restoreDns: () => void;
    const bundles = bundledHandlers();

    before(async function () {
        aws = await startLocalAws();
        tables = await aws.createTables(uniqueName("bundled"));
        buckets = { raw: await aws.createBucket(uniqueName("raw")), features: await aws.createBucket(uniqueName("features")) };
        const names = { ingested: uniqueName("raw-signals"), scored: uniqueName("scored-signals") };
        const [ingested, scored] = await Promise.all([aws.createQueue(names.ingested), aws.createQueue(names.scored)]);
        queues = { ingested: ingested!, scored: scored! };
        db = aws.documentClient();
        s3 = aws.s3Client();
        sqs = aws.sqsClient();
        await seedEntities(db, tables["tracked-entities"]!);
        await seedAgents(db, tables["agents-config"]!, { "news.rss": 0.6 });
        sources = await sourceServer({ "/feeds/companies.xml": () => ({ status: 200, contentType: "application/rss+xml", body: FEED }) });
        secrets = await secretsServer({ [PSEUDONYM_SECRET_ARN]: JSON.stringify({ key: PSEUDONYM_KEY.toString("base64") }) });
        const { interceptLocalhostDns } = await import("fauxqs");
        restoreDns = interceptLocalhostDns();

        // What Lambda gives a function: region and the execution role's credentials as variables, nothing else.
        const lambdaEnv = {
            ...localAwsVariables(aws, secrets.base),
            AWS_SESSION_TOKEN: "local-session",
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
        // zod's httpUrl (SOURCES_CONFIG) wants a domain name: *.localhost resolves to 127.0.0.1 (fauxqs' interception).
        const feed = `${sources.base.replace("127.0.0.1", "sources.localhost")}/feeds/companies.xml`;
        handlers.ingestNews = await bundles.load("ingest-news", {
            ...lambdaEnv,
            POWERTOOLS_SERVICE_NAME: "ingest-news",
            RAW_DATA_BUCKET: buckets.raw,
            NEXT_QUEUE_URL: queueUrlOf(names.ingested),
            SOURCES_CONFIG: JSON.stringify({ news: { rss: { feeds: [feed] } } }),
        });
        handlers.score = await bundles.load("score", {
            ...lambdaEnv,
            POWERTOOLS_SERVICE_NAME: "score",
            FEATURES_BUCKET: buckets.features,
            NEXT_QUEUE_URL: queueUrlOf(names.scored),
        });
        // The SDK reads region and credentials per request: the shared part of the environment stays, as in Lambda.
        bundles.useEnvironment(lambdaEnv);
    });

    const handlers: Record<"ingestNews" | "score", BundledHandler> = {} as never;

    after(async function () {
        restoreDns?.();
        bundles.restore();
        await sources?.close();
        await secrets?.close();
    });

    it("ingest-news (bundled) reads the feed, stores raw payload and signals, reads the pseudonym secret, queues the keys", async function () {
        const context = { awsRequestId: "bundled-news-1", getRemainingTimeInMillis: () => 120_000 } as unknown as Context;
        const { lines } = await capturing(() => handlers.ingestNews({ task: "ingest", source: "news" }, context));
        expect(lines.find((line) => line["message"] === "ingest finished")).to.include({
            payloads: 1,
            created: 3,
            rejected: 0,
            messages: 1,
        });

        const [rawKey, ...others] = await listKeys(s3, buckets.raw, "news/rss/");
        expect(others).to.deep.equal([]);
        expect((await getObject(s3, buckets.raw, rawKey!)).body).to.equal(FEED);
        const signals = (await scanAll(db, tables["signals"]!)).filter((item) => item["agent"] === "news.rss");
        expect(signals).to.have.length(3);
        expect(signals.every((item) => item["rawObjectKey"] === rawKey)).to.equal(true);
        expect(secrets.reads).to.include(PSEUDONYM_SECRET_ARN);

        const received = await receiveAll(sqs, queues.ingested.url, 1);
        const message = signalsIngestedMessageSchema.parse(JSON.parse(received[0]!.Body!));
        expect(message.correlationId).to.equal("bundled-news-1");
        expect(message.signalKeys).to.have.deep.members(signals.map((item) => ({ pk: item["pk"], sk: item["sk"] })));

        // score (bundled) consumes that message: reads the signals, saves scores and features, sends them on.
        const { result } = await capturing(() => handlers.score(sqsEventOf(received, queues.ingested.arn)) as Promise<SQSBatchResponse>);
        expect(result.batchItemFailures).to.deep.equal([]);
        const scored = (await scanAll(db, tables["signals"]!)).filter((item) => item["agent"] === "news.rss");
        expect(scored.every((item) => (item["score"] as { scorer?: string } | undefined)?.scorer === "lexicon-v1")).to.equal(true);
        expect(await listKeys(s3, buckets.features, "signals/")).to.have.length(3);
        const [next] = await receiveAll(sqs, queues.scored.url, 1);
        expect(signalsScoredMessageSchema.parse(JSON.parse(next!.Body!)).signalKeys).to.have.deep.members(message.signalKeys);
    });
});
