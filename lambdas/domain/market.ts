import * as z from "../zod";
import { isExpired, type Proposal } from "./proposals";
import { riskInputSchema, type RiskAssessment, type RiskCheck, type RiskInput, type RiskLimits } from "./risk";
import { assetSymbolSchema, type ProposalCandidate } from "./values";

/**
 * The market and portfolio facts the risk rules need, and the exposure of open proposals.
 *
 * The platform has no market-data feed and no position keeping yet: prices, volumes, volatilities, the portfolio value
 * and the current positions come from RISK_MARKET_DATA, a snapshot the operators maintain (JSON in the function's
 * environment). It is used only while it is fresh (`asOf` + `maxAgeHours`), and only for the assets it lists: a
 * candidate for any other asset, or any candidate once the snapshot is stale, FAILS the risk check with the reason —
 * nothing is assumed for a missing figure.
 */

const isoDateTime = z.iso.datetime({ offset: true });

export const marketSnapshotSchema = riskInputSchema.shape.market;
export type MarketSnapshot = z.output<typeof marketSnapshotSchema>;

export const riskMarketDataSchema = z.strictObject({
    /** When the figures were taken. */
    asOf: isoDateTime,
    /** After asOf + maxAgeHours the snapshot is stale and every candidate fails. */
    maxAgeHours: z.number().check(z.positive(), z.lte(24 * 31)),
    portfolio: z.strictObject({
        /** Total portfolio value in the base currency of RISK_LIMITS. */
        value: z.number().check(z.positive()),
        /** Signed notional held per asset (long > 0, short < 0); an asset not listed is not held. */
        positions: z._default(z.record(assetSymbolSchema, z.number()), {}),
    }),
    assets: z.record(assetSymbolSchema, marketSnapshotSchema),
});
export type RiskMarketData = z.output<typeof riskMarketDataSchema>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Whether a proposal still adds exposure: PENDING until its deadline, APPROVED until its horizon ends (decidedAt +
 * horizonDays — nothing records an execution or a close, and the horizon is when its outcome is evaluated).
 */
export function isOpenExposure(proposal: Proposal, now: Date): boolean {
    if (proposal.status === "PENDING") return !isExpired(proposal, now);
    if (proposal.status === "APPROVED") {
        const decidedAt = Date.parse(proposal.decidedAt ?? proposal.createdAt);
        return now.getTime() < decidedAt + proposal.horizonDays * DAY_MS;
    }
    return false;
}

/** Signed notional of the proposals that still add exposure (buy > 0, sell < 0); unit sizes are valued at `price`. */
export function openProposalsExposure(
    proposals: readonly Proposal[],
    price: number,
    now: Date,
): { notional: number; proposalIds: string[] } {
    let notional = 0;
    const proposalIds: string[] = [];
    for (const proposal of proposals) {
        if (!isOpenExposure(proposal, now)) continue;
        const amount = "notional" in proposal.size ? proposal.size.notional : proposal.size.quantity * price;
        notional += proposal.side === "buy" ? amount : -amount;
        proposalIds.push(proposal.proposalId);
    }
    return { notional, proposalIds };
}

export type MarketLookup = { ok: true; market: MarketSnapshot; asOf: string } | { ok: false; reason: string };

/** The snapshot of one asset, if the data is fresh and lists it. */
export function marketFor(asset: string, data: RiskMarketData | undefined, now: Date): MarketLookup {
    if (data === undefined) {
        return { ok: false, reason: "market-data: no market snapshot is configured (RISK_MARKET_DATA, stack config riskMarketData)" };
    }
    const staleAt = Date.parse(data.asOf) + data.maxAgeHours * HOUR_MS;
    if (now.getTime() >= staleAt) {
        return {
            ok: false,
            reason: `market-data: the market snapshot of ${data.asOf} is older than ${data.maxAgeHours} h; refresh RISK_MARKET_DATA`,
        };
    }
    const market = data.assets[asset];
    if (market === undefined) return { ok: false, reason: `market-data: no price, volume and volatility for ${asset} in RISK_MARKET_DATA` };
    return { ok: true, market, asOf: data.asOf };
}

export function riskInputFor(candidate: ProposalCandidate, market: MarketSnapshot, data: RiskMarketData, openNotional: number): RiskInput {
    return {
        candidate,
        market,
        portfolio: {
            value: data.portfolio.value,
            assetExposure: data.portfolio.positions[candidate.asset] ?? 0,
            openProposalsExposure: openNotional,
        },
    };
}

/**
 * The failed assessment of a candidate the rules cannot size (no market data): the market-independent rules
 * (blacklist, regulatory flags) are still reported, so a blacklisted asset is named as such; the size stays as requested.
 */
export function unassessable(candidate: ProposalCandidate, limits: RiskLimits, reason: string): RiskAssessment {
    const checks: RiskCheck[] = [];
    const blacklisted = limits.blacklist.includes(candidate.asset);
    checks.push({
        rule: "blacklist",
        passed: !blacklisted,
        detail: blacklisted ? `${candidate.asset} is on the blacklist` : `${candidate.asset} is not on the blacklist`,
    });
    const flags = limits.regulatoryFlags.filter((flag) => flag.asset === candidate.asset && flag.status === "open");
    checks.push({
        rule: "regulatory-flag",
        passed: flags.length === 0,
        detail:
            flags.length === 0
                ? `no open regulatory flag for ${candidate.asset}`
                : `${candidate.asset} has ${flags.length} open regulatory flag(s): ${flags.map((flag) => flag.flag).join("; ")}`.slice(
                      0,
                      500,
                  ),
    });
    const reasons = [...checks.filter((check) => !check.passed).map((check) => `${check.rule}: ${check.detail}`.slice(0, 500)), reason];
    return { passed: false, reasons, adjustedSize: candidate.size, checks };
}
