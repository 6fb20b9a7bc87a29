/**
 * Proposals table (TABLE_DESIGNS.proposals): pk `proposalId`, sk `createdAt`, GSIs byStatus (status, createdAt) and
 * byAsset (asset, createdAt). Besides the proposals it holds three kinds of record, each under its own key and WITHOUT
 * `status` and `asset` attributes, so that neither GSI ever lists them as proposals (GSIs are sparse):
 *
 * | record | proposalId (pk) | createdAt (sk) | written by |
 * |---|---|---|---|
 * | proposal | uuid | ISO time of creation | propose (create), decision (recordDecision) |
 * | decision audit | uuid of the proposal | `audit#decision` | recordDecision, in the same transaction as the status change |
 * | open-proposal marker | `open#<asset>` | `marker` | create, released by recordDecision |
 * | latest assessed view | `view#<asset>` | `latest` | propose (saveLatestView) |
 *
 * Decision audit: one per proposal (a proposal is decided once), so its key is fixed and written with
 * attribute_not_exists: it can never be overwritten, and two decisions of one proposal cannot both leave a record. It
 * lives next to its proposal (one Query reads both; the decision function needs no second table) and nothing in the
 * code updates or deletes it.
 *
 * One open proposal per asset: `create` writes the proposal together with the asset's marker in one transaction; the
 * marker may only be taken when it is absent or its holder's deadline has passed (the marker carries the holder's
 * expiresAt, so an expired proposal frees its asset without a sweeper). Of two concurrent creates for one asset
 * exactly one commits. A decision releases the marker in its transaction. The byAsset GSI is eventually consistent
 * and only serves reads (openForAsset); the guarantee comes from the marker.
 */
import { randomUUID } from "node:crypto";
import { PutCommand, QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../zod";
import { type AssessedView, assessedViewSchema } from "../domain/candidates";
import {
    type DecisionAudit,
    decisionAuditSchema,
    isExpired,
    type Proposal,
    type ProposalStatus,
    proposalSchema,
} from "../domain/proposals";
import { type DocumentClient, isConditionalCheckFailed, parseItem, queryAll, withoutUndefined } from "./dynamo-items";

const KEY_NAMES = ["proposalId", "createdAt"] as const;
const AUDIT_SK = "audit#decision";
const MARKER_SK = "marker";
const VIEW_SK = "latest";

const markerKey = (asset: string) => ({ proposalId: `open#${asset}`, createdAt: MARKER_SK });
const viewKey = (asset: string) => ({ proposalId: `view#${asset}`, createdAt: VIEW_SK });

/** The decision lost: the proposal is no longer PENDING, passed its deadline, or a concurrent transaction won. */
export class DecisionConflictError extends Error {
    constructor(
        readonly proposalId: string,
        readonly reason: "not-pending" | "audit-exists" | "concurrent-transaction",
    ) {
        super(`Decision on proposal ${proposalId} not recorded: ${reason}`);
        this.name = "DecisionConflictError";
    }
}

/** The asset has an open (pending, not expired) proposal already. */
export class OpenProposalExistsError extends Error {
    constructor(
        readonly asset: string,
        readonly holderProposalId: string | undefined,
    ) {
        super(`${asset} already has an open proposal${holderProposalId ? ` (${holderProposalId})` : ""}`);
        this.name = "OpenProposalExistsError";
    }
}

/** A proposal with this id exists already (a redelivered message created it before). */
export class DuplicateProposalError extends Error {
    constructor(readonly proposalId: string) {
        super(`Proposal ${proposalId} exists already`);
        this.name = "DuplicateProposalError";
    }
}

const auditItemSchema = z.extend(decisionAuditSchema, { createdAt: z.literal(AUDIT_SK), recordType: z.literal("decision-audit") });
const markerItemSchema = z.object({ holderProposalId: z.string(), expiresAt: z.string() });
const viewItemSchema = z.object({ view: assessedViewSchema });

export interface ListByStatusOptions {
    limit: number;
    newestFirst?: boolean;
    /** Only proposals created at or after this instant. */
    sinceIso?: string;
}

type CancellationReason = { Code?: string; Item?: Record<string, unknown> };

function cancellationReasons(error: unknown): CancellationReason[] | undefined {
    if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return undefined;
    return (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
}

export class DynamoProposalRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
        private readonly now: () => Date = () => new Date(),
    ) {}

    /**
     * Stores a PENDING proposal and takes its asset's open-proposal marker, in one transaction.
     * Throws OpenProposalExistsError when another open proposal holds the asset, DuplicateProposalError when the id exists.
     */
    async create(proposal: Proposal): Promise<void> {
        const valid = proposalSchema.parse(proposal);
        if (valid.status !== "PENDING") throw new Error(`create: proposal ${valid.proposalId} must be PENDING, is ${valid.status}`);
        try {
            await this.client.send(
                new TransactWriteCommand({
                    TransactItems: [
                        {
                            Put: {
                                TableName: this.tableName,
                                Item: {
                                    ...markerKey(valid.asset),
                                    recordType: "open-marker",
                                    holderProposalId: valid.proposalId,
                                    expiresAt: valid.expiresAt,
                                },
                                ConditionExpression: "attribute_not_exists(proposalId) OR expiresAt <= :now",
                                ExpressionAttributeValues: { ":now": this.now().toISOString() },
                                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
                            },
                        },
                        {
                            Put: {
                                TableName: this.tableName,
                                Item: withoutUndefined(valid),
                                ConditionExpression: "attribute_not_exists(proposalId)",
                            },
                        },
                    ],
                }),
            );
        } catch (error) {
            const reasons = cancellationReasons(error);
            if (reasons?.[1]?.Code === "ConditionalCheckFailed") throw new DuplicateProposalError(valid.proposalId);
            if (reasons?.[0]?.Code === "ConditionalCheckFailed") {
                // The document client does not unmarshall errors: the old item comes as raw attribute values.
                const holder = (reasons[0].Item?.["holderProposalId"] as { S?: unknown } | undefined)?.S;
                throw new OpenProposalExistsError(valid.asset, typeof holder === "string" ? holder : undefined);
            }
            if (reasons?.some((reason) => reason.Code === "TransactionConflict") || isTransactionConflict(error)) {
                // Another create (or a decision) for this asset was in flight: the marker is contended.
                throw new OpenProposalExistsError(valid.asset, undefined);
            }
            throw error;
        }
    }

    /** The proposal, read consistently; undefined when there is none. */
    async get(proposalId: string): Promise<Proposal | undefined> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: "proposalId = :id",
            ExpressionAttributeValues: { ":id": proposalId },
            ConsistentRead: true,
        });
        const proposals = items.filter((item) => item["createdAt"] !== AUDIT_SK);
        if (proposals.length > 1)
            throw new Error(`Proposals table ${this.tableName} holds ${proposals.length} proposals with id ${proposalId}`);
        return proposals[0] === undefined ? undefined : this.parseProposal(proposals[0]);
    }

    /** The immutable record of the decision on a proposal, if it was decided. */
    async getDecisionAudit(proposalId: string): Promise<DecisionAudit | undefined> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: "proposalId = :id AND createdAt = :sk",
            ExpressionAttributeValues: { ":id": proposalId, ":sk": AUDIT_SK },
            ConsistentRead: true,
        });
        if (items[0] === undefined) return undefined;
        const { createdAt: _sk, recordType: _type, ...audit } = parseItem(auditItemSchema, items[0], this.tableName, KEY_NAMES);
        return audit;
    }

    /** PENDING proposals of the asset whose deadline has not passed (GSI byAsset: eventually consistent). */
    async openForAsset(asset: string): Promise<Proposal[]> {
        const now = this.now();
        const pending = await this.listForAsset(asset, ["PENDING"]);
        return pending.filter((proposal) => !isExpired(proposal, now));
    }

    /** Every proposal of the asset in one of these statuses, oldest first (GSI byAsset). */
    async listForAsset(asset: string, statuses: readonly ProposalStatus[]): Promise<Proposal[]> {
        if (statuses.length === 0) return [];
        const values = Object.fromEntries(statuses.map((status, index) => [`:s${index}`, status]));
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            IndexName: "byAsset",
            KeyConditionExpression: "asset = :asset",
            FilterExpression: `#status IN (${Object.keys(values).join(", ")})`,
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":asset": asset, ...values },
        });
        return items.map((item) => this.parseProposal(item));
    }

    /** Proposals of one status by creation time (GSI byStatus), at most `limit`. */
    async listByStatus(status: ProposalStatus, options: ListByStatusOptions): Promise<Proposal[]> {
        if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error(`listByStatus: limit must be a positive integer`);
        const since = options.sinceIso === undefined ? undefined : new Date(Date.parse(options.sinceIso));
        if (since !== undefined && Number.isNaN(since.getTime()))
            throw new Error(`listByStatus: sinceIso ${options.sinceIso} is not a date-time`);
        const proposals: Proposal[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    IndexName: "byStatus",
                    KeyConditionExpression: since ? "#status = :status AND createdAt >= :since" : "#status = :status",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":status": status, ...(since ? { ":since": since.toISOString() } : {}) },
                    ScanIndexForward: !options.newestFirst,
                    Limit: options.limit - proposals.length,
                    ExclusiveStartKey,
                }),
            );
            for (const item of out.Items ?? []) proposals.push(this.parseProposal(item));
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey && proposals.length < options.limit);
        return proposals;
    }

    /**
     * Records a decision: ONE transaction that moves the proposal (only if still PENDING and before its deadline),
     * writes the audit record (only if none exists) and releases the asset's marker (if this proposal holds it).
     * A lost race throws DecisionConflictError, and nothing is written.
     */
    async recordDecision(updated: Proposal, audit: DecisionAudit): Promise<void> {
        await this.recordTransition(updated, audit, "expiresAt > :now");
    }

    /**
     * Records the sweeper's expiry of a PENDING proposal past its deadline: the same transaction as a decision, with the
     * deadline condition reversed, so a decision and the expiry can never both be written.
     */
    async recordExpiry(updated: Proposal, audit: DecisionAudit): Promise<void> {
        await this.recordTransition(updated, audit, "expiresAt <= :now");
    }

    private async recordTransition(updated: Proposal, audit: DecisionAudit, deadlineCondition: string): Promise<void> {
        const proposal = proposalSchema.parse(updated);
        const record = decisionAuditSchema.parse(audit);
        if (record.proposalId !== proposal.proposalId || record.newStatus !== proposal.status) {
            throw new Error(`recordDecision: the audit record does not describe proposal ${proposal.proposalId}'s new status`);
        }
        if (proposal.decidedBy === undefined || proposal.decidedAt === undefined) {
            throw new Error(`recordDecision: proposal ${proposal.proposalId} has no decidedBy/decidedAt`);
        }
        const set = ["#status = :new", "decidedBy = :by", "decidedAt = :at"];
        const values: Record<string, unknown> = {
            ":new": proposal.status,
            ":by": proposal.decidedBy,
            ":at": proposal.decidedAt,
            ":pending": "PENDING",
            ":now": this.now().toISOString(),
        };
        if (proposal.decisionComment !== undefined) {
            set.push("decisionComment = :comment");
            values[":comment"] = proposal.decisionComment;
        }
        const key = { proposalId: proposal.proposalId, createdAt: proposal.createdAt };
        try {
            await this.client.send(
                new TransactWriteCommand({
                    TransactItems: [
                        {
                            Update: {
                                TableName: this.tableName,
                                Key: key,
                                UpdateExpression: `SET ${set.join(", ")}${proposal.decisionComment === undefined ? " REMOVE decisionComment" : ""}`,
                                ConditionExpression: `attribute_exists(proposalId) AND #status = :pending AND ${deadlineCondition}`,
                                ExpressionAttributeNames: { "#status": "status" },
                                ExpressionAttributeValues: values,
                            },
                        },
                        {
                            Put: {
                                TableName: this.tableName,
                                Item: withoutUndefined({ ...record, createdAt: AUDIT_SK, recordType: "decision-audit" }),
                                ConditionExpression: "attribute_not_exists(proposalId)",
                            },
                        },
                        {
                            Delete: {
                                TableName: this.tableName,
                                Key: markerKey(proposal.asset),
                                ConditionExpression: "attribute_not_exists(proposalId) OR holderProposalId = :holder",
                                ExpressionAttributeValues: { ":holder": proposal.proposalId },
                            },
                        },
                    ],
                    ClientRequestToken: randomUUID(),
                }),
            );
        } catch (error) {
            const reasons = cancellationReasons(error);
            if (reasons?.[0]?.Code === "ConditionalCheckFailed") throw new DecisionConflictError(proposal.proposalId, "not-pending");
            if (reasons?.[1]?.Code === "ConditionalCheckFailed") throw new DecisionConflictError(proposal.proposalId, "audit-exists");
            if (reasons?.some((reason) => reason.Code === "TransactionConflict") || isTransactionConflict(error)) {
                throw new DecisionConflictError(proposal.proposalId, "concurrent-transaction");
            }
            throw error;
        }
    }

    /** The open-proposal marker of an asset: which proposal holds it, until when (undefined when free). */
    async openMarker(asset: string): Promise<{ holderProposalId: string; expiresAt: string } | undefined> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: "proposalId = :pk AND createdAt = :sk",
            ExpressionAttributeValues: { ":pk": markerKey(asset).proposalId, ":sk": MARKER_SK },
            ConsistentRead: true,
        });
        if (items[0] === undefined) return undefined;
        const marker = parseItem(markerItemSchema, items[0], this.tableName, KEY_NAMES);
        return Date.parse(marker.expiresAt) <= this.now().getTime() ? undefined : marker;
    }

    /** Keeps the latest assessed view of its asset (last writer wins; an older view never replaces a newer one). */
    async saveLatestView(view: AssessedView): Promise<"saved" | "older"> {
        const valid = assessedViewSchema.parse(view);
        try {
            await this.client.send(
                new PutCommand({
                    TableName: this.tableName,
                    Item: {
                        ...viewKey(valid.asset),
                        recordType: "assessed-view",
                        assessedAt: valid.assessedAt,
                        view: withoutUndefined(valid),
                    },
                    ConditionExpression: "attribute_not_exists(proposalId) OR assessedAt <= :at",
                    ExpressionAttributeValues: { ":at": valid.assessedAt },
                }),
            );
            return "saved";
        } catch (error) {
            if (isConditionalCheckFailed(error)) return "older";
            throw error;
        }
    }

    async latestView(asset: string): Promise<AssessedView | undefined> {
        const items = await queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: "proposalId = :pk AND createdAt = :sk",
            ExpressionAttributeValues: { ":pk": viewKey(asset).proposalId, ":sk": VIEW_SK },
            ConsistentRead: true,
        });
        return items[0] === undefined ? undefined : parseItem(viewItemSchema, items[0], this.tableName, KEY_NAMES).view;
    }

    private parseProposal(item: Record<string, unknown>): Proposal {
        return parseItem(proposalSchema, item, this.tableName, KEY_NAMES);
    }
}

function isTransactionConflict(error: unknown): boolean {
    return error instanceof Error && error.name === "TransactionConflictException";
}
