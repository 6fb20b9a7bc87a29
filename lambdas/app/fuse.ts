import { fuse, fusedSignalSchema, type FusedSignal, type FusionSignal } from "../domain/fusion";
import { candidateFusedMessageSchema } from "../domain/messages";
import { agentsById } from "../domain/scoring";
import type { Signal } from "../domain/signals";
import type { ProposalCandidate, SignalKey } from "../domain/values";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import { fusedObjectKey, MAX_KEYS_PER_MESSAGE } from "./keys";
import type { AgentConfigSource, MessagePublisher, ObjectWriter, SignalReader } from "./ports";

/**
 * Fusion per asset, for every asset a `signals.scored` message touches:
 *   - the window is the trailing [now − window, now): the candidate describes the asset as it stands now;
 *   - the baseline is the mean fused score of the `baselineWindows` windows before it (one query reads them all);
 *   - weights are the active agent configurations; an agent without one (or retired) does not weigh in fusion;
 *   - the fused view is written to the curated bucket (`fused/yyyy/mm/dd/<asset>/<windowEnd>.json`) whenever there is
 *     one, and a `candidate.fused` message is sent when |weightedScore| ≥ minAbsScore: side from the sign, a flat
 *     nominal size (the risk check and the proposer resize; thresholds are theirs), confidence from fusion.
 * No scored signal of a configured agent in the window → no fused view, no candidate.
 */

export interface FuseServiceDeps {
    signals: Pick<SignalReader, "queryAssetWindow">;
    agents: AgentConfigSource;
    /** The curated bucket. */
    curated: Pick<ObjectWriter, "putJson">;
    publisher: MessagePublisher;
    /** The risk-check queue. */
    queueUrl: string;
    metrics: MetricsSink;
    logger: Logger;
    windowMs: number;
    /** Windows before the current one whose mean fused score is the baseline; 0 = no baseline. */
    baselineWindows: number;
    /** Fused results closer to 0 than this produce no candidate. */
    minAbsScore: number;
    /** Size of every candidate. */
    positionSize: { notional: number; currency: string };
    now?: () => Date;
}

export interface FuseOutcome {
    asset: string;
    fused: FusedSignal | null;
    baseline: { mean: number; count: number } | null;
    curatedKey?: string;
    candidate?: ProposalCandidate;
    /** With a candidate: its strongest signals (≤ 100), as sent in the message. */
    signalKeys?: SignalKey[];
}

function isScored(signal: Signal): signal is Signal & { score: NonNullable<Signal["score"]> } {
    return signal.score !== undefined;
}

/** The signals that carried the most weight first: agent weight × confidence × |score|. */
function strongestKeys(
    signals: readonly (Signal & { score: NonNullable<Signal["score"]> })[],
    weights: Record<string, number>,
): SignalKey[] {
    return [...signals]
        .map((signal) => ({
            key: { pk: signal.pk, sk: signal.sk },
            weight: (weights[signal.agent] ?? 0) * signal.score.confidence * Math.abs(signal.score.score),
        }))
        .sort((left, right) => right.weight - left.weight)
        .slice(0, MAX_KEYS_PER_MESSAGE)
        .map((entry) => entry.key);
}

export function createFuseService(deps: FuseServiceDeps) {
    const now = deps.now ?? (() => new Date());
    if (!(deps.windowMs > 0)) throw new RangeError("windowMs must be positive");
    if (!Number.isInteger(deps.baselineWindows) || deps.baselineWindows < 0)
        throw new RangeError("baselineWindows must be a non-negative integer");

    async function fuseAsset(asset: string, weights: Record<string, number>, at: Date, correlationId: string): Promise<FuseOutcome> {
        const to = at.getTime();
        const from = to - deps.windowMs;
        const earliest = from - deps.baselineWindows * deps.windowMs;
        const read = await deps.signals.queryAssetWindow(asset, new Date(earliest).toISOString(), new Date(to).toISOString());
        const scored = read.filter(isScored);
        const inputs: FusionSignal[] = scored.map((signal) => ({
            agent: signal.agent,
            score: signal.score.score,
            confidence: signal.score.confidence,
            ts: signal.ts,
        }));

        let baseline: { mean: number; count: number } | null = null;
        if (deps.baselineWindows > 0) {
            const means: number[] = [];
            for (let k = 1; k <= deps.baselineWindows; k++) {
                const window = { from: new Date(from - k * deps.windowMs), to: new Date(from - (k - 1) * deps.windowMs) };
                const previous = fuse(inputs, weights, { asset, window });
                if (previous !== null) means.push(previous.weightedScore);
            }
            baseline = { mean: means.length === 0 ? 0 : means.reduce((sum, value) => sum + value, 0) / means.length, count: means.length };
        }

        const fused = fuse(inputs, weights, {
            asset,
            window: { from: new Date(from), to: new Date(to) },
            ...(baseline === null ? {} : { baseline }),
        });
        if (fused === null) return { asset, fused: null, baseline };

        const inWindow = scored.filter((signal) => {
            const ts = Date.parse(signal.ts);
            return ts >= from && ts < to && (weights[signal.agent] ?? 0) > 0;
        });
        const curatedKey = fusedObjectKey(asset, at);
        const candidate: ProposalCandidate | undefined =
            Math.abs(fused.weightedScore) >= deps.minAbsScore && fused.weightedScore !== 0
                ? {
                      asset,
                      side: fused.weightedScore > 0 ? "buy" : "sell",
                      size: { notional: deps.positionSize.notional, currency: deps.positionSize.currency },
                      confidence: fused.confidence,
                  }
                : undefined;
        await deps.curated.putJson(curatedKey, {
            schemaVersion: 1,
            fused,
            baseline,
            weights,
            candidate: candidate ?? null,
            signalKeys: inWindow.map((signal) => ({ pk: signal.pk, sk: signal.sk })),
            fusedAt: at.toISOString(),
            correlationId,
        });
        return {
            asset,
            fused,
            baseline,
            curatedKey,
            ...(candidate === undefined ? {} : { candidate, signalKeys: strongestKeys(inWindow, weights) }),
        };
    }

    return {
        /** Fuses each asset once, however many of its signals the message named. */
        async fuseAssets(assets: readonly string[], options: { correlationId: string; logger?: Logger }): Promise<FuseOutcome[]> {
            const logger = options.logger ?? deps.logger;
            const at = now();
            const weights: Record<string, number> = {};
            for (const [agentId, config] of agentsById(await deps.agents()))
                if (config.status === "active") weights[agentId] = config.weight;

            const outcomes: FuseOutcome[] = [];
            for (const asset of [...new Set(assets)]) outcomes.push(await fuseAsset(asset, weights, at, options.correlationId));

            const emittedAt = at.toISOString();
            const messages = outcomes.flatMap((outcome) =>
                outcome.candidate === undefined || outcome.fused === null
                    ? []
                    : [
                          candidateFusedMessageSchema.parse({
                              type: "candidate.fused",
                              correlationId: options.correlationId,
                              emittedAt,
                              candidate: outcome.candidate,
                              signalKeys: outcome.signalKeys,
                          }),
                      ].map((message) => ({
                          ...message,
                          // Beyond the base contract (domain/candidates reads them): the fused view the candidate
                          // comes from, and where its curated record is.
                          fused: fusedSignalSchema.parse(outcome.fused),
                          curatedKey: outcome.curatedKey,
                      })),
            );
            if (messages.length > 0) await deps.publisher.publishAll(deps.queueUrl, messages);
            deps.metrics.count("CandidatesFused", messages.length);
            logger.info("assets fused", {
                assets: outcomes.length,
                fused: outcomes.filter((outcome) => outcome.fused !== null).length,
                candidates: messages.length,
            });
            return outcomes;
        },
    };
}

export type FuseService = ReturnType<typeof createFuseService>;
