/** Reads the connections table (TABLE_DESIGNS.connections, pk `connectionId`) for the fan-out of dashboard updates. */
import { DeleteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "../zod";
import type { DashboardConnection } from "../domain/connections";
import { type DocumentClient, parseItem } from "./dynamo-items";

const connectionItemSchema = z.object({
    connectionId: z.string().check(z.minLength(1)),
    sub: z.string().check(z.minLength(1)),
    groups: z.array(z.string()),
    callbackEndpoint: z.url({ protocol: /^https?$/ }),
    connectedAt: z.iso.datetime({ offset: true }),
    ttl: z.number().check(z.int()),
});

export class DynamoConnectionDirectory {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /**
     * Every stored connection whose TTL has not passed (DynamoDB's TTL deletion lags), page by page. A dashboard has
     * few sockets and every one of them gets every update, so a Scan is the read that fits; it needs dynamodb:Scan.
     * A malformed item is reported through `onCorrupt` and skipped instead of stopping the fan-out to everyone else.
     */
    async *listAll(nowSeconds: number, onCorrupt: (error: Error) => void = () => {}): AsyncGenerator<DashboardConnection> {
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey }));
            for (const item of out.Items ?? []) {
                let connection: DashboardConnection;
                try {
                    connection = parseItem(connectionItemSchema, item, this.tableName, ["connectionId"]);
                } catch (error) {
                    onCorrupt(error as Error);
                    continue;
                }
                if (connection.ttl > nowSeconds) yield connection;
            }
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
    }

    /** Forgets a connection API Gateway reported gone. */
    async delete(connectionId: string): Promise<void> {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
    }
}
