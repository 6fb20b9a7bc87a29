import type { Outcome } from "./evaluation";
import type { Proposal } from "./proposals";
import type { AgentConfig } from "./signals";

/**
 * Bounded recalibration of agent weights from evaluated proposals.
 *
 * For every evaluated proposal an agent contributed to (its entry in the fused rationale's contributions), the agent
 * scores a hit when the sign of its mean score agrees with the sign of the realised excess return. Observations where
 * either is exactly 0 carry no direction and are skipped.
 *
 *   hitRate  = hits / observations                                   (per agent)
 *   proposed = old × (1 + η × (hitRate − 0.5) × 2)                    η = learningRate: a perfect record adds η
 *   stepped  = clamp(proposed, old × (1 − maxRelativeStep), old × (1 + maxRelativeStep))
 *   new      = clamp(stepped, minWeight, maxWeight)
 *
 * - No update for an agent with fewer than `minSamples` observations, or a retired one.
 * - A weight inside [minWeight, maxWeight] never moves more than maxRelativeStep in one run; the range is a hard bound,
 *   so a weight configured outside it is brought into it even if that is a larger step.
 * - minWeight > 0 keeps every agent able to recover: a weight of 0 would stay 0 under a multiplicative rule.
 * Defaults: DEFAULT_LEARNING_PARAMETERS (η 0.2, step ±10 %, 10 observations, weights in [0.05, 1]).
 */

export interface LearningParameters {
    learningRate: number;
    maxRelativeStep: number;
    minSamples: number;
    minWeight: number;
    maxWeight: number;
}

export const DEFAULT_LEARNING_PARAMETERS: Readonly<LearningParameters> = {
    learningRate: 0.2,
    maxRelativeStep: 0.1,
    minSamples: 10,
    minWeight: 0.05,
    maxWeight: 1,
};

export interface LearningObservation {
    proposalId: string;
    excessReturn: number;
    contributions: readonly { agent: string; mean: number }[];
}

export interface AgentRecord {
    agent: string;
    observations: number;
    hits: number;
}

/** Joins outcomes to the proposals they evaluate; outcomes without their proposal are left out. */
export function observationsFrom(proposals: readonly Proposal[], outcomes: readonly Outcome[]): LearningObservation[] {
    const byId = new Map(proposals.map((proposal) => [proposal.proposalId, proposal]));
    const observations: LearningObservation[] = [];
    for (const outcome of outcomes) {
        const proposal = byId.get(outcome.proposalId);
        if (proposal === undefined) continue;
        observations.push({
            proposalId: outcome.proposalId,
            excessReturn: outcome.excessReturn,
            contributions: proposal.rationale.fused.contributions,
        });
    }
    return observations;
}

/** Directional hits and observations per agent. */
export function agentRecords(observations: readonly LearningObservation[]): Map<string, AgentRecord> {
    const records = new Map<string, AgentRecord>();
    for (const observation of observations) {
        if (!(observation.excessReturn !== 0 && Number.isFinite(observation.excessReturn))) continue;
        const seen = new Set<string>();
        for (const contribution of observation.contributions) {
            if (seen.has(contribution.agent) || !(contribution.mean !== 0 && Number.isFinite(contribution.mean))) continue;
            seen.add(contribution.agent);
            const record = records.get(contribution.agent) ?? { agent: contribution.agent, observations: 0, hits: 0 };
            record.observations++;
            if (contribution.mean > 0 === observation.excessReturn > 0) record.hits++;
            records.set(contribution.agent, record);
        }
    }
    return records;
}

function clamp(value: number, low: number, high: number): number {
    return value > high ? high : value < low ? low : value;
}

/** The learning rule for one weight (see the module comment). */
export function nextWeight(oldWeight: number, rate: number, parameters: LearningParameters = DEFAULT_LEARNING_PARAMETERS): number {
    const proposed = oldWeight * (1 + parameters.learningRate * (rate - 0.5) * 2);
    const stepped = clamp(proposed, oldWeight * (1 - parameters.maxRelativeStep), oldWeight * (1 + parameters.maxRelativeStep));
    return clamp(stepped, parameters.minWeight, parameters.maxWeight);
}

function validate(parameters: LearningParameters): void {
    const { learningRate, maxRelativeStep, minSamples, minWeight, maxWeight } = parameters;
    if (!(
        learningRate >= 0 &&
        maxRelativeStep >= 0 &&
        maxRelativeStep < 1 &&
        minSamples >= 1 &&
        minWeight >= 0 &&
        minWeight <= maxWeight &&
        maxWeight <= 1
    )) {
        throw new RangeError(`invalid learning parameters ${JSON.stringify(parameters)}`);
    }
}

/**
 * New versions (version + 1) of the active agents whose weight changes, with the step explained in `reason`.
 * Agents are taken at their latest version; agents without enough observations or with an unchanged weight are absent.
 */
export function recalibrateAgents(
    agents: readonly AgentConfig[],
    observations: readonly LearningObservation[],
    options: { now: Date; parameters?: Partial<LearningParameters> },
): AgentConfig[] {
    const parameters: LearningParameters = { ...DEFAULT_LEARNING_PARAMETERS, ...options.parameters };
    validate(parameters);
    const latest = new Map<string, AgentConfig>();
    for (const agent of agents) {
        const known = latest.get(agent.agentId);
        if (known === undefined || agent.version > known.version) latest.set(agent.agentId, agent);
    }
    const records = agentRecords(observations);
    const updatedAt = options.now.toISOString();
    const updates: AgentConfig[] = [];
    for (const agent of latest.values()) {
        if (agent.status !== "active") continue;
        const record = records.get(agent.agentId);
        if (record === undefined || record.observations < parameters.minSamples) continue;
        const rate = record.hits / record.observations;
        const weight = nextWeight(agent.weight, rate, parameters);
        if (weight === agent.weight) continue;
        const change = agent.weight > 0 ? ((weight - agent.weight) / agent.weight) * 100 : Number.POSITIVE_INFINITY;
        updates.push({
            ...agent,
            version: agent.version + 1,
            weight,
            updatedAt,
            reason:
                `learning: hit rate ${rate.toFixed(3)} (${record.hits}/${record.observations}), ` +
                `weight ${agent.weight.toFixed(4)} → ${weight.toFixed(4)} (${change >= 0 ? "+" : ""}${Number.isFinite(change) ? change.toFixed(1) : "∞"} %; ` +
                `η ${parameters.learningRate}, max step ±${(parameters.maxRelativeStep * 100).toFixed(0)} %, range [${parameters.minWeight}, ${parameters.maxWeight}])`,
        });
    }
    return updates;
}
