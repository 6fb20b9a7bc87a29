/** Ports shared by outcome evaluation, learning and the dashboard (implemented in adapters/). */
import type { Outcome } from "../domain/evaluation";
import type { Proposal } from "../domain/proposals";

/** The statuses whose proposals get an outcome: a rejected proposal gives the counterfactual. */
export type DecidedStatus = "APPROVED" | "REJECTED";
export const DECIDED_STATUSES: readonly DecidedStatus[] = ["APPROVED", "REJECTED"];

/** Decided proposals as evaluation and learning read them (adapters/dynamo-proposal-reader.ts). */
export interface DecidedProposals {
    listByStatus(status: DecidedStatus, query: { createdFrom?: string; createdTo?: string }): Promise<Proposal[]>;
    get(proposalId: string): Promise<Proposal | undefined>;
}

/** Outcomes by proposal (adapters/dynamo-outcome-repository.ts). */
export interface OutcomeLookup {
    findForProposals(proposalIds: readonly string[]): Promise<Map<string, Outcome>>;
}

/** adapters/dynamo-outcome-repository.ts */
export interface OutcomeStore {
    evaluatedAmong(proposalIds: readonly string[]): Promise<Set<string>>;
    putOnce(outcome: Outcome): Promise<"created" | "exists">;
}
