import { signalsIngestedMessageSchema } from "../domain/messages";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv, pendingRoute, routeKeysOf, type RouteTable } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { createSqsHandler, pendingConsumer } from "../shared/sqs";

const routes: RouteTable = { "POST /score": pendingRoute("signal-scoring") };
const env = loadEnv({ ...baseEnv, ...httpEnv(routeKeysOf(routes)) });
const logger = loggerFromEnv(env);

export const handler = handleTriggers({
    http: createHttpHandler(routes, env, logger),
    sqs: createSqsHandler({
        schema: signalsIngestedMessageSchema,
        process: pendingConsumer("Scoring of ingested signals", "signal-scoring"),
        logger,
    }),
});
