import * as z from "../zod";
import { proposalCandidateSchema, signalKeySchema } from "./values";

/**
 * Contracts of the messages that flow between pipeline stages over SQS:
 * ingest-* → score → fuse → risk-check → propose, and every stage that changes what the dashboard shows → stream.
 * Plain (non-strict) objects so that a producer may add fields before its consumers read them.
 */
const messageMetadata = {
    correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
    emittedAt: z.iso.datetime({ offset: true }),
};

const signalKeyBatch = z.array(signalKeySchema).check(z.minLength(1), z.maxLength(100));

/** ingest-* → score: new raw signals stored in the signals table. */
export const signalsIngestedMessageSchema = z.object({
    ...messageMetadata,
    type: z.literal("signals.ingested"),
    signalKeys: signalKeyBatch,
});

/** score → fuse: signals that now carry a score. */
export const signalsScoredMessageSchema = z.object({
    ...messageMetadata,
    type: z.literal("signals.scored"),
    signalKeys: signalKeyBatch,
});

/** fuse → risk-check: a trade candidate fused from scored signals. */
export const candidateFusedMessageSchema = z.object({
    ...messageMetadata,
    type: z.literal("candidate.fused"),
    candidate: proposalCandidateSchema,
    signalKeys: signalKeyBatch,
});

/** risk-check → propose: the candidate with the verdict of the risk rules. */
export const riskAssessedMessageSchema = z.object({
    ...messageMetadata,
    type: z.literal("risk.assessed"),
    candidate: proposalCandidateSchema,
    assessment: z.object({
        passed: z.boolean(),
        reasons: z.array(z.string().check(z.minLength(1), z.maxLength(500))).check(z.maxLength(50)),
    }),
});

/** any stage → stream: something the dashboard should refresh. */
export const dashboardUpdateMessageSchema = z.object({
    ...messageMetadata,
    type: z.enum(["proposal.created", "decision.recorded", "proposal.expired", "outcome.evaluated", "signals.scored"]),
    entityId: z.string().check(z.minLength(1), z.maxLength(256)),
});
