import { expect } from "chai";
import fc from "fast-check";
import {
    assessRisk,
    RISK_RULES,
    riskAssessmentSchema,
    riskInputSchema,
    riskLimitsSchema,
    type RiskInput,
    type RiskLimits,
} from "../../../lambdas/domain/risk";

const LIMITS: RiskLimits = riskLimitsSchema.parse({
    baseCurrency: "USD",
    maxPositionNotional: 50_000,
    maxConcentration: 0.1,
    targetPositionVolatility: 0.02,
    maxParticipation: 0.01,
    minAverageDailyValue: 1_000_000,
    blacklist: ["SCAM"],
    regulatoryFlags: [
        { asset: "HALT", flag: "SEC trading suspension", status: "open" },
        { asset: "AAPL", flag: "old inquiry", status: "closed" },
    ],
});

function input(
    overrides: {
        candidate?: Partial<RiskInput["candidate"]>;
        market?: Partial<RiskInput["market"]>;
        portfolio?: Partial<RiskInput["portfolio"]>;
    } = {},
): RiskInput {
    return riskInputSchema.parse({
        candidate: { asset: "AAPL", side: "buy", size: { quantity: 100 }, confidence: 0.7, ...overrides.candidate },
        market: { price: 200, averageDailyVolume: 5_000_000, annualisedVolatility: 0.4, ...overrides.market },
        portfolio: { value: 1_000_000, ...overrides.portfolio },
    });
}

describe("lambdas/domain/risk", () => {
    it("passes a modest, liquid trade and lists every rule as a check", () => {
        const assessment = assessRisk(input(), LIMITS);
        expect(riskAssessmentSchema.parse(assessment)).to.deep.equal(assessment);
        expect(assessment.passed).to.equal(true);
        expect(assessment.reasons).to.deep.equal([]);
        expect(assessment.adjustedSize).to.deep.equal({ quantity: 100 });
        expect(assessment.checks.map((check) => check.rule)).to.deep.equal([...RISK_RULES]);
    });

    it("caps the size by target volatility / asset volatility and checks the other rules on the capped size", () => {
        // cap = 1,000,000 × 0.02 / 0.8 = 25,000; 80,000 requested would break max-position-size and concentration
        const assessment = assessRisk(
            input({ candidate: { size: { notional: 80_000, currency: "USD" } }, market: { annualisedVolatility: 0.8 } }),
            LIMITS,
        );
        expect(assessment.adjustedSize).to.deep.equal({ notional: 25_000, currency: "USD" });
        expect(assessment.passed).to.equal(true);
        expect(assessment.checks.find((check) => check.rule === "volatility-sizing")!.detail).to.include(
            "capped from 80000.00 USD to 25000.00 USD",
        );
        const inUnits = assessRisk(input({ candidate: { size: { quantity: 400 } }, market: { annualisedVolatility: 0.8 } }), LIMITS);
        expect(inUnits.adjustedSize).to.deep.equal({ quantity: 125 });
    });

    it("reports every failing rule with its numbers", () => {
        const assessment = assessRisk(
            input({
                candidate: { asset: "HALT", size: { notional: 40_000, currency: "USD" } },
                market: { averageDailyVolume: 1_000, price: 50 },
                portfolio: { assetExposure: 60_000, openProposalsExposure: 5_000 },
            }),
            { ...LIMITS, maxPositionNotional: 30_000, blacklist: ["HALT"] },
        );
        expect(assessment.passed).to.equal(false);
        expect(assessment.reasons).to.have.length(5);
        expect(assessment.reasons[0]).to.equal("blacklist: HALT is on the blacklist");
        expect(assessment.reasons[1]).to.include("SEC trading suspension");
        expect(assessment.reasons[2]).to.equal("max-position-size: notional 40000.00 USD exceeds the limit 30000.00 USD");
        expect(assessment.reasons[3]).to.include("105000.00 USD").and.include("10.50 %").and.include("10.00 %");
        expect(assessment.reasons[4]).to.include("50000.00 USD below the minimum 1000000.00 USD").and.include("participation 80.00 %");
    });

    it("refuses a notional in another currency than the portfolio's", () => {
        const assessment = assessRisk(input({ candidate: { size: { notional: 1_000, currency: "EUR" } } }), LIMITS);
        expect(assessment.passed).to.equal(false);
        expect(assessment.reasons).to.deep.equal(["currency: notional in EUR, the portfolio is in USD"]);
    });

    it("counts exposure signed: a sell that reduces a concentrated long passes, a buy does not", () => {
        const concentrated = { portfolio: { assetExposure: 120_000 } };
        expect(
            assessRisk(input({ ...concentrated, candidate: { side: "sell", size: { notional: 30_000, currency: "USD" } } }), LIMITS).passed,
        ).to.equal(true);
        expect(
            assessRisk(input({ ...concentrated, candidate: { side: "buy", size: { notional: 1_000, currency: "USD" } } }), LIMITS).passed,
        ).to.equal(false);
    });

    it("ignores closed regulatory flags", () => {
        expect(
            assessRisk(input({ candidate: { asset: "AAPL" } }), LIMITS).checks.find((check) => check.rule === "regulatory-flag")!.passed,
        ).to.equal(true);
    });

    describe("properties", () => {
        const symbol = fc.constantFrom("AAPL", "TSLA", "SCAM", "BTC-USD", "BRK.B");
        const positive = (max: number) => fc.double({ min: 1e-3, max, noNaN: true });
        const candidate = fc.record({
            asset: symbol,
            side: fc.constantFrom("buy", "sell") as fc.Arbitrary<"buy" | "sell">,
            size: fc.oneof(
                fc.record({ quantity: positive(1e7) }),
                fc.record({ notional: positive(1e10), currency: fc.constantFrom("USD", "EUR") }),
            ),
            confidence: fc.double({ min: 0, max: 1, noNaN: true }),
        });
        const riskInput = fc.record({
            candidate,
            market: fc.record({
                price: positive(1e5),
                averageDailyVolume: fc.double({ min: 0, max: 1e9, noNaN: true }),
                annualisedVolatility: positive(5),
            }),
            portfolio: fc.record({
                value: positive(1e10),
                assetExposure: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
                openProposalsExposure: fc.double({ min: -1e9, max: 1e9, noNaN: true }),
            }),
        });
        const limits = fc.record({
            baseCurrency: fc.constantFrom("USD", "EUR"),
            maxPositionNotional: positive(1e12),
            maxConcentration: fc.double({ min: 1e-3, max: 1, noNaN: true }),
            targetPositionVolatility: fc.double({ min: 1e-3, max: 1, noNaN: true }),
            maxParticipation: fc.double({ min: 1e-3, max: 1, noNaN: true }),
            minAverageDailyValue: fc.double({ min: 0, max: 1e9, noNaN: true }),
            blacklist: fc.array(symbol, { maxLength: 3 }),
            regulatoryFlags: fc.array(
                fc.record({
                    asset: symbol,
                    flag: fc.constant("flag"),
                    status: fc.constantFrom("open", "closed") as fc.Arbitrary<"open" | "closed">,
                }),
                { maxLength: 3 },
            ),
        });

        it("never passes a blacklisted asset, whatever the candidate and limits", () => {
            fc.assert(
                fc.property(riskInput, limits, (generated, generatedLimits) => {
                    const withBlacklist = { ...generatedLimits, blacklist: [...generatedLimits.blacklist, generated.candidate.asset] };
                    const assessment = assessRisk(generated, withBlacklist);
                    expect(assessment.passed).to.equal(false);
                    expect(assessment.reasons.some((reason) => reason.startsWith("blacklist:"))).to.equal(true);
                }),
                { numRuns: 500 },
            );
        });

        it("passes exactly when no check fails, and never enlarges the size", () => {
            fc.assert(
                fc.property(riskInput, limits, (generated, generatedLimits) => {
                    const assessment = assessRisk(generated, generatedLimits);
                    const failing = assessment.checks.filter((check) => !check.passed);
                    expect(assessment.passed).to.equal(failing.length === 0);
                    expect(assessment.reasons).to.have.length(failing.length);
                    const requested =
                        "quantity" in generated.candidate.size ? generated.candidate.size.quantity : generated.candidate.size.notional;
                    const adjusted =
                        "quantity" in assessment.adjustedSize ? assessment.adjustedSize.quantity : assessment.adjustedSize.notional;
                    expect(adjusted).to.be.at.most(requested * (1 + 1e-12));
                }),
                { numRuns: 500 },
            );
        });
    });
});
