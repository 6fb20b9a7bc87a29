/** A dashboard WebSocket connection as stored in the connections table (partition key `connectionId`). */
export interface DashboardConnection {
    connectionId: string;
    sub: string;
    groups: string[];
    /**
     * `https://<domain>/<stage>`: where updates for this connection are posted (API Gateway management API). Taken
     * from the $connect event, so the function needs no endpoint in its environment (which would be a dependency
     * cycle between the function and the API that invokes it).
     */
    callbackEndpoint: string;
    connectedAt: string;
    /** Epoch seconds; DynamoDB TTL removes connections whose $disconnect never arrived. */
    ttl: number;
}

/** Port to the connection store; adapters/dynamo-connection-repository.ts implements it on DynamoDB. */
export interface ConnectionRepository {
    put(connection: DashboardConnection): Promise<void>;
    delete(connectionId: string): Promise<void>;
}

/** API Gateway closes a WebSocket after 2 h at the latest, so a record older than that is stale. */
export const CONNECTION_TTL_SECONDS = 2 * 60 * 60;

export interface ConnectionIdentity {
    connectionId: string;
    sub: string;
    groups: string[];
    callbackEndpoint: string;
}

export async function openConnection(
    repository: ConnectionRepository,
    identity: ConnectionIdentity,
    now: Date,
): Promise<DashboardConnection> {
    const connection: DashboardConnection = {
        ...identity,
        connectedAt: now.toISOString(),
        ttl: Math.floor(now.getTime() / 1000) + CONNECTION_TTL_SECONDS,
    };
    await repository.put(connection);
    return connection;
}

export async function closeConnection(repository: ConnectionRepository, connectionId: string): Promise<void> {
    await repository.delete(connectionId);
}
