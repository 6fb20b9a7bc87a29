/**
 * Weekly agent recalibration (task `recalibrate-agents`): the outcomes of the proposals decided in the learning window,
 * each joined to the agents that contributed to it, move the agents' weights by the bounded rule of
 * domain/learning.ts; every changed weight is published as a new version of the agent in agents_config.
 *
 * An agent's contribution to a proposal is read from the proposal's rationale signals (signal keys → the stored
 * signals' agents and scores, confidence-weighted mean per agent, like fusion computes it). Signals expire by TTL;
 * when none of a proposal's signals is left (or none is scored), the agent means the fused view recorded in the
 * proposal (`rationale.fused.contributions`) are used instead — the same numbers, frozen at proposal time.
 *
 * A retried or repeated run within `minIntervalDays` of the last learning step of an agent leaves that agent alone,
 * so that one week's evidence moves a weight once.
 */
import { type LearningObservation, type LearningParameters, recalibrateAgents } from "../domain/learning";
import type { Proposal } from "../domain/proposals";
import type { AgentConfig, Signal } from "../domain/signals";
import type { SignalKey } from "../domain/values";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import { DECIDED_STATUSES, type DecidedStatus, type OutcomeLookup } from "./evaluation-ports";

export interface LearningDeps {
    proposals: { listByStatus(status: DecidedStatus, query: { createdFrom?: string; createdTo?: string }): Promise<Proposal[]> };
    outcomes: OutcomeLookup;
    signals: { get(keys: readonly SignalKey[]): Promise<Signal[]> };
    agents: { latestActive(): Promise<AgentConfig[]>; publishVersion(next: AgentConfig): Promise<void> };
    metrics: MetricsSink;
    now?: () => Date;
    /** Proposals created in the last windowDays feed the step. Default 180. */
    windowDays?: number;
    /** Default 6: a weekly schedule, and a retry the same week is a no-op. */
    minIntervalDays?: number;
    parameters?: Partial<LearningParameters>;
}

export interface LearningReport {
    window: { from: string; to: string };
    outcomes: number;
    observations: number;
    /** How many observations took their agent means from stored signals, and how many from the fused view. */
    contributionSources: { signals: number; fused: number };
    updates: { agentId: string; version: number; from: number; to: number; reason: string }[];
    conflicts: { agentId: string; version: number; reason: string }[];
    recentlyUpdated: string[];
}

const DAY_MS = 86_400_000;
const MIN_CONFIDENCE_MASS = 1e-9;

/** Confidence-weighted mean score per agent of the scored signals (plain mean when the confidences are ~0). */
export function agentMeans(signals: readonly Signal[]): { agent: string; mean: number }[] {
    const sums = new Map<string, { weighted: number; confidence: number; plain: number; count: number }>();
    for (const signal of signals) {
        if (signal.score === undefined || !Number.isFinite(signal.score.score)) continue;
        const sum = sums.get(signal.agent) ?? { weighted: 0, confidence: 0, plain: 0, count: 0 };
        sum.weighted += signal.score.confidence * signal.score.score;
        sum.confidence += signal.score.confidence;
        sum.plain += signal.score.score;
        sum.count++;
        sums.set(signal.agent, sum);
    }
    return [...sums.entries()].map(([agent, sum]) => ({
        agent,
        mean: sum.confidence >= MIN_CONFIDENCE_MASS ? sum.weighted / sum.confidence : sum.plain / sum.count,
    }));
}

export function createRecalibration(deps: LearningDeps) {
    const now = deps.now ?? (() => new Date());
    const windowDays = deps.windowDays ?? 180;
    const minIntervalDays = deps.minIntervalDays ?? 6;

    return {
        async run(context: { logger: Logger }): Promise<LearningReport> {
            const at = now();
            const from = new Date(at.getTime() - windowDays * DAY_MS).toISOString();
            const to = at.toISOString();
            const proposals = (
                await Promise.all(
                    DECIDED_STATUSES.map((status) => deps.proposals.listByStatus(status, { createdFrom: from, createdTo: to })),
                )
            ).flat();
            const outcomes = await deps.outcomes.findForProposals(proposals.map((proposal) => proposal.proposalId));

            const evaluated = proposals.filter((proposal) => outcomes.has(proposal.proposalId));
            const signals = await deps.signals.get(evaluated.flatMap((proposal) => proposal.rationale.signalKeys));
            const bySignalKey = new Map(signals.map((signal) => [`${signal.pk}\n${signal.sk}`, signal]));

            const sources = { signals: 0, fused: 0 };
            const observations: LearningObservation[] = evaluated.map((proposal) => {
                const own = proposal.rationale.signalKeys
                    .map((key) => bySignalKey.get(`${key.pk}\n${key.sk}`))
                    .filter((signal): signal is Signal => signal !== undefined);
                let contributions = agentMeans(own);
                if (contributions.length > 0) sources.signals++;
                else {
                    contributions = proposal.rationale.fused.contributions.map(({ agent, mean }) => ({ agent, mean }));
                    sources.fused++;
                }
                return { proposalId: proposal.proposalId, excessReturn: outcomes.get(proposal.proposalId)!.excessReturn, contributions };
            });

            const agents = await deps.agents.latestActive();
            const byId = new Map(agents.map((agent) => [agent.agentId, agent]));
            const report: LearningReport = {
                window: { from, to },
                outcomes: outcomes.size,
                observations: observations.length,
                contributionSources: sources,
                updates: [],
                conflicts: [],
                recentlyUpdated: [],
            };
            const cutoff = at.getTime() - minIntervalDays * DAY_MS;
            for (const next of recalibrateAgents(agents, observations, { now: at, parameters: deps.parameters })) {
                const previous = byId.get(next.agentId)!;
                if (previous.reason.startsWith("learning:") && Date.parse(previous.updatedAt) > cutoff) {
                    report.recentlyUpdated.push(next.agentId);
                    continue;
                }
                try {
                    await deps.agents.publishVersion(next);
                } catch (error) {
                    if (error instanceof Error && error.name === "AgentConfigConflictError") {
                        const reason = (error as Error & { reason?: string }).reason ?? error.message;
                        report.conflicts.push({ agentId: next.agentId, version: next.version, reason });
                        context.logger.warn("agent weight not published: another version won", {
                            agentId: next.agentId,
                            version: next.version,
                            reason,
                        });
                        continue;
                    }
                    throw error;
                }
                deps.metrics.count("AgentWeightsUpdated", 1, { Agent: next.agentId });
                report.updates.push({
                    agentId: next.agentId,
                    version: next.version,
                    from: previous.weight,
                    to: next.weight,
                    reason: next.reason,
                });
                context.logger.info("agent weight published", {
                    agentId: next.agentId,
                    version: next.version,
                    from: previous.weight,
                    to: next.weight,
                });
            }
            context.logger.info("recalibration finished", {
                outcomes: report.outcomes,
                observations: report.observations,
                contributionSources: sources,
                updates: report.updates.length,
                conflicts: report.conflicts.length,
                recentlyUpdated: report.recentlyUpdated.length,
            });
            return report;
        },
    };
}
