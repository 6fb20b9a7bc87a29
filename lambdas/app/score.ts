import { chunk, mapBounded } from "../adapters/batching";
import { signalsScoredMessageSchema } from "../domain/messages";
import { similarCounts, textHash } from "../domain/novelty";
import { agentsById, type Scorer } from "../domain/scoring";
import { signalScoreSchema, type Signal, type SignalScore } from "../domain/signals";
import type { SignalKey } from "../domain/values";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import { featuresObjectKey, MAX_KEYS_PER_MESSAGE } from "./keys";
import type { AgentConfigSource, MessagePublisher, ObjectWriter, ScoreSignalStore } from "./ports";

/**
 * Scoring of stored signals, for the `signals.ingested` queue and POST /score alike:
 *   1. the signals are read (keys that no longer exist — expired or erased — are reported as missing and skipped);
 *   2. novelty: per asset, the signals of the novelty window before them are read once and compared by normalised
 *      text hash (domain/novelty);
 *   3. each signal is scored by the Scorer (lexicon, or a model) with the active agent configurations (cached);
 *   4. the score is saved on the signal, a features record is written to the features bucket
 *      (`signals/yyyy/mm/dd/<asset>/<hash>.json`, overwritten when a signal is scored again);
 *   5. the scored keys go to the fusion queue in `signals.scored` messages of ≤ 100 keys.
 * Any failure throws, so the queue redelivers the message; every step is idempotent (a redelivery scores again and
 * overwrites).
 */

const WRITE_CONCURRENCY = 8;
/** A batch whose signals of one asset span more than this many novelty windows reads one window per signal instead. */
const MAX_SPAN_IN_WINDOWS = 2;

export interface ScoreServiceDeps {
    signals: ScoreSignalStore;
    /** Active agent configurations (cached per container by the caller). */
    agents: AgentConfigSource;
    scorer: Scorer;
    /** The features bucket. */
    features: Pick<ObjectWriter, "putJson">;
    publisher: MessagePublisher;
    /** The fusion queue. */
    queueUrl: string;
    metrics: MetricsSink;
    logger: Logger;
    /** How far back copies of a text count against its novelty. */
    noveltyWindowMs: number;
    now?: () => Date;
}

export interface ScoredSignal {
    key: SignalKey;
    asset: string;
    agent: string;
    ts: string;
    similarCount: number;
    score: SignalScore;
    featuresKey: string;
}

export interface ScoreResult {
    scored: ScoredSignal[];
    /** Keys without a stored signal (expired, erased, or never stored). */
    missing: SignalKey[];
    /** `signals.scored` messages sent. */
    messages: number;
}

function keyId(key: SignalKey): string {
    return `${key.pk}\n${key.sk}`;
}

function isNotFound(error: unknown): boolean {
    return error instanceof Error && error.name === "SignalNotFoundError";
}

export function createScoreService(deps: ScoreServiceDeps) {
    const now = deps.now ?? (() => new Date());

    /** Similar-text counts of the signals, reading each asset's window once (or per signal when a batch is spread out). */
    async function novelty(signals: readonly Signal[]): Promise<Map<string, number>> {
        const counts = new Map<string, number>();
        const byAsset = new Map<string, Signal[]>();
        for (const signal of signals) byAsset.set(signal.asset, [...(byAsset.get(signal.asset) ?? []), signal]);
        const windowMs = deps.noveltyWindowMs;
        const windows: { asset: string; targets: Signal[]; from: number; to: number }[] = [];
        for (const [asset, group] of byAsset) {
            const times = group.map((signal) => Date.parse(signal.ts));
            const first = Math.min(...times);
            const last = Math.max(...times);
            if (last - first <= MAX_SPAN_IN_WINDOWS * windowMs) windows.push({ asset, targets: group, from: first - windowMs, to: last });
            else
                for (const signal of group)
                    windows.push({ asset, targets: [signal], from: Date.parse(signal.ts) - windowMs, to: Date.parse(signal.ts) });
        }
        await mapBounded(windows, 4, async (window) => {
            const seen = await deps.signals.queryAssetWindow(
                window.asset,
                new Date(window.from).toISOString(),
                new Date(window.to).toISOString(),
            );
            for (const [id, count] of similarCounts(window.targets, seen, windowMs)) counts.set(id, count);
        });
        return counts;
    }

    return {
        async scoreKeys(keys: readonly SignalKey[], options: { correlationId: string; logger?: Logger }): Promise<ScoreResult> {
            const logger = options.logger ?? deps.logger;
            const unique = [...new Map(keys.map((key) => [keyId(key), { pk: key.pk, sk: key.sk }])).values()];
            const signals = await deps.signals.get(unique);
            const found = new Set(signals.map(keyId));
            const missing = unique.filter((key) => !found.has(keyId(key)));
            if (missing.length > 0) logger.warn("signals to score not found", { missing: missing.length, keys: missing.slice(0, 10) });
            if (signals.length === 0) return { scored: [], missing, messages: 0 };

            const agents = agentsById(await deps.agents());
            const similar = await novelty(signals);
            const at = now();
            const scored: ScoredSignal[] = [];
            for (const signal of signals) {
                const similarCount = similar.get(keyId(signal)) ?? 0;
                const score = signalScoreSchema.parse(await deps.scorer.score(signal, { now: at, agents, similarCount }));
                scored.push({
                    key: { pk: signal.pk, sk: signal.sk },
                    asset: signal.asset,
                    agent: signal.agent,
                    ts: signal.ts,
                    similarCount,
                    score,
                    featuresKey: featuresObjectKey(signal),
                });
            }

            const bySignal = new Map(signals.map((signal) => [keyId(signal), signal]));
            const saved = await mapBounded(scored, WRITE_CONCURRENCY, async (entry) => {
                try {
                    await deps.signals.saveScore(entry.key, entry.score);
                } catch (error) {
                    // Erased or expired between reading and writing: nothing to score any more.
                    if (isNotFound(error)) return false;
                    throw error;
                }
                const signal = bySignal.get(keyId(entry.key))!;
                await deps.features.putJson(entry.featuresKey, {
                    schemaVersion: 1,
                    key: entry.key,
                    asset: signal.asset,
                    agent: signal.agent,
                    channel: signal.channel,
                    source: signal.source,
                    ts: signal.ts,
                    textHash: textHash(signal.text) ?? null,
                    similarCount: entry.similarCount,
                    engagement: signal.engagement ?? null,
                    declaredSentiment: signal.declaredSentiment ?? null,
                    score: entry.score,
                    correlationId: options.correlationId,
                });
                return true;
            });
            const done = scored.filter((_, position) => saved[position]);
            for (const entry of scored.filter((_, position) => !saved[position])) missing.push(entry.key);

            let messages = 0;
            if (done.length > 0) {
                const emittedAt = at.toISOString();
                const batch = chunk(done, MAX_KEYS_PER_MESSAGE).map((part) =>
                    signalsScoredMessageSchema.parse({
                        type: "signals.scored",
                        correlationId: options.correlationId,
                        emittedAt,
                        signalKeys: part.map((entry) => entry.key),
                    }),
                );
                await deps.publisher.publishAll(deps.queueUrl, batch);
                messages = batch.length;
            }

            const byChannel = new Map<string, number>();
            for (const entry of done) {
                const channel = bySignal.get(keyId(entry.key))!.channel;
                byChannel.set(channel, (byChannel.get(channel) ?? 0) + 1);
            }
            for (const [channel, count] of byChannel) deps.metrics.count("SignalsScored", count, { Channel: channel });
            logger.info("signals scored", { scored: done.length, missing: missing.length, messages, scorer: deps.scorer.name });
            return { scored: done, missing, messages };
        },
    };
}

export type ScoreService = ReturnType<typeof createScoreService>;
