/** Shared fixtures of the signal-half tests (ingest → score → fuse) on the local servers. */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { ScanCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { TrackedEntity } from "../../../lambdas/domain/signals";
import { DynamoAgentConfigRepository } from "../../../lambdas/adapters/dynamo-agent-config-repository";
import { DynamoEntityRepository } from "../../../lambdas/adapters/dynamo-entity-repository";
import type { Logger } from "../../../lambdas/shared/logger";
import type { LocalAws } from "../../support/localAws";
import { capturingOutput } from "../../support/output";
import { recordingLogger } from "../../support/recording-logger";

export const PSEUDONYM_KEY = randomBytes(32);

export const ENTITIES: TrackedEntity[] = [
    { entityType: "equity", entityId: "aapl", symbol: "AAPL", name: "Apple Inc.", aliases: ["Apple"], cik: "0000320193", active: true },
    {
        entityType: "equity",
        entityId: "msft",
        symbol: "MSFT",
        name: "Microsoft Corporation",
        aliases: ["Microsoft"],
        cik: "0000789019",
        active: true,
    },
    { entityType: "equity", entityId: "tsla", symbol: "TSLA", name: "Tesla, Inc.", aliases: ["Tesla"], active: true },
    { entityType: "equity", entityId: "nvda", symbol: "NVDA", name: "NVIDIA Corporation", aliases: ["Nvidia"], active: true },
];

export async function seedEntities(db: DynamoDBDocumentClient, table: string, entities: readonly TrackedEntity[] = ENTITIES) {
    const repository = new DynamoEntityRepository(table, db);
    for (const entity of entities) await repository.put(entity);
}

export async function seedAgents(db: DynamoDBDocumentClient, table: string, weights: Record<string, number>) {
    const repository = new DynamoAgentConfigRepository(table, db);
    for (const [agentId, weight] of Object.entries(weights)) {
        await repository.publishVersion({
            agentId,
            version: 1,
            status: "active",
            weight,
            updatedAt: "2026-01-01T00:00:00.000Z",
            reason: "initial",
        });
    }
}

/** Log lines as objects, for assertions; nothing reaches stdout. */
export function memoryLogger(): { logger: Logger; entries: Record<string, unknown>[] } {
    return recordingLogger("DEBUG");
}

export type Route = (request: IncomingMessage, body: string) => { status: number; contentType?: string; body: string | Buffer };

/** A real HTTP server on 127.0.0.1 answering by path (query ignored); unknown paths get 404. */
export async function sourceServer(routes: Record<string, Route>) {
    const requests: { path: string; method: string; headers: IncomingMessage["headers"] }[] = [];
    const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const path = (request.url ?? "/").split("?")[0]!;
            requests.push({ path, method: request.method ?? "GET", headers: request.headers });
            const route = routes[path];
            if (route === undefined) {
                response.writeHead(404, { "content-type": "text/plain" }).end("not found");
                return;
            }
            const answer = route(request, Buffer.concat(chunks).toString("utf8"));
            response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" }).end(answer.body);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
        base,
        requests,
        async close() {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

/**
 * A Secrets Manager endpoint (JSON 1.1 protocol, GetSecretValue only) on 127.0.0.1 — neither DynamoDB Local nor fauxqs
 * serves Secrets Manager. Counts the reads, so that a test can see the cache at work.
 */
/**
 * What Lambda gives a function for the AWS SDK and the REST adapters — region and the role's credentials as
 * variables — pointed at the local servers: DynamoDB Local, fauxqs for SQS and S3 (virtual-hosted on
 * <bucket>.s3.localhost, with fauxqs' interceptLocalhostDns), and a Secrets Manager stand-in at `secretsBase`.
 */
export function localAwsVariables(aws: LocalAws, secretsBase: string): Record<string, string> {
    return {
        AWS_REGION: "eu-central-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_ENDPOINT_URL_DYNAMODB: aws.dynamoEndpoint,
        AWS_ENDPOINT_URL_SQS: aws.fauxqsEndpoint,
        AWS_ENDPOINT_URL_S3: `http://s3.localhost:${new URL(aws.fauxqsEndpoint).port}`,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsBase,
    };
}

export async function secretsServer(secrets: Record<string, string>) {
    const reads: string[] = [];
    const server = await sourceServer({
        "/": (request, body) => {
            if (request.headers["x-amz-target"] !== "secretsmanager.GetSecretValue") {
                return {
                    status: 400,
                    contentType: "application/x-amz-json-1.1",
                    body: JSON.stringify({ __type: "InvalidRequestException" }),
                };
            }
            const { SecretId } = JSON.parse(body) as { SecretId: string };
            reads.push(SecretId);
            const value = secrets[SecretId];
            if (value === undefined) {
                return {
                    status: 400,
                    contentType: "application/x-amz-json-1.1",
                    body: JSON.stringify({
                        __type: "ResourceNotFoundException",
                        message: "Secrets Manager can't find the specified secret.",
                    }),
                };
            }
            return {
                status: 200,
                contentType: "application/x-amz-json-1.1",
                body: JSON.stringify({ ARN: SecretId, Name: SecretId.split(":").at(-1), SecretString: value, VersionId: "v1" }),
            };
        },
    });
    return { ...server, reads };
}

export interface ReceivedMessage {
    MessageId?: string;
    ReceiptHandle?: string;
    Body?: string;
    Attributes?: Partial<Record<string, string>>;
}

/** Receives until the queue answers empty and at least `expectAtLeast` messages arrived (or the timeout passed). */
export async function receiveAll(sqs: SQSClient, queueUrl: string, expectAtLeast = 0, timeoutMs = 5_000) {
    const received: ReceivedMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const out = await sqs.send(
            new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, AttributeNames: ["All"] }),
        );
        received.push(...(out.Messages ?? []));
        if ((out.Messages ?? []).length === 0 && (received.length >= expectAtLeast || Date.now() > deadline)) break;
        if ((out.Messages ?? []).length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return received;
}

/** Received messages as the SQS event Lambda would deliver (ReportBatchItemFailures mapping). */
export function sqsEventOf(messages: readonly ReceivedMessage[], queueArn: string): SQSEvent {
    return {
        Records: messages.map((message): SQSRecord => ({
            messageId: message.MessageId!,
            receiptHandle: message.ReceiptHandle!,
            body: message.Body!,
            attributes: {
                ApproximateReceiveCount: message.Attributes?.["ApproximateReceiveCount"] ?? "1",
                SentTimestamp: message.Attributes?.["SentTimestamp"] ?? String(Date.now()),
                SenderId: "local",
                ApproximateFirstReceiveTimestamp: String(Date.now()),
            },
            messageAttributes: {},
            md5OfBody: "",
            eventSource: "aws:sqs",
            eventSourceARN: queueArn,
            awsRegion: "eu-central-1",
        })),
    };
}

export async function listKeys(s3: S3Client, bucket: string, prefix = ""): Promise<string[]> {
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
        keys.push(...(out.Contents ?? []).map((object) => object.Key!));
        ContinuationToken = out.NextContinuationToken;
    } while (ContinuationToken);
    return keys.sort();
}

export async function getObject(s3: S3Client, bucket: string, key: string): Promise<{ body: string; contentType?: string }> {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return { body: await out.Body!.transformToString("utf8"), contentType: out.ContentType };
}

export async function scanAll(db: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
        const out = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
        items.push(...(out.Items ?? []));
        ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
}

/** Runs `action` while collecting the handler's output lines (structured logs and EMF metrics), parsed. */
export async function capturing<T>(action: () => Promise<T>): Promise<{ result: T; lines: Record<string, any>[] }> {
    const { result, lines } = await capturingOutput(action);
    return { result, lines: lines.map((line) => JSON.parse(line)) };
}
