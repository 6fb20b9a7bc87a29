import { expect } from "chai";
import { evaluateOutcome, evaluationWindow, hitRate, isDueForEvaluation, outcomeSchema } from "../../../lambdas/domain/evaluation";
import type { Proposal } from "../../../lambdas/domain/proposals";

const PROPOSAL_ID = "6f1c2b8e-3d4a-4e5f-9a7b-1c2d3e4f5a6b";

function decided(side: "buy" | "sell", status: Proposal["status"] = "APPROVED"): Proposal {
    return {
        proposalId: PROPOSAL_ID,
        createdAt: "2026-11-01T08:00:00.000Z",
        asset: "AAPL",
        side,
        size: { quantity: 10 },
        confidence: 0.7,
        status,
        proposer: "system:orchestrator",
        rationale: {
            signalKeys: [],
            fused: {
                asset: "AAPL",
                windowStart: "2026-11-01T00:00:00.000Z",
                windowEnd: "2026-11-01T08:00:00.000Z",
                count: 5,
                weightedScore: 0.5,
                dispersion: 0.1,
                confidence: 0.7,
                contributions: [{ agent: "news.rss", count: 5, weight: 1, mean: 0.5 }],
                baselineDelta: null,
            },
        },
        risk: { passed: true, reasons: [], adjustedSize: { quantity: 10 }, checks: [] },
        expiresAt: "2026-11-02T08:00:00.000Z",
        horizonDays: 5,
        ...(status === "PENDING" || status === "EXPIRED" ? {} : { decidedBy: "approver-1", decidedAt: "2026-11-01T10:00:00.000Z" }),
    };
}

const DUE = new Date("2026-11-06T10:00:00.000Z");
const prices = { outcomeId: "outcome-1", entryPrice: 100, exitPrice: 110, benchmarkEntry: 50, benchmarkExit: 51, now: DUE };

describe("lambdas/domain/evaluation", () => {
    it("is due once the horizon after the decision has passed, for approved and rejected proposals only", () => {
        expect(isDueForEvaluation(decided("buy"), new Date("2026-11-06T09:59:59.999Z"))).to.equal(false);
        expect(isDueForEvaluation(decided("buy"), DUE)).to.equal(true);
        expect(isDueForEvaluation(decided("buy", "REJECTED"), DUE)).to.equal(true);
        expect(isDueForEvaluation(decided("buy", "PENDING"), DUE)).to.equal(false);
        expect(isDueForEvaluation(decided("buy", "EXPIRED"), DUE)).to.equal(false);
        expect(evaluationWindow(decided("buy"))).to.deep.equal({ entryAt: new Date("2026-11-01T10:00:00.000Z"), exitAt: DUE });
    });

    it("computes asset, benchmark and excess returns of a buy", () => {
        const outcome = evaluateOutcome(decided("buy"), prices);
        expect(outcomeSchema.parse(outcome)).to.deep.equal(outcome);
        expect(outcome.assetReturn).to.be.closeTo(0.1, 1e-12);
        expect(outcome.benchmarkReturn).to.be.closeTo(0.02, 1e-12);
        expect(outcome.excessReturn).to.be.closeTo(0.08, 1e-12);
        expect(outcome).to.deep.include({
            outcomeId: "outcome-1",
            proposalId: PROPOSAL_ID,
            side: "buy",
            decision: "APPROVED",
            hit: true,
            evaluatedAt: DUE.toISOString(),
        });
    });

    it("side-adjusts a sell: it profits when the asset falls more than the benchmark", () => {
        const falling = evaluateOutcome(decided("sell"), { ...prices, exitPrice: 90 });
        expect(falling.excessReturn).to.be.closeTo(0.12, 1e-12);
        expect(falling.hit).to.equal(true);
        const rising = evaluateOutcome(decided("sell"), prices);
        expect(rising.excessReturn).to.be.closeTo(-0.08, 1e-12);
        expect(rising.hit).to.equal(false);
    });

    it("refuses proposals that are not due and prices that are not positive", () => {
        expect(() => evaluateOutcome(decided("buy"), { ...prices, now: new Date("2026-11-02T00:00:00Z") })).to.throw(RangeError, /not due/);
        expect(() => evaluateOutcome(decided("buy", "PENDING"), prices)).to.throw(RangeError, /not due/);
        expect(() => evaluateOutcome(decided("buy"), { ...prices, entryPrice: 0 })).to.throw(RangeError, /entryPrice/);
    });

    it("computes the hit rate, null without outcomes", () => {
        expect(hitRate([])).to.equal(null);
        expect(hitRate([{ hit: true }, { hit: false }, { hit: true }, { hit: true }])).to.equal(0.75);
    });
});
