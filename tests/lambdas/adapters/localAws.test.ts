import { DescribeTableCommand, DescribeTimeToLiveCommand, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { ReceiveMessageCommand, SendMessageCommand } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import type { TableName } from "../../../stacks/data";
import { type LocalAws, startLocalAws } from "../../support/localAws";

describe("local AWS harness", function () {
    let aws: LocalAws;
    let tables: Record<TableName, string>;

    before(async function () {
        aws = await startLocalAws();
        tables = await aws.createTables("harness");
        console.log(`      local servers started: DynamoDB Local ${aws.startupMs.dynamodb} ms, fauxqs ${aws.startupMs.fauxqs} ms`);
    });

    it("is one pair of servers per process", async function () {
        expect(await startLocalAws()).to.equal(aws);
        expect(aws.dynamoEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(aws.fauxqsEndpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    });

    it("creates every designed table with its keys, GSIs and projections", async function () {
        const signals = (await aws.dynamoClient().send(new DescribeTableCommand({ TableName: tables.signals }))).Table!;
        expect(signals.KeySchema).to.deep.equal([
            { AttributeName: "pk", KeyType: "HASH" },
            { AttributeName: "sk", KeyType: "RANGE" },
        ]);
        const projections = Object.fromEntries(
            signals.GlobalSecondaryIndexes!.map((gsi) => [gsi.IndexName, gsi.Projection!.ProjectionType]),
        );
        expect(projections).to.deep.equal({ bySourceId: "KEYS_ONLY", byAgent: "ALL", byAuthor: "KEYS_ONLY" });
        const agents = (await aws.dynamoClient().send(new DescribeTableCommand({ TableName: tables["agents-config"] }))).Table!;
        expect(agents.AttributeDefinitions).to.deep.include({ AttributeName: "version", AttributeType: "S" });
    });

    it("enables TTL on the attribute of the design, and only there", async function () {
        const ttl = async (table: string) =>
            (await aws.dynamoClient().send(new DescribeTimeToLiveCommand({ TableName: table }))).TimeToLiveDescription;
        expect(await ttl(tables.signals)).to.deep.equal({ TimeToLiveStatus: "ENABLED", AttributeName: "expiresAt" });
        expect(await ttl(tables.connections)).to.deep.equal({ TimeToLiveStatus: "ENABLED", AttributeName: "ttl" });
        expect((await ttl(tables.proposals))?.TimeToLiveStatus).to.equal("DISABLED");
    });

    it("cancels the whole transaction when one condition fails", async function () {
        const db = aws.documentClient();
        const table = tables["tracked-entities"];
        await db.send(
            new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { entityType: "crypto", entityId: "eth" } } }] }),
        );
        const error = await db
            .send(
                new TransactWriteCommand({
                    TransactItems: [
                        { Put: { TableName: table, Item: { entityType: "crypto", entityId: "btc" } } },
                        {
                            Put: {
                                TableName: table,
                                Item: { entityType: "crypto", entityId: "eth" },
                                ConditionExpression: "attribute_not_exists(entityId)",
                            },
                        },
                    ],
                }),
            )
            .then(
                () => undefined,
                (e: unknown) => e,
            );
        expect(error).to.be.instanceOf(TransactionCanceledException);
        expect((error as TransactionCanceledException).CancellationReasons!.map((r) => r.Code)).to.deep.equal([
            "None",
            "ConditionalCheckFailed",
        ]);
        const btc = await db.send(new GetCommand({ TableName: table, Key: { entityType: "crypto", entityId: "btc" } }));
        expect(btc.Item).to.equal(undefined);
    });

    it("moves a message to the DLQ after maxReceiveCount receives", async function () {
        const sqs = aws.sqsClient();
        const queue = await aws.createQueue("harness-redrive", { dlq: true, maxReceiveCount: 2, visibilityTimeout: 30 });
        expect(queue.dlqUrl).to.be.a("string");
        await sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: "poison" }));
        // VisibilityTimeout 0 on receive makes the message visible again at once: each receive counts.
        for (let i = 0; i < 2; i++) {
            const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, VisibilityTimeout: 0, MaxNumberOfMessages: 1 }));
            expect(got.Messages?.map((m) => m.Body)).to.deep.equal(["poison"]);
        }
        const third = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, VisibilityTimeout: 0 }));
        expect(third.Messages ?? []).to.have.length(0);
        const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl!, WaitTimeSeconds: 1 }));
        expect(dead.Messages?.map((m) => m.Body)).to.deep.equal(["poison"]);
    });

    it("round-trips S3 put, get, list and delete", async function () {
        const s3 = aws.s3Client();
        const bucket = await aws.createBucket("harness-bucket");
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a/1.json", Body: '{"x":1}', ContentType: "application/json" }));
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a/2.json", Body: '{"x":2}' }));
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "a/1.json" }));
        expect(await got.Body!.transformToString()).to.equal('{"x":1}');
        expect(got.ContentType).to.equal("application/json");
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "a/" }));
        expect(listed.Contents?.map((o) => o.Key)).to.deep.equal(["a/1.json", "a/2.json"]);
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "a/1.json" }));
        const remaining = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "a/" }));
        expect(remaining.Contents?.map((o) => o.Key)).to.deep.equal(["a/2.json"]);
    });
});
