import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ConnectionRepository, DashboardConnection } from "../domain/connections";

/** The part of the document client this adapter uses; tests pass a recorder. */
export interface DocumentCommandSender {
    send(command: PutCommand | DeleteCommand): Promise<unknown>;
}

export function defaultDocumentClient(): DynamoDBDocumentClient {
    return DynamoDBDocumentClient.from(new DynamoDBClient({}));
}

/** Connections table: partition key `connectionId` (S), TTL attribute `ttl`. */
export class DynamoConnectionRepository implements ConnectionRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentCommandSender = defaultDocumentClient(),
    ) {}

    async put(connection: DashboardConnection): Promise<void> {
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...connection } }));
    }

    async delete(connectionId: string): Promise<void> {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { connectionId } }));
    }
}
