/**
 * Posts frames to WebSocket connections through the API Gateway management API (`POST /@connections/{id}` on the
 * connection's callback endpoint `https://<domain>/<stage>`). Needs execute-api:ManageConnections on that stage.
 */
import {
    ApiGatewayManagementApiClient,
    type ApiGatewayManagementApiClientConfig,
    PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";

export type PushResult = "delivered" | "gone";

/** 410 Gone: the client disconnected (or never completed $connect) — the connection will not come back. */
export function isGone(error: unknown): boolean {
    if (!(error instanceof Error)) return false;
    return error.name === "GoneException" || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 410;
}

export class ApiGatewayConnectionPusher {
    private readonly clients = new Map<string, ApiGatewayManagementApiClient>();

    /** `config` is for tests (region, credentials); in Lambda the defaults come from the environment. */
    constructor(private readonly config: Omit<ApiGatewayManagementApiClientConfig, "endpoint"> = {}) {}

    /** Resolves "gone" for a 410; rejects for anything else (throttling, 403 on a foreign API, network). */
    async post(callbackEndpoint: string, connectionId: string, frame: string): Promise<PushResult> {
        try {
            await this.clientFor(callbackEndpoint).send(
                new PostToConnectionCommand({ ConnectionId: connectionId, Data: new TextEncoder().encode(frame) }),
            );
            return "delivered";
        } catch (error) {
            if (isGone(error)) return "gone";
            throw error;
        }
    }

    destroy(): void {
        for (const client of this.clients.values()) client.destroy();
        this.clients.clear();
    }

    private clientFor(endpoint: string): ApiGatewayManagementApiClient {
        let client = this.clients.get(endpoint);
        if (!client) {
            client = new ApiGatewayManagementApiClient({ ...this.config, endpoint });
            this.clients.set(endpoint, client);
        }
        return client;
    }
}
