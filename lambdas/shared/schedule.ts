import type { Context } from "aws-lambda";
import * as z from "../zod";
import type { Capability } from "../domain/capabilities";
import { NotImplementedError } from "./errors";
import type { Logger } from "./logger";

/**
 * Wrapper for EventBridge Scheduler invocations. The schedule's Input is the whole event, e.g.
 * {"task":"ingest","source":"social"}. Scheduler invokes asynchronously, so a thrown error is retried and then lands
 * in the function's on-failure destination / DLQ: a bad payload or pending work is never swallowed.
 */

export const schedulePayloadSchema = z.discriminatedUnion("task", [
    z.strictObject({ task: z.literal("ingest"), source: z.enum(["social", "news", "regulatory"]) }),
    z.strictObject({ task: z.literal("evaluate-outcomes") }),
    z.strictObject({ task: z.literal("recalibrate-agents") }),
    z.strictObject({ task: z.literal("expire-proposals") }),
]);

export type SchedulePayload = z.infer<typeof schedulePayloadSchema>;

/** "ingest:social", "evaluate-outcomes", … — one id per kind of scheduled work. */
export type ScheduledTaskId =
    "ingest:social" | "ingest:news" | "ingest:regulatory" | "evaluate-outcomes" | "recalibrate-agents" | "expire-proposals";

export function taskIdOf(payload: SchedulePayload): ScheduledTaskId {
    return payload.task === "ingest" ? `ingest:${payload.source}` : payload.task;
}

export type ScheduledTask = (payload: SchedulePayload, context: { logger: Logger }) => Promise<void>;
export type ScheduledTasks = Partial<Record<ScheduledTaskId, ScheduledTask>>;

export class ScheduleError extends Error {
    override name = "ScheduleError";
}

/** Scheduled work whose capability is not built yet: fails loudly so the failure destination records it. */
export function pendingTask(capability: Capability): ScheduledTask {
    return async (payload) => {
        throw new NotImplementedError(`Scheduled task ${taskIdOf(payload)}`, capability);
    };
}

export function createScheduleHandler(tasks: ScheduledTasks, logger: Logger) {
    return async (event: unknown, context?: Context): Promise<void> => {
        const taskLogger = logger.child({ correlationId: context?.awsRequestId });
        const parsed = schedulePayloadSchema.safeParse(event);
        if (!parsed.success) {
            const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "payload"}: ${issue.message}`);
            taskLogger.error("invalid schedule payload", { problems });
            throw new ScheduleError(`Invalid schedule payload: ${problems.join("; ")}`);
        }
        const taskId = taskIdOf(parsed.data);
        const task = tasks[taskId];
        if (task === undefined) {
            throw new ScheduleError(`This function does not run scheduled task ${taskId}; check the schedule's target.`);
        }
        taskLogger.info("scheduled task started", { taskId });
        try {
            await task(parsed.data, { logger: taskLogger });
        } catch (error) {
            taskLogger.error("scheduled task failed", { taskId, error });
            throw error;
        }
        taskLogger.info("scheduled task finished", { taskId });
    };
}
