/**
 * Orchestrator: turns risk-assessed candidates into PENDING proposals that wait for a human decision.
 *
 * Queue (risk.assessed): the candidate's view is kept as the asset's latest view; a candidate that passed the risk
 * check becomes a proposal when the fused view clears PROPOSAL_POLICY (shouldPropose) and the asset has no open
 * proposal. The proposal id is derived from the message, so a redelivered message finds its proposal instead of
 * making a second one; the repository's open-proposal marker keeps concurrent candidates of one asset to one proposal.
 *
 * REST POST /propose {asset, horizon?}: an analyst asks for a proposal from the asset's latest view. The thresholds of
 * PROPOSAL_POLICY gate only the automatic path — the analyst's request is the judgement that replaces them — but the
 * view must exist, be fresh (window end within maxViewAgeHours) and have passed the risk check; the analyst is the
 * proposer, so four eyes keeps them from deciding on it.
 */
import { createHash, randomUUID } from "node:crypto";
import { DuplicateProposalError, OpenProposalExistsError } from "../adapters/dynamo-proposal-repository";
import type { AssessedCandidateMessage, AssessedView, ProposalPolicy } from "../domain/candidates";
import { newProposal, type Proposal, shouldPropose } from "../domain/proposals";
import { AppError } from "../shared/errors";
import type { RouteTable } from "../shared/http";
import type { MetricsSink } from "../shared/metrics";
import type { MessageProcessor } from "../shared/sqs";
import { dashboardUpdate, type MessagePublisher, type ProposalStore } from "./proposal-ports";

export interface ProposeDeps {
    proposals: ProposalStore;
    publisher: MessagePublisher;
    dashboardQueueUrl: string;
    policy: ProposalPolicy;
    metrics: MetricsSink;
    now?: () => Date;
    newId?: () => string;
}

export type ProposeOutcome =
    { outcome: "created"; proposal: Proposal } | { outcome: "duplicate"; proposal: Proposal } | { outcome: "skipped"; reason: string };

/**
 * The proposal id of a risk.assessed message: a UUID (version 8, RFC 9562) from a hash of what identifies the
 * message, so every delivery of it names the same proposal.
 */
export function proposalIdFor(message: Pick<AssessedCandidateMessage, "correlationId" | "emittedAt" | "candidate">): string {
    const hex = createHash("sha256")
        .update(
            JSON.stringify(["risk.assessed", message.correlationId, message.emittedAt, message.candidate.asset, message.candidate.side]),
        )
        .digest("hex");
    const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function clock(deps: ProposeDeps): Date {
    return (deps.now ?? (() => new Date()))();
}

export async function proposeFromAssessment(message: AssessedCandidateMessage, deps: ProposeDeps): Promise<ProposeOutcome> {
    const { candidate, assessment, fused } = message;
    if (fused !== undefined) {
        if (fused.asset !== candidate.asset) {
            throw new Error(`risk.assessed: the fused view is of ${fused.asset}, the candidate of ${candidate.asset}`);
        }
        const view: AssessedView = {
            asset: candidate.asset,
            candidate,
            assessment,
            signalKeys: message.signalKeys,
            fused,
            assessedAt: message.emittedAt,
            correlationId: message.correlationId,
        };
        await deps.proposals.saveLatestView(view);
    }
    if (!assessment.passed) return { outcome: "skipped", reason: `risk check failed: ${assessment.reasons.join("; ")}` };
    if (fused === undefined) {
        // The rationale of a proposal IS the fused view; without it there is nothing honest to propose. The message is
        // kept (→ DLQ) until fuse sends candidate.fused with its `fused` view.
        throw new AppError(
            "NO_FUSED_VIEW",
            `risk.assessed for ${candidate.asset} carries no fused view: cannot write a proposal rationale`,
        );
    }

    const proposalId = proposalIdFor(message);
    const open = await deps.proposals.openForAsset(candidate.asset);
    const own = open.find((proposal) => proposal.proposalId === proposalId);
    if (own !== undefined) {
        // A redelivery of the message that created it: announce it again in case that delivery failed before announcing.
        await announce(own, message.correlationId, deps);
        return { outcome: "duplicate", proposal: own };
    }
    const verdict = shouldPropose(fused, deps.policy, open.length > 0);
    if (!verdict.propose) return { outcome: "skipped", reason: verdict.reason };
    if (verdict.side !== candidate.side) {
        return { outcome: "skipped", reason: `the fused score points to ${verdict.side}, the candidate is a ${candidate.side}` };
    }

    const proposal = newProposal({
        proposalId,
        now: clock(deps),
        candidate,
        risk: assessment,
        rationale: { signalKeys: message.signalKeys, fused },
        validForHours: deps.policy.validForHours,
        horizonDays: deps.policy.horizonDays,
    });
    try {
        await deps.proposals.create(proposal);
    } catch (error) {
        if (error instanceof OpenProposalExistsError) return { outcome: "skipped", reason: error.message };
        if (error instanceof DuplicateProposalError) {
            // An earlier delivery created it; announce it again in case that delivery failed before announcing it.
            const existing = (await deps.proposals.get(proposal.proposalId)) ?? proposal;
            await announce(existing, message.correlationId, deps);
            return { outcome: "duplicate", proposal: existing };
        }
        throw error;
    }
    deps.metrics.count("ProposalsCreated", 1, { Status: proposal.status });
    await announce(proposal, message.correlationId, deps);
    return { outcome: "created", proposal };
}

async function announce(proposal: Proposal, correlationId: string, deps: ProposeDeps): Promise<void> {
    await deps.publisher.publishAll(deps.dashboardQueueUrl, [
        dashboardUpdate("proposal.created", proposal.proposalId, correlationId, clock(deps)),
    ]);
}

export function proposeConsumer(deps: ProposeDeps): MessageProcessor<AssessedCandidateMessage> {
    return async (message, { logger }) => {
        const result = await proposeFromAssessment(message, deps);
        const fields = { asset: message.candidate.asset, outcome: result.outcome };
        if (result.outcome === "skipped") logger.info("no proposal", { ...fields, reason: result.reason });
        else {
            const text = result.outcome === "created" ? "proposal created" : "proposal exists already (redelivery), announced again";
            logger.info(text, { ...fields, proposalId: result.proposal.proposalId, expiresAt: result.proposal.expiresAt });
        }
    };
}

const HOUR_MS = 3_600_000;

export function proposeRoutes(deps: ProposeDeps): RouteTable {
    return {
        "POST /propose": async ({ body, caller, correlationId, logger }) => {
            if (caller.sub === undefined) throw new AppError("UNAUTHENTICATED", "A valid Cognito token is required to propose.");
            const { asset } = body;
            const now = clock(deps);
            const view = await deps.proposals.latestView(asset);
            if (view === undefined) {
                throw new AppError(
                    "NO_FUSED_VIEW",
                    `No fused view of ${asset} has come through the pipeline yet: there is nothing to propose from.`,
                );
            }
            const ageHours = (now.getTime() - Date.parse(view.fused.windowEnd)) / HOUR_MS;
            if (ageHours > deps.policy.maxViewAgeHours) {
                throw new AppError(
                    "NO_FUSED_VIEW",
                    `The latest fused view of ${asset} ended at ${view.fused.windowEnd}, more than ${deps.policy.maxViewAgeHours} h ago: too old to propose from.`,
                    { windowEnd: view.fused.windowEnd, assessedAt: view.assessedAt, maxViewAgeHours: deps.policy.maxViewAgeHours },
                );
            }
            if (!view.assessment.passed) {
                throw new AppError("RISK_REJECTED", `The latest candidate for ${asset} failed the risk check.`, {
                    assessedAt: view.assessedAt,
                    reasons: view.assessment.reasons,
                });
            }
            const open = await deps.proposals.openForAsset(asset);
            if (open.length > 0) {
                throw new AppError("OPEN_PROPOSAL_EXISTS", `${asset} already has an open proposal.`, {
                    proposalIds: open.map((proposal) => proposal.proposalId),
                });
            }
            const proposal = newProposal({
                proposalId: (deps.newId ?? randomUUID)(),
                now,
                candidate: view.candidate,
                risk: view.assessment,
                rationale: { signalKeys: view.signalKeys, fused: view.fused },
                proposer: caller.sub,
                validForHours: deps.policy.validForHours,
                horizonDays: body.horizon ? deps.policy.horizons[body.horizon] : deps.policy.horizonDays,
            });
            try {
                await deps.proposals.create(proposal);
            } catch (error) {
                if (error instanceof OpenProposalExistsError) {
                    throw new AppError("OPEN_PROPOSAL_EXISTS", `${asset} already has an open proposal.`, {
                        proposalIds: error.holderProposalId ? [error.holderProposalId] : [],
                    });
                }
                throw error;
            }
            deps.metrics.count("ProposalsCreated", 1, { Status: proposal.status });
            let dashboardNotified = true;
            try {
                await announce(proposal, correlationId, deps);
            } catch (error) {
                // The proposal stands; the dashboard catches up on its next load.
                dashboardNotified = false;
                logger.error("dashboard update not sent", { proposalId: proposal.proposalId, error });
            }
            logger.info("proposal created on request", { asset, proposalId: proposal.proposalId, proposer: caller.sub });
            return { statusCode: 201, data: proposal, meta: { dashboardNotified } };
        },
    };
}
