import { type Message, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { expect } from "chai";
import {
    MAX_MESSAGE_BYTES,
    MessageTooLargeError,
    SqsPublishError,
    SqsPublisher,
    type SqsSender,
} from "../../../lambdas/adapters/sqs-publisher";
import { startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "./fixtures";

const message = (n: number) => ({
    type: "signals.ingested",
    correlationId: `corr-${n}`,
    emittedAt: "2026-11-20T12:00:00.000Z",
    signalKeys: [{ pk: "BTC#20261120", sk: `2026-11-20T12:00:${String(n % 60).padStart(2, "0")}.000Z#social.reddit#reddit:t3_${n}` }],
});

/** Forwards to the real client; `failIds(attempt)` names the entry ids to report as failed in the nth SendMessageBatch. */
function flakyClient(inner: SQSClient, failIds: (attempt: number) => string[]) {
    const batches: string[][] = [];
    const client: SqsSender = {
        send: (async (command: unknown) => {
            if (!(command instanceof SendMessageBatchCommand)) return inner.send(command as never);
            const attempt = batches.length;
            const entries = command.input.Entries!;
            batches.push(entries.map((e) => e.Id!));
            const failing = new Set(failIds(attempt));
            const passing = entries.filter((e) => !failing.has(e.Id!));
            const out = passing.length
                ? await inner.send(new SendMessageBatchCommand({ ...command.input, Entries: passing }))
                : { Successful: [], Failed: [] };
            const failed = entries
                .filter((e) => failing.has(e.Id!))
                .map((e) => ({ Id: e.Id!, Code: "InternalError", Message: "injected", SenderFault: false }));
            return { ...out, Failed: [...(out.Failed ?? []), ...failed] };
        }) as SqsSender["send"],
    };
    return { client, batches };
}

describe("SqsPublisher (fauxqs)", function () {
    let sqs: SQSClient;

    before(async function () {
        sqs = (await startLocalAws()).sqsClient();
    });

    const newQueue = async () => (await (await startLocalAws()).createQueue(uniqueName("publish"))).url;

    async function receiveAll(queueUrl: string, expected: number): Promise<Message[]> {
        const messages: Message[] = [];
        for (let polls = 0; messages.length < expected && polls < 20; polls++) {
            const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
            messages.push(...(out.Messages ?? []));
        }
        return messages;
    }

    it("delivers 25 messages as JSON in batches of 10", async function () {
        const queueUrl = await newQueue();
        const { client, batches } = flakyClient(sqs, () => []);
        const messages = Array.from({ length: 25 }, (_, n) => message(n));
        const result = await new SqsPublisher(client).publishAll(queueUrl, messages);
        expect(result).to.deep.equal({ sent: 25, retried: [] });
        expect(batches.map((b) => b.length)).to.deep.equal([10, 10, 5]);
        const received = await receiveAll(queueUrl, 25);
        expect(received.map((m) => JSON.parse(m.Body!))).to.have.deep.members(messages);
        expect(received).to.have.length(25);
    });

    it("starts a new batch before the request would exceed 256 KiB", async function () {
        const queueUrl = await newQueue();
        const { client, batches } = flakyClient(sqs, () => []);
        const big = (n: number) => ({ n, pad: "x".repeat(100 * 1024) });
        await new SqsPublisher(client).publishAll(queueUrl, [big(0), big(1), big(2), big(3), big(4)]);
        expect(batches).to.deep.equal([["m0", "m1"], ["m2", "m3"], ["m4"]]);
        expect(await receiveAll(queueUrl, 5)).to.have.length(5);
    });

    it("refuses a message over 256 KiB with a clear error and sends nothing", async function () {
        const queueUrl = await newQueue();
        const huge = { pad: "x".repeat(MAX_MESSAGE_BYTES) };
        const error = await rejectionOf(new SqsPublisher(sqs).publishAll(queueUrl, [message(0), huge]));
        expect(error).to.be.instanceOf(MessageTooLargeError);
        expect(error.message).to.match(/^Message m1 is 262\d{3} bytes as JSON; SQS accepts at most 262144/);
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
        expect(out.Messages ?? []).to.have.length(0);
    });

    it("retries failed entries once", async function () {
        const queueUrl = await newQueue();
        const { client, batches } = flakyClient(sqs, (attempt) => (attempt === 0 ? ["m1", "m3"] : []));
        const result = await new SqsPublisher(client).publishAll(queueUrl, [0, 1, 2, 3].map(message));
        expect(result.sent).to.equal(4);
        expect(result.retried.map((f) => f.id)).to.deep.equal(["m1", "m3"]);
        expect(batches).to.deep.equal([
            ["m0", "m1", "m2", "m3"],
            ["m1", "m3"],
        ]);
        expect(await receiveAll(queueUrl, 4)).to.have.length(4);
    });

    it("names the entries that still fail after the retry", async function () {
        const queueUrl = await newQueue();
        const { client, batches } = flakyClient(sqs, () => ["m2"]);
        const error = await rejectionOf(new SqsPublisher(client).publishAll(queueUrl, [0, 1, 2].map(message)));
        expect(error).to.be.instanceOf(SqsPublishError);
        expect(error.message).to.equal(`1 of 3 messages not sent to ${queueUrl}: m2 (InternalError: injected)`);
        expect((error as SqsPublishError).failed.map((f) => f.index)).to.deep.equal([2]);
        expect(batches).to.have.length(2);
    });
});
