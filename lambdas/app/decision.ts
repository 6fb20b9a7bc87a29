/**
 * Four-eyes decision on a proposal (POST /decision {proposalId, decision, reason}).
 *
 * Only approvers and admins decide — checked here as well as by ROUTE_ACCESS, which is configuration; the proposer
 * may not decide (SELF_APPROVAL, 403); a proposal past its deadline is refused (EXPIRED, 410); a decided one too
 * (ALREADY_DECIDED, 409). The rules run on the proposal as read, and the write repeats the decisive ones as conditions
 * (status PENDING, deadline not passed) in the transaction that also writes the audit record: of two concurrent
 * decisions exactly one is recorded, the other gets 409.
 */
import { DecisionConflictError } from "../adapters/dynamo-proposal-repository";
import { decide, DECIDING_GROUPS, type DecisionErrorCode, expire, isExpired, type Proposal } from "../domain/proposals";
import type { ErrorCode } from "../shared/envelope";
import { AppError } from "../shared/errors";
import type { RouteTable } from "../shared/http";
import type { Logger } from "../shared/logger";
import type { MetricsSink } from "../shared/metrics";
import { dashboardUpdate, type MessagePublisher, type ProposalStore } from "./proposal-ports";

export interface DecisionDeps {
    proposals: Pick<ProposalStore, "get" | "recordDecision">;
    publisher: MessagePublisher;
    dashboardQueueUrl: string;
    metrics: MetricsSink;
    now?: () => Date;
}

const ERROR_CODES: Record<DecisionErrorCode, ErrorCode> = {
    FORBIDDEN: "FORBIDDEN",
    SELF_APPROVAL: "SELF_APPROVAL",
    EXPIRED: "EXPIRED",
    ALREADY_DECIDED: "ALREADY_DECIDED",
};

function stateOf(proposal: Proposal) {
    return {
        proposalId: proposal.proposalId,
        status: proposal.status,
        expiresAt: proposal.expiresAt,
        ...(proposal.decidedAt ? { decidedAt: proposal.decidedAt } : {}),
    };
}

/** Why a decision that lost its transaction lost, from the proposal as it is now. */
async function lostRace(proposalId: string, deps: DecisionDeps, now: Date): Promise<AppError> {
    const current = await deps.proposals.get(proposalId);
    if (current !== undefined && current.status !== "PENDING") {
        return current.status === "EXPIRED"
            ? new AppError("EXPIRED", `Proposal ${proposalId} expired at ${current.expiresAt}.`, stateOf(current))
            : new AppError(
                  "ALREADY_DECIDED",
                  `Proposal ${proposalId} was decided concurrently: it is ${current.status}.`,
                  stateOf(current),
              );
    }
    if (current !== undefined && isExpired(current, now)) {
        return new AppError("EXPIRED", `Proposal ${proposalId} expired at ${current.expiresAt}.`, stateOf(current));
    }
    return new AppError("DECISION_CONFLICT", `Proposal ${proposalId} changed while the decision was written; read it again and retry.`, {
        proposalId,
    });
}

export function decisionRoutes(deps: DecisionDeps): RouteTable {
    return {
        "POST /decision": async ({ body, caller, correlationId, logger }) => {
            if (caller.sub === undefined) throw new AppError("UNAUTHENTICATED", "A valid Cognito token is required to decide.");
            if (!caller.groups.some((group) => DECIDING_GROUPS.includes(group))) {
                throw new AppError(
                    "FORBIDDEN",
                    `Deciding on a proposal requires membership in one of the groups: ${DECIDING_GROUPS.join(", ")}.`,
                );
            }
            const now = (deps.now ?? (() => new Date()))();
            const proposal = await deps.proposals.get(body.proposalId);
            if (proposal === undefined) throw new AppError("NOT_FOUND", `No proposal ${body.proposalId}.`);

            const decision = body.decision === "approve" ? "APPROVE" : "REJECT";
            const result = decide(proposal, { decision, approver: { sub: caller.sub, groups: caller.groups }, comment: body.reason, now });
            if (!result.ok) {
                logger.warn("decision refused", { proposalId: proposal.proposalId, code: result.code, sub: caller.sub });
                throw new AppError(ERROR_CODES[result.code], result.message, stateOf(proposal));
            }
            try {
                await deps.proposals.recordDecision(result.updated, result.audit);
            } catch (error) {
                if (error instanceof DecisionConflictError) {
                    logger.warn("decision lost a race", { proposalId: proposal.proposalId, reason: error.reason, sub: caller.sub });
                    throw await lostRace(proposal.proposalId, deps, now);
                }
                throw error;
            }
            deps.metrics.count("DecisionsRecorded", 1, { Decision: decision });
            logger.info("decision recorded", { proposalId: proposal.proposalId, decision, sub: caller.sub });

            let dashboardNotified = true;
            try {
                await deps.publisher.publishAll(deps.dashboardQueueUrl, [
                    dashboardUpdate("decision.recorded", proposal.proposalId, correlationId, now),
                ]);
            } catch (error) {
                // The decision is recorded; answering an error would make the client retry into ALREADY_DECIDED.
                dashboardNotified = false;
                logger.error("dashboard update not sent", { proposalId: proposal.proposalId, error });
            }
            return { data: { proposal: result.updated, audit: result.audit }, meta: { dashboardNotified } };
        },
    };
}

export interface ExpiryDeps {
    proposals: Pick<ProposalStore, "listByStatus" | "recordExpiry">;
    publisher: MessagePublisher;
    dashboardQueueUrl: string;
    metrics: MetricsSink;
    now?: () => Date;
}

/** PENDING proposals read per sweep, oldest first; the next run takes the rest. */
export const EXPIRY_BATCH = 200;

export interface ExpiryReport {
    expired: string[];
    /** Decided concurrently (a decision won): nothing to do. */
    decidedMeanwhile: string[];
}

/**
 * The sweeper (scheduled): every PENDING proposal past its deadline becomes EXPIRED with an audit record, and the
 * dashboards are told. Decisions already refuse expired proposals; the sweep makes the status say so, so counts by
 * status and the open-proposal marker stay truthful.
 */
export async function expireDueProposals(deps: ExpiryDeps, logger: Logger): Promise<ExpiryReport> {
    const now = (deps.now ?? (() => new Date()))();
    const pending = await deps.proposals.listByStatus("PENDING", { limit: EXPIRY_BATCH, newestFirst: false });
    const report: ExpiryReport = { expired: [], decidedMeanwhile: [] };
    for (const proposal of pending) {
        const result = expire(proposal, now);
        if (!result.ok) continue;
        try {
            await deps.proposals.recordExpiry(result.updated, result.audit);
        } catch (error) {
            if (!(error instanceof DecisionConflictError)) throw error;
            report.decidedMeanwhile.push(proposal.proposalId);
            continue;
        }
        report.expired.push(proposal.proposalId);
    }
    if (report.expired.length > 0) {
        deps.metrics.count("ProposalsExpired", report.expired.length);
        await deps.publisher.publishAll(
            deps.dashboardQueueUrl,
            report.expired.map((proposalId) => dashboardUpdate("proposal.expired", proposalId, `expiry-sweep-${now.toISOString()}`, now)),
        );
    }
    logger.info("expiry sweep finished", { pending: pending.length, ...report });
    return report;
}
