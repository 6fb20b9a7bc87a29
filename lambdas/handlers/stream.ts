import * as z from "../zod";
import { ApiGatewayConnectionPusher } from "../adapters/apigw-connection-pusher";
import { dynamoDocumentClient } from "../adapters/aws-clients";
import { DynamoConnectionDirectory } from "../adapters/dynamo-connection-directory";
import { DynamoConnectionRepository } from "../adapters/dynamo-connection-repository";
import { dashboardPushConsumer, streamInfoRoutes } from "../app/dashboard-push";
import { flushingMetrics, flushWhenBuffered } from "../app/proposal-ports";
import { dashboardUpdateMessageSchema } from "../domain/messages";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";
import { createSqsHandler } from "../shared/sqs";
import { createWebSocketHandler } from "../shared/websocket";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["GET /dashboard/stream"]),
    CONNECTIONS_TABLE: envVars.CONNECTIONS_TABLE,
    DASHBOARD_WEBSOCKET_URL: z.optional(envVars.DASHBOARD_WEBSOCKET_URL),
});
const logger = loggerFromEnv(env);
const metrics = flushWhenBuffered(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const documentClient = dynamoDocumentClient();

export const handler = flushingMetrics(
    handleTriggers({
        http: createHttpHandler(streamInfoRoutes(env.DASHBOARD_WEBSOCKET_URL), env, logger),
        websocket: createWebSocketHandler({ repository: new DynamoConnectionRepository(env.CONNECTIONS_TABLE, documentClient), logger }),
        sqs: createSqsHandler({
            schema: dashboardUpdateMessageSchema,
            process: dashboardPushConsumer({
                connections: new DynamoConnectionDirectory(env.CONNECTIONS_TABLE, documentClient),
                pusher: new ApiGatewayConnectionPusher(),
                metrics,
            }),
            logger,
        }),
    }),
    metrics,
);
