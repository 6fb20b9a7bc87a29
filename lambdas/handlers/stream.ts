import { defaultDocumentClient, DynamoConnectionRepository } from "../adapters/dynamo-connection-repository";
import { dashboardUpdateMessageSchema } from "../domain/messages";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv, pendingRoute, routeKeysOf, type RouteTable } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { createSqsHandler, pendingConsumer } from "../shared/sqs";
import { createWebSocketHandler } from "../shared/websocket";

const routes: RouteTable = { "GET /dashboard/stream": pendingRoute("dashboard-streaming") };
const env = loadEnv({
    ...baseEnv,
    ...httpEnv(routeKeysOf(routes)),
    CONNECTIONS_TABLE: envVars.CONNECTIONS_TABLE,
});
const logger = loggerFromEnv(env);

export const handler = handleTriggers({
    http: createHttpHandler(routes, env, logger),
    websocket: createWebSocketHandler({
        repository: new DynamoConnectionRepository(env.CONNECTIONS_TABLE, defaultDocumentClient()),
        logger,
    }),
    sqs: createSqsHandler({
        schema: dashboardUpdateMessageSchema,
        process: pendingConsumer("Broadcasting dashboard updates to connections", "dashboard-streaming"),
        logger,
    }),
});
