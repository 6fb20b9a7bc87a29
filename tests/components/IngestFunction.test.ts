import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import * as pulumi from "@pulumi/pulumi";
import { IngestFunction, withinEnvironmentLimit } from "../../components/IngestFunction";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TABLE_ARN = "arn:aws:dynamodb:eu-central-1:111122223333:table/signals-4f2a9c1";
const QUEUE_ARN = "arn:aws:sqs:eu-central-1:111122223333:raw-signals-8d3e0b7";
const NEXT_QUEUE_ARN = "arn:aws:sqs:eu-central-1:111122223333:scored-signals-19ac4e2";
const DLQ_ARN = "arn:aws:sqs:eu-central-1:111122223333:invocation-failures-77b0f31";
const SECRET_ARN = "arn:aws:secretsmanager:eu-central-1:111122223333:secret:ai-investment/test/llm-api-Ab12Cd";
const BUCKET_ARN = "arn:aws:s3:::features-3c9d0e1f2a4b";

describe("IngestFunction", () => {
    let graph: ResourceGraph;
    let fn: IngestFunction;
    before(async () => {
        const { resources, result } = await runInline(() => {
            const provider = new aws.Provider("aws", { region: "eu-central-1" });
            return new IngestFunction(
                "score",
                {
                    entry: "lambdas/handlers/score.ts",
                    description: "Scores queued signals",
                    memoryMb: 256,
                    timeoutSeconds: 60,
                    logLevel: "INFO",
                    logRetentionDays: 90,
                    kmsKeyArn: KEY_ARN,
                    grants: [
                        { kind: "table", label: "signals", tableArn: TABLE_ARN, access: "read-write", indexes: ["bySourceId"] },
                        { kind: "queue", label: "raw-signals-trigger", queueArn: QUEUE_ARN, access: "consume" },
                        { kind: "queue", label: "scored-signals", queueArn: NEXT_QUEUE_ARN, access: "send" },
                        { kind: "bucket", label: "features", bucketArn: BUCKET_ARN, prefix: "signals/", access: "put" },
                        { kind: "secret", label: "llm-api", secretArn: SECRET_ARN },
                    ],
                    environment: { SIGNALS_TABLE: "signals-4f2a9c1", PROVIDER_SECRET_ARN: SECRET_ARN },
                    reservedConcurrency: 20,
                    deadLetterQueueArn: DLQ_ARN,
                    queueTrigger: { queueArn: QUEUE_ARN },
                    schedules: [
                        { name: "nightly", expression: "cron(0 2 * * ? *)", timezone: "Europe/Zurich", payload: { task: "rescore" } },
                    ],
                },
                { provider },
            );
        });
        graph = new ResourceGraph(resources);
        fn = result;
    });

    const lambda = () => graph.one("aws:lambda/function:Function", "score");
    const policy = () => JSON.parse(graph.one("aws:iam/policy:Policy", "score-policy").inputs.policy);
    const statement = (sid: string) => policy().Statement.find((s: any) => s.Sid === sid);

    it("runs the bundled handler on nodejs24.x arm64 with the configured sizing, tracing and reserved concurrency", async () => {
        expect(lambda().inputs).to.deep.include({
            runtime: "nodejs24.x",
            architectures: ["arm64"],
            handler: "index.handler",
            memorySize: 256,
            timeout: 60,
            reservedConcurrentExecutions: 20,
            tracingConfig: { mode: "Active" },
            deadLetterConfig: { targetArn: DLQ_ARN },
            kmsKeyArn: KEY_ARN,
        });
        const files = Object.keys(lambda().inputs.code.assets);
        expect(files).to.deep.equal(["index.mjs", "index.mjs.map"]);
        expect(await new Promise((resolve) => fn.codeSha256.apply(resolve))).to.match(/^[0-9a-f]{64}$/);
    });

    it("logs JSON at the configured level into its own KMS-encrypted log group with retention", () => {
        const logGroup = graph.one("aws:cloudwatch/logGroup:LogGroup", "score-logs");
        expect(logGroup.inputs).to.include({ name: "/aws/lambda/ai-investment-test-score", retentionInDays: 90, kmsKeyId: KEY_ARN });
        expect(lambda().inputs.loggingConfig).to.deep.equal({
            logFormat: "JSON",
            logGroup: logGroup.outputs.name,
            applicationLogLevel: "INFO",
            systemLogLevel: "INFO",
        });
    });

    it("passes configuration, not secrets, in its environment", () => {
        expect(lambda().inputs.environment.variables).to.deep.equal({
            SIGNALS_TABLE: "signals-4f2a9c1",
            PROVIDER_SECRET_ARN: SECRET_ARN,
            LOG_LEVEL: "INFO",
            POWERTOOLS_SERVICE_NAME: "score",
            NODE_OPTIONS: "--enable-source-maps",
        });
    });

    it("turns each typed grant into exactly the actions it needs on exactly that resource", () => {
        expect(statement("TableSignalsReadWrite")).to.deep.equal({
            Sid: "TableSignalsReadWrite",
            Effect: "Allow",
            Action: [
                "dynamodb:GetItem",
                "dynamodb:BatchGetItem",
                "dynamodb:Query",
                "dynamodb:ConditionCheckItem",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
            ],
            Resource: [TABLE_ARN, `${TABLE_ARN}/index/bySourceId`],
        });
        expect(statement("QueueRawSignalsTriggerConsume").Action).to.deep.equal([
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueAttributes",
        ]);
        expect(statement("QueueScoredSignalsSend")).to.deep.include({
            Action: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
            Resource: NEXT_QUEUE_ARN,
        });
        expect(statement("BucketFeaturesPut")).to.deep.include({ Action: ["s3:PutObject"], Resource: `${BUCKET_ARN}/signals/*` });
        expect(statement("SecretLlmApiRead")).to.deep.include({
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: SECRET_ARN,
        });
        expect(statement("QueueAsyncFailuresSend").Resource).to.equal(DLQ_ARN);
        const logGroupArn = graph.one("aws:cloudwatch/logGroup:LogGroup", "score-logs").outputs.arn;
        expect(statement("LogsOwnWrite")).to.deep.include({
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn}:log-stream:*`,
        });
    });

    it("uses the key only through the services that hold its data, and Resource * only for X-Ray", () => {
        expect(statement("KmsDecrypt")).to.deep.equal({
            Sid: "KmsDecrypt",
            Effect: "Allow",
            Action: ["kms:Decrypt"],
            Resource: KEY_ARN,
            Condition: {
                StringEquals: {
                    "kms:ViaService": [
                        "dynamodb.eu-central-1.amazonaws.com",
                        "lambda.eu-central-1.amazonaws.com",
                        "secretsmanager.eu-central-1.amazonaws.com",
                    ],
                },
            },
        });
        // Sending messages and putting objects also generate data keys — through SQS and S3 only.
        expect(statement("KmsEncrypt")).to.deep.equal({
            Sid: "KmsEncrypt",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: KEY_ARN,
            Condition: { StringEquals: { "kms:ViaService": ["s3.eu-central-1.amazonaws.com", "sqs.eu-central-1.amazonaws.com"] } },
        });
        const wildcard = policy().Statement.filter((s: any) => s.Resource === "*");
        expect(wildcard.map((s: any) => s.Action)).to.deep.equal([["xray:PutTraceSegments", "xray:PutTelemetryRecords"]]);
    });

    it("is assumable by Lambda only", () => {
        const trust = JSON.parse(graph.one("aws:iam/role:Role", "score-role").inputs.assumeRolePolicy);
        expect(trust.Statement).to.deep.equal([
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("consumes its queue with partial batch responses", () => {
        expect(graph.one("aws:lambda/eventSourceMapping:EventSourceMapping", "score-queue-trigger").inputs).to.deep.include({
            eventSourceArn: QUEUE_ARN,
            batchSize: 10,
            functionResponseTypes: ["ReportBatchItemFailures"],
            scalingConfig: { maximumConcurrency: 5 },
        });
    });

    it("is scheduled in Europe/Zurich by a role that may only invoke it, with retries and a DLQ", () => {
        const schedule = graph.one("aws:scheduler/schedule:Schedule", "score-nightly");
        expect(schedule.inputs).to.deep.include({
            scheduleExpression: "cron(0 2 * * ? *)",
            scheduleExpressionTimezone: "Europe/Zurich",
            kmsKeyArn: KEY_ARN,
        });
        expect(schedule.inputs.target).to.deep.include({
            arn: lambda().outputs.arn,
            input: '{"task":"rescore"}',
            deadLetterConfig: { arn: DLQ_ARN },
        });
        const trust = JSON.parse(graph.one("aws:iam/role:Role", "score-scheduler-role").inputs.assumeRolePolicy).Statement[0];
        expect(trust).to.deep.include({
            Principal: { Service: "scheduler.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": "111122223333" } },
        });
        const schedulerPolicy = JSON.parse(graph.one("aws:iam/policy:Policy", "score-scheduler-policy").inputs.policy);
        expect(schedulerPolicy.Statement.find((s: any) => s.Sid === "InvokeScore")).to.deep.include({
            Action: ["lambda:InvokeFunction"],
            Resource: lambda().outputs.arn,
        });
    });

    it("records every grant, including those added after creation", async () => {
        expect(fn.grants.map((g) => g.kind)).to.include.members(["table", "queue", "bucket", "secret", "log-group", "xray", "kms"]);
    });
});

describe("withinEnvironmentLimit (Lambda's 4 KB of environment variables)", () => {
    it("passes an environment that fits, counting a reserve for values only known after deployment", () => {
        const known = { SOURCES_CONFIG: "x".repeat(3000), LOG_LEVEL: "INFO" };
        expect(withinEnvironmentLimit("ingest-news", known)).to.equal(known);
        const withUnknowns = { ...known, SIGNALS_TABLE: pulumi.output("signals-4f2a9c1"), NEXT_QUEUE_URL: pulumi.output("https://q") };
        expect(withinEnvironmentLimit("ingest-news", withUnknowns)).to.equal(withUnknowns);
    });

    it("refuses one that cannot fit, naming the function and the largest variables", () => {
        const tooBig = { RISK_MARKET_DATA: "m".repeat(3500), RISK_LIMITS: "l".repeat(400), PROPOSALS_TABLE: pulumi.output("proposals-1") };
        expect(() => withinEnvironmentLimit("risk-check", tooBig)).to.throw(
            /^Function risk-check: its environment needs about 4\d{3} bytes, more than Lambda's 4096; largest: RISK_MARKET_DATA 3516 B, RISK_LIMITS 411 B, PROPOSALS_TABLE 175 B/,
        );
    });
});
