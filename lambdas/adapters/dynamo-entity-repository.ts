/** Tracked-entities table (TABLE_DESIGNS["tracked-entities"]): pk `entityType`, sk `entityId`, GSI bySymbol (keys only). */
import { DeleteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type TrackedEntity, trackedEntitySchema } from "../domain/signals";
import { type DocumentClient, parseItem, withoutUndefined } from "./dynamo-items";

const KEY_NAMES = ["entityType", "entityId"] as const;
export type EntityType = TrackedEntity["entityType"];
const ENTITY_TYPES = trackedEntitySchema.shape.entityType.options;

export class DynamoEntityRepository {
    constructor(
        private readonly tableName: string,
        private readonly client: DocumentClient,
    ) {}

    /**
     * Every active entity. One query per entity type rather than a scan: the partitions are a closed enum (4 queries in
     * parallel, the same round trip as one scan on a table this small), the reads stay on the key schema, and an item
     * outside the known types cannot slip in. `active` is filtered after validation, so a corrupt item is reported
     * even when it is inactive.
     */
    async listActive(): Promise<TrackedEntity[]> {
        return (await this.listAll()).filter((entity) => entity.active);
    }

    /** Every entity, active or not (administration). */
    async listAll(): Promise<TrackedEntity[]> {
        const perType = await Promise.all(ENTITY_TYPES.map((entityType) => this.queryType(entityType)));
        return perType.flat();
    }

    async put(entity: TrackedEntity): Promise<void> {
        const item = withoutUndefined(trackedEntitySchema.parse(entity));
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
    }

    async delete(entityType: EntityType, entityId: string): Promise<void> {
        await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { entityType, entityId } }));
    }

    private async queryType(entityType: EntityType): Promise<TrackedEntity[]> {
        const entities: TrackedEntity[] = [];
        let ExclusiveStartKey: Record<string, unknown> | undefined;
        do {
            const out = await this.client.send(
                new QueryCommand({
                    TableName: this.tableName,
                    KeyConditionExpression: "entityType = :type",
                    ExpressionAttributeValues: { ":type": entityType },
                    ExclusiveStartKey,
                }),
            );
            for (const item of out.Items ?? []) entities.push(parseItem(trackedEntitySchema, item, this.tableName, KEY_NAMES));
            ExclusiveStartKey = out.LastEvaluatedKey;
        } while (ExclusiveStartKey);
        return entities;
    }
}
