import * as z from "../zod";
import { fusedSignalSchema } from "./fusion";
import { candidateFusedMessageSchema, riskAssessedMessageSchema } from "./messages";
import { riskAssessmentSchema } from "./risk";
import { assetSymbolSchema, proposalCandidateSchema, signalKeySchema } from "./values";

/**
 * What the decision half of the pipeline (risk-check → propose → decision) reads beyond the base message contracts of
 * messages.ts, and the configuration it runs on. Everything here only ADDS fields to the base contracts (z.object
 * would strip unknown keys, so a consumer that needs a field must name it):
 *
 * - candidate.fused may carry `fused`, the FusedSignal the candidate was derived from. risk-check does not need it but
 *   forwards it; propose cannot write a proposal without it (the rationale of a proposal is the fused view), so a
 *   passed candidate without it is refused (its message goes to the DLQ) instead of inventing a rationale.
 * - risk.assessed, as risk-check emits it, carries the whole RiskAssessment (adjustedSize, checks) — the base contract
 *   only has passed/reasons — and the signalKeys and fused view of the candidate.
 */

const signalKeyBatch = z.array(signalKeySchema).check(z.minLength(1), z.maxLength(100));
const isoDateTime = z.iso.datetime({ offset: true });

/** candidate.fused as risk-check reads it. */
export const fusedCandidateMessageSchema = z.extend(candidateFusedMessageSchema, {
    fused: z.optional(fusedSignalSchema),
});
export type FusedCandidateMessage = z.output<typeof fusedCandidateMessageSchema>;

/** risk.assessed as risk-check writes it and propose reads it. */
export const assessedCandidateMessageSchema = z.extend(riskAssessedMessageSchema, {
    assessment: riskAssessmentSchema,
    signalKeys: signalKeyBatch,
    fused: z.optional(fusedSignalSchema),
});
export type AssessedCandidateMessage = z.output<typeof assessedCandidateMessageSchema>;

/**
 * The latest assessed candidate of an asset, kept by propose (one item per asset) so that an analyst can ask for a
 * proposal from it (POST /propose). Only candidates that came with their fused view are kept.
 */
export const assessedViewSchema = z.strictObject({
    asset: assetSymbolSchema,
    candidate: proposalCandidateSchema,
    assessment: riskAssessmentSchema,
    signalKeys: signalKeyBatch,
    fused: fusedSignalSchema,
    /** emittedAt of the risk.assessed message. */
    assessedAt: isoDateTime,
    correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type AssessedView = z.output<typeof assessedViewSchema>;

/** PROPOSAL_POLICY: when the orchestrator proposes, and how long a proposal lives. */
export const proposalPolicySchema = z.strictObject({
    /** Smallest |weightedScore| of the fused view worth a proposal (inclusive). */
    threshold: z.number().check(z.gte(0), z.lte(1)),
    /** Fewest contributing signals. */
    minCount: z.number().check(z.int(), z.positive()),
    /** Smallest fused confidence (inclusive). */
    minConfidence: z.number().check(z.gte(0), z.lte(1)),
    /** Hours a proposal waits for a decision. */
    validForHours: z.number().check(z.positive(), z.lte(24 * 30)),
    /** Days after the decision at which the outcome is evaluated, when the request names no horizon. */
    horizonDays: z.number().check(z.int(), z.positive(), z.lte(3650)),
    /** Days per horizon of POST /propose {horizon}. */
    horizons: z.strictObject({
        intraday: z.number().check(z.int(), z.positive(), z.lte(3650)),
        swing: z.number().check(z.int(), z.positive(), z.lte(3650)),
        position: z.number().check(z.int(), z.positive(), z.lte(3650)),
    }),
    /** A fused view whose window ended longer ago than this is too old for an analyst-requested proposal. */
    maxViewAgeHours: z.number().check(z.positive(), z.lte(24 * 30)),
});
export type ProposalPolicy = z.output<typeof proposalPolicySchema>;
