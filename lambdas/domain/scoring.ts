import type { AgentConfig, Channel, Signal, SignalScore } from "./signals";
import { MAX_EVIDENCE, sentiment } from "./sentiment";

/**
 * Explainable score of one signal: score = sentiment × quality, with quality in [0, 1] built from the agent's
 * credibility, the signal's recency, its engagement and its novelty (see `combine`). Because quality does not depend on
 * the sentiment, the score is linear in the sentiment with a non-negative slope: monotone non-decreasing, and
 * |score| ≤ |sentiment|. Pure: the clock comes in as `context.now`.
 */

export const SCORER_NAME = "lexicon-v1";

/** Half-life of a signal's recency per channel: social chatter ages in hours, news in a day, regulatory notices in a week. */
export const RECENCY_HALF_LIFE_HOURS: Readonly<Record<Channel, number>> = { social: 6, news: 24, regulatory: 168 };

/** Credibility of an agent without configuration: heard, but discounted below any deliberately configured agent. */
export const DEFAULT_CREDIBILITY = 0.25;

/** Share of the source's own label (StockTwits "Bullish"/"Bearish") in the sentiment; the rest is the lexicon. */
export const DECLARED_SENTIMENT_WEIGHT = 0.3;

/** A reply or a share says more about reach than a like. */
export const ENGAGEMENT_WEIGHTS = { likes: 1, replies: 2, shares: 3 } as const;
/** Weighted interactions at which the engagement factor reaches 1 (log scale: 30 interactions ≈ 0.5). */
export const ENGAGEMENT_SATURATION = 1_000;
/** Engagement factor of items whose source publishes no counters (news, regulatory): neutral, not zero. */
export const UNKNOWN_ENGAGEMENT = 0.5;
/** Quality multiplier at zero engagement: a post nobody liked yet is damped to half, not silenced. */
export const ENGAGEMENT_FLOOR = 0.5;

/** Number of items that make the evidence factor of the confidence reach one half. */
export const EVIDENCE_HALF_SATURATION = 2;

export interface ScoringFactors {
    sentiment: number;
    credibility: number;
    recency: number;
    engagement: number;
    novelty: number;
}

export interface ScoringContext {
    now: Date;
    /** Agent configuration by agentId, latest version (see `agentsById`). */
    agents: ReadonlyMap<string, Pick<AgentConfig, "weight" | "status">>;
    /** How many similar or duplicate items were already seen for this asset recently; 0 or absent = novel. */
    similarCount?: number;
}

/** What scoring reads of a signal; every `Signal` is one. */
export type ScoringInput = Pick<Signal, "agent" | "channel" | "ts" | "text" | "title" | "engagement" | "declaredSentiment">;

/** The common shape of every scorer, so that a model-based scorer (Bedrock) can replace or complement the lexicon. */
export interface Scorer {
    name: string;
    score(signal: Signal, context: ScoringContext): Promise<SignalScore> | SignalScore;
}

/** Latest version of each agent's configuration, keyed by agentId. */
export function agentsById(configs: readonly AgentConfig[]): Map<string, AgentConfig> {
    const latest = new Map<string, AgentConfig>();
    for (const config of configs) {
        const known = latest.get(config.agentId);
        if (known === undefined || config.version > known.version) latest.set(config.agentId, config);
    }
    return latest;
}

function clampUnit(value: number): number {
    return value > 1 ? 1 : value > 0 ? value : 0;
}

/** The agent's weight; DEFAULT_CREDIBILITY when unknown, 0 when retired (its signals are kept but carry no weight). */
export function credibilityOf(agent: string, agents: ScoringContext["agents"]): number {
    const config = agents.get(agent);
    if (config === undefined) return DEFAULT_CREDIBILITY;
    return config.status === "retired" ? 0 : clampUnit(config.weight);
}

/**
 * Magnitudes below this are stored as 0. DynamoDB numbers cannot be smaller than 1e-130: a months-old post's recency
 * (0.5^(2000 h / 6 h)) would otherwise fail the write ("Number underflow") and send the record to the DLQ.
 */
export const NEGLIGIBLE = 1e-12;
export const flushTiny = (value: number): number => (Math.abs(value) < NEGLIGIBLE ? 0 : value);

/** 0.5^(age / half-life); a timestamp in the future (clock skew) counts as fresh, an unparseable one as stale. */
export function recencyOf(channel: Channel, ts: string, nowMs: number): number {
    const publishedMs = Date.parse(ts);
    if (Number.isNaN(publishedMs)) return 0;
    const ageHours = (nowMs - publishedMs) / 3_600_000;
    if (ageHours <= 0) return 1;
    return Math.pow(0.5, ageHours / RECENCY_HALF_LIFE_HOURS[channel]);
}

/** log(1 + weighted interactions) / log(1 + ENGAGEMENT_SATURATION), capped at 1; UNKNOWN_ENGAGEMENT without counters. */
export function engagementOf(engagement: Signal["engagement"]): number {
    if (engagement === undefined) return UNKNOWN_ENGAGEMENT;
    const weighted =
        Math.max(0, engagement.likes ?? 0) * ENGAGEMENT_WEIGHTS.likes +
        Math.max(0, engagement.replies ?? 0) * ENGAGEMENT_WEIGHTS.replies +
        Math.max(0, engagement.shares ?? 0) * ENGAGEMENT_WEIGHTS.shares;
    if (!Number.isFinite(weighted)) return 1;
    return clampUnit(Math.log1p(weighted) / Math.log1p(ENGAGEMENT_SATURATION));
}

/** 1 / (1 + similar items seen): the first report of a story counts fully, the tenth copy a tenth. */
export function noveltyOf(similarCount: number | undefined): number {
    if (similarCount === undefined || !(similarCount > 0)) return 1;
    return 1 / (1 + similarCount);
}

/** Convex blend of the lexicon value with the declared label (±1), so the result stays in [-1, 1]. */
export function blendDeclaredSentiment(lexiconValue: number, declared: Signal["declaredSentiment"]): number {
    if (declared === undefined) return lexiconValue;
    const label = declared === "bullish" ? 1 : -1;
    return (1 - DECLARED_SENTIMENT_WEIGHT) * lexiconValue + DECLARED_SENTIMENT_WEIGHT * label;
}

/** quality = credibility × recency × novelty × (ENGAGEMENT_FLOOR + (1 − ENGAGEMENT_FLOOR) × engagement), in [0, 1]. */
export function qualityOf(factors: Omit<ScoringFactors, "sentiment">): number {
    return (
        clampUnit(factors.credibility) *
        clampUnit(factors.recency) *
        clampUnit(factors.novelty) *
        (ENGAGEMENT_FLOOR + (1 - ENGAGEMENT_FLOOR) * clampUnit(factors.engagement))
    );
}

/** score = sentiment × quality: monotone non-decreasing in the sentiment, |score| ≤ |sentiment| ≤ 1. */
export function combine(factors: ScoringFactors): number {
    const sentimentValue =
        factors.sentiment > 1 ? 1 : factors.sentiment < -1 ? -1 : Number.isNaN(factors.sentiment) ? 0 : factors.sentiment;
    return sentimentValue * qualityOf(factors);
}

/**
 * confidence = evidence / (evidence + EVIDENCE_HALF_SATURATION) × (0.5 + 0.5 × credibility) × (0.7 + 0.3 × engagement):
 * no evidence means no confidence; a credible, widely engaged source with several matched terms approaches 1.
 */
export function confidenceOf(factors: Pick<ScoringFactors, "credibility" | "engagement">, evidenceCount: number): number {
    const evidence = Math.max(0, evidenceCount);
    const evidenceFactor = evidence / (evidence + EVIDENCE_HALF_SATURATION);
    return clampUnit(evidenceFactor * (0.5 + 0.5 * clampUnit(factors.credibility)) * (0.7 + 0.3 * clampUnit(factors.engagement)));
}

// toISOString of the same `now` for every signal of a batch is computed once.
let lastNow: Date | undefined;
let lastNowMs = Number.NaN;
let lastNowIso = "";

function isoOf(now: Date): string {
    const nowMs = now.getTime();
    if (now !== lastNow || nowMs !== lastNowMs) {
        lastNow = now;
        lastNowMs = nowMs;
        lastNowIso = now.toISOString();
    }
    return lastNowIso;
}

/**
 * Scores one signal. Evidence: the lexicon terms strongest first, then `declared:<label>` when the source labelled the
 * item (it moved the sentiment too).
 */
export function scoreSignal(input: ScoringInput, context: ScoringContext): SignalScore {
    const lexicon = input.title === undefined ? sentiment(input.text) : sentiment([input.title, input.text]);
    const factors: ScoringFactors = {
        sentiment: flushTiny(blendDeclaredSentiment(lexicon.value, input.declaredSentiment)),
        credibility: flushTiny(credibilityOf(input.agent, context.agents)),
        recency: flushTiny(recencyOf(input.channel, input.ts, context.now.getTime())),
        engagement: flushTiny(engagementOf(input.engagement)),
        novelty: flushTiny(noveltyOf(context.similarCount)),
    };
    const evidence = lexicon.evidence;
    if (input.declaredSentiment !== undefined) {
        if (evidence.length >= MAX_EVIDENCE) evidence.length = MAX_EVIDENCE - 1;
        evidence.push(`declared:${input.declaredSentiment}`);
    }
    return {
        score: flushTiny(combine(factors)),
        confidence: flushTiny(confidenceOf(factors, evidence.length)),
        factors,
        evidence,
        scorer: SCORER_NAME,
        scoredAt: isoOf(context.now),
    };
}

export const lexiconScorer: Scorer = { name: SCORER_NAME, score: scoreSignal };
