/**
 * End-to-end throughput of the signal half (ingest → score → fuse) on the local servers: DynamoDB Local (JVM) and
 * fauxqs (SQS + S3, in this process), the same as tests/lambdas/pipeline/handlers.test.ts uses.
 *
 *   npx tsx scripts/bench/pipeline.ts
 *
 * The real handlers (shared/*-handler.ts, as lambdas/handlers/* build them) run with an environment like the stack's,
 * the SDK pointed at the local servers through AWS_ENDPOINT_URL_<SERVICE>. One handler instance stands for one warm
 * Lambda container; CONCURRENCY instances of each function run at once:
 *   - ingest-social: CONCURRENCY scheduled runs, each reading its Bluesky searchPosts queries (100 posts each, built
 *     from the recorded fixture's shape) from a local HTTP server: raw payload to S3, pseudonymised signals by
 *     conditional put, keys to the raw-signals queue;
 *   - score and fuse: CONCURRENCY consumers per queue, each receiving batches of ≤ 10 messages and handing them to its
 *     handler as the SQS event Lambda would deliver, then deleting what the handler did not report as failed (like
 *     the event source mapping; its batching window is not simulated).
 * All three stages run at once, as deployed. The clock runs from the first ingest call to the end of the fuse
 * invocation that covered the last signal (its curated write). Timings depend on the machine: nothing asserts on them.
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { readdirSync, readFileSync } from "node:fs";
import type { ClientRequest } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse } from "aws-lambda";
import { mapBounded } from "../../lambdas/adapters/batching";
import { DynamoSignalRepository } from "../../lambdas/adapters/dynamo-signal-repository";
import type { SignalScore, TrackedEntity } from "../../lambdas/domain/signals";
import { apiRoutes } from "../../lambdas/shared/api-schemas";
import { prng } from "./domain";
import { createFuseHandler } from "../../lambdas/shared/fuse-handler";
import { createIngestHandler } from "../../lambdas/shared/ingest-handler";
import { socialSources } from "../../lambdas/sources/social-sources";
import { createScoreHandler } from "../../lambdas/shared/score-handler";
import { makeSignal } from "../../tests/lambdas/adapters/fixtures";
import {
    localAwsVariables,
    PSEUDONYM_KEY,
    secretsServer,
    seedAgents,
    seedEntities,
    sourceServer,
    sqsEventOf,
} from "../../tests/lambdas/pipeline/support";
import { startLocalAws, type LocalAws } from "../../tests/support/localAws";

export interface StageResult {
    signals: number;
    invocations: number;
    /** First invocation start → last invocation end. */
    spanMs: number;
    perSecond: number;
    meanInvocationMs: number;
    /** Share of CONCURRENCY × span the instances spent inside the handler: near 1 means the stage was saturated. */
    busy: number;
}

export interface PipelineBenchResult {
    signals: number;
    concurrency: number;
    /** Whether every ingested signal reached fuse before the time limit, with no failed record. */
    complete: boolean;
    endToEndMs: number;
    endToEndPerSecond: number;
    ingest: StageResult;
    score: StageResult;
    fuse: StageResult;
    /** AWS API requests of the measured pass per signal, by operation. */
    requestsPerSignal: Record<string, number>;
    /** CPU used during the measured pass: this process (handlers, SDK clients, fauxqs) and the DynamoDB Local JVM. */
    cpuSeconds: { node: number; dynamoDbLocal?: number };
    /** Records reported failed, and ERROR log lines (first few kept). */
    failures: number;
    errors: string[];
    /** The storage path alone on the same servers: what this machine allows at most, whatever the handlers do. */
    storageCeiling: StorageCeiling;
    /** Load average (1 min) before and after: the servers and other processes share the machine. */
    loadBefore: number;
    loadAfter: number;
    cpus: number;
}

/**
 * The DynamoDB calls every signal needs in the pipeline's design, issued alone (no handler code, no SQS, no S3) through
 * the real repository on the same DynamoDB Local: ingest's bySourceId query and conditional put, score's conditional
 * update. Its rate is an upper bound for the end-to-end rate on this machine; its CPU per signal says why.
 */
export interface StorageCeiling {
    signals: number;
    perSecond: number;
    /** CPU milliseconds per signal: this process (SDK clients) and the DynamoDB Local JVM. */
    cpuMsPerSignal: { node: number; dynamoDbLocal?: number };
}

const CEILING_SIGNALS = 3_000;
/** Requests in flight in the ceiling run: enough to keep DynamoDB Local saturated. */
const CEILING_IN_FLIGHT = 32;

const POSTS_PER_PAGE = 100;
const PAGES = 30;
const CONCURRENCY = 12;
/** Pages of a warm-up pass (distinct posts, same assets) before the measured one. */
const WARM_UP_PAGES = 4;
/** Give up on the measured pass (and report incomplete) this long after its first ingest call; a third of it for the warm-up. */
const TIME_LIMIT_MS = 90_000;
const ACCOUNT = "123456789012";
const PSEUDONYM_SECRET_ARN = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:ai-investment/pseudonym-key-AbCdEf`;
/** SQS queue URLs must be https in the environment; requests go to AWS_ENDPOINT_URL_SQS (fauxqs routes by path). */
const queueUrlOf = (name: string) => `https://sqs.eu-central-1.amazonaws.com/000000000000/${name}`;

const ENTITIES: TrackedEntity[] = [
    { entityType: "equity", entityId: "aapl", symbol: "AAPL", name: "Apple Inc.", aliases: ["Apple"], active: true },
    { entityType: "equity", entityId: "msft", symbol: "MSFT", name: "Microsoft Corporation", aliases: ["Microsoft"], active: true },
    { entityType: "equity", entityId: "tsla", symbol: "TSLA", name: "Tesla, Inc.", aliases: ["Tesla"], active: true },
    { entityType: "equity", entityId: "nvda", symbol: "NVDA", name: "NVIDIA Corporation", aliases: ["Nvidia"], active: true },
    { entityType: "equity", entityId: "amzn", symbol: "AMZN", name: "Amazon.com, Inc.", aliases: ["Amazon"], active: true },
    { entityType: "equity", entityId: "googl", symbol: "GOOGL", name: "Alphabet Inc.", aliases: ["Alphabet"], active: true },
    { entityType: "equity", entityId: "amd", symbol: "AMD", name: "Advanced Micro Devices, Inc.", aliases: [], active: true },
    { entityType: "equity", entityId: "nflx", symbol: "NFLX", name: "Netflix, Inc.", aliases: ["Netflix"], active: true },
];

const BODIES = [
    "{T} beat estimates, guidance raised 🚀",
    "{T} missed estimates and cut guidance, shares tumble 📉",
    "not bullish on {T} here, too much risk",
    "very strongly bullish on {T} to the moon 🚀🚀",
    "analyst upgrade for {T}, price target raised",
    "{T} downgrade, sees weak demand ahead",
    "{T} reports record revenue and strong margins",
    "holding {T} through earnings, no strong view either way",
    "{T} announces a share buyback program",
    "class action lawsuit filed against {T} over misleading statements",
    "{T} slightly weaker on profit taking, still looks resilient",
    "why is nobody talking about {T} lately",
];

function base32(value: number, length: number): string {
    const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    let out = "";
    for (let i = 0; i < length; i++, value = Math.floor(value / 32)) out = alphabet[value % 32]! + out;
    return out;
}

/**
 * One searchPosts answer per page, in the recorded fixture's shape: 100 distinct posts about one asset (pages cycle
 * through the assets), by a pool of 400 authors, created within the last 50 minutes so that fusion's window sees them.
 */
function searchPages(now: number): Map<string, string> {
    type PostView = Record<string, unknown> & { author: Record<string, unknown>; record: Record<string, unknown> };
    const fixture = JSON.parse(readFileSync(join(__dirname, "../../tests/fixtures/sources/bluesky-search.json"), "utf8")) as {
        posts: PostView[];
    };
    const template = fixture.posts[0]!;
    const random = prng(20_261_123);
    const pages = new Map<string, string>();
    for (let page = 0; page < PAGES + WARM_UP_PAGES; page++) {
        const symbol = ENTITIES[page % ENTITIES.length]!.symbol;
        const query = `$${symbol} p${page}`;
        const posts = Array.from({ length: POSTS_PER_PAGE }, (_, index) => {
            const n = page * POSTS_PER_PAGE + index;
            const author = Math.floor(random() * 400);
            const did = `did:plc:${base32(author * 7919 + 104_729, 24)}`;
            const createdAt = new Date(now - Math.floor(random() * 50 * 60_000)).toISOString();
            const body = BODIES[Math.floor(random() * BODIES.length)]!.replace("{T}", `$${symbol}`);
            return {
                ...template,
                uri: `at://${did}/app.bsky.feed.post/3l${base32(n, 11)}`,
                cid: `bafyrei${base32(n * 31 + 7, 52)}`,
                author: { ...template.author, did, handle: `trader${author}.bsky.social`, displayName: `Trader ${author}` },
                record: { ...template.record, createdAt, text: `${body} (#${n})` },
                likeCount: Math.floor(random() * 300),
                replyCount: Math.floor(random() * 40),
                repostCount: Math.floor(random() * 20),
                indexedAt: createdAt,
            };
        });
        pages.set(query, JSON.stringify({ cursor: String(page + 1), hitsTotal: PAGES * POSTS_PER_PAGE, posts }));
    }
    return pages;
}

function context(requestId: string): Context {
    return { awsRequestId: requestId, getRemainingTimeInMillis: () => 120_000 } as unknown as Context;
}

interface Invocation {
    start: number;
    end: number;
    signals: number;
}

function stageResult(invocations: readonly Invocation[]): StageResult {
    if (invocations.length === 0) return { signals: 0, invocations: 0, spanMs: 0, perSecond: 0, meanInvocationMs: 0, busy: 0 };
    const start = Math.min(...invocations.map((entry) => entry.start));
    const end = Math.max(...invocations.map((entry) => entry.end));
    const signals = invocations.reduce((sum, entry) => sum + entry.signals, 0);
    const busyMs = invocations.reduce((sum, entry) => sum + (entry.end - entry.start), 0);
    const spanMs = end - start;
    return {
        signals,
        invocations: invocations.length,
        spanMs,
        perSecond: spanMs > 0 ? (signals * 1000) / spanMs : 0,
        meanInvocationMs: busyMs / invocations.length,
        busy: spanMs > 0 ? busyMs / (CONCURRENCY * spanMs) : 0,
    };
}

function keysIn(message: Message): number {
    try {
        const keys = (JSON.parse(message.Body ?? "") as { signalKeys?: unknown }).signalKeys;
        return Array.isArray(keys) ? keys.length : 0;
    } catch {
        return 0;
    }
}

/**
 * Handler output goes to stdout and stderr as in Lambda (JSON logs — Powertools writes WARN and ERROR through stderr —
 * and EMF metrics): kept off the terminal, but still produced, so its cost counts. Counts what the bench needs from
 * it: signals created per ingest run, and ERROR lines.
 */
function captureOutput() {
    const streams = [process.stdout, process.stderr];
    const writes = streams.map((stream) => stream.write);
    const state = { created: 0, errors: [] as string[], errorCount: 0 };
    for (const stream of streams)
        stream.write = ((chunk: string | Uint8Array) => {
            for (const line of String(chunk).split("\n")) {
                if (line.includes('"ingest finished"')) state.created += Number((JSON.parse(line) as { created?: number }).created ?? 0);
                else if (line.includes('"level":"ERROR"')) {
                    state.errorCount++;
                    if (state.errors.length < 5) state.errors.push(line.slice(0, 400));
                }
            }
            return true;
        }) as typeof stream.write;
    return { state, restore: () => streams.forEach((stream, index) => (stream.write = writes[index]!)) };
}

/**
 * AWS API requests by operation (DynamoDB/SQS by X-Amz-Target, S3 by method), seen on the diagnostics channels of
 * node:http (the SDK clients) and of undici (fetch: the S3 adapter).
 */
function countRequests(ports: { dynamo: string; fauxqs: string }) {
    const counts = new Map<string, number>();
    const count = (port: string, method: string, target: string | undefined) => {
        let name: string | undefined;
        if (port === ports.dynamo) name = `DynamoDB ${String(target).split(".").at(-1)}`;
        else if (port === ports.fauxqs) name = target === undefined ? `S3 ${method}` : `SQS ${target.split(".").at(-1)}`;
        if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
    };
    const onHttp = (message: unknown) => {
        const request = (message as { request: ClientRequest }).request;
        const host = String(request.getHeader("host") ?? "");
        const target = request.getHeader("x-amz-target");
        count(host.slice(host.lastIndexOf(":") + 1), request.method, target === undefined ? undefined : String(target));
    };
    const onFetch = (message: unknown) => {
        const request = (message as { request: { origin: string; method: string; headers: string[] | string } }).request;
        const headers = Array.isArray(request.headers)
            ? request.headers
            : request.headers.split("\r\n").flatMap((line) => line.split(": "));
        const at = headers.findIndex((header, index) => index % 2 === 0 && header.toLowerCase() === "x-amz-target");
        count(new URL(request.origin).port, request.method, at < 0 ? undefined : headers[at + 1]);
    };
    subscribe("http.client.request.start", onHttp);
    subscribe("undici:request:create", onFetch);
    return {
        counts,
        stop: () => {
            unsubscribe("http.client.request.start", onHttp);
            unsubscribe("undici:request:create", onFetch);
        },
    };
}

/** CPU seconds used so far by the DynamoDB Local JVM listening on `port` (Linux /proc); undefined where not readable. */
function jvmCpuSeconds(port: string): number | undefined {
    try {
        for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
            let cmdline: string;
            try {
                cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
            } catch {
                continue;
            }
            if (!cmdline.startsWith("java\0") || !cmdline.includes(`-port\0${port}`)) continue;
            const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
            // utime and stime (fields 14 and 15), in clock ticks of (almost always) 1/100 s.
            return (Number(fields[11]) + Number(fields[12])) / 100;
        }
    } catch {}
    return undefined;
}

const CEILING_SCORE: SignalScore = {
    score: 0.42,
    confidence: 0.61,
    factors: { sentiment: 0.7, credibility: 0.6, recency: 0.95, engagement: 0.3, novelty: 1 },
    evidence: ["beat estimates", "guidance raised"],
    scorer: "lexicon-v1",
    scoredAt: "2026-11-20T13:00:01.000Z",
};

/** Per signal, the storage calls of ingest and score, CEILING_IN_FLIGHT signals at a time (after the pipeline's passes). */
async function measureStorageCeiling(signals: DynamoSignalRepository, jvmCpu: () => number | undefined): Promise<StorageCeiling> {
    const batch = Array.from({ length: CEILING_SIGNALS }, (_, n) =>
        makeSignal(1_000_000 + n, { asset: ENTITIES[n % ENTITIES.length]!.symbol, agent: "social.bluesky", source: "bluesky" }),
    );
    const nodeBefore = process.cpuUsage();
    const jvmBefore = jvmCpu();
    const start = performance.now();
    await mapBounded(batch, CEILING_IN_FLIGHT, async (signal) => {
        await signals.keysBySourceId(signal.sourceId);
        const [stored] = await signals.putManyIfNew([signal]);
        if (stored?.result !== "created") throw new Error(`storage ceiling: ${signal.sourceId} was not created (${stored?.result})`);
        await signals.saveScore(stored.key, CEILING_SCORE);
    });
    const seconds = (performance.now() - start) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const jvmAfter = jvmCpu();
    return {
        signals: CEILING_SIGNALS,
        perSecond: CEILING_SIGNALS / seconds,
        cpuMsPerSignal: {
            node: (node.user + node.system) / 1000 / CEILING_SIGNALS,
            ...(jvmAfter === undefined || jvmBefore === undefined
                ? {}
                : { dynamoDbLocal: ((jvmAfter - jvmBefore) * 1000) / CEILING_SIGNALS }),
        },
    };
}

/** What one pass (warm-up or measured) collects; the consumers write into the current one. */
interface Pass {
    createdBefore: number;
    ingest: Invocation[];
    score: Invocation[];
    fuse: Invocation[];
    fusedSignals: number;
    failures: number;
    ingestDone: boolean;
    finishedAt?: number;
    done: () => void;
}

export async function benchPipeline(): Promise<PipelineBenchResult> {
    const loadBefore = loadavg()[0]!;
    const aws: LocalAws = await startLocalAws();
    const cleanups: (() => unknown)[] = [() => aws.stop()];
    const savedEnv = { ...process.env };
    let stopped = false;
    try {
        const run = `bench-${process.pid}`;
        const tables = await aws.createTables(run);
        const buckets = {
            raw: await aws.createBucket(`${run}-raw`),
            features: await aws.createBucket(`${run}-features`),
            curated: await aws.createBucket(`${run}-curated`),
        };
        const names = { ingested: `${run}-raw-signals`, scored: `${run}-scored-signals`, fused: `${run}-fused-signals` };
        const [ingested, scored] = await Promise.all([
            aws.createQueue(names.ingested),
            aws.createQueue(names.scored),
            aws.createQueue(names.fused),
        ]);
        const db = aws.documentClient();
        await seedEntities(db, tables["tracked-entities"], ENTITIES);
        await seedAgents(db, tables["agents-config"], { "social.bluesky": 0.6 });

        const pages = searchPages(Date.now());
        const sources = await sourceServer({
            "/xrpc/app.bsky.feed.searchPosts": (request) => {
                const query = new URL(request.url ?? "/", "http://x").searchParams.get("q") ?? "";
                return { status: 200, body: pages.get(query) ?? '{"posts":[]}' };
            },
        });
        cleanups.push(() => sources.close());
        // zod's httpUrl (SOURCES_CONFIG) wants a domain name: *.localhost resolves to 127.0.0.1 below.
        const sourcesBase = sources.base.replace("127.0.0.1", "sources.localhost");
        const secrets = await secretsServer({ [PSEUDONYM_SECRET_ARN]: JSON.stringify({ key: PSEUDONYM_KEY.toString("base64") }) });
        cleanups.push(() => secrets.close());
        // fauxqs serves S3 virtual-hosted style on <bucket>.s3.localhost (the handlers' S3 client is not path style).
        const { interceptLocalhostDns } = await import("fauxqs");
        cleanups.push(interceptLocalhostDns());
        cleanups.push(() => {
            for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
            Object.assign(process.env, savedEnv);
        });
        Object.assign(process.env, localAwsVariables(aws, secrets.base));

        const baseEnv = {
            ENVIRONMENT: "dev",
            LOG_LEVEL: "INFO",
            SERVICE_VERSION: "1.0.0-bench",
            CORS_ALLOWED_ORIGINS: "[]",
            ROUTE_ACCESS: JSON.stringify(Object.fromEntries(Object.keys(apiRoutes).map((route) => [route, ["analyst", "admin"]]))),
            SIGNALS_TABLE: tables["signals"],
            TRACKED_ENTITIES_TABLE: tables["tracked-entities"],
            AGENTS_CONFIG_TABLE: tables["agents-config"],
            PSEUDONYM_SECRET_ARN,
        };
        // Queries dealt round-robin to the ingest containers: 30 pages over 12 → 2 or 3 queries per scheduled run.
        const ingestContainers = (queries: readonly string[], count: number) =>
            Array.from({ length: count }, (_, container) =>
                createIngestHandler(socialSources, undefined, {
                    ...baseEnv,
                    POWERTOOLS_SERVICE_NAME: "ingest-social",
                    RAW_DATA_BUCKET: buckets.raw,
                    NEXT_QUEUE_URL: queueUrlOf(names.ingested),
                    SOURCES_CONFIG: JSON.stringify({
                        social: {
                            bluesky: {
                                queries: queries.filter((_, page) => page % count === container),
                                limit: POSTS_PER_PAGE,
                                appViewUrl: sourcesBase,
                            },
                        },
                    }),
                }),
            );
        const queries = [...pages.keys()];
        const warmUpIngest = ingestContainers(queries.slice(PAGES), WARM_UP_PAGES);
        const measuredIngest = ingestContainers(queries.slice(0, PAGES), CONCURRENCY);
        const scoreHandlers = Array.from({ length: CONCURRENCY }, () =>
            createScoreHandler({
                ...baseEnv,
                POWERTOOLS_SERVICE_NAME: "score",
                FEATURES_BUCKET: buckets.features,
                NEXT_QUEUE_URL: queueUrlOf(names.scored),
            }),
        );
        const fuseHandlers = Array.from({ length: CONCURRENCY }, () =>
            createFuseHandler({
                ...baseEnv,
                POWERTOOLS_SERVICE_NAME: "fuse",
                CURATED_DATA_BUCKET: buckets.curated,
                NEXT_QUEUE_URL: queueUrlOf(names.fused),
            }),
        );

        const capture = captureOutput();
        cleanups.push(capture.restore);
        let current: Pass | undefined;
        const checkDone = (pass: Pass, at: number) => {
            if (pass.ingestDone && pass.finishedAt === undefined && pass.fusedSignals >= capture.state.created - pass.createdBefore) {
                pass.finishedAt = at;
                pass.done();
            }
        };

        /** One consumer = one warm container of the function behind the queue's event source mapping. */
        const consume = async (
            sqs: SQSClient,
            queue: { url: string; arn: string },
            handler: (event: unknown, context?: Context) => Promise<unknown>,
            stage: "score" | "fuse",
        ) => {
            while (!stopped) {
                const out = await sqs.send(
                    new ReceiveMessageCommand({
                        QueueUrl: queue.url,
                        MaxNumberOfMessages: 10,
                        WaitTimeSeconds: 1,
                        AttributeNames: ["All"],
                    }),
                );
                const messages = out.Messages ?? [];
                const pass = current;
                if (messages.length === 0 || pass === undefined) continue;
                const start = performance.now();
                let failed: Set<string>;
                try {
                    const result = (await handler(sqsEventOf(messages, queue.arn), context(`${stage}-${start}`))) as SQSBatchResponse;
                    failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
                } catch (error) {
                    // Lambda would retry the whole batch; the bench counts it and leaves the messages to time out.
                    capture.state.errors.push(`${stage}: ${(error as Error).message}`);
                    failed = new Set(messages.map((message) => message.MessageId!));
                }
                const end = performance.now();
                const done = messages.filter((message) => !failed.has(message.MessageId!));
                pass.failures += failed.size;
                const signals = done.reduce((sum, message) => sum + keysIn(message), 0);
                pass[stage].push({ start, end, signals });
                if (done.length > 0) {
                    await sqs.send(
                        new DeleteMessageBatchCommand({
                            QueueUrl: queue.url,
                            Entries: done.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! })),
                        }),
                    );
                }
                if (stage === "fuse") {
                    pass.fusedSignals += signals;
                    checkDone(pass, end);
                }
            }
        };
        const consumers = [
            ...scoreHandlers.map((handler) => consume(aws.sqsClient(), ingested!, handler, "score")),
            ...fuseHandlers.map((handler) => consume(aws.sqsClient(), scored!, handler, "fuse")),
        ];

        /** Every container's scheduled run at once; resolves when fuse has covered every signal they created. */
        const runPass = async (containers: readonly ((event: unknown, context?: Context) => Promise<unknown>)[], limitMs: number) => {
            let done!: () => void;
            const finished = new Promise<void>((resolve) => (done = resolve));
            const pass: Pass = {
                createdBefore: capture.state.created,
                ingest: [],
                score: [],
                fuse: [],
                fusedSignals: 0,
                failures: 0,
                ingestDone: false,
                done,
            };
            current = pass;
            const t0 = performance.now();
            await mapBounded(containers, containers.length, async (handler, container) => {
                const before = capture.state.created;
                const start = performance.now();
                try {
                    await handler({ task: "ingest", source: "social" }, context(`ingest-${container}`));
                } catch (error) {
                    pass.failures++;
                    capture.state.errors.push(`ingest ${container}: ${(error as Error).message}`);
                }
                // Concurrent runs interleave their logs: the per-run split is approximate, the pass total exact.
                pass.ingest.push({ start, end: performance.now(), signals: capture.state.created - before });
            });
            pass.ingestDone = true;
            checkDone(pass, performance.now());
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, limitMs)))]);
            clearTimeout(timer);
            return { pass, t0, created: capture.state.created - pass.createdBefore };
        };

        // Warm-up: DynamoDB Local's JVM and V8 both run several times slower for their first thousand-odd requests.
        await runPass(warmUpIngest, TIME_LIMIT_MS / 3);
        const requests = countRequests({ dynamo: new URL(aws.dynamoEndpoint).port, fauxqs: new URL(aws.fauxqsEndpoint).port });
        const errorsBefore = capture.state.errorCount;
        const dynamoPort = new URL(aws.dynamoEndpoint).port;
        const cpuBefore = { node: process.cpuUsage(), jvm: jvmCpuSeconds(dynamoPort) };
        const { pass, t0, created } = await runPass(measuredIngest, TIME_LIMIT_MS);
        const nodeCpu = process.cpuUsage(cpuBefore.node);
        const jvmAfter = jvmCpuSeconds(dynamoPort);
        requests.stop();
        current = undefined;
        stopped = true;
        await Promise.all(consumers);
        capture.restore();

        const storageCeiling = await measureStorageCeiling(new DynamoSignalRepository(tables["signals"], db), () =>
            jvmCpuSeconds(dynamoPort),
        );

        const end = pass.finishedAt ?? performance.now();
        const ingest = stageResult(pass.ingest);
        ingest.signals = created;
        ingest.perSecond = ingest.spanMs > 0 ? (created * 1000) / ingest.spanMs : 0;
        const errorLines = capture.state.errorCount - errorsBefore;
        return {
            signals: created,
            concurrency: CONCURRENCY,
            complete: pass.finishedAt !== undefined && pass.failures === 0 && errorLines === 0 && created === PAGES * POSTS_PER_PAGE,
            endToEndMs: end - t0,
            endToEndPerSecond: (pass.fusedSignals * 1000) / (end - t0),
            ingest,
            score: stageResult(pass.score),
            fuse: stageResult(pass.fuse),
            requestsPerSignal: Object.fromEntries(
                [...requests.counts].sort((left, right) => right[1] - left[1]).map(([name, count]) => [name, count / Math.max(1, created)]),
            ),
            cpuSeconds: {
                node: (nodeCpu.user + nodeCpu.system) / 1e6,
                ...(jvmAfter === undefined || cpuBefore.jvm === undefined ? {} : { dynamoDbLocal: jvmAfter - cpuBefore.jvm }),
            },
            storageCeiling,
            failures: pass.failures + errorLines,
            errors: capture.state.errors,
            loadBefore,
            loadAfter: loadavg()[0]!,
            cpus: availableParallelism(),
        };
    } finally {
        stopped = true;
        for (const cleanup of cleanups.reverse()) await cleanup();
    }
}

const rate = (value: number) => Math.round(value).toLocaleString("en-US");

/** The report index.ts prints too. */
export function printPipeline(result: PipelineBenchResult, target: number): void {
    console.log(
        `Pipeline on local servers (DynamoDB Local + fauxqs), ${result.signals.toLocaleString("en-US")} signals, ` +
            `${result.concurrency} concurrent instances per function`,
    );
    console.log(
        `  (${result.concurrency} ingest-social schedule runs of ${Math.floor(PAGES / result.concurrency)}–${Math.ceil(PAGES / result.concurrency)} ` +
            `Bluesky queries × ${POSTS_PER_PAGE} posts; ` +
            `${result.concurrency} score and ${result.concurrency} fuse consumers of SQS batches ≤ 10; stages overlap; after a warm-up pass)`,
    );
    for (const name of ["ingest", "score", "fuse"] as const) {
        const stage = result[name];
        console.log(
            `  ${name.padEnd(11)} ${rate(stage.perSecond).padStart(7)}/s   ${stage.signals} signals in ${(stage.spanMs / 1000).toFixed(1)} s, ` +
                `${stage.invocations} invocations of ${Math.round(stage.meanInvocationMs)} ms mean, busy ${Math.round(stage.busy * 100)}%`,
        );
    }
    console.log(
        `  end to end  ${rate(result.endToEndPerSecond).padStart(7)}/s   (target ≥ ${rate(target)}/s; ${(result.endToEndMs / 1000).toFixed(1)} s ` +
            `from the first ingest call to the last fused write)`,
    );
    const requests = Object.entries(result.requestsPerSignal)
        .filter(([, perSignal]) => perSignal >= 0.01)
        .map(([name, perSignal]) => `${name} ${perSignal.toFixed(2)}`);
    console.log(`  AWS requests per signal: ${requests.join(", ")} (ReceiveMessage: mostly idle consumers' 1 s long polls)`);
    const seconds = result.endToEndMs / 1000;
    const jvm = result.cpuSeconds.dynamoDbLocal;
    console.log(
        `  CPU in the measured pass: this process ${result.cpuSeconds.node.toFixed(1)} s (${(result.cpuSeconds.node / seconds).toFixed(2)} cores, ` +
            `JS is one thread)` +
            (jvm === undefined ? "" : `, DynamoDB Local ${jvm.toFixed(1)} s (${(jvm / seconds).toFixed(2)} cores)`),
    );
    console.log(
        `  machine: ${result.cpus} CPUs shared by this process (handlers + fauxqs), the DynamoDB Local JVM and anything else; ` +
            `load average ${result.loadBefore.toFixed(1)} before, ${result.loadAfter.toFixed(1)} after`,
    );
    const ceiling = result.storageCeiling;
    const cpu = ceiling.cpuMsPerSignal;
    const cpuPerSignal = cpu.node + (cpu.dynamoDbLocal ?? 0);
    console.log(
        `  storage ceiling ${rate(ceiling.perSecond).padStart(3)}/s   ingest's bySourceId query + conditional put and score's conditional update ` +
            `alone (no handler, SQS or S3), ${CEILING_IN_FLIGHT} signals in flight: CPU ${cpuPerSignal.toFixed(1)} ms/signal ` +
            `(SDK ${cpu.node.toFixed(1)}` +
            (cpu.dynamoDbLocal === undefined ? "" : `, DynamoDB Local ${cpu.dynamoDbLocal.toFixed(1)}`) +
            `) → at most ~${rate((result.cpus * 1000) / cpuPerSignal)}/s on ${result.cpus} cores`,
    );
    if (!result.complete) console.log(`  INCOMPLETE: ${result.failures} failed records or error lines; ${result.errors.join("\n    ")}`);
}

export const PIPELINE_TARGET_PER_SECOND = 1_000;

if (require.main === module) {
    benchPipeline().then(
        (result) => {
            printPipeline(result, PIPELINE_TARGET_PER_SECOND);
            process.exit(result.complete && result.endToEndPerSecond >= PIPELINE_TARGET_PER_SECOND ? 0 : 1);
        },
        (error) => {
            console.error(error);
            process.exit(2);
        },
    );
}
