import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { QueuePair } from "../../components/QueuePair";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const QUEUE = "aws:sqs/queue:Queue";

describe("QueuePair", () => {
    let graph: ResourceGraph;
    before(async () => {
        const { resources } = await runInline(() => new QueuePair("raw-signals", { kmsKeyArn: KEY_ARN, visibilityTimeoutSeconds: 360 }));
        graph = new ResourceGraph(resources);
    });

    it("redrives a message that failed five times into its DLQ, which keeps it for 14 days", () => {
        const dlq = graph.one(QUEUE, "raw-signals-dlq");
        const queue = graph.one(QUEUE, "raw-signals");
        expect(JSON.parse(queue.inputs.redrivePolicy)).to.deep.equal({ deadLetterTargetArn: dlq.outputs.arn, maxReceiveCount: 5 });
        expect(dlq.inputs.messageRetentionSeconds).to.equal(14 * 24 * 3600);
        expect(queue.inputs.visibilityTimeoutSeconds).to.equal(360);
        const allow = graph.one("aws:sqs/redriveAllowPolicy:RedriveAllowPolicy", "raw-signals-dlq-redrive-allow");
        expect(JSON.parse(allow.inputs.redriveAllowPolicy)).to.deep.equal({
            redrivePermission: "byQueue",
            sourceQueueArns: [queue.outputs.arn],
        });
    });

    it("encrypts both queues with the customer-managed key", () => {
        for (const queue of graph.ofType(QUEUE)) expect(queue.inputs.kmsMasterKeyId, queue.name).to.equal(KEY_ARN);
    });

    it("denies non-TLS access to both queues", () => {
        for (const queue of graph.ofType(QUEUE)) {
            const [policy] = graph.dependentsVia(queue, "queueUrl", "aws:sqs/queuePolicy:QueuePolicy");
            const statement = JSON.parse(policy!.inputs.policy).Statement[0];
            expect(statement, queue.name).to.deep.include({ Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queue.outputs.arn });
            expect(statement.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
        }
    });
});
