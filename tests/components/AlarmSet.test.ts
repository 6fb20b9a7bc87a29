import { createHash } from "node:crypto";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import type { RecordedResource } from "../../offline/engine";
import { AlarmSet, type AlarmKind } from "../../components/AlarmSet";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
/** The alarm names of a rule `ALARM("a") OR ALARM("b")`, checking that nothing else is in it. */
const ruleMembers = (rule: string): string[] => {
    const terms = rule.split(" OR ");
    for (const term of terms) expect(term).to.match(/^ALARM\("[^"]+"\)$/);
    return terms.map((term) => term.slice('ALARM("'.length, -'")'.length));
};
const EMAILS = ["oncall@example.com", "cto@example.com"];

describe("AlarmSet", () => {
    let graph: ResourceGraph;
    let alarmNames: Record<AlarmKind, string[]>;
    let topicArn: string;
    const alarm = (suffix: string): RecordedResource => graph.one(ALARM, `alarms-${suffix}`);

    before(async () => {
        const { result, resources } = await runInline(() => {
            const set = new AlarmSet("alarms", {
                kmsKeyArn: KEY_ARN,
                alertEmails: EMAILS,
                functions: [
                    { name: "score", functionName: "ai-investment-test-score", timeoutSeconds: 60, pipeline: true, servesApi: true },
                    { name: "ingest-news", functionName: "ai-investment-test-ingest-news", timeoutSeconds: 30, pipeline: true },
                    { name: "health", functionName: "ai-investment-test-health", timeoutSeconds: 10, servesApi: true },
                ],
                queues: [{ name: "signals", queueName: "signals-abc", deadLetterQueueName: "signals-dlq-abc" }],
                restApis: [{ name: "public", apiName: "ai-investment-test-api", stageName: "v1" }],
                tables: [{ name: "proposals", tableName: "proposals-abc" }],
            });
            return set;
        });
        graph = new ResourceGraph(resources);
        const unwrap = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
        topicArn = await unwrap(result.topicArn);
        alarmNames = (await unwrap(pulumi.output(result.alarmNames))) as Record<AlarmKind, string[]>;
    });

    it("creates 3 alarms per function, 2 per queue, 2 per API and 1 per table", () => {
        expect(graph.ofType(ALARM)).to.have.length(3 * 3 + 2 + 2 + 1);
        expect(alarmNames["function-errors"]).to.deep.equal([
            "ai-investment-test-score-function-errors",
            "ai-investment-test-ingest-news-function-errors",
            "ai-investment-test-health-function-errors",
        ]);
        expect(alarmNames["api-5xx-rate"]).to.deep.equal(["ai-investment-test-public-api-5xx-rate"]);
        expect(Object.values(alarmNames).flat()).to.have.length(14);
    });

    it("alarms on the 5xx rate above 5 % over 5 minutes with metric math over 5XXError and Count", () => {
        const a = alarm("public-api-5xx-rate").inputs;
        expect(a).to.include({ comparisonOperator: "GreaterThanThreshold", threshold: 5, evaluationPeriods: 1 });
        const queries: any[] = a.metricQueries;
        const expression = queries.find((q) => q.expression);
        expect(expression.returnData).to.equal(true);
        const metrics = queries.filter((q) => q.metric);
        expect(metrics.map((q) => q.metric.metricName).sort()).to.deep.equal(["5XXError", "Count"]);
        for (const q of metrics) {
            expect(q.metric).to.deep.include({ namespace: "AWS/ApiGateway", period: 300, stat: "Sum" });
            expect(q.metric.dimensions).to.deep.equal({ ApiName: "ai-investment-test-api", Stage: "v1" });
            expect(expression.expression).to.contain(q.id);
        }
        expect(expression.expression).to.match(/100 \* m5xx \/ mCount/);
    });

    it("alarms on p95 latency above 2000 ms for 2 × 5 minutes", () => {
        expect(alarm("public-api-latency").inputs).to.include({
            metricName: "Latency",
            extendedStatistic: "p95",
            threshold: 2000,
            period: 300,
            evaluationPeriods: 2,
            datapointsToAlarm: 2,
            comparisonOperator: "GreaterThanThreshold",
        });
    });

    it("alarms as soon as the DLQ holds a message for 1 minute, and on a stale work queue", () => {
        const dlq = alarm("signals-dlq-messages").inputs;
        expect(dlq).to.include({
            metricName: "ApproximateNumberOfMessagesVisible",
            threshold: 0,
            period: 60,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanThreshold",
        });
        expect(dlq.dimensions).to.deep.equal({ QueueName: "signals-dlq-abc" });
        const age = alarm("signals-queue-age").inputs;
        expect(age).to.include({ metricName: "ApproximateAgeOfOldestMessage", threshold: 900, period: 300, evaluationPeriods: 3 });
        expect(age.dimensions).to.deep.equal({ QueueName: "signals-abc" });
    });

    it("follows seed 001 for function errors and throttles and scales the duration alarm to the timeout", () => {
        expect(alarm("score-function-errors").inputs).to.include({
            metricName: "Errors",
            statistic: "Sum",
            threshold: 5,
            period: 300,
            comparisonOperator: "GreaterThanThreshold",
        });
        expect(alarm("score-function-errors").inputs.dimensions).to.deep.equal({ FunctionName: "ai-investment-test-score" });
        expect(alarm("score-function-throttles").inputs).to.include({
            metricName: "Throttles",
            threshold: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        });
        expect(alarm("score-function-duration").inputs).to.include({ extendedStatistic: "p95", threshold: 48000, evaluationPeriods: 3 });
        expect(alarm("ingest-news-function-duration").inputs.threshold).to.equal(24000);
    });

    it("alarms on any DynamoDB read or write throttle", () => {
        const a = alarm("proposals-table-throttles").inputs;
        expect(a).to.include({ threshold: 0, comparisonOperator: "GreaterThanThreshold" });
        const names = a.metricQueries
            .filter((q: any) => q.metric)
            .map((q: any) => q.metric.metricName)
            .sort();
        expect(names).to.deep.equal(["ReadThrottleEvents", "WriteThrottleEvents"]);
        expect(a.metricQueries.every((q: any) => !q.metric || q.metric.dimensions.TableName === "proposals-abc")).to.equal(true);
    });

    it("sends every alarm's ALARM and OK transitions to the topic, with a description, missing data not breaching", () => {
        for (const a of graph.ofType(ALARM)) {
            expect(a.inputs.alarmActions, a.name).to.deep.equal([topicArn]);
            expect(a.inputs.okActions, a.name).to.deep.equal([topicArn]);
            expect(a.inputs.actionsEnabled, a.name).to.equal(true);
            expect(a.inputs.treatMissingData, a.name).to.equal("notBreaching");
            expect(a.inputs.alarmDescription, a.name).to.be.a("string").with.length.above(40);
        }
    });

    it("pages once per pipeline incident: ANY of the pipeline functions' errors/throttles and the queues' alarms", () => {
        const composite = graph.one(COMPOSITE, "alarms-pipeline-degraded").inputs;
        expect(composite.alarmName).to.equal("ai-investment-test-pipeline-degraded");
        expect(ruleMembers(composite.alarmRule).sort()).to.deep.equal(
            [
                "ai-investment-test-score-function-errors",
                "ai-investment-test-score-function-throttles",
                "ai-investment-test-ingest-news-function-errors",
                "ai-investment-test-ingest-news-function-throttles",
                "ai-investment-test-signals-dlq-messages",
                "ai-investment-test-signals-queue-age",
            ].sort(),
        );
    });

    it("pages once per API incident: ANY of 5xx rate, latency and the errors of the functions behind the API", () => {
        const composite = graph.one(COMPOSITE, "alarms-api-degraded").inputs;
        expect(composite.alarmName).to.equal("ai-investment-test-api-degraded");
        expect(ruleMembers(composite.alarmRule).sort()).to.deep.equal(
            [
                "ai-investment-test-public-api-5xx-rate",
                "ai-investment-test-public-api-latency",
                "ai-investment-test-score-function-errors",
                "ai-investment-test-health-function-errors",
            ].sort(),
        );
    });

    it("sends the composites' ALARM and OK transitions to the topic, and every member rule names a real alarm", () => {
        const composites = graph.ofType(COMPOSITE);
        expect(composites).to.have.length(2);
        const existing = new Set(Object.values(alarmNames).flat());
        for (const c of composites) {
            expect(c.inputs.alarmActions, c.name).to.deep.equal([topicArn]);
            expect(c.inputs.okActions, c.name).to.deep.equal([topicArn]);
            expect(c.inputs.actionsEnabled, c.name).to.equal(true);
            expect(c.inputs.alarmDescription, c.name).to.be.a("string").with.length.above(40);
            for (const member of ruleMembers(c.inputs.alarmRule)) expect(existing.has(member), member).to.equal(true);
        }
    });

    it("encrypts the topic with the key and subscribes each address once", () => {
        const topic = graph.one("aws:sns/topic:Topic", "alarms-topic");
        expect(topic.inputs.kmsMasterKeyId).to.equal(KEY_ARN);
        expect(topic.outputs.arn).to.equal(topicArn);
        const subs = graph.ofType("aws:sns/topicSubscription:TopicSubscription");
        expect(subs.map((s) => s.inputs.endpoint).sort()).to.deep.equal([...EMAILS].sort());
        for (const s of subs) {
            expect(s.inputs).to.include({ protocol: "email", topic: topicArn });
            expect(s.name).to.equal(`alarms-email-${createHash("sha256").update(s.inputs.endpoint).digest("hex").slice(0, 8)}`);
        }
    });

    it("lets only CloudWatch and Budgets of this account publish, and denies publishing without TLS", () => {
        const policy = JSON.parse(graph.one("aws:sns/topicPolicy:TopicPolicy", "alarms-topic-policy").inputs.policy);
        const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
        expect(allows).to.have.length(1);
        expect(allows[0].Principal).to.deep.equal({ Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"] });
        expect(allows[0].Action).to.equal("sns:Publish");
        expect(allows[0].Resource).to.equal(topicArn);
        expect(allows[0].Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "111122223333" } });
        const deny = policy.Statement.find((s: any) => s.Effect === "Deny");
        expect(deny).to.deep.include({ Principal: "*", Action: "sns:Publish", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    });

    it("at the data-loss level keeps only the DLQ and failure-queue alarms, without composites", async () => {
        const { resources } = await runInline(
            () =>
                new AlarmSet("quiet", {
                    kmsKeyArn: KEY_ARN,
                    alertEmails: EMAILS,
                    level: "data-loss",
                    functions: [{ name: "score", functionName: "ai-investment-test-score", timeoutSeconds: 60, pipeline: true }],
                    queues: [
                        { name: "signals", queueName: "signals-abc", deadLetterQueueName: "signals-dlq-abc" },
                        { name: "failures", queueName: "failures-abc", deadLetterQueueName: "failures-dlq-abc", collectsFailures: true },
                    ],
                    restApis: [{ name: "public", apiName: "ai-investment-test-api", stageName: "v1" }],
                    tables: [{ name: "proposals", tableName: "proposals-abc" }],
                }),
        );
        const quiet = new ResourceGraph(resources);
        expect(quiet.ofType(ALARM).map((a) => a.inputs.name)).to.have.members([
            "ai-investment-test-signals-dlq-messages",
            "ai-investment-test-failures-dlq-messages",
            "ai-investment-test-failures-failure-messages",
        ]);
        expect(quiet.ofType(COMPOSITE)).to.have.length(0);
        for (const a of quiet.ofType(ALARM)) expect(a.inputs.alarmActions).to.have.length(1);
    });

    it("parents every resource to the component", () => {
        const component = graph.one("ai-investment:observability:AlarmSet", "alarms");
        expect(graph.children(component)).to.have.length(14 + 2 + 1 + 1 + EMAILS.length);
    });
});
