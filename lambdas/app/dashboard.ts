/**
 * Dashboard read models (`GET /dashboard/summary`, `GET /metrics`): proposal counts per status, the latest proposals,
 * the hit rate of recent outcomes and the signals each source stored in the last 24 hours. Reads only; nothing here
 * touches a secret.
 *
 * - Counts: Select COUNT per status on GSI byStatus.
 * - Hit rate: outcomes of the most recently created decided proposals of the last `hitRateWindowDays` whose horizon has
 *   passed, newest evaluations first, at most `hitRateSample` of them; null without any (no evidence is not 0 %).
 * - Signals: Select COUNT per agent `<channel>.<source>` on GSI byAgent with ts ≥ now − 24 h (ts is the publication
 *   time, so a late-ingested old item does not count as "last 24 h").
 */
import { hitRate, isDueForEvaluation, type Outcome } from "../domain/evaluation";
import { PROPOSAL_STATUSES, type Proposal, type ProposalStatus } from "../domain/proposals";
import type { Channel, SourceKind } from "../domain/signals";
import type { RouteTable } from "../shared/http";
import { DECIDED_STATUSES, type OutcomeLookup } from "./evaluation-ports";

/** The channels each source delivers into; typed so that a new source kind cannot be forgotten here. */
export const SOURCE_CHANNELS: Readonly<Record<SourceKind, readonly Channel[]>> = {
    reddit: ["social"],
    mastodon: ["social"],
    bluesky: ["social"],
    stocktwits: ["social"],
    rss: ["news"],
    gdelt: ["news"],
    "sec-edgar": ["regulatory"],
    bafin: ["regulatory"],
    finma: ["regulatory"],
    // POST /ingest/social and POST /ingest/news
    manual: ["social", "news"],
};

export const DASHBOARD_AGENTS: readonly { agent: string; source: SourceKind }[] = (
    Object.entries(SOURCE_CHANNELS) as [SourceKind, readonly Channel[]][]
).flatMap(([source, channels]) => channels.map((channel) => ({ agent: `${channel}.${source}`, source })));

export interface DashboardDeps {
    proposals: {
        countByStatus(status: ProposalStatus): Promise<number>;
        listByStatus(status: ProposalStatus, query: { createdFrom?: string; newestFirst?: boolean; limit?: number }): Promise<Proposal[]>;
    };
    outcomes: OutcomeLookup;
    signals: { countSince(agent: string, sinceIso: string): Promise<number> };
    now?: () => Date;
    latestLimit?: number;
    hitRateSample?: number;
    hitRateWindowDays?: number;
}

export interface ProposalCard {
    proposalId: string;
    createdAt: string;
    asset: string;
    side: Proposal["side"];
    size: Proposal["size"];
    confidence: number;
    status: ProposalStatus;
    expiresAt: string;
    decidedAt?: string;
}

export interface OutcomeStats {
    hitRate: number | null;
    sampleSize: number;
    approved: { hitRate: number | null; sampleSize: number };
    rejected: { hitRate: number | null; sampleSize: number };
    /** Proposals created from this instant on were considered. */
    since: string;
}

export interface SignalStats {
    since: string;
    total: number;
    bySource: Record<string, number>;
    byAgent: Record<string, number>;
}

export interface DashboardSummary {
    generatedAt: string;
    proposals: { byStatus: Record<ProposalStatus, number>; total: number; latest: ProposalCard[] };
    outcomes: OutcomeStats;
    signalsLast24h: SignalStats;
}

const DAY_MS = 86_400_000;

function card(proposal: Proposal): ProposalCard {
    const view: ProposalCard = {
        proposalId: proposal.proposalId,
        createdAt: proposal.createdAt,
        asset: proposal.asset,
        side: proposal.side,
        size: proposal.size,
        confidence: proposal.confidence,
        status: proposal.status,
        expiresAt: proposal.expiresAt,
    };
    if (proposal.decidedAt !== undefined) view.decidedAt = proposal.decidedAt;
    return view;
}

export function createDashboard(deps: DashboardDeps) {
    const now = deps.now ?? (() => new Date());
    const latestLimit = deps.latestLimit ?? 10;
    const sample = deps.hitRateSample ?? 100;
    const windowDays = deps.hitRateWindowDays ?? 365;

    async function countsByStatus(): Promise<Record<ProposalStatus, number>> {
        const counts = await Promise.all(PROPOSAL_STATUSES.map((status) => deps.proposals.countByStatus(status)));
        return Object.fromEntries(PROPOSAL_STATUSES.map((status, index) => [status, counts[index]!])) as Record<ProposalStatus, number>;
    }

    async function latest(): Promise<ProposalCard[]> {
        const lists = await Promise.all(
            PROPOSAL_STATUSES.map((status) => deps.proposals.listByStatus(status, { newestFirst: true, limit: latestLimit })),
        );
        return lists
            .flat()
            .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
            .slice(0, latestLimit)
            .map(card);
    }

    async function outcomeStats(at: Date): Promise<OutcomeStats> {
        const since = new Date(at.getTime() - windowDays * DAY_MS).toISOString();
        // Only proposals whose horizon has passed can have an outcome; a few times the sample covers the skipped ones.
        const lists = await Promise.all(
            DECIDED_STATUSES.map((status) =>
                deps.proposals.listByStatus(status, { createdFrom: since, newestFirst: true, limit: sample * 3 }),
            ),
        );
        const due = lists.flat().filter((proposal) => isDueForEvaluation(proposal, at));
        const outcomes = [...(await deps.outcomes.findForProposals(due.map((proposal) => proposal.proposalId))).values()]
            .sort((a, b) => (a.evaluatedAt < b.evaluatedAt ? 1 : a.evaluatedAt > b.evaluatedAt ? -1 : 0))
            .slice(0, sample);
        const of = (decision: Outcome["decision"]) => {
            const part = outcomes.filter((outcome) => outcome.decision === decision);
            return { hitRate: hitRate(part), sampleSize: part.length };
        };
        return { hitRate: hitRate(outcomes), sampleSize: outcomes.length, approved: of("APPROVED"), rejected: of("REJECTED"), since };
    }

    async function signalStats(at: Date): Promise<SignalStats> {
        const since = new Date(at.getTime() - DAY_MS).toISOString();
        const counts = await Promise.all(DASHBOARD_AGENTS.map(({ agent }) => deps.signals.countSince(agent, since)));
        const stats: SignalStats = { since, total: 0, bySource: {}, byAgent: {} };
        DASHBOARD_AGENTS.forEach(({ agent, source }, index) => {
            const count = counts[index]!;
            stats.byAgent[agent] = count;
            stats.bySource[source] = (stats.bySource[source] ?? 0) + count;
            stats.total += count;
        });
        return stats;
    }

    return {
        async summary(): Promise<DashboardSummary> {
            const at = now();
            const [byStatus, latestProposals, outcomes, signalsLast24h] = await Promise.all([
                countsByStatus(),
                latest(),
                outcomeStats(at),
                signalStats(at),
            ]);
            const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
            return { generatedAt: at.toISOString(), proposals: { byStatus, total, latest: latestProposals }, outcomes, signalsLast24h };
        },

        /** The same counters without the proposal list, flat, for monitoring. */
        async metrics() {
            const at = now();
            const [byStatus, outcomes, signals] = await Promise.all([countsByStatus(), outcomeStats(at), signalStats(at)]);
            return {
                generatedAt: at.toISOString(),
                proposalsByStatus: byStatus,
                proposalsTotal: Object.values(byStatus).reduce((sum, count) => sum + count, 0),
                hitRate: outcomes.hitRate,
                outcomesInHitRate: outcomes.sampleSize,
                signalsLast24h: signals.total,
                signalsLast24hBySource: signals.bySource,
            };
        },
    };
}

export function dashboardRoutes(dashboard: ReturnType<typeof createDashboard>): RouteTable {
    return {
        "GET /dashboard/summary": async () => ({ data: await dashboard.summary() }),
        "GET /metrics": async () => ({ data: await dashboard.metrics() }),
    };
}
