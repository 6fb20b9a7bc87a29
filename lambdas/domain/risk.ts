import * as z from "../zod";
import { assetSymbolSchema, positionSizeSchema, proposalCandidateSchema } from "./values";

/**
 * Risk rules a trade candidate must pass before it becomes a proposal. The size is first scaled down by volatility
 * targeting; every other rule is then checked against that adjusted size, because that is what would be proposed.
 *
 * | rule | passes when |
 * |---|---|
 * | blacklist | the asset is not on the blacklist — a blacklisted asset NEVER passes, whatever else holds |
 * | regulatory-flag | no open regulatory flag for the asset |
 * | currency | a notional size is in the portfolio's base currency (no FX in the domain) |
 * | volatility-sizing | always; caps the notional at portfolioValue × targetPositionVolatility / assetVolatility |
 * | max-position-size | adjusted notional ≤ maxPositionNotional |
 * | concentration | |exposure + open proposals ± adjusted notional| / portfolioValue ≤ maxConcentration (signed: a sell reduces a long) |
 * | liquidity | average daily traded value (volume × price) ≥ minAverageDailyValue, and adjusted notional ≤ maxParticipation × it |
 *
 * `reasons` lists every failing rule with its numbers; `checks` lists every rule.
 */

/** Length limit of a check's detail and a reason (the risk.assessed message allows 500). */
const MAX_TEXT = 500;

const currencySchema = z.string().check(z.regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 currency code" }));

export const regulatoryFlagSchema = z.strictObject({
    asset: assetSymbolSchema,
    /** E.g. "SEC trading suspension", "BaFin short-selling ban". */
    flag: z.string().check(z.minLength(1), z.maxLength(200)),
    status: z.enum(["open", "closed"]),
});

export const riskLimitsSchema = z.strictObject({
    baseCurrency: currencySchema,
    /** Largest notional of one trade, in the base currency. */
    maxPositionNotional: z.number().check(z.positive()),
    /** Largest share of the portfolio value one asset may reach, open proposals included. */
    maxConcentration: z.number().check(z.gt(0), z.lte(1)),
    /** Annualised volatility one position may add to the portfolio, e.g. 0.02 = 2 %. */
    targetPositionVolatility: z.number().check(z.positive(), z.lte(1)),
    /** Largest share of an asset's average daily traded value one trade may take. */
    maxParticipation: z.number().check(z.gt(0), z.lte(1)),
    /** Assets whose average daily traded value is below this are not traded at all. */
    minAverageDailyValue: z._default(z.number().check(z.nonnegative()), 0),
    blacklist: z._default(z.array(assetSymbolSchema).check(z.maxLength(10_000)), []),
    regulatoryFlags: z._default(z.array(regulatoryFlagSchema).check(z.maxLength(10_000)), []),
});
export type RiskLimits = z.infer<typeof riskLimitsSchema>;

export const riskInputSchema = z.strictObject({
    candidate: proposalCandidateSchema,
    market: z.strictObject({
        /** Last price in the base currency. */
        price: z.number().check(z.positive()),
        /** Average daily volume in units. */
        averageDailyVolume: z.number().check(z.nonnegative()),
        /** Annualised volatility of the asset's returns, e.g. 0.45. */
        annualisedVolatility: z.number().check(z.positive()),
    }),
    portfolio: z.strictObject({
        /** Total portfolio value in the base currency. */
        value: z.number().check(z.positive()),
        /** Current signed notional in the asset (long > 0, short < 0). */
        assetExposure: z._default(z.number(), 0),
        /** Signed notional of the asset's open (pending or approved, not yet executed) proposals. */
        openProposalsExposure: z._default(z.number(), 0),
    }),
});
export type RiskInput = z.infer<typeof riskInputSchema>;

export const RISK_RULES = [
    "blacklist",
    "regulatory-flag",
    "currency",
    "volatility-sizing",
    "max-position-size",
    "concentration",
    "liquidity",
] as const;
export type RiskRule = (typeof RISK_RULES)[number];

export const riskCheckSchema = z.strictObject({
    rule: z.enum(RISK_RULES),
    passed: z.boolean(),
    detail: z.string().check(z.minLength(1), z.maxLength(MAX_TEXT)),
});
export type RiskCheck = z.infer<typeof riskCheckSchema>;

export const riskAssessmentSchema = z.strictObject({
    passed: z.boolean(),
    reasons: z.array(z.string().check(z.minLength(1), z.maxLength(MAX_TEXT))).check(z.maxLength(50)),
    /** The size to propose: the requested size capped by volatility targeting, in the requested unit. */
    adjustedSize: positionSizeSchema,
    checks: z.array(riskCheckSchema),
});
export type RiskAssessment = z.infer<typeof riskAssessmentSchema>;

function truncate(text: string): string {
    return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function money(amount: number, currency: string): string {
    return `${amount.toFixed(2)} ${currency}`;
}

function percent(share: number): string {
    return `${(share * 100).toFixed(2)} %`;
}

export function assessRisk(input: RiskInput, limits: RiskLimits): RiskAssessment {
    const { candidate, market, portfolio } = input;
    const currency = limits.baseCurrency;
    const checks: RiskCheck[] = [];
    const check = (rule: RiskRule, passed: boolean, detail: string) => checks.push({ rule, passed, detail: truncate(detail) });

    const blacklisted = limits.blacklist.includes(candidate.asset);
    check("blacklist", !blacklisted, blacklisted ? `${candidate.asset} is on the blacklist` : `${candidate.asset} is not on the blacklist`);

    const openFlags = limits.regulatoryFlags.filter((flag) => flag.asset === candidate.asset && flag.status === "open");
    check(
        "regulatory-flag",
        openFlags.length === 0,
        openFlags.length === 0
            ? `no open regulatory flag for ${candidate.asset}`
            : `${candidate.asset} has ${openFlags.length} open regulatory flag(s): ${openFlags.map((flag) => flag.flag).join("; ")}`,
    );

    const size = candidate.size;
    const currencyMatches = !("notional" in size) || size.currency === currency;
    check(
        "currency",
        currencyMatches,
        currencyMatches
            ? `size in ${"notional" in size ? size.currency : "units"}`
            : `notional in ${size.currency}, the portfolio is in ${currency}`,
    );

    const requestedNotional = "notional" in size ? size.notional : size.quantity * market.price;
    const volatilityCap = (portfolio.value * limits.targetPositionVolatility) / market.annualisedVolatility;
    const adjustedNotional = Math.min(requestedNotional, volatilityCap);
    check(
        "volatility-sizing",
        true,
        adjustedNotional < requestedNotional
            ? `size capped from ${money(requestedNotional, currency)} to ${money(adjustedNotional, currency)} (target volatility ${percent(limits.targetPositionVolatility)} / asset volatility ${percent(market.annualisedVolatility)} of ${money(portfolio.value, currency)})`
            : `${money(requestedNotional, currency)} within the volatility cap ${money(volatilityCap, currency)}`,
    );

    const withinPosition = adjustedNotional <= limits.maxPositionNotional;
    check(
        "max-position-size",
        withinPosition,
        `notional ${money(adjustedNotional, currency)} ${withinPosition ? "within" : "exceeds"} the limit ${money(limits.maxPositionNotional, currency)}`,
    );

    const signedNotional = candidate.side === "buy" ? adjustedNotional : -adjustedNotional;
    const exposureAfter = portfolio.assetExposure + portfolio.openProposalsExposure + signedNotional;
    const concentration = Math.abs(exposureAfter) / portfolio.value;
    const withinConcentration = concentration <= limits.maxConcentration;
    check(
        "concentration",
        withinConcentration,
        `exposure to ${candidate.asset} after the trade ${money(exposureAfter, currency)} incl. open proposals = ${percent(concentration)} of the portfolio, ` +
            `${withinConcentration ? "within" : "exceeds"} the limit ${percent(limits.maxConcentration)}`,
    );

    const dailyValue = market.averageDailyVolume * market.price;
    const participation = dailyValue > 0 ? adjustedNotional / dailyValue : Number.POSITIVE_INFINITY;
    const liquidEnough = dailyValue >= limits.minAverageDailyValue;
    const withinParticipation = participation <= limits.maxParticipation;
    check(
        "liquidity",
        liquidEnough && withinParticipation,
        [
            `average daily value ${money(dailyValue, currency)}${liquidEnough ? "" : ` below the minimum ${money(limits.minAverageDailyValue, currency)}`}`,
            `participation ${Number.isFinite(participation) ? percent(participation) : "unbounded (no volume)"} ` +
                `${withinParticipation ? "within" : "exceeds"} the limit ${percent(limits.maxParticipation)}`,
        ].join("; "),
    );

    const reasons = checks.filter((entry) => !entry.passed).map((entry) => truncate(`${entry.rule}: ${entry.detail}`));
    const adjustedSize =
        "notional" in size
            ? { notional: adjustedNotional, currency: size.currency }
            : { quantity: adjustedNotional < requestedNotional ? adjustedNotional / market.price : size.quantity };
    return { passed: reasons.length === 0 && !blacklisted, reasons, adjustedSize, checks };
}
