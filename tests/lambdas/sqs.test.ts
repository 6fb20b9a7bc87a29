import { expect } from "chai";
import type { SQSEvent } from "aws-lambda";
import { signalsIngestedMessageSchema } from "../../lambdas/domain/messages";
import { createSqsHandler, pendingConsumer, type MessageProcessor } from "../../lambdas/shared/sqs";
import { capturingLogger, fixture } from "./support";

const VALID_ID = "059f36b4-87a3-44ab-83d2-661975830a7d";
const EMPTY_KEYS_ID = "2e1424d4-f796-459a-8184-9c92662be6da";

function eventWith(...bodies: string[]): SQSEvent {
    const template = fixture<SQSEvent>("sqs-event.json").Records[0]!;
    return { Records: bodies.map((body, index) => ({ ...template, messageId: `m-${index}`, body })) };
}

describe("lambdas/shared/sqs", () => {
    const processed: unknown[] = [];
    const recordProcessed: MessageProcessor<unknown> = async (message) => {
        processed.push(message);
    };
    let log = capturingLogger();

    beforeEach(() => {
        processed.length = 0;
        log = capturingLogger();
    });

    it("processes valid records and reports records that break the contract as batch item failures", async () => {
        const handler = createSqsHandler({ schema: signalsIngestedMessageSchema, process: recordProcessed, logger: log.logger });
        const result = await handler(fixture<SQSEvent>("sqs-event.json"));
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: EMPTY_KEYS_ID }]);
        expect(processed).to.have.length(1);
        expect(processed[0]).to.have.nested.property("signalKeys[0].pk", "BTC#20261123");
        const failure = log.entries.find((entry) => entry["message"] === "record failed");
        expect(failure).to.include({ messageId: EMPTY_KEYS_ID, code: "INVALID_MESSAGE", receiveCount: 3 });
        expect(failure!["details"]).to.deep.equal([{ path: "signalKeys", message: "Too small: expected array to have >=1 items" }]);
    });

    it("reports a record whose body is not JSON", async () => {
        const handler = createSqsHandler({ schema: signalsIngestedMessageSchema, process: recordProcessed, logger: log.logger });
        const result = await handler(eventWith("not json"));
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-0" }]);
        expect(log.entries.find((entry) => entry["message"] === "record failed")).to.include({ reason: "body is not valid JSON" });
    });

    it("reports a record whose processing throws, and keeps going with the rest of a standard-queue batch", async () => {
        const valid = fixture<SQSEvent>("sqs-event.json").Records[0]!.body;
        let calls = 0;
        const handler = createSqsHandler({
            schema: signalsIngestedMessageSchema,
            process: async () => {
                calls += 1;
                if (calls === 1) throw new Error("DynamoDB throttled");
            },
            logger: log.logger,
        });
        const result = await handler(eventWith(valid, valid));
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-0" }]);
        expect(calls).to.equal(2);
    });

    it("processes the records of a standard-queue batch concurrently and reports failures in record order", async () => {
        const valid = fixture<SQSEvent>("sqs-event.json").Records[0]!.body;
        // Each record waits until all three have started: a serial loop would never finish.
        let started = 0;
        let release!: () => void;
        const allStarted = new Promise<void>((resolve) => (release = resolve));
        const handler = createSqsHandler({
            schema: signalsIngestedMessageSchema,
            process: async (_message, { record }) => {
                if (++started === 3) release();
                await allStarted;
                if (record.messageId !== "m-1") throw new Error(`failed ${record.messageId}`);
            },
            logger: log.logger,
        });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("records were processed one by one")), 2000);
        });
        const result = await Promise.race([handler(eventWith(valid, valid, valid)), timeout]).finally(() => clearTimeout(timer));
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-0" }, { itemIdentifier: "m-2" }]);
    });

    it("never acknowledges messages of a pending consumer: every record fails with NOT_IMPLEMENTED logged", async () => {
        const handler = createSqsHandler({
            schema: signalsIngestedMessageSchema,
            process: pendingConsumer("Scoring of ingested signals", "signal-scoring"),
            logger: log.logger,
        });
        const result = await handler(fixture<SQSEvent>("sqs-event.json"));
        expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).to.deep.equal([VALID_ID, EMPTY_KEYS_ID]);
        const pending = log.entries.find((entry) => entry["messageId"] === VALID_ID && entry["message"] === "record failed");
        expect(pending).to.include({
            level: "ERROR",
            code: "NOT_IMPLEMENTED",
            reason: "Scoring of ingested signals is not implemented yet; it will be provided by the signal-scoring capability.",
            correlationId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            queue: "ai-investment-dev-ingested",
        });
    });

    it("on a FIFO queue, fails every record after the first failure without processing it", async () => {
        const valid = fixture<SQSEvent>("sqs-event.json").Records[0]!.body;
        const event = eventWith(valid, "broken", valid);
        for (const record of event.Records) record.eventSourceARN = "arn:aws:sqs:eu-central-1:123456789012:decisions.fifo";
        const handler = createSqsHandler({ schema: signalsIngestedMessageSchema, process: recordProcessed, logger: log.logger });
        const result = await handler(event);
        expect(result.batchItemFailures).to.deep.equal([{ itemIdentifier: "m-1" }, { itemIdentifier: "m-2" }]);
        expect(processed).to.have.length(1);
    });
});
