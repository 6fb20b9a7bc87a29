/**
 * Agents-config table (TABLE_DESIGNS["agents-config"]): pk `agentId`, sk `version` (a STRING), GSI byStatus
 * (status, agentId). Versions are stored zero-padded to 8 digits so that the string order is the numeric order.
 */
import { type QueryCommandInput, TransactWriteCommand, type TransactWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import * as z from "../zod";
import { type AgentConfig, agentConfigSchema } from "../domain/signals";
import { CorruptItemError, type DocumentClient, keyOf, parseItem, queryAll } from "./dynamo-items";

const KEY_NAMES = ["agentId", "version"] as const;
const VERSION_DIGITS = 8;
const MAX_VERSION = 10 ** VERSION_DIGITS - 1;

/** Why a publication lost: the version exists, the previous version is no longer active, or a concurrent transaction won. */
export type ConflictReason = "version-exists" | "previous-not-active" | "concurrent-transaction";

/** Another writer published first (or the history moved on): re-read the latest version and decide again. */
export class AgentConfigConflictError extends Error {
    constructor(
        readonly agentId: string,
        readonly version: number,
        readonly reason: ConflictReason,
    ) {
        super(`Cannot publish ${agentId} version ${version}: ${reason}`);
        this.name = "AgentConfigConflictError";
    }
}

export function encodeVersion(version: number): string {
    if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION)
        throw new Error(`Agent config version out of range: ${version}`);
    return String(version).padStart(VERSION_DIGITS, "0");
}

/** The stored form: the domain object with the version as its padded string. */
const storedVersionSchema = z.string().check(z.regex(/^\d{8}$/, { error: "must be an 8-digit zero-padded version string" }));

export class DynamoAgentConfigRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /** The active configuration of every agent (the highest active version per agent), ordered by agentId. */
    async latestActive(): Promise<AgentConfig[]> {
        const configs = await this.queryAll({
            TableName: this.tableName,
            IndexName: "byStatus",
            KeyConditionExpression: "#status = :active",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":active": "active" },
        });
        // One active version per agent is the invariant publishVersion keeps; if it is ever broken, the newest wins.
        const latest = new Map<string, AgentConfig>();
        for (const config of configs) {
            const seen = latest.get(config.agentId);
            if (!seen || seen.version < config.version) latest.set(config.agentId, config);
        }
        return [...latest.values()].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
    }

    /** Every version of one agent, oldest first. */
    async history(agentId: string): Promise<AgentConfig[]> {
        return this.queryAll({
            TableName: this.tableName,
            KeyConditionExpression: "agentId = :agentId",
            ExpressionAttributeValues: { ":agentId": agentId },
            ScanIndexForward: true,
        });
    }

    /**
     * Publishes `next` (status active) and retires version `next.version - 1` in one transaction. The new version must
     * not exist and the previous one must still be active, so of two writers racing for the same version exactly one
     * wins; the other gets an AgentConfigConflictError. Version 1 has no predecessor.
     */
    async publishVersion(next: AgentConfig): Promise<void> {
        const config = agentConfigSchema.parse(next);
        if (config.status !== "active") throw new Error(`publishVersion: ${config.agentId} version ${config.version} must be active`);
        const transactItems: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
            {
                Put: {
                    TableName: this.tableName,
                    Item: { ...config, version: encodeVersion(config.version) },
                    ConditionExpression: "attribute_not_exists(agentId)",
                },
            },
        ];
        if (config.version > 1) {
            transactItems.push({
                Update: {
                    TableName: this.tableName,
                    Key: { agentId: config.agentId, version: encodeVersion(config.version - 1) },
                    UpdateExpression: "SET #status = :retired",
                    ConditionExpression: "#status = :active",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: { ":retired": "retired", ":active": "active" },
                },
            });
        }
        try {
            await this.client.send(new TransactWriteCommand({ TransactItems: transactItems }));
        } catch (error) {
            const reason = conflictReason(error);
            if (reason) throw new AgentConfigConflictError(config.agentId, config.version, reason);
            throw error;
        }
    }

    private async queryAll(input: QueryCommandInput): Promise<AgentConfig[]> {
        return (await queryAll(this.client, input)).map((item) => this.parse(item));
    }

    private parse(item: Record<string, unknown>): AgentConfig {
        const version = storedVersionSchema.safeParse(item["version"]);
        if (!version.success) {
            throw new CorruptItemError(this.tableName, keyOf(item, KEY_NAMES), [
                { path: "version", problem: version.error.issues[0]!.message },
            ]);
        }
        return parseItem(agentConfigSchema, { ...item, version: Number(version.data) }, this.tableName, KEY_NAMES, item);
    }
}

function conflictReason(error: unknown): ConflictReason | undefined {
    if (!(error instanceof Error)) return undefined;
    if (error.name === "TransactionConflictException") return "concurrent-transaction";
    if (error.name !== "TransactionCanceledException") return undefined;
    const codes = ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
    if (codes[0] === "ConditionalCheckFailed") return "version-exists";
    if (codes[1] === "ConditionalCheckFailed") return "previous-not-active";
    if (codes.includes("TransactionConflict")) return "concurrent-transaction";
    return undefined;
}
