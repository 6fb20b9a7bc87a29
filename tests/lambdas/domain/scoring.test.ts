import { expect } from "chai";
import fc from "fast-check";
import {
    agentsById,
    combine,
    confidenceOf,
    DEFAULT_CREDIBILITY,
    engagementOf,
    lexiconScorer,
    NEGLIGIBLE,
    noveltyOf,
    RECENCY_HALF_LIFE_HOURS,
    recencyOf,
    scoreSignal,
    UNKNOWN_ENGAGEMENT,
    type ScoringContext,
    type ScoringInput,
} from "../../../lambdas/domain/scoring";
import { signalScoreSchema, type AgentConfig, type Signal } from "../../../lambdas/domain/signals";

const NOW = new Date("2026-11-23T12:00:00.000Z");

function agent(agentId: string, weight: number, version = 1, status: AgentConfig["status"] = "active"): AgentConfig {
    return { agentId, version, status, weight, updatedAt: "2026-11-01T00:00:00.000Z", reason: "initial" };
}

const context: ScoringContext = {
    now: NOW,
    agents: agentsById([
        agent("social.stocktwits", 0.8),
        agent("news.rss", 0.9),
        agent("social.reddit", 0.6),
        agent("social.bluesky", 0.5, 1, "retired"),
    ]),
};

function input(overrides: Partial<ScoringInput> = {}): ScoringInput {
    return {
        agent: "social.stocktwits",
        channel: "social",
        ts: NOW.toISOString(),
        text: "$TSLA beat estimates, guidance raised 🚀",
        ...overrides,
    };
}

describe("lambdas/domain/scoring", () => {
    it("scores a positive post positive and returns exactly the SignalScore shape", () => {
        const score = scoreSignal(input({ engagement: { likes: 120, replies: 10, shares: 4 } }), context);
        expect(signalScoreSchema.parse(score)).to.deep.equal(score);
        expect(score.score).to.be.greaterThan(0);
        expect(score.scorer).to.equal("lexicon-v1");
        expect(score.scoredAt).to.equal("2026-11-23T12:00:00.000Z");
        expect(score.factors.credibility).to.equal(0.8);
        expect(score.factors.recency).to.equal(1);
        expect(score.evidence).to.include("beat estimates");
    });

    it("scores an SEC fraud notice negative", () => {
        const score = scoreSignal(input({ agent: "news.rss", channel: "news", text: "SEC charges XYZ with fraud" }), context);
        expect(score.score).to.be.lessThan(0);
        expect(score.factors.engagement).to.equal(UNKNOWN_ENGAGEMENT);
    });

    it("uses the latest agent version, the default credibility for unknown agents and 0 for retired ones", () => {
        const agents = agentsById([agent("social.reddit", 0.2, 1), agent("social.reddit", 0.7, 3), agent("social.reddit", 0.4, 2)]);
        expect(scoreSignal(input({ agent: "social.reddit" }), { now: NOW, agents }).factors.credibility).to.equal(0.7);
        expect(scoreSignal(input({ agent: "social.mastodon" }), context).factors.credibility).to.equal(DEFAULT_CREDIBILITY);
        const retired = scoreSignal(input({ agent: "social.bluesky" }), context);
        expect(retired.factors.credibility).to.equal(0);
        expect(retired.score).to.equal(0);
    });

    it("halves recency after the channel's half-life and counts future timestamps as fresh", () => {
        const nowMs = NOW.getTime();
        for (const channel of ["social", "news", "regulatory"] as const) {
            const halfLifeAgo = new Date(nowMs - RECENCY_HALF_LIFE_HOURS[channel] * 3_600_000).toISOString();
            expect(recencyOf(channel, halfLifeAgo, nowMs)).to.be.closeTo(0.5, 1e-12);
        }
        expect(RECENCY_HALF_LIFE_HOURS.social).to.be.lessThan(RECENCY_HALF_LIFE_HOURS.news);
        expect(RECENCY_HALF_LIFE_HOURS.news).to.be.lessThan(RECENCY_HALF_LIFE_HOURS.regulatory);
        expect(recencyOf("social", "2026-11-23T13:00:00Z", nowMs)).to.equal(1);
        expect(recencyOf("social", "not a date", nowMs)).to.equal(0);
    });

    it("stores a months-old post's vanishing recency as 0 (DynamoDB numbers end at 1e-130), every stored number within range", () => {
        const old = scoreSignal(input({ ts: "2026-02-01T00:00:00.000Z" }), context);
        expect(recencyOf("social", "2026-02-01T00:00:00.000Z", NOW.getTime())).to.be.lessThan(1e-130);
        expect(old.factors.recency).to.equal(0);
        expect(old.score).to.equal(0);
        const stored = [old.score, old.confidence, ...Object.values(old.factors)];
        for (const value of stored) expect(value === 0 || Math.abs(value) >= NEGLIGIBLE, String(value)).to.equal(true);
    });

    it("log-scales engagement and saturates at 1", () => {
        expect(engagementOf({})).to.equal(0);
        const small = engagementOf({ likes: 10 });
        const large = engagementOf({ likes: 500, replies: 100, shares: 50 });
        expect(small).to.be.greaterThan(0).and.lessThan(large);
        expect(engagementOf({ likes: 10_000_000 })).to.equal(1);
        expect(engagementOf({ shares: 10 })).to.be.greaterThan(engagementOf({ likes: 10 }));
    });

    it("discounts repeated stories through novelty", () => {
        expect(noveltyOf(undefined)).to.equal(1);
        expect(noveltyOf(0)).to.equal(1);
        expect(noveltyOf(3)).to.equal(0.25);
        const fresh = scoreSignal(input(), context);
        const repeated = scoreSignal(input(), { ...context, similarCount: 4 });
        expect(repeated.factors.novelty).to.equal(0.2);
        expect(Math.abs(repeated.score)).to.be.lessThan(Math.abs(fresh.score));
    });

    it("blends the declared StockTwits label as a feature and reports it as evidence", () => {
        const neutral = input({ text: "holding $AAPL through the print" });
        expect(scoreSignal(neutral, context).factors.sentiment).to.equal(0);
        const bullish = scoreSignal({ ...neutral, declaredSentiment: "bullish" }, context);
        expect(bullish.factors.sentiment).to.be.closeTo(0.3, 1e-12);
        expect(bullish.evidence).to.deep.equal(["declared:bullish"]);
        const bearishLabelOnBullishText = scoreSignal(input({ text: "very bullish 🚀📈", declaredSentiment: "bearish" }), context);
        expect(bearishLabelOnBullishText.factors.sentiment).to.be.lessThan(
            scoreSignal(input({ text: "very bullish 🚀📈" }), context).factors.sentiment,
        );
    });

    it("gives no confidence without evidence and more with more evidence and credibility", () => {
        expect(scoreSignal(input({ text: "nothing to see here" }), context).confidence).to.equal(0);
        expect(confidenceOf({ credibility: 0.9, engagement: 0.5 }, 4)).to.be.greaterThan(
            confidenceOf({ credibility: 0.9, engagement: 0.5 }, 1),
        );
        expect(confidenceOf({ credibility: 0.9, engagement: 0.5 }, 2)).to.be.greaterThan(
            confidenceOf({ credibility: 0.1, engagement: 0.5 }, 2),
        );
    });

    it("implements the Scorer interface for stored signals", async () => {
        const signal: Signal = {
            pk: "TSLA#20261123",
            sk: "2026-11-23T11:00:00.000Z#social.stocktwits#stocktwits:1",
            asset: "TSLA",
            agent: "social.stocktwits",
            channel: "social",
            source: "stocktwits",
            sourceId: "stocktwits:1",
            ts: "2026-11-23T11:00:00.000Z",
            url: "https://stocktwits.com/x/message/1",
            text: "$TSLA guidance cut 📉",
            rawObjectKey: "social/stocktwits/2026/11/23/11/batch-1.json",
            ingestedAt: "2026-11-23T11:01:00.000Z",
            expiresAt: 1_790_000_000,
        };
        const score = await lexiconScorer.score(signal, context);
        expect(lexiconScorer.name).to.equal("lexicon-v1");
        expect(score.score).to.be.lessThan(0);
    });

    describe("properties", () => {
        const unit = fc.double({ min: 0, max: 1, noNaN: true });
        const factors = fc.record({
            sentiment: fc.double({ min: -1, max: 1, noNaN: true }),
            credibility: unit,
            recency: unit,
            engagement: unit,
            novelty: unit,
        });

        it("combine is monotone non-decreasing in the sentiment and never exceeds it in magnitude", () => {
            fc.assert(
                fc.property(factors, fc.double({ min: -1, max: 1, noNaN: true }), (base, other) => {
                    const [low, high] = base.sentiment <= other ? [base.sentiment, other] : [other, base.sentiment];
                    expect(combine({ ...base, sentiment: low })).to.be.at.most(combine({ ...base, sentiment: high }));
                    expect(Math.abs(combine(base))).to.be.at.most(Math.abs(base.sentiment));
                }),
                { numRuns: 1000 },
            );
        });

        const arbitraryInput = fc.record(
            {
                agent: fc.constantFrom("social.stocktwits", "social.reddit", "social.bluesky", "news.rss", "regulatory.sec-edgar"),
                channel: fc.constantFrom("social", "news", "regulatory") as fc.Arbitrary<ScoringInput["channel"]>,
                ts: fc
                    .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
                    .map((date) => date.toISOString()),
                text: fc.oneof(
                    fc.string({ minLength: 1, maxLength: 300 }),
                    fc.constantFrom("not bullish on $AAPL", "🚀🚀 to the moon", "guidance cut 📉 bankruptcy"),
                ),
                title: fc.string({ maxLength: 100 }),
                engagement: fc.record({ likes: fc.nat(), replies: fc.nat(), shares: fc.nat() }, { requiredKeys: [] }),
                declaredSentiment: fc.constantFrom("bullish", "bearish") as fc.Arbitrary<"bullish" | "bearish">,
            },
            { requiredKeys: ["agent", "channel", "ts", "text"] },
        );

        it("scoreSignal keeps score in [-1, 1], confidence and every factor in [0, 1] and matches the schema", () => {
            fc.assert(
                fc.property(arbitraryInput, fc.nat({ max: 1000 }), (signal, similarCount) => {
                    const score = scoreSignal(signal, { ...context, similarCount });
                    expect(signalScoreSchema.safeParse(score).success).to.equal(true);
                    expect(score.score).to.be.within(-1, 1);
                    expect(score.confidence).to.be.within(0, 1);
                    expect(Math.abs(score.score)).to.be.at.most(Math.abs(score.factors.sentiment));
                }),
                { numRuns: 500 },
            );
        });
    });
});
