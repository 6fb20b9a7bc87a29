/**
 * Reads of the signals table through GSI byAgent (agent, ts; all attributes projected): how many signals an agent
 * stored since an instant (dashboard), and which signals reference given raw objects (erasure).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DocumentClient } from "./dynamo-items";

/** A FilterExpression IN list takes at most 100 operands. */
const MAX_IN_OPERANDS = 100;

export interface RawObjectReference {
    pk: string;
    sk: string;
    rawObjectKey: string;
    /** Absent for signals without an author (news, filings). */
    authorPseudonym?: string;
}

export interface ReferenceQuery {
    agent: string;
    /** ISO instants, inclusive. */
    fromTs: string;
    toTs: string;
    rawObjectKeys: readonly string[];
}

export class DynamoSignalAgentIndex {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /** Signals of `agent` with ts ≥ sinceIso (Select COUNT, every page). */
    async countSince(agent: string, sinceIso: string): Promise<number> {
        let count = 0;
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    IndexName: "byAgent",
                    KeyConditionExpression: "#agent = :agent AND #ts >= :since",
                    ExpressionAttributeNames: { "#agent": "agent", "#ts": "ts" },
                    ExpressionAttributeValues: { ":agent": agent, ":since": new Date(Date.parse(sinceIso)).toISOString() },
                    Select: "COUNT",
                    ExclusiveStartKey,
                }),
            );
            count += out.Count ?? 0;
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return count;
    }

    /**
     * Signals of `agent` with fromTs ≤ ts ≤ toTs whose rawObjectKey is one of `rawObjectKeys`. Reads at most
     * `maxPages` pages; `complete` is false when it stopped before the end of the range.
     */
    async rawObjectReferences(query: ReferenceQuery, maxPages = 100): Promise<{ references: RawObjectReference[]; complete: boolean }> {
        const references: RawObjectReference[] = [];
        const keys = [...new Set(query.rawObjectKeys)];
        let pages = 0;
        for (let start = 0; start < keys.length; start += MAX_IN_OPERANDS) {
            const part = keys.slice(start, start + MAX_IN_OPERANDS);
            const values = Object.fromEntries(part.map((key, index) => [`:k${index}`, key]));
            let ExclusiveStartKey: Record<string, unknown> | undefined;
            do {
                if (pages === maxPages) return { references, complete: false };
                pages++;
                const out = await this.client.send(
                    new QueryCommand({
                        TableName: this.tableName,
                        IndexName: "byAgent",
                        KeyConditionExpression: "#agent = :agent AND #ts BETWEEN :from AND :to",
                        FilterExpression: `rawObjectKey IN (${Object.keys(values).join(", ")})`,
                        ProjectionExpression: "pk, sk, rawObjectKey, authorPseudonym",
                        // Both are DynamoDB reserved words.
                        ExpressionAttributeNames: { "#agent": "agent", "#ts": "ts" },
                        ExpressionAttributeValues: { ":agent": query.agent, ":from": query.fromTs, ":to": query.toTs, ...values },
                        ExclusiveStartKey,
                    }),
                );
                for (const item of out.Items ?? []) {
                    const reference: RawObjectReference = {
                        pk: String(item["pk"]),
                        sk: String(item["sk"]),
                        rawObjectKey: String(item["rawObjectKey"]),
                    };
                    if (typeof item["authorPseudonym"] === "string") reference.authorPseudonym = item["authorPseudonym"];
                    references.push(reference);
                }
                ExclusiveStartKey = out.LastEvaluatedKey;
            } while (ExclusiveStartKey);
        }
        return { references, complete: true };
    }
}
