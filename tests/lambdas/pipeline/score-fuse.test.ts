import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoAgentConfigRepository } from "../../../lambdas/adapters/dynamo-agent-config-repository";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import type { S3Http } from "../../../lambdas/adapters/s3-http";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { SqsPublisher } from "../../../lambdas/adapters/sqs-publisher";
import { createFuseService } from "../../../lambdas/app/fuse";
import { featuresObjectKey } from "../../../lambdas/app/keys";
import { createScoreService } from "../../../lambdas/app/score";
import { fusedSignalSchema } from "../../../lambdas/domain/fusion";
import { signalKey } from "../../../lambdas/domain/ingestion";
import { candidateFusedMessageSchema, signalsScoredMessageSchema } from "../../../lambdas/domain/messages";
import { lexiconScorer } from "../../../lambdas/domain/scoring";
import type { Signal, SignalScore } from "../../../lambdas/domain/signals";
import { recordingMetrics } from "../../../lambdas/shared/metrics";
import { startLocalAws } from "../../support/localAws";
import { uniqueName } from "../adapters/fixtures";
import { getObject, listKeys, memoryLogger, receiveAll, seedAgents } from "./support";

const NOW = new Date("2026-11-23T12:00:00.000Z");
const MINUTE = 60_000;

let counter = 0;
function makeSignal(asset: string, minutesAgo: number, text: string, overrides: Partial<Signal> = {}): Signal {
    const n = ++counter;
    const fields = {
        asset,
        agent: "social.reddit",
        channel: "social" as const,
        source: "reddit" as const,
        sourceId: `reddit:t3_sf${n}`,
        ts: new Date(NOW.getTime() - minutesAgo * MINUTE).toISOString(),
        url: `https://www.reddit.com/r/stocks/comments/sf${n}`,
        text,
        rawObjectKey: `social/reddit/2026/11/23/11/sf${n}.json`,
        ingestedAt: NOW.toISOString(),
        expiresAt: 1_900_000_000,
        ...overrides,
    };
    return { ...signalKey(fields), ...fields } as Signal;
}

function scored(value: number, confidence: number): SignalScore {
    return {
        score: value,
        confidence,
        factors: { sentiment: value, credibility: 0.8, recency: 1, engagement: 0.5, novelty: 1 },
        evidence: [],
        scorer: "lexicon-v1",
        scoredAt: NOW.toISOString(),
    };
}

describe("score and fuse (app services on DynamoDB Local and fauxqs)", function () {
    let db: DynamoDBDocumentClient;
    let s3: S3Client;
    let s3Http: S3Http;
    let sqs: SQSClient;
    let signals: DynamoSignalRepository;
    let tables: Record<string, string>;
    let featuresBucket: string;
    let curatedBucket: string;
    let scoredQueue: string;
    let fusedQueue: string;

    before(async function () {
        const aws = await startLocalAws();
        tables = await aws.createTables(uniqueName("scorefuse"));
        [featuresBucket, curatedBucket] = await Promise.all([
            aws.createBucket(uniqueName("features")),
            aws.createBucket(uniqueName("curated")),
        ]);
        [scoredQueue, fusedQueue] = (await Promise.all([aws.createQueue(uniqueName("scored")), aws.createQueue(uniqueName("fused"))])).map(
            (queue) => queue.url,
        );
        db = aws.documentClient();
        s3 = aws.s3Client();
        s3Http = aws.s3Http();
        sqs = aws.sqsClient();
        signals = new DynamoSignalRepository(tables["signals"]!, db);
        await seedAgents(db, tables["agents-config"]!, { "social.reddit": 0.8, "news.rss": 0.6 });
    });

    describe("score", function () {
        function scoreService() {
            const metrics = recordingMetrics();
            const agents = new DynamoAgentConfigRepository(tables["agents-config"]!, db);
            const service = createScoreService({
                signals,
                agents: () => agents.latestActive(),
                scorer: lexiconScorer,
                features: new S3RawStore(featuresBucket, s3Http),
                publisher: new SqsPublisher(sqs),
                queueUrl: scoredQueue,
                metrics,
                logger: memoryLogger().logger,
                noveltyWindowMs: 24 * 3_600_000,
                now: () => NOW,
            });
            return { service, metrics };
        }

        it("saves each score, writes its features record and sends the keys on to fusion", async function () {
            const bullish = makeSignal("AAPL", 30, "Apple beats estimates with record revenue, strong buy");
            const bearish = makeSignal("MSFT", 20, "Microsoft misses, guidance cut, downgrade", {
                agent: "news.rss",
                channel: "news",
                source: "rss",
            });
            await signals.putManyIfNew([bullish, bearish]);
            const { service, metrics } = scoreService();

            const result = await service.scoreKeys(
                [
                    { pk: bullish.pk, sk: bullish.sk },
                    { pk: bearish.pk, sk: bearish.sk },
                ],
                { correlationId: "score-1" },
            );

            expect(result.missing).to.deep.equal([]);
            const [storedBull, storedBear] = await signals.get([bullish, bearish].map(({ pk, sk }) => ({ pk, sk })));
            expect(storedBull!.score!.score).to.be.greaterThan(0.3);
            expect(storedBull!.score!.factors.credibility).to.equal(0.8);
            expect(storedBear!.score!.score).to.be.lessThan(-0.2);
            expect(storedBear!.score!.factors.credibility).to.equal(0.6);
            expect(storedBull!.score).to.deep.equal(result.scored[0]!.score);

            const features = JSON.parse((await getObject(s3, featuresBucket, featuresObjectKey(bullish))).body);
            expect(featuresObjectKey(bullish)).to.match(/^signals\/2026\/11\/23\/AAPL\//);
            expect(features).to.include({ asset: "AAPL", agent: "social.reddit", similarCount: 0, correlationId: "score-1" });
            expect(features.score).to.deep.equal(storedBull!.score);
            expect(features).to.not.have.property("text");

            const [message] = await receiveAll(sqs, scoredQueue, 1);
            const scoredMessage = signalsScoredMessageSchema.parse(JSON.parse(message!.Body!));
            expect(scoredMessage.correlationId).to.equal("score-1");
            expect(scoredMessage.signalKeys).to.deep.equal(result.scored.map((entry) => entry.key));
            expect(metrics.counts).to.deep.include.members([
                { name: "SignalsScored", value: 1, dimensions: { Channel: "social" } },
                { name: "SignalsScored", value: 1, dimensions: { Channel: "news" } },
            ]);
        });

        it("discounts copies of a text seen earlier for the same asset (novelty)", async function () {
            const first = makeSignal("NVDA", 50, "Nvidia raises guidance again");
            const copy = makeSignal("NVDA", 40, "NVIDIA raises guidance again!!", { agent: "social.mastodon", source: "mastodon" });
            await signals.putManyIfNew([first, copy]);
            const { service } = scoreService();
            // Scored in two messages, the copy first: novelty depends on publication order, not on scoring order.
            const [copyScored] = (await service.scoreKeys([{ pk: copy.pk, sk: copy.sk }], { correlationId: "n-1" })).scored;
            const [firstScored] = (await service.scoreKeys([{ pk: first.pk, sk: first.sk }], { correlationId: "n-2" })).scored;
            expect(firstScored!.similarCount).to.equal(0);
            expect(firstScored!.score.factors.novelty).to.equal(1);
            expect(copyScored!.similarCount).to.equal(1);
            expect(copyScored!.score.factors.novelty).to.equal(0.5);
            await receiveAll(sqs, scoredQueue, 2);
        });

        it("reports keys without a stored signal as missing and sends nothing for them", async function () {
            const { service } = scoreService();
            const ghost = signalKey({ asset: "AAPL", ts: NOW.toISOString(), agent: "social.reddit", sourceId: "reddit:t3_ghost" });
            const result = await service.scoreKeys([ghost], { correlationId: "ghost" });
            expect(result).to.deep.equal({ scored: [], missing: [ghost], messages: 0 });
            expect(await receiveAll(sqs, scoredQueue)).to.have.length(0);
        });
    });

    describe("fuse", function () {
        function fuseService(minAbsScore = 0.05) {
            const metrics = recordingMetrics();
            const agents = new DynamoAgentConfigRepository(tables["agents-config"]!, db);
            const service = createFuseService({
                signals,
                agents: () => agents.latestActive(),
                curated: new S3RawStore(curatedBucket, s3Http),
                publisher: new SqsPublisher(sqs),
                queueUrl: fusedQueue,
                metrics,
                logger: memoryLogger().logger,
                windowMs: 60 * MINUTE,
                baselineWindows: 3,
                minAbsScore,
                positionSize: { notional: 2500, currency: "EUR" },
                now: () => NOW,
            });
            return { service, metrics };
        }

        it("turns a window of strongly positive signals into a buy candidate with its fused view and curated record", async function () {
            const window = [
                makeSignal("BULL", 10, "a", { score: scored(0.7, 0.8) }),
                makeSignal("BULL", 20, "b", { score: scored(0.6, 0.7) }),
                makeSignal("BULL", 30, "c", { agent: "news.rss", channel: "news", source: "rss", score: scored(0.8, 0.9) }),
                // Earlier windows: the baseline.
                makeSignal("BULL", 90, "d", { score: scored(0.1, 0.5) }),
                makeSignal("BULL", 150, "e", { score: scored(-0.1, 0.5) }),
                // Not scored yet, and an agent without configuration: neither counts.
                makeSignal("BULL", 15, "f"),
                makeSignal("BULL", 12, "g", { agent: "social.stocktwits", source: "stocktwits", score: scored(-1, 1) }),
            ];
            await signals.putManyIfNew(window);
            const { service, metrics } = fuseService();

            const [outcome] = await service.fuseAssets(["BULL", "BULL"], { correlationId: "fuse-1" });

            expect(outcome!.fused).to.not.equal(null);
            expect(outcome!.fused!.count).to.equal(3);
            expect(outcome!.fused!.weightedScore).to.be.greaterThan(0.6);
            expect(outcome!.baseline).to.deep.equal({ mean: 0, count: 2 });
            expect(outcome!.fused!.baselineDelta).to.be.closeTo(outcome!.fused!.weightedScore, 1e-12);
            expect(outcome!.candidate).to.deep.equal({
                asset: "BULL",
                side: "buy",
                size: { notional: 2500, currency: "EUR" },
                confidence: outcome!.fused!.confidence,
            });

            const curated = JSON.parse((await getObject(s3, curatedBucket, outcome!.curatedKey!)).body);
            expect(outcome!.curatedKey).to.equal("fused/2026/11/23/BULL/20261123T120000000Z.json");
            expect(curated.fused).to.deep.equal(outcome!.fused);
            expect(curated.signalKeys).to.have.length(3);
            expect(curated.weights).to.deep.equal({ "news.rss": 0.6, "social.reddit": 0.8 });

            const messages = await receiveAll(sqs, fusedQueue, 1);
            expect(messages).to.have.length(1);
            const body = JSON.parse(messages[0]!.Body!);
            const message = candidateFusedMessageSchema.parse(body);
            expect(message.candidate).to.deep.equal(outcome!.candidate);
            expect(message.signalKeys).to.have.deep.members(curated.signalKeys);
            expect(fusedSignalSchema.parse(body.fused)).to.deep.equal(outcome!.fused);
            expect(metrics.counts).to.deep.equal([{ name: "CandidatesFused", value: 1 }]);
        });

        it("produces no fused view and no candidate for an empty window", async function () {
            await signals.putManyIfNew([makeSignal("QUIET", 200, "old", { score: scored(0.9, 0.9) })]);
            const { service, metrics } = fuseService();
            const [quiet, none] = await service.fuseAssets(["QUIET", "NONE"], { correlationId: "fuse-2" });
            expect(quiet).to.deep.include({ asset: "QUIET", fused: null });
            expect(none).to.deep.include({ asset: "NONE", fused: null, baseline: { mean: 0, count: 0 } });
            expect(await listKeys(s3, curatedBucket, "fused/2026/11/23/QUIET/")).to.deep.equal([]);
            expect(await receiveAll(sqs, fusedQueue)).to.have.length(0);
            expect(metrics.counts).to.deep.equal([]);
        });

        it("keeps a weak fused view in the curated bucket but sends no candidate; a negative one is a sell", async function () {
            await signals.putManyIfNew([
                makeSignal("WEAK", 5, "w", { score: scored(0.02, 0.9) }),
                makeSignal("BEAR", 5, "x", { score: scored(-0.5, 0.9) }),
            ]);
            const { service } = fuseService(0.05);
            const [weak, bear] = await service.fuseAssets(["WEAK", "BEAR"], { correlationId: "fuse-3" });
            expect(weak!.fused!.weightedScore).to.be.closeTo(0.02, 1e-12);
            expect(weak!.candidate).to.equal(undefined);
            expect(await listKeys(s3, curatedBucket, "fused/2026/11/23/WEAK/")).to.have.length(1);
            expect(bear!.candidate).to.include({ side: "sell" });
            const messages = await receiveAll(sqs, fusedQueue, 1);
            expect(messages.map((m) => JSON.parse(m.Body!).candidate.asset)).to.deep.equal(["BEAR"]);
        });
    });
});
