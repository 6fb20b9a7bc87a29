import { expect } from "chai";
import { isOpenExposure, marketFor, openProposalsExposure, unassessable } from "../../../lambdas/domain/market";
import { envVars, loadEnv } from "../../../lambdas/shared/env";
import { ConfigurationError } from "../../../lambdas/shared/errors";
import { candidate, HOUR_MS, LIMITS, marketData, pendingProposal, POLICY } from "./helpers";

const DAY_MS = 24 * HOUR_MS;

describe("domain/market: exposure of open proposals and the market snapshot", function () {
    const now = new Date("2026-11-23T12:00:00.000Z");

    it("counts PENDING until the deadline and APPROVED until the horizon ends, signed, units valued at the price", function () {
        const pending = { ...pendingProposal("X", new Date(now.getTime() - HOUR_MS)), size: { quantity: 10 } };
        const expired = pendingProposal("X", new Date(now.getTime() - 25 * HOUR_MS));
        const approvedAt = new Date(now.getTime() - 4 * DAY_MS).toISOString();
        const approved = {
            ...pendingProposal("X", new Date(now.getTime() - 5 * DAY_MS), { side: "sell" }),
            status: "APPROVED" as const,
            decidedAt: approvedAt,
        };
        const over = {
            ...approved,
            proposalId: "0c6c4b4e-1f6a-4c4c-8f0e-8c1d2b3a4f5e",
            decidedAt: new Date(now.getTime() - 6 * DAY_MS).toISOString(),
        };
        const rejected = { ...pendingProposal("X", now), status: "REJECTED" as const };

        expect([pending, expired, approved, over, rejected].map((p) => isOpenExposure(p, now))).to.deep.equal([
            true,
            false,
            true,
            false,
            false,
        ]);
        // 10 units × 250 bought, 10 000 EUR sold.
        expect(openProposalsExposure([pending, expired, approved, over, rejected], 250, now)).to.deep.equal({
            notional: 2_500 - 10_000,
            proposalIds: [pending.proposalId, approved.proposalId],
        });
    });

    it("uses the snapshot only while fresh and only for the assets it lists", function () {
        const data = marketData(now);
        expect(marketFor("BTC", data, now)).to.deep.include({ ok: true, asOf: data.asOf });
        expect(marketFor("DOGE", data, now)).to.deep.equal({
            ok: false,
            reason: "market-data: no price, volume and volatility for DOGE in RISK_MARKET_DATA",
        });
        const later = new Date(Date.parse(data.asOf) + data.maxAgeHours * HOUR_MS);
        expect(marketFor("BTC", data, later).ok).to.equal(false);
        expect(marketFor("BTC", undefined, now)).to.deep.equal({
            ok: false,
            reason: "market-data: no market snapshot is configured (RISK_MARKET_DATA, stack config riskMarketData)",
        });
    });

    it("an unassessable candidate fails, and still names the blacklist and open regulatory flags", function () {
        const scam = unassessable(candidate("SCAM"), LIMITS, "market-data: none");
        expect(scam).to.deep.include({ passed: false, reasons: ["blacklist: SCAM is on the blacklist", "market-data: none"] });
        const flagged = unassessable(candidate("FLAG"), LIMITS, "market-data: none");
        expect(flagged.reasons[0]).to.equal("regulatory-flag: FLAG has 1 open regulatory flag(s): BaFin short-selling ban");
        expect(unassessable(candidate("BTC"), LIMITS, "market-data: none").reasons).to.deep.equal(["market-data: none"]);
    });

    it("parses RISK_LIMITS, RISK_MARKET_DATA, PROPOSAL_POLICY and DASHBOARD_WEBSOCKET_URL, naming what is wrong", function () {
        const shape = {
            RISK_LIMITS: envVars.RISK_LIMITS,
            RISK_MARKET_DATA: envVars.RISK_MARKET_DATA,
            PROPOSAL_POLICY: envVars.PROPOSAL_POLICY,
            DASHBOARD_WEBSOCKET_URL: envVars.DASHBOARD_WEBSOCKET_URL,
        };
        const good = {
            RISK_LIMITS: JSON.stringify(LIMITS),
            RISK_MARKET_DATA: JSON.stringify(marketData(now)),
            PROPOSAL_POLICY: JSON.stringify(POLICY),
            DASHBOARD_WEBSOCKET_URL: "wss://stream.example.com/v1",
        };
        expect(loadEnv(shape, good).PROPOSAL_POLICY).to.deep.equal(POLICY);
        let error: unknown;
        try {
            loadEnv(shape, {
                RISK_LIMITS: "{",
                RISK_MARKET_DATA: JSON.stringify({
                    ...marketData(now),
                    assets: { btc: { price: 1, averageDailyVolume: 1, annualisedVolatility: 1 } },
                }),
                PROPOSAL_POLICY: JSON.stringify({ ...POLICY, validForHours: 0 }),
                DASHBOARD_WEBSOCKET_URL: "https://stream.example.com",
            });
        } catch (caught) {
            error = caught;
        }
        expect(error).to.be.instanceOf(ConfigurationError);
        const problems = (error as ConfigurationError).problems.join("\n");
        expect(problems).to.include("RISK_LIMITS: must be valid JSON");
        expect(problems).to.include("RISK_MARKET_DATA at assets.btc");
        expect(problems).to.include("PROPOSAL_POLICY at validForHours");
        expect(problems).to.include("DASHBOARD_WEBSOCKET_URL: must be a wss:// URL");
    });
});
