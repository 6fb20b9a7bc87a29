/**
 * Read-only view of the proposals table (TABLE_DESIGNS.proposals) for evaluation, learning and the dashboard: GSI
 * byStatus (status, createdAt) and the base table by proposalId. The table also holds records that are not proposals
 * (decision audits, open-proposal markers, assessed views — see dynamo-proposal-repository.ts); they carry no `status`,
 * so byStatus never lists them, and any item that still does not parse as a proposal is skipped with a warning instead
 * of failing the whole read.
 */
import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { type Proposal, proposalSchema, type ProposalStatus } from "../domain/proposals";
import type { Logger } from "../shared/logger";
import type { DocumentClient } from "./dynamo-items";

export interface ProposalQuery {
    /** Only proposals created at or after this instant (inclusive). */
    createdFrom?: string;
    /** Only proposals created at or before this instant (inclusive). */
    createdTo?: string;
    /** Newest first; default oldest first. */
    newestFirst?: boolean;
    /** At most this many proposals; default all. */
    limit?: number;
}

/** Only proposal-shaped items are counted: an item of another record type that carried `status` would not be. */
const PROPOSAL_ONLY_FILTER = "attribute_exists(horizonDays) AND attribute_exists(expiresAt)";

export class DynamoProposalReader {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
        private readonly logger: Pick<Logger, "warn">,
    ) {}

    async listByStatus(status: ProposalStatus, query: ProposalQuery = {}): Promise<Proposal[]> {
        const limit = query.limit ?? Number.POSITIVE_INFINITY;
        if (!(limit >= 1)) throw new RangeError(`listByStatus: limit must be at least 1, got ${query.limit}`);
        const range = keyRange(query);
        const proposals: Proposal[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    IndexName: "byStatus",
                    KeyConditionExpression: `#status = :status${range.condition}`,
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":status": status, ...range.values },
                    ScanIndexForward: !query.newestFirst,
                    // Skipped items make a page shorter than asked; a few extra keep the round trips down.
                    ...(Number.isFinite(limit) ? { Limit: Math.min(1000, limit - proposals.length + 5) } : {}),
                    ExclusiveStartKey,
                }),
            );
            for (const item of out.Items ?? []) {
                const proposal = this.parse(item);
                if (proposal !== undefined && proposals.length < limit) proposals.push(proposal);
            }
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey && proposals.length < limit);
        return proposals;
    }

    /** Number of proposals in one status (Select COUNT on byStatus, every page). */
    async countByStatus(status: ProposalStatus): Promise<number> {
        let count = 0;
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    IndexName: "byStatus",
                    KeyConditionExpression: "#status = :status",
                    FilterExpression: PROPOSAL_ONLY_FILTER,
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":status": status },
                    Select: "COUNT",
                    ExclusiveStartKey,
                }),
            );
            count += out.Count ?? 0;
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return count;
    }

    /** The proposal with this id (strongly consistent), or undefined. Other records under the same id are ignored. */
    async get(proposalId: string): Promise<Proposal | undefined> {
        const input: QueryCommandInput = {
            TableName: this.tableName,
            KeyConditionExpression: "proposalId = :id",
            ExpressionAttributeValues: { ":id": proposalId },
            ConsistentRead: true,
        };
        let found: Proposal | undefined;
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
            for (const item of out.Items ?? []) {
                // Not every item of the partition is a proposal (the decision audit lives next to it): no warning for those.
                if (item["status"] === undefined) continue;
                const proposal = this.parse(item);
                if (proposal !== undefined && (found === undefined || proposal.createdAt > found.createdAt)) found = proposal;
            }
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return found;
    }

    private parse(item: Record<string, unknown>): Proposal | undefined {
        const result = proposalSchema.safeParse(item);
        if (result.success) return result.data;
        this.logger.warn("proposals table: item skipped, not a proposal", {
            table: this.tableName,
            key: { proposalId: String(item["proposalId"]), createdAt: String(item["createdAt"]) },
            recordType: typeof item["recordType"] === "string" ? item["recordType"] : undefined,
            // Paths and messages only, never values.
            issues: result.error.issues.slice(0, 10).map((issue) => `${issue.path.map(String).join(".") || "(item)"}: ${issue.message}`),
        });
        return undefined;
    }
}

function keyRange(query: ProposalQuery): { condition: string; values: Record<string, string> } {
    const from = query.createdFrom === undefined ? undefined : utcIso(query.createdFrom, "createdFrom");
    const to = query.createdTo === undefined ? undefined : utcIso(query.createdTo, "createdTo");
    if (from !== undefined && to !== undefined) {
        if (from > to) throw new RangeError(`listByStatus: createdFrom ${from} is after createdTo ${to}`);
        return { condition: " AND createdAt BETWEEN :from AND :to", values: { ":from": from, ":to": to } };
    }
    if (from !== undefined) return { condition: " AND createdAt >= :from", values: { ":from": from } };
    if (to !== undefined) return { condition: " AND createdAt <= :to", values: { ":to": to } };
    return { condition: "", values: {} };
}

/**
 * Stored createdAt values are `toISOString()` (UTC, milliseconds), so string bounds in the same form compare like
 * instants.
 */
function utcIso(value: string, what: string): string {
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw new RangeError(`listByStatus: ${what} ${JSON.stringify(value)} is not a date-time`);
    return new Date(time).toISOString();
}
