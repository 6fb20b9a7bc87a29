/** Publishes JSON messages to a standard queue with SendMessageBatch. */
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from "@aws-sdk/client-sqs";

export type SqsSender = Pick<SQSClient, "send">;

/** SQS's limit for one message and for the whole SendMessageBatch request. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_BATCH_ENTRIES = 10;

export interface FailedEntry {
    /** Index of the message in the publishAll input; the batch entry id is `m<index>`. */
    index: number;
    id: string;
    code: string;
    message?: string;
    senderFault: boolean;
}

export interface PublishResult {
    sent: number;
    /** Entries that failed once and were sent by the retry. */
    retried: FailedEntry[];
}

/** Some messages were not sent even after the retry; the caller should fail its input message so that it is redelivered. */
export class SqsPublishError extends Error {
    constructor(
        readonly queueUrl: string,
        readonly failed: readonly FailedEntry[],
        readonly sent: number,
    ) {
        super(
            `${failed.length} of ${failed.length + sent} messages not sent to ${queueUrl}: ` +
                failed.map((f) => `${f.id} (${f.code}${f.message ? `: ${f.message}` : ""})`).join(", "),
        );
        this.name = "SqsPublishError";
    }
}

export class MessageTooLargeError extends Error {
    constructor(
        readonly index: number,
        readonly bytes: number,
    ) {
        super(
            `Message m${index} is ${bytes} bytes as JSON; SQS accepts at most ${MAX_MESSAGE_BYTES} (store the payload in S3 and send its key)`,
        );
        this.name = "MessageTooLargeError";
    }
}

interface Entry {
    index: number;
    body: string;
    bytes: number;
}

export class SqsPublisher {
    constructor(private readonly client: SqsSender) {}

    /**
     * Sends every message as JSON, in batches of up to 10 entries and 256 KiB. Every body is checked before anything is
     * sent. Entries the queue rejects are retried once; if some still fail, SqsPublishError names them (the others
     * were sent: consumers must tolerate the duplicates a redelivery then produces).
     */
    async publishAll(queueUrl: string, messages: readonly object[]): Promise<PublishResult> {
        const entries = messages.map((message, index) => toEntry(message, index));
        const firstFailures = await this.sendEntries(queueUrl, entries);
        if (firstFailures.length === 0) return { sent: entries.length, retried: [] };

        const byIndex = new Map(entries.map((entry) => [entry.index, entry]));
        const retry = firstFailures.map((failure) => byIndex.get(failure.index)!);
        const finalFailures = await this.sendEntries(queueUrl, retry);
        if (finalFailures.length > 0) throw new SqsPublishError(queueUrl, finalFailures, entries.length - finalFailures.length);
        return { sent: entries.length, retried: firstFailures };
    }

    private async sendEntries(queueUrl: string, entries: readonly Entry[]): Promise<FailedEntry[]> {
        const failed: FailedEntry[] = [];
        for (const batch of batches(entries)) {
            const out = await this.client.send(
                new SendMessageBatchCommand({
                    QueueUrl: queueUrl,
                    Entries: batch.map((entry): SendMessageBatchRequestEntry => ({ Id: `m${entry.index}`, MessageBody: entry.body })),
                }),
            );
            for (const failure of out.Failed ?? []) {
                failed.push({
                    index: Number(failure.Id!.slice(1)),
                    id: failure.Id!,
                    code: failure.Code ?? "Unknown",
                    message: failure.Message,
                    senderFault: failure.SenderFault ?? false,
                });
            }
        }
        return failed;
    }
}

function toEntry(message: object, index: number): Entry {
    let body: string | undefined;
    try {
        body = JSON.stringify(message);
    } catch (error) {
        throw new Error(`Message m${index} is not JSON-serialisable: ${(error as Error).message}`);
    }
    if (body === undefined) throw new Error(`Message m${index} is not JSON-serialisable`);
    // JSON escapes control characters and lone surrogates; U+FFFE and U+FFFF stay raw and SQS rejects them.
    if (/[\uFFFE\uFFFF]/.test(body)) throw new Error(`Message m${index} contains U+FFFE or U+FFFF, which SQS does not accept`);
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > MAX_MESSAGE_BYTES) throw new MessageTooLargeError(index, bytes);
    return { index, body, bytes };
}

/** Greedy packing: a new batch starts at 10 entries or when the next body would push the request over 256 KiB. */
function batches(entries: readonly Entry[]): Entry[][] {
    const result: Entry[][] = [];
    let current: Entry[] = [];
    let bytes = 0;
    for (const entry of entries) {
        if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + entry.bytes > MAX_MESSAGE_BYTES)) {
            result.push(current);
            current = [];
            bytes = 0;
        }
        current.push(entry);
        bytes += entry.bytes;
    }
    if (current.length > 0) result.push(current);
    return result;
}
