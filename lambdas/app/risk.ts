/**
 * Risk check: a trade candidate against the risk rules (domain/risk.ts), with the market snapshot of RISK_MARKET_DATA
 * and the exposure of the asset's open proposals read from the proposals table.
 *
 * - queue (candidate.fused → risk.assessed): every candidate gets a verdict, passed or not, and the verdict goes on
 *   (propose keeps failed ones as the latest view of the asset, so an analyst sees why nothing was proposed);
 * - REST POST /risk/check: the same assessment for a candidate an analyst enters, with every check and reason.
 */
import { assessedCandidateMessageSchema, type AssessedCandidateMessage, type FusedCandidateMessage } from "../domain/candidates";
import { marketFor, openProposalsExposure, riskInputFor, unassessable, type RiskMarketData } from "../domain/market";
import { assessRisk, type RiskAssessment, type RiskLimits } from "../domain/risk";
import type { ProposalCandidate } from "../domain/values";
import type { RouteTable } from "../shared/http";
import type { MetricsSink } from "../shared/metrics";
import type { MessageProcessor } from "../shared/sqs";
import type { MessagePublisher, ProposalStore } from "./proposal-ports";

export interface RiskCheckDeps {
    proposals: Pick<ProposalStore, "listForAsset">;
    publisher: MessagePublisher;
    /** The risk-checked queue (risk.assessed messages for propose). */
    nextQueueUrl: string;
    limits: RiskLimits;
    /** Unset until operators configure a snapshot: every candidate then fails with that reason. */
    marketData: RiskMarketData | undefined;
    metrics: MetricsSink;
    now?: () => Date;
}

export interface RiskCheckResult {
    assessment: RiskAssessment;
    /** asOf of the market snapshot used; null when there was none for the asset (the check then failed). */
    marketAsOf: string | null;
    /** Signed notionals in the base currency; null when they could not be valued (no market snapshot). */
    exposure: { position: number; openProposals: number; openProposalIds: string[] } | null;
}

export async function checkCandidate(candidate: ProposalCandidate, deps: RiskCheckDeps): Promise<RiskCheckResult> {
    const now = (deps.now ?? (() => new Date()))();
    const lookup = marketFor(candidate.asset, deps.marketData, now);
    let result: RiskCheckResult;
    if (!lookup.ok) {
        result = { assessment: unassessable(candidate, deps.limits, lookup.reason), marketAsOf: null, exposure: null };
    } else {
        // PENDING and APPROVED: the statuses that can still add exposure (isOpenExposure decides per proposal).
        const proposals = await deps.proposals.listForAsset(candidate.asset, ["PENDING", "APPROVED"]);
        const open = openProposalsExposure(proposals, lookup.market.price, now);
        const input = riskInputFor(candidate, lookup.market, deps.marketData!, open.notional);
        result = {
            assessment: assessRisk(input, deps.limits),
            marketAsOf: lookup.asOf,
            exposure: { position: input.portfolio.assetExposure, openProposals: open.notional, openProposalIds: open.proposalIds },
        };
    }
    deps.metrics.count("RiskChecks", 1, { Status: result.assessment.passed ? "passed" : "failed" });
    return result;
}

export function riskCheckRoutes(deps: RiskCheckDeps): RouteTable {
    return {
        "POST /risk/check": async ({ body }) => ({ data: await checkCandidate(body.candidate, deps) }),
    };
}

/** candidate.fused → risk.assessed (with the full assessment, the signal keys and the fused view, if it came along). */
export function riskCheckConsumer(deps: RiskCheckDeps): MessageProcessor<FusedCandidateMessage> {
    return async (message, { logger }) => {
        const { assessment, marketAsOf } = await checkCandidate(message.candidate, deps);
        const now = (deps.now ?? (() => new Date()))();
        const next: AssessedCandidateMessage = assessedCandidateMessageSchema.parse({
            type: "risk.assessed",
            correlationId: message.correlationId,
            emittedAt: now.toISOString(),
            candidate: message.candidate,
            assessment,
            signalKeys: message.signalKeys,
            ...(message.fused ? { fused: message.fused } : {}),
        });
        await deps.publisher.publishAll(deps.nextQueueUrl, [next]);
        logger.info("candidate assessed", {
            asset: message.candidate.asset,
            side: message.candidate.side,
            passed: assessment.passed,
            reasons: assessment.reasons,
            marketAsOf,
            withFusedView: message.fused !== undefined,
        });
    };
}
