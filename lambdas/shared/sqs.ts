import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type * as z from "../zod";
import type { Capability } from "../domain/capabilities";
import { AppError, NotImplementedError } from "./errors";
import type { Logger } from "./logger";

/**
 * Wrapper for SQS event source mappings with ReportBatchItemFailures. Every record that cannot be parsed, validated
 * or processed is reported back, so SQS redelivers it and, after maxReceiveCount, the redrive policy moves it to the
 * DLQ. No record is acknowledged unless it was processed.
 */

export interface MessageContext {
    record: SQSRecord;
    logger: Logger;
}

export type MessageProcessor<T> = (message: T, context: MessageContext) => Promise<void>;

export interface SqsHandlerOptions<S extends z.ZodMiniType> {
    schema: S;
    process: MessageProcessor<z.output<S>>;
    logger: Logger;
}

/** A consumer whose capability is not built yet: keeps every message (→ DLQ) instead of acknowledging it. */
export function pendingConsumer(work: string, capability: Capability): MessageProcessor<unknown> {
    return async () => {
        throw new NotImplementedError(work, capability);
    };
}

export function createSqsHandler<S extends z.ZodMiniType>({ schema, process, logger }: SqsHandlerOptions<S>) {
    return async (event: SQSEvent, _context?: Context): Promise<SQSBatchResponse> => {
        const batchItemFailures: SQSBatchItemFailure[] = [];
        if (!event.Records.some(isFifo)) {
            // Standard queues promise no order: the records of a batch are processed at once, so one invocation waits
            // for its slowest record instead of the sum of all (each record is several DynamoDB/S3/SQS round trips).
            const processed = await Promise.all(
                event.Records.map((record) =>
                    processRecord(record, schema, process, logger.child({ messageId: record.messageId, queue: queueNameOf(record) })),
                ),
            );
            event.Records.forEach((record, i) => processed[i] || batchItemFailures.push({ itemIdentifier: record.messageId }));
            return { batchItemFailures };
        }
        for (const record of event.Records) {
            const recordLogger = logger.child({ messageId: record.messageId, queue: queueNameOf(record) });
            // FIFO ordering: once a record of the batch fails, the later ones must not be processed before it.
            if (batchItemFailures.length > 0 && isFifo(record)) {
                recordLogger.warn("record skipped after an earlier failure in a FIFO batch");
                batchItemFailures.push({ itemIdentifier: record.messageId });
                continue;
            }
            const processed = await processRecord(record, schema, process, recordLogger);
            if (!processed) batchItemFailures.push({ itemIdentifier: record.messageId });
        }
        return { batchItemFailures };
    };
}

/** Returns whether the record was processed; every failure is logged with the reason it will be redelivered. */
async function processRecord<S extends z.ZodMiniType>(
    record: SQSRecord,
    schema: S,
    process: MessageProcessor<z.output<S>>,
    logger: Logger,
): Promise<boolean> {
    const fail = (code: string, reason: string, details?: unknown, failureLogger = logger) => {
        const receiveCount = Number(record.attributes.ApproximateReceiveCount);
        failureLogger.error("record failed", { code, reason, receiveCount, details });
        return false;
    };
    let json: unknown;
    try {
        json = JSON.parse(record.body);
    } catch {
        return fail("INVALID_MESSAGE", "body is not valid JSON");
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
        const details = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
        return fail("INVALID_MESSAGE", "body does not match the message contract", details);
    }
    const correlationId = (json as { correlationId?: unknown }).correlationId;
    const messageLogger = typeof correlationId === "string" ? logger.child({ correlationId }) : logger;
    try {
        await process(parsed.data, { record, logger: messageLogger });
        return true;
    } catch (error) {
        if (error instanceof AppError) return fail(error.code, error.message, error.details, messageLogger);
        return fail("PROCESSING_FAILED", "processing threw", error, messageLogger);
    }
}

function isFifo(record: SQSRecord): boolean {
    return record.eventSourceARN.endsWith(".fifo");
}

function queueNameOf(record: SQSRecord): string {
    return record.eventSourceARN.split(":").at(-1) ?? record.eventSourceARN;
}
