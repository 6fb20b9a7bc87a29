import { expect } from "chai";
import fc from "fast-check";
import type { Outcome } from "../../../lambdas/domain/evaluation";
import {
    agentRecords,
    DEFAULT_LEARNING_PARAMETERS,
    nextWeight,
    observationsFrom,
    recalibrateAgents,
    type LearningObservation,
    type LearningParameters,
} from "../../../lambdas/domain/learning";
import type { Proposal } from "../../../lambdas/domain/proposals";
import { agentConfigSchema, type AgentConfig } from "../../../lambdas/domain/signals";

const NOW = new Date("2026-11-29T03:00:00.000Z");

function agent(agentId: string, weight: number, version = 1, status: AgentConfig["status"] = "active"): AgentConfig {
    return { agentId, version, status, weight, updatedAt: "2026-11-01T00:00:00.000Z", reason: "initial" };
}

/** n observations where `agentName` called the direction right `hits` times. */
function observations(agentName: string, n: number, hits: number): LearningObservation[] {
    return Array.from({ length: n }, (_, i) => ({
        proposalId: `p-${agentName}-${i}`,
        excessReturn: i < hits ? 0.02 : -0.02,
        contributions: [{ agent: agentName, mean: 0.4 }],
    }));
}

describe("lambdas/domain/learning", () => {
    it("counts a hit when the agent's mean score and the excess return agree in sign, skipping directionless ones", () => {
        const records = agentRecords([
            {
                proposalId: "1",
                excessReturn: 0.05,
                contributions: [
                    { agent: "a", mean: 0.3 },
                    { agent: "b", mean: -0.3 },
                    { agent: "c", mean: 0 },
                ],
            },
            {
                proposalId: "2",
                excessReturn: -0.01,
                contributions: [
                    { agent: "a", mean: -0.1 },
                    { agent: "b", mean: -0.2 },
                ],
            },
            { proposalId: "3", excessReturn: 0, contributions: [{ agent: "a", mean: 0.5 }] },
        ]);
        expect(records.get("a")).to.deep.equal({ agent: "a", observations: 2, hits: 2 });
        expect(records.get("b")).to.deep.equal({ agent: "b", observations: 2, hits: 1 });
        expect(records.has("c")).to.equal(false);
    });

    it("raises a good agent by at most the max step and lowers a bad one, as new versions with an explained reason", () => {
        const updates = recalibrateAgents(
            [agent("news.rss", 0.5, 3), agent("social.reddit", 0.5, 1), agent("news.rss", 0.4, 2)],
            [...observations("news.rss", 20, 18), ...observations("social.reddit", 20, 8)],
            { now: NOW },
        );
        expect(updates.map((update) => agentConfigSchema.parse(update))).to.deep.equal(updates);
        const [news, reddit] = updates;
        // hit rate 0.9 → × (1 + 0.2 × 0.8) = × 1.16, capped at × 1.1
        expect(news).to.deep.include({ agentId: "news.rss", version: 4, weight: 0.55, updatedAt: NOW.toISOString() });
        expect(news!.reason).to.include("hit rate 0.900 (18/20)").and.include("0.5000 → 0.5500").and.include("+10.0 %");
        // hit rate 0.4 → × (1 + 0.2 × -0.2) = × 0.96
        expect(reddit!.agentId).to.equal("social.reddit");
        expect(reddit!.version).to.equal(2);
        expect(reddit!.weight).to.be.closeTo(0.48, 1e-12);
    });

    it("leaves out agents below the minimum sample, with a hit rate of exactly one half, or retired", () => {
        const updates = recalibrateAgents(
            [agent("news.rss", 0.5), agent("social.reddit", 0.5), agent("regulatory.sec-edgar", 0.5, 1, "retired")],
            [...observations("news.rss", 9, 9), ...observations("social.reddit", 20, 10), ...observations("regulatory.sec-edgar", 30, 30)],
            { now: NOW },
        );
        expect(updates).to.deep.equal([]);
    });

    it("keeps weights within [minWeight, maxWeight]", () => {
        const updates = recalibrateAgents(
            [agent("news.rss", 0.98), agent("social.reddit", 0.051)],
            [...observations("news.rss", 20, 20), ...observations("social.reddit", 20, 0)],
            {
                now: NOW,
            },
        );
        expect(updates.map((update) => update.weight)).to.deep.equal([1, 0.05]);
    });

    it("joins outcomes to their proposals' fused contributions", () => {
        const proposal = {
            proposalId: "p1",
            rationale: { fused: { contributions: [{ agent: "news.rss", count: 3, weight: 1, mean: 0.4 }] } },
        } as unknown as Proposal;
        const outcomes = [
            { proposalId: "p1", excessReturn: 0.03 },
            { proposalId: "unknown", excessReturn: 0.1 },
        ] as Outcome[];
        expect(observationsFrom([proposal], outcomes)).to.deep.equal([
            { proposalId: "p1", excessReturn: 0.03, contributions: [{ agent: "news.rss", count: 3, weight: 1, mean: 0.4 }] },
        ]);
    });

    it("rejects inconsistent parameters", () => {
        expect(() => recalibrateAgents([], [], { now: NOW, parameters: { minWeight: 0.8, maxWeight: 0.5 } })).to.throw(RangeError);
    });

    describe("properties", () => {
        const parameters: fc.Arbitrary<LearningParameters> = fc
            .record({
                learningRate: fc.double({ min: 0, max: 2, noNaN: true }),
                maxRelativeStep: fc.double({ min: 0, max: 0.5, noNaN: true }),
                minSamples: fc.integer({ min: 1, max: 20 }),
                minWeight: fc.double({ min: 0, max: 0.5, noNaN: true }),
                span: fc.double({ min: 0, max: 0.5, noNaN: true }),
            })
            .map(({ span, ...rest }) => ({ ...rest, maxWeight: Math.min(1, rest.minWeight + span) }));

        it("nextWeight stays within [minWeight, maxWeight] and never moves more than the max step from a weight in range", () => {
            fc.assert(
                fc.property(
                    parameters,
                    fc.double({ min: 0, max: 1, noNaN: true }),
                    fc.double({ min: 0, max: 1, noNaN: true }),
                    (params, position, rate) => {
                        const oldWeight = params.minWeight + position * (params.maxWeight - params.minWeight);
                        const weight = nextWeight(oldWeight, rate, params);
                        expect(weight).to.be.within(params.minWeight, params.maxWeight);
                        expect(Math.abs(weight - oldWeight)).to.be.at.most(params.maxRelativeStep * oldWeight + 1e-12);
                        if (rate > 0.5) expect(weight).to.be.at.least(oldWeight);
                        if (rate < 0.5) expect(weight).to.be.at.most(oldWeight);
                    },
                ),
                { numRuns: 1000 },
            );
        });

        it("recalibrateAgents only emits bounded, version-incremented changes for agents with enough observations", () => {
            const agentIds = ["news.rss", "social.reddit", "regulatory.bafin"];
            let updateCount = 0;
            fc.assert(
                fc.property(
                    fc.array(fc.double({ min: 0.05, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
                    fc.array(
                        fc.record({
                            proposalId: fc.uuid(),
                            excessReturn: fc.double({ min: -0.5, max: 0.5, noNaN: true }),
                            contributions: fc
                                .subarray(agentIds)
                                .chain((present) =>
                                    fc.tuple(
                                        ...present.map((id) =>
                                            fc.record({ agent: fc.constant(id), mean: fc.double({ min: -1, max: 1, noNaN: true }) }),
                                        ),
                                    ),
                                ),
                        }),
                        { minLength: 20, maxLength: 80 },
                    ),
                    (weights, observed) => {
                        const configs = agentIds.map((id, i) => agent(id, weights[i]!));
                        const records = agentRecords(observed);
                        const updates = recalibrateAgents(configs, observed, { now: NOW });
                        updateCount += updates.length;
                        for (const update of updates) {
                            const before = configs.find((config) => config.agentId === update.agentId)!;
                            expect(update.version).to.equal(before.version + 1);
                            expect(update.weight).to.not.equal(before.weight);
                            expect(update.weight).to.be.within(
                                DEFAULT_LEARNING_PARAMETERS.minWeight,
                                DEFAULT_LEARNING_PARAMETERS.maxWeight,
                            );
                            expect(Math.abs(update.weight - before.weight)).to.be.at.most(
                                DEFAULT_LEARNING_PARAMETERS.maxRelativeStep * before.weight + 1e-12,
                            );
                            expect(records.get(update.agentId)!.observations).to.be.at.least(DEFAULT_LEARNING_PARAMETERS.minSamples);
                            expect(agentConfigSchema.safeParse(update).success).to.equal(true);
                        }
                    },
                ),
                { numRuns: 300 },
            );
            // the generator must reach the minimum sample often enough for the property to mean something
            expect(updateCount).to.be.greaterThan(30);
        });
    });
});
