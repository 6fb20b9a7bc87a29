/**
 * Outcome evaluation (daily task `evaluate-outcomes`, REST `POST /evaluate`): decided proposals whose horizon has passed
 * and that have no outcome yet get the closes of their asset and of the benchmark at entry and exit, an outcome
 * (domain/evaluation.ts evaluateOutcome), stored once per proposal, and a JSON record in the eval bucket.
 *
 * Prices, at daily resolution: entry = the first close on or after the decision day, exit = the first close on or
 * after the day the horizon ends (decidedAt + horizonDays), each for the asset and for the benchmark. Only days before
 * the run's UTC day count (an exit close of today is not final). A missing close (no data yet, unknown symbol,
 * provider budget exhausted, provider down) skips the proposal with the reason; the next run tries again. Nothing is
 * estimated or filled in.
 */
import { type DailyClose, type MarketData, MarketDataError } from "../adapters/market-data";
import { outcomeIdFor } from "../adapters/dynamo-outcome-repository";
import { evaluateOutcome, evaluationWindow, isDueForEvaluation } from "../domain/evaluation";
import type { Proposal } from "../domain/proposals";
import { AppError } from "../shared/errors";
import type { RouteTable } from "../shared/http";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import { DECIDED_STATUSES, type DecidedProposals, type DecidedStatus, type OutcomeStore } from "./evaluation-ports";

/** The eval bucket (adapters/s3-raw-store.ts putJson). */
export interface EvaluationRecords {
    putJson(key: string, value: unknown): Promise<void>;
}

export type EvaluationScope = { kind: "due" } | { kind: "proposal"; proposalId: string } | { kind: "range"; from: string; to: string };

export interface EvaluatedEntry {
    proposalId: string;
    asset: string;
    decision: DecidedStatus;
    excessReturn: number;
    hit: boolean;
    recordKey: string;
}

export interface EvaluationReport {
    scope: EvaluationScope;
    /** Decided proposals looked at. */
    considered: number;
    evaluated: EvaluatedEntry[];
    alreadyEvaluated: string[];
    /** Not (yet) evaluable: horizon not over, or not decided. */
    notDue: { proposalId: string; reason: string }[];
    /** Due but without prices this time: retried next run. */
    skipped: { proposalId: string; reason: string }[];
    /** Unexpected errors (storage); details are in the logs. */
    failed: { proposalId: string; error: string }[];
}

export interface EvaluatorDeps {
    proposals: DecidedProposals;
    outcomes: OutcomeStore;
    marketData: MarketData;
    records: EvaluationRecords;
    metrics: MetricsSink;
    benchmarkSymbol: string;
    /** Name of the price source, kept in each evaluation record. */
    provider: string;
    now?: () => Date;
    /** Milliseconds left in the invocation; no new proposal is started with less than `reserveMs` left. */
    remainingMs?: () => number;
    reserveMs?: number;
}

const DAY_MS = 86_400_000;
/** Days after the horizon's end in which the first exit close is looked for (weekends, holidays). */
const EXIT_SEARCH_DAYS = 10;
const MAX_RANGE_DAYS = 366;

function isoDay(time: number): string {
    return new Date(time).toISOString().slice(0, 10);
}

function firstOnOrAfter(series: readonly DailyClose[], day: string, lastDay: string): DailyClose | undefined {
    return series.find((bar) => bar.date >= day && bar.date <= lastDay);
}

/** `evaluations/yyyy/mm/dd/<proposalId>.json`, dated by the evaluation. */
export function evaluationRecordKey(proposalId: string, evaluatedAt: Date): string {
    return `evaluations/${isoDay(evaluatedAt.getTime()).replace(/-/g, "/")}/${proposalId}.json`;
}

type Priced =
    | { ok: true; asset: { entry: DailyClose; exit: DailyClose }; benchmark: { entry: DailyClose; exit: DailyClose } }
    | { ok: false; reason: string; rateLimited?: boolean };

export function createEvaluator(deps: EvaluatorDeps) {
    const now = deps.now ?? (() => new Date());
    const reserveMs = deps.reserveMs ?? 15_000;

    async function candidates(scope: EvaluationScope, at: Date): Promise<Proposal[]> {
        switch (scope.kind) {
            case "proposal": {
                const proposal = await deps.proposals.get(scope.proposalId);
                if (proposal === undefined) throw new AppError("NOT_FOUND", `No proposal ${scope.proposalId}.`);
                return [proposal];
            }
            case "range": {
                const fromMs = Date.parse(`${scope.from}T00:00:00.000Z`);
                const toMs = Date.parse(`${scope.to}T00:00:00.000Z`) + DAY_MS - 1;
                if (!(fromMs <= toMs)) throw new AppError("VALIDATION_FAILED", `scope.from ${scope.from} is after scope.to ${scope.to}.`);
                if (toMs - fromMs >= MAX_RANGE_DAYS * DAY_MS) {
                    throw new AppError("VALIDATION_FAILED", `scope covers more than ${MAX_RANGE_DAYS} days; split it.`);
                }
                // A proposal is decided after it was created, so created ≤ the range's end; decidedAt selects.
                const lists = await Promise.all(
                    DECIDED_STATUSES.map((status) => deps.proposals.listByStatus(status, { createdTo: new Date(toMs).toISOString() })),
                );
                return lists.flat().filter((proposal) => {
                    const decidedMs = Date.parse(proposal.decidedAt ?? "");
                    return decidedMs >= fromMs && decidedMs <= toMs;
                });
            }
            case "due": {
                // Every decided proposal: horizons reach up to 10 years, and the outcome check below is one batch read.
                const lists = await Promise.all(
                    DECIDED_STATUSES.map((status) => deps.proposals.listByStatus(status, { createdTo: at.toISOString() })),
                );
                return lists.flat();
            }
        }
    }

    async function price(proposal: Proposal, at: Date): Promise<Priced> {
        const window = evaluationWindow(proposal)!;
        const entryDay = isoDay(window.entryAt.getTime());
        const exitDay = isoDay(window.exitAt.getTime());
        const lastCompleteDay = isoDay(Date.parse(`${isoDay(at.getTime())}T00:00:00.000Z`) - DAY_MS);
        if (exitDay > lastCompleteDay) return { ok: false, reason: `the close of the exit day ${exitDay} is not final yet` };
        const toDay = [isoDay(Date.parse(`${exitDay}T00:00:00.000Z`) + EXIT_SEARCH_DAYS * DAY_MS), lastCompleteDay].sort()[0]!;
        const bars: Partial<Record<"asset" | "benchmark", { entry: DailyClose; exit: DailyClose }>> = {};
        for (const [role, symbol] of [
            ["asset", proposal.asset],
            ["benchmark", deps.benchmarkSymbol],
        ] as const) {
            let series: DailyClose[];
            try {
                series = await deps.marketData.closes(symbol, entryDay, toDay);
            } catch (error) {
                if (error instanceof MarketDataError) {
                    return { ok: false, reason: `${role} ${error.message}`, rateLimited: error.kind === "rate-limited" };
                }
                throw error;
            }
            const entry = firstOnOrAfter(series, entryDay, toDay);
            const exit = firstOnOrAfter(series, exitDay, toDay);
            if (entry === undefined) return { ok: false, reason: `${role} ${symbol}: no close from ${entryDay} to ${toDay}` };
            if (exit === undefined) return { ok: false, reason: `${role} ${symbol}: no close from ${exitDay} to ${toDay} yet` };
            bars[role] = { entry, exit };
        }
        return { ok: true, asset: bars.asset!, benchmark: bars.benchmark! };
    }

    return {
        async run(scope: EvaluationScope, context: { logger: Logger; trigger: string }): Promise<EvaluationReport> {
            const at = now();
            const { logger } = context;
            const found = await candidates(scope, at);
            const report: EvaluationReport = {
                scope,
                considered: found.length,
                evaluated: [],
                alreadyEvaluated: [],
                notDue: [],
                skipped: [],
                failed: [],
            };
            const due: Proposal[] = [];
            for (const proposal of found) {
                if (isDueForEvaluation(proposal, at)) due.push(proposal);
                else if (scope.kind !== "due") {
                    const window = evaluationWindow(proposal);
                    report.notDue.push({
                        proposalId: proposal.proposalId,
                        reason: window
                            ? `horizon ends at ${window.exitAt.toISOString()}`
                            : `status ${proposal.status}: only approved or rejected proposals are evaluated`,
                    });
                }
            }
            const evaluated = await deps.outcomes.evaluatedAmong(due.map((proposal) => proposal.proposalId));
            report.alreadyEvaluated.push(...due.filter((p) => evaluated.has(p.proposalId)).map((p) => p.proposalId));
            // The longest-waiting first, so that a short budget still makes progress on the oldest.
            const todo = due
                .filter((proposal) => !evaluated.has(proposal.proposalId))
                .sort((a, b) => Date.parse(a.decidedAt!) - Date.parse(b.decidedAt!));

            let stopReason: string | undefined;
            for (const proposal of todo) {
                const proposalId = proposal.proposalId;
                if (stopReason === undefined && deps.remainingMs !== undefined && deps.remainingMs() < reserveMs) {
                    stopReason = "time budget of this invocation used up; retried next run";
                }
                if (stopReason !== undefined) {
                    report.skipped.push({ proposalId, reason: stopReason });
                    continue;
                }
                try {
                    const priced = await price(proposal, at);
                    if (!priced.ok) {
                        report.skipped.push({ proposalId, reason: priced.reason });
                        logger.warn("proposal not evaluated: no price", { proposalId, asset: proposal.asset, reason: priced.reason });
                        if (priced.rateLimited) stopReason = `market data request budget exhausted (${priced.reason}); retried next run`;
                        continue;
                    }
                    const outcome = evaluateOutcome(proposal, {
                        outcomeId: outcomeIdFor(proposalId),
                        entryPrice: priced.asset.entry.close,
                        exitPrice: priced.asset.exit.close,
                        benchmarkEntry: priced.benchmark.entry.close,
                        benchmarkExit: priced.benchmark.exit.close,
                        now: at,
                    });
                    if ((await deps.outcomes.putOnce(outcome)) === "exists") {
                        report.alreadyEvaluated.push(proposalId);
                        continue;
                    }
                    const recordKey = evaluationRecordKey(proposalId, at);
                    await deps.records.putJson(recordKey, {
                        outcome,
                        proposal: {
                            proposalId,
                            asset: proposal.asset,
                            side: proposal.side,
                            status: proposal.status,
                            createdAt: proposal.createdAt,
                            decidedAt: proposal.decidedAt,
                            horizonDays: proposal.horizonDays,
                        },
                        prices: {
                            provider: deps.provider,
                            asset: { symbol: proposal.asset, ...priced.asset },
                            benchmark: { symbol: deps.benchmarkSymbol, ...priced.benchmark },
                        },
                        trigger: context.trigger,
                    });
                    const decision = outcome.decision;
                    deps.metrics.count("OutcomesEvaluated", 1, { Decision: decision });
                    if (outcome.hit) deps.metrics.count("OutcomeHits", 1, { Decision: decision });
                    report.evaluated.push({
                        proposalId,
                        asset: outcome.asset,
                        decision,
                        excessReturn: outcome.excessReturn,
                        hit: outcome.hit,
                        recordKey,
                    });
                    logger.info("outcome evaluated", {
                        proposalId,
                        asset: outcome.asset,
                        decision,
                        excessReturn: outcome.excessReturn,
                        hit: outcome.hit,
                    });
                } catch (error) {
                    logger.error("outcome evaluation failed", { proposalId, error });
                    report.failed.push({ proposalId, error: error instanceof Error ? error.name : "Error" });
                }
            }
            logger.info("evaluation run finished", {
                scope: scope.kind,
                considered: report.considered,
                evaluated: report.evaluated.length,
                alreadyEvaluated: report.alreadyEvaluated.length,
                skipped: report.skipped.length,
                failed: report.failed.length,
            });
            return report;
        },
    };
}

export function evaluateRoutes(evaluator: ReturnType<typeof createEvaluator>): RouteTable {
    return {
        "POST /evaluate": async ({ body, caller, logger }) => {
            const scope: EvaluationScope =
                "proposalId" in body.scope ? { kind: "proposal", ...body.scope } : { kind: "range", ...body.scope };
            return { data: await evaluator.run(scope, { logger, trigger: `api:${caller.sub ?? "unknown"}` }) };
        },
    };
}
