/**
 * Single-thread throughput of the pure signal pipeline: sentiment, scoreSignal, entity matching and fuse.
 *
 *   npx tsx scripts/bench/domain.ts
 *
 * Builds a synthetic but varied batch in memory (deterministic PRNG), warms the JIT up, then times each stage with
 * process.hrtime.bigint(). Nothing here is asserted on by tests: timings depend on the machine.
 */
import { fuse, type FusionSignal } from "../../lambdas/domain/fusion";
import { buildEntityIndex, matchEntities } from "../../lambdas/domain/matching";
import { scoreSignal, type ScoringContext, type ScoringInput } from "../../lambdas/domain/scoring";
import { sentiment } from "../../lambdas/domain/sentiment";
import type { AgentConfig, Channel, TrackedEntity } from "../../lambdas/domain/signals";

export interface DomainBenchResult {
    signals: number;
    sentimentPerSecond: number;
    scoringPerSecond: number;
    matchingPerSecond: number;
    /** Signals per second through fuse, in windows of FUSION_WINDOW_SIZE signals. */
    fusionPerSecond: number;
}

const SIGNAL_COUNT = 200_000;
const WARM_UP_COUNT = 20_000;
const FUSION_WINDOW_SIZE = 100;

/** Mulberry32: small, fast, deterministic (the pipeline bench builds its posts with it too). */
export function prng(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
}

const TICKERS = ["AAPL", "TSLA", "NVDA", "MSFT", "AMZN", "META", "GOOGL", "AMD", "GME", "PLTR", "BTC", "ETH", "SPY", "COIN", "NFLX"];
const OPENERS = ["", "Breaking:", "Just in -", "IMO", "Update:", "Reuters:", "Heads up", "lol", "Thread 🧵", "DD:"];
const BODIES = [
    "{T} beat estimates, guidance raised 🚀",
    "{T} missed estimates and cut guidance, shares tumble 📉",
    "not bullish on {T} here, too much risk",
    "very strongly bullish on {T} to the moon 🚀🚀",
    "SEC charges {T} executives with securities fraud",
    "{T} files for chapter 11 bankruptcy protection",
    "analyst upgrade for {T}, price target raised to $250",
    "{T} downgrade from Goldman, sees weak demand ahead",
    "short squeeze incoming on {T}? 🐂💎🙌",
    "Fed rate hike fears weigh on {T} and the whole sector 🐻",
    "{T} reports record revenue and strong margins",
    "holding {T} through earnings, no strong view either way",
    "{T} announces share buyback program of $10bn",
    "class action lawsuit filed against {T} over misleading statements",
    "{T} trading halted pending news",
    "why is nobody talking about {T} lately",
    "{T} rallies after FDA approval of its lead drug",
    "{T} slightly weaker on profit taking, still looks resilient",
    "BaFin warnt vor Betrug mit {T} Aktien",
    "Got my {T} calls, lfg 🤑 https://example.com/{T}/chart",
];
const TAILS = [
    "",
    "",
    "",
    " What do you think?",
    " #stocks #investing",
    " @trader_joe",
    " Not financial advice.",
    " 📈📈",
    " (via @newsdesk)",
    " ...",
];
const CHANNELS: readonly Channel[] = ["social", "news", "regulatory"];
const AGENT_BY_CHANNEL: Record<Channel, readonly string[]> = {
    social: ["social.reddit", "social.stocktwits", "social.bluesky", "social.mastodon"],
    news: ["news.rss", "news.gdelt"],
    regulatory: ["regulatory.sec-edgar", "regulatory.bafin"],
};

function pick<T>(random: () => number, list: readonly T[]): T {
    return list[Math.floor(random() * list.length)]!;
}

function syntheticSignals(count: number, now: Date, random: () => number): ScoringInput[] {
    const signals: ScoringInput[] = [];
    for (let index = 0; index < count; index++) {
        const ticker = pick(random, TICKERS);
        const mention = random() < 0.6 ? `$${ticker}` : ticker;
        const text = `${pick(random, OPENERS)} ${pick(random, BODIES).replaceAll("{T}", mention)}${pick(random, TAILS)}`.trim();
        const channel = pick(random, CHANNELS);
        const social = channel === "social";
        const agent = pick(random, AGENT_BY_CHANNEL[channel]);
        const signal: ScoringInput = {
            agent,
            channel,
            ts: new Date(now.getTime() - Math.floor(random() * 72 * 3_600_000)).toISOString(),
            text,
        };
        if (!social && random() < 0.5) signal.title = `${ticker}: ${pick(random, BODIES).replaceAll("{T}", ticker)}`;
        if (social)
            signal.engagement = {
                likes: Math.floor(random() * 500),
                replies: Math.floor(random() * 50),
                shares: Math.floor(random() * 20),
            };
        if (agent === "social.stocktwits" && random() < 0.5) signal.declaredSentiment = random() < 0.5 ? "bullish" : "bearish";
        signals.push(signal);
    }
    return signals;
}

function perSecond(count: number, started: bigint): number {
    const elapsedNs = Number(process.hrtime.bigint() - started);
    return Math.round((count * 1e9) / elapsedNs);
}

export async function benchDomain(): Promise<DomainBenchResult> {
    const random = prng(20_261_123);
    const now = new Date("2026-11-23T12:00:00Z");
    const signals = syntheticSignals(SIGNAL_COUNT, now, random);
    const agentConfigs: AgentConfig[] = Object.values(AGENT_BY_CHANNEL)
        .flat()
        .map((agentId) => ({
            agentId,
            version: 1,
            status: "active",
            weight: 0.3 + random() * 0.6,
            updatedAt: now.toISOString(),
            reason: "initial",
        }));
    const context: ScoringContext = { now, agents: new Map(agentConfigs.map((config) => [config.agentId, config])) };
    const weights = Object.fromEntries(agentConfigs.map((config) => [config.agentId, config.weight]));
    const entities: TrackedEntity[] = TICKERS.map((symbol, index) => ({
        entityType: "equity",
        entityId: `e-${index}`,
        symbol,
        name: `${symbol} Holdings Inc.`,
        aliases: [],
        active: true,
    }));
    const index = buildEntityIndex(entities);

    // warm-up: every stage on a slice, so that the JIT has optimised the hot paths before timing
    let sink = 0;
    for (let round = 0; round < 2; round++) {
        for (let i = 0; i < WARM_UP_COUNT; i++) {
            sink += sentiment(signals[i]!.text).value;
            sink += scoreSignal(signals[i]!, context).score;
            sink += matchEntities(signals[i]!, index).length;
        }
    }

    let started = process.hrtime.bigint();
    for (const signal of signals) sink += sentiment(signal.text).value;
    const sentimentPerSecond = perSecond(signals.length, started);

    const fusionInputs: FusionSignal[] = new Array(signals.length);
    started = process.hrtime.bigint();
    for (let i = 0; i < signals.length; i++) {
        const signal = signals[i]!;
        const score = scoreSignal(signal, context);
        fusionInputs[i] = { agent: signal.agent, score: score.score, confidence: score.confidence, ts: signal.ts };
    }
    const scoringPerSecond = perSecond(signals.length, started);

    started = process.hrtime.bigint();
    for (const signal of signals) sink += matchEntities(signal, index).length;
    const matchingPerSecond = perSecond(signals.length, started);

    const window = { from: new Date(now.getTime() - 72 * 3_600_000), to: now };
    const fuseAll = () => {
        for (let i = 0; i < fusionInputs.length; i += FUSION_WINDOW_SIZE) {
            const fused = fuse(fusionInputs.slice(i, i + FUSION_WINDOW_SIZE), weights, {
                asset: "AAPL",
                window,
                baseline: { mean: 0.05, count: 30 },
            });
            sink += fused?.weightedScore ?? 0;
        }
    };
    fuseAll();
    started = process.hrtime.bigint();
    fuseAll();
    const fusionPerSecond = perSecond(fusionInputs.length, started);

    if (Number.isNaN(sink)) throw new Error("benchmark produced NaN");
    return { signals: signals.length, sentimentPerSecond, scoringPerSecond, matchingPerSecond, fusionPerSecond };
}

if (require.main === module) {
    benchDomain().then(
        (result) => {
            for (const [name, value] of Object.entries(result)) console.log(`${name.padEnd(20)} ${value.toLocaleString("en-US")}`);
        },
        (error) => {
            console.error(error);
            process.exit(1);
        },
    );
}
