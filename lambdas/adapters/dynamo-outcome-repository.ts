/**
 * Outcomes table (TABLE_DESIGNS.outcomes): pk `outcomeId`, sk `evaluatedAt`, GSI byProposal (proposalId, evaluatedAt).
 *
 * One outcome per proposal. The outcome id is derived from the proposal id (`outcomeIdFor`), but the sort key is the
 * evaluation time, so a conditional put of the outcome alone would not stop a second run from adding a second item
 * under a later evaluatedAt. Each outcome is therefore written in one transaction with a guard item under the fixed
 * sort key GUARD_SK, on the condition that the guard does not exist yet: of two runs evaluating the same proposal,
 * exactly one commits; the other learns "exists". The guard points at its outcome (`outcomeEvaluatedAt`), which makes
 * "which of these proposals have an outcome?" a BatchGetItem on known keys instead of one query per proposal. Guards
 * carry no `proposalId`, so the byProposal GSI lists outcomes only.
 */
import { QueryCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../zod";
import { type Outcome, outcomeSchema } from "../domain/evaluation";
import { batchGetAll, type DocumentClient, parseItem, withoutUndefined } from "./dynamo-items";

const KEY_NAMES = ["outcomeId", "evaluatedAt"] as const;
/** Sorts before every ISO time; never a valid date-time, so it cannot collide with an outcome's sort key. */
export const GUARD_SK = "#guard";

const guardSchema = z.object({
    outcomeId: z.string(),
    evaluatedAt: z.literal(GUARD_SK),
    recordType: z.literal("outcome-guard"),
    outcomeEvaluatedAt: z.iso.datetime({ offset: true }),
});

export function outcomeIdFor(proposalId: string): string {
    return `outcome#${proposalId}`;
}

export type PutOnceResult = "created" | "exists";

export class DynamoOutcomeRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /** Stores the outcome unless its proposal has one already. The outcome id must be `outcomeIdFor(proposalId)`. */
    async putOnce(outcome: Outcome): Promise<PutOnceResult> {
        const valid = outcomeSchema.parse(outcome);
        if (valid.outcomeId !== outcomeIdFor(valid.proposalId)) {
            throw new Error(`putOnce: outcome id ${valid.outcomeId} is not outcomeIdFor(${valid.proposalId})`);
        }
        try {
            await this.client.send(
                new TransactWriteCommand({
                    TransactItems: [
                        {
                            Put: {
                                TableName: this.tableName,
                                Item: {
                                    outcomeId: valid.outcomeId,
                                    evaluatedAt: GUARD_SK,
                                    recordType: "outcome-guard",
                                    outcomeEvaluatedAt: valid.evaluatedAt,
                                },
                                ConditionExpression: "attribute_not_exists(outcomeId)",
                            },
                        },
                        { Put: { TableName: this.tableName, Item: withoutUndefined(valid) } },
                    ],
                }),
            );
            return "created";
        } catch (error) {
            if (guardExists(error)) return "exists";
            throw error;
        }
    }

    /** The outcome of each proposal that has one (missing ones are absent from the map). Two BatchGetItem rounds. */
    async findForProposals(proposalIds: readonly string[]): Promise<Map<string, Outcome>> {
        const unique = [...new Set(proposalIds)];
        const guards = await batchGetAll(
            this.client,
            this.tableName,
            unique.map((id) => ({ outcomeId: outcomeIdFor(id), evaluatedAt: GUARD_SK })),
            KEY_NAMES,
        );
        const keys = guards.map((item) => {
            const guard = parseItem(guardSchema, item, this.tableName, KEY_NAMES);
            return { outcomeId: guard.outcomeId, evaluatedAt: guard.outcomeEvaluatedAt };
        });
        const items = await batchGetAll(this.client, this.tableName, keys, KEY_NAMES);
        const outcomes = new Map<string, Outcome>();
        for (const item of items) {
            const outcome = parseItem(outcomeSchema, item, this.tableName, KEY_NAMES);
            outcomes.set(outcome.proposalId, outcome);
        }
        return outcomes;
    }

    /**
     * The proposals among these that have an outcome, from their guards (BatchGetItem, eventually consistent: a guard
     * written a moment ago may be missed, which costs a price lookup and then a putOnce that answers "exists").
     */
    async evaluatedAmong(proposalIds: readonly string[]): Promise<Set<string>> {
        const unique = [...new Set(proposalIds)];
        const byOutcomeId = new Map(unique.map((id) => [outcomeIdFor(id), id]));
        const guards = await batchGetAll(
            this.client,
            this.tableName,
            unique.map((id) => ({ outcomeId: outcomeIdFor(id), evaluatedAt: GUARD_SK })),
            KEY_NAMES,
        );
        const found = new Set<string>();
        for (const item of guards) {
            const proposalId = byOutcomeId.get(String(item["outcomeId"]));
            if (proposalId !== undefined) found.add(proposalId);
        }
        return found;
    }

    /** Every outcome recorded for one proposal via GSI byProposal (at most one when written through putOnce). */
    async byProposal(proposalId: string): Promise<Outcome[]> {
        const outcomes: Outcome[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    IndexName: "byProposal",
                    KeyConditionExpression: "proposalId = :id",
                    ExpressionAttributeValues: { ":id": proposalId },
                    ExclusiveStartKey,
                }),
            );
            for (const item of out.Items ?? []) outcomes.push(parseItem(outcomeSchema, item, this.tableName, KEY_NAMES));
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return outcomes;
    }
}

function guardExists(error: unknown): boolean {
    if (!(error instanceof Error) || error.name !== "TransactionCanceledException") return false;
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    return reasons[0]?.Code === "ConditionalCheckFailed";
}
