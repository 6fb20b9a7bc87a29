import * as z from "../zod";
import type { Proposal } from "./proposals";
import { assetSymbolSchema, proposalIdSchema, tradeSideSchema } from "./values";

/**
 * Realised outcome of a decided proposal once its horizon has passed.
 *
 * - Both APPROVED and REJECTED proposals are evaluated: a rejected one gives the counterfactual, which the learning
 *   loop needs to judge the signals independently of what the approver did. EXPIRED ones had no decision and are not.
 * - The horizon runs from the decision: entry at `decidedAt`, exit at `decidedAt + horizonDays` (`evaluationWindow`);
 *   the caller fetches the asset's and the benchmark's prices at those instants.
 * - excessReturn = sign × (assetReturn − benchmarkReturn), sign = +1 for a buy, −1 for a sell: a sell profits when the
 *   asset does worse than the benchmark. hit = excessReturn > 0.
 */

const DAY_MS = 86_400_000;

export const outcomeSchema = z.strictObject({
    outcomeId: z.string().check(z.minLength(1), z.maxLength(128)),
    proposalId: proposalIdSchema,
    asset: assetSymbolSchema,
    side: tradeSideSchema,
    decision: z.enum(["APPROVED", "REJECTED"]),
    assetReturn: z.number(),
    benchmarkReturn: z.number(),
    excessReturn: z.number(),
    hit: z.boolean(),
    evaluatedAt: z.iso.datetime({ offset: true }),
});
export type Outcome = z.infer<typeof outcomeSchema>;

export interface OutcomePrices {
    outcomeId: string;
    entryPrice: number;
    exitPrice: number;
    benchmarkEntry: number;
    benchmarkExit: number;
    now: Date;
}

type DecidedProposal = Proposal & { status: "APPROVED" | "REJECTED"; decidedAt: string };

function isDecided(proposal: Proposal): proposal is DecidedProposal {
    return (proposal.status === "APPROVED" || proposal.status === "REJECTED") && proposal.decidedAt !== undefined;
}

/** Entry and exit instants of a decided proposal; null for one that was not decided. */
export function evaluationWindow(proposal: Proposal): { entryAt: Date; exitAt: Date } | null {
    if (!isDecided(proposal)) return null;
    const entryMs = Date.parse(proposal.decidedAt);
    if (Number.isNaN(entryMs)) return null;
    return { entryAt: new Date(entryMs), exitAt: new Date(entryMs + proposal.horizonDays * DAY_MS) };
}

export function isDueForEvaluation(proposal: Proposal, now: Date): boolean {
    const window = evaluationWindow(proposal);
    return window !== null && now.getTime() >= window.exitAt.getTime();
}

function positivePrice(value: number, what: string): number {
    if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${what} must be a positive finite price, got ${value}`);
    return value;
}

/** Throws a RangeError for a proposal that is not due or a price that is not positive. */
export function evaluateOutcome(proposal: Proposal, prices: OutcomePrices): Outcome {
    if (!isDecided(proposal) || !isDueForEvaluation(proposal, prices.now)) {
        throw new RangeError(`proposal ${proposal.proposalId} is not due for evaluation`);
    }
    const assetReturn = positivePrice(prices.exitPrice, "exitPrice") / positivePrice(prices.entryPrice, "entryPrice") - 1;
    const benchmarkReturn =
        positivePrice(prices.benchmarkExit, "benchmarkExit") / positivePrice(prices.benchmarkEntry, "benchmarkEntry") - 1;
    const excessReturn = (proposal.side === "buy" ? 1 : -1) * (assetReturn - benchmarkReturn);
    return {
        outcomeId: prices.outcomeId,
        proposalId: proposal.proposalId,
        asset: proposal.asset,
        side: proposal.side,
        decision: proposal.status,
        assetReturn,
        benchmarkReturn,
        excessReturn,
        hit: excessReturn > 0,
        evaluatedAt: prices.now.toISOString(),
    };
}

/** Share of outcomes that were hits; null without outcomes (no evidence is not a 0 % hit rate). */
export function hitRate(outcomes: readonly Pick<Outcome, "hit">[]): number | null {
    if (outcomes.length === 0) return null;
    return outcomes.filter((outcome) => outcome.hit).length / outcomes.length;
}
