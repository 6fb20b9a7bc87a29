import { expect } from "chai";
import fc from "fast-check";
import { COUNT_HALF_SATURATION, fuse, fusedSignalSchema, type FusionSignal } from "../../../lambdas/domain/fusion";

const WINDOW = { from: "2026-11-23T00:00:00.000Z", to: "2026-11-24T00:00:00.000Z" };
const AT = "2026-11-23T10:00:00.000Z";

function signal(agent: string, score: number, confidence = 1, ts = AT): FusionSignal {
    return { agent, score, confidence, ts };
}

describe("lambdas/domain/fusion", () => {
    it("weights agent means by normalised agent weights and reports contributions", () => {
        const fused = fuse(
            [signal("news.rss", 0.8), signal("news.rss", 0.4), signal("social.reddit", -0.2)],
            { "news.rss": 0.6, "social.reddit": 0.2 },
            { asset: "TSLA", window: WINDOW, baseline: { mean: 0.1, count: 30 } },
        )!;
        expect(fusedSignalSchema.parse(fused)).to.deep.equal(fused);
        expect(fused.count).to.equal(3);
        expect(fused.contributions.map(({ agent, count }) => ({ agent, count }))).to.deep.equal([
            { agent: "news.rss", count: 2 },
            { agent: "social.reddit", count: 1 },
        ]);
        expect(fused.contributions[0]!.weight).to.be.closeTo(0.75, 1e-12);
        expect(fused.contributions[0]!.mean).to.be.closeTo(0.6, 1e-12);
        expect(fused.contributions[1]!.weight).to.be.closeTo(0.25, 1e-12);
        expect(fused.contributions[1]!.mean).to.be.closeTo(-0.2, 1e-12);
        expect(fused.weightedScore).to.be.closeTo(0.75 * 0.6 + 0.25 * -0.2, 1e-12);
        expect(fused.baselineDelta).to.be.closeTo(fused.weightedScore - 0.1, 1e-12);
        expect(fused.windowStart).to.equal(WINDOW.from);
        expect(fused.windowEnd).to.equal(WINDOW.to);
    });

    it("weights an agent's signals by confidence and computes the weighted dispersion", () => {
        const fused = fuse(
            [signal("news.rss", 1, 0.9), signal("news.rss", -1, 0.1)],
            { "news.rss": 1 },
            { asset: "AAPL", window: WINDOW },
        )!;
        expect(fused.weightedScore).to.be.closeTo(0.8, 1e-12);
        // shares 0.9 and 0.1 around 0.8: sqrt(0.9 × 0.04 + 0.1 × 3.24) = 0.6
        expect(fused.dispersion).to.be.closeTo(0.6, 1e-12);
        expect(fused.baselineDelta).to.equal(null);
    });

    it("trusts agreement among many confident signals more than a lone or contested one", () => {
        const weights = { "news.rss": 1 };
        const options = { asset: "AAPL", window: WINDOW };
        const lone = fuse([signal("news.rss", 0.5, 0.8)], weights, options)!;
        const many = fuse(
            Array.from({ length: 20 }, () => signal("news.rss", 0.5, 0.8)),
            weights,
            options,
        )!;
        const contested = fuse(
            Array.from({ length: 20 }, (_, i) => signal("news.rss", i % 2 === 0 ? 0.9 : -0.9, 0.8)),
            weights,
            options,
        )!;
        expect(lone.confidence).to.be.closeTo(0.8 * (1 / (1 + COUNT_HALF_SATURATION)), 1e-12);
        expect(many.confidence).to.be.greaterThan(lone.confidence);
        expect(contested.confidence).to.be.lessThan(many.confidence);
    });

    it("ignores signals outside the half-open window, zero-weight and unknown agents", () => {
        const fused = fuse(
            [
                signal("news.rss", 0.5),
                signal("news.rss", -1, 1, "2026-11-22T23:59:59.999Z"),
                signal("news.rss", -1, 1, WINDOW.to),
                signal("social.reddit", -1),
                signal("social.mastodon", -1),
            ],
            { "news.rss": 0.3, "social.reddit": 0 },
            { asset: "TSLA", window: WINDOW },
        )!;
        expect(fused.count).to.equal(1);
        expect(fused.weightedScore).to.equal(0.5);
        expect(fused.contributions.map((contribution) => contribution.agent)).to.deep.equal(["news.rss"]);
    });

    it("has no result when nothing is in the window or all present agents weigh 0, and rejects an empty window", () => {
        expect(fuse([], { a: 1 }, { asset: "TSLA", window: WINDOW })).to.equal(null);
        expect(fuse([signal("news.rss", 0.5)], { "news.rss": 0 }, { asset: "TSLA", window: WINDOW })).to.equal(null);
        expect(() => fuse([], {}, { asset: "TSLA", window: { from: WINDOW.to, to: WINDOW.from } })).to.throw(RangeError);
    });

    describe("properties", () => {
        const agents = ["news.rss", "social.reddit", "social.stocktwits", "regulatory.sec-edgar"];
        const signals = fc.array(
            fc.record({
                agent: fc.constantFrom(...agents),
                score: fc.double({ min: -1, max: 1, noNaN: true }),
                confidence: fc.double({ min: 0, max: 1, noNaN: true }),
                ts: fc
                    .date({ min: new Date("2026-11-22T12:00:00Z"), max: new Date("2026-11-24T12:00:00Z"), noInvalidDate: true })
                    .map((d) => d.toISOString()),
            }),
            { maxLength: 60 },
        );
        const weights = fc.record(
            Object.fromEntries(agents.map((agent) => [agent, fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true }))])),
        );

        it("contribution weights sum to 1 and the fused score lies within [min, max] of the contributing scores", () => {
            fc.assert(
                fc.property(signals, weights, (input, agentWeights) => {
                    const fused = fuse(input, agentWeights, { asset: "BTC", window: WINDOW, baseline: { mean: 0, count: 1 } });
                    const inWindow = input.filter((s) => s.ts >= WINDOW.from && s.ts < WINDOW.to && (agentWeights[s.agent] ?? 0) > 0);
                    if (inWindow.length === 0) {
                        expect(fused).to.equal(null);
                        return;
                    }
                    expect(fused).not.to.equal(null);
                    expect(fusedSignalSchema.safeParse(fused).success).to.equal(true);
                    const weightSum = fused!.contributions.reduce((sum, contribution) => sum + contribution.weight, 0);
                    expect(weightSum).to.be.closeTo(1, 1e-9);
                    expect(fused!.count).to.equal(inWindow.length);
                    const scores = inWindow.map((s) => s.score);
                    expect(fused!.weightedScore).to.be.within(Math.min(...scores) - 1e-9, Math.max(...scores) + 1e-9);
                    expect(fused!.dispersion).to.be.at.least(0);
                    expect(fused!.confidence).to.be.within(0, 1);
                }),
                { numRuns: 500 },
            );
        });

        it("does not depend on the scale of the weights", () => {
            // subnormal weights (≈1e-323) lose their ratios when scaled, so this property starts at 1e-6
            const normalWeights = fc.record(
                Object.fromEntries(agents.map((agent) => [agent, fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1, noNaN: true }))])),
            );
            fc.assert(
                fc.property(signals, normalWeights, fc.double({ min: 1, max: 100, noNaN: true }), (input, agentWeights, factor) => {
                    const scaled = Object.fromEntries(Object.entries(agentWeights).map(([agent, weight]) => [agent, weight * factor]));
                    const original = fuse(input, agentWeights, { asset: "BTC", window: WINDOW });
                    const rescaled = fuse(input, scaled, { asset: "BTC", window: WINDOW });
                    expect(rescaled === null).to.equal(original === null);
                    if (original === null || rescaled === null) return;
                    expect(rescaled.weightedScore).to.be.closeTo(original.weightedScore, 1e-9);
                }),
            );
        });
    });
});
