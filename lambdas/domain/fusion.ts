import * as z from "../zod";
import { assetSymbolSchema } from "./values";

/**
 * Fuses the scored signals of one asset in one time window into one number per window.
 *
 * - The window is half-open, [from, to): a signal at `to` belongs to the next window. Signals outside are ignored,
 *   as are signals with a non-finite score or an unparseable timestamp.
 * - Agent weights come from the agents config. An agent absent from `weights`, or with weight ≤ 0, contributes
 *   nothing. The weights of the agents that do contribute are normalised to sum to 1, so the fused value does not
 *   depend on how many agents spoke, only on their relative weights.
 * - Each agent's mean is its signals' confidence-weighted mean score (plain mean when all confidences are ~0), and the
 *   fused score is Σ weight × mean: a convex combination, so it lies within [min, max] of the contributing scores.
 * - dispersion is the weighted standard deviation of the individual scores around the fused score, each signal
 *   weighted by its share of the fused score (agent weight × its confidence share within the agent).
 * - confidence = (weighted mean confidence) × (1 − dispersion) × n / (n + COUNT_HALF_SATURATION): agreement among
 *   many confident signals is trusted, a single or a contested signal is not.
 * - No signal in the window, or only agents of weight 0 → `null` (no fused result, nothing to propose).
 */

/** Number of contributing signals at which the count factor of the confidence reaches one half. */
export const COUNT_HALF_SATURATION = 5;

/** Below this total confidence an agent's mean is the plain mean (confidence-weighting near 0 is numerically meaningless). */
export const MIN_CONFIDENCE_MASS = 1e-9;

export interface FusionSignal {
    agent: string;
    score: number;
    confidence: number;
    /** ISO date-time. */
    ts: string;
}

export interface FusionOptions {
    asset: string;
    window: { from: Date | string; to: Date | string };
    /** Long-run mean of the fused score for this asset; `count` = number of windows behind it. */
    baseline?: { mean: number; count: number };
}

const isoDateTime = z.iso.datetime({ offset: true });

export const agentContributionSchema = z.strictObject({
    agent: z.string().check(z.minLength(1), z.maxLength(100)),
    /** Signals of this agent in the window. */
    count: z.number().check(z.int(), z.positive()),
    /** Normalised weight: the contributions of one fused result sum to 1. */
    weight: z.number().check(z.gte(0), z.lte(1)),
    /** Confidence-weighted mean score of the agent's signals. */
    mean: z.number().check(z.gte(-1), z.lte(1)),
});
export type AgentContribution = z.infer<typeof agentContributionSchema>;

export const fusedSignalSchema = z.strictObject({
    asset: assetSymbolSchema,
    windowStart: isoDateTime,
    windowEnd: isoDateTime,
    count: z.number().check(z.int(), z.positive()),
    weightedScore: z.number().check(z.gte(-1), z.lte(1)),
    dispersion: z.number().check(z.gte(0)),
    confidence: z.number().check(z.gte(0), z.lte(1)),
    contributions: z.array(agentContributionSchema).check(z.minLength(1)),
    /** weightedScore − baseline mean; null without a baseline (or one built from no windows). */
    baselineDelta: z.nullable(z.number()),
});
export type FusedSignal = z.infer<typeof fusedSignalSchema>;

function instant(value: Date | string): number {
    return typeof value === "string" ? Date.parse(value) : value.getTime();
}

function clamp(value: number, low: number, high: number): number {
    return value > high ? high : value < low ? low : value;
}

interface AgentAccumulator {
    agent: string;
    rawWeight: number;
    count: number;
    confidenceSum: number;
    weightedScoreSum: number;
    scoreSum: number;
    /** Indexes into the in-window arrays, for the dispersion pass. */
    members: number[];
}

export function fuse(
    signals: readonly FusionSignal[],
    weights: Readonly<Record<string, number>>,
    options: FusionOptions,
): FusedSignal | null {
    const fromMs = instant(options.window.from);
    const toMs = instant(options.window.to);
    if (!(fromMs < toMs)) throw new RangeError("window.from must be before window.to");

    const accumulators = new Map<string, AgentAccumulator>();
    const scores: number[] = [];
    const confidences: number[] = [];
    for (const signal of signals) {
        const rawWeight = weights[signal.agent];
        if (rawWeight === undefined || !(rawWeight > 0 && rawWeight < Number.POSITIVE_INFINITY) || !Number.isFinite(signal.score)) continue;
        const tsMs = Date.parse(signal.ts);
        if (!(tsMs >= fromMs && tsMs < toMs)) continue;
        const score = clamp(signal.score, -1, 1);
        const confidence = Number.isFinite(signal.confidence) ? clamp(signal.confidence, 0, 1) : 0;
        let accumulator = accumulators.get(signal.agent);
        if (accumulator === undefined) {
            accumulator = { agent: signal.agent, rawWeight, count: 0, confidenceSum: 0, weightedScoreSum: 0, scoreSum: 0, members: [] };
            accumulators.set(signal.agent, accumulator);
        }
        accumulator.count++;
        accumulator.confidenceSum += confidence;
        accumulator.weightedScoreSum += confidence * score;
        accumulator.scoreSum += score;
        accumulator.members.push(scores.length);
        scores.push(score);
        confidences.push(confidence);
    }
    if (accumulators.size === 0) return null;

    // Scaled by the largest weight first so that the sum cannot overflow.
    let weightMax = 0;
    for (const accumulator of accumulators.values()) weightMax = Math.max(weightMax, accumulator.rawWeight);
    let weightTotal = 0;
    for (const accumulator of accumulators.values()) weightTotal += accumulator.rawWeight / weightMax;
    const normalisedWeight = (accumulator: AgentAccumulator) => accumulator.rawWeight / weightMax / weightTotal;
    const byConfidence = (accumulator: AgentAccumulator) => accumulator.confidenceSum >= MIN_CONFIDENCE_MASS;

    const contributions: AgentContribution[] = [];
    let weightedScore = 0;
    for (const accumulator of accumulators.values()) {
        const weight = normalisedWeight(accumulator);
        const mean = byConfidence(accumulator)
            ? accumulator.weightedScoreSum / accumulator.confidenceSum
            : accumulator.scoreSum / accumulator.count;
        contributions.push({ agent: accumulator.agent, count: accumulator.count, weight, mean: clamp(mean, -1, 1) });
        weightedScore += weight * mean;
    }
    weightedScore = clamp(weightedScore, -1, 1);

    // Second pass: each signal's share of the fused score, for the weighted spread and the weighted mean confidence.
    let variance = 0;
    let meanConfidence = 0;
    for (const accumulator of accumulators.values()) {
        const weight = normalisedWeight(accumulator);
        const confidenceWeighted = byConfidence(accumulator);
        for (const member of accumulator.members) {
            const share = confidenceWeighted ? (weight * confidences[member]!) / accumulator.confidenceSum : weight / accumulator.count;
            const deviation = scores[member]! - weightedScore;
            variance += share * deviation * deviation;
            meanConfidence += share * confidences[member]!;
        }
    }
    const dispersion = Math.sqrt(Math.max(0, variance));
    const count = scores.length;
    const confidence = clamp(meanConfidence * clamp(1 - dispersion, 0, 1) * (count / (count + COUNT_HALF_SATURATION)), 0, 1);

    const baseline = options.baseline;
    return {
        asset: options.asset,
        windowStart: new Date(fromMs).toISOString(),
        windowEnd: new Date(toMs).toISOString(),
        count,
        weightedScore,
        dispersion,
        confidence,
        contributions,
        baselineDelta:
            baseline !== undefined && baseline.count > 0 && Number.isFinite(baseline.mean) ? weightedScore - baseline.mean : null,
    };
}
