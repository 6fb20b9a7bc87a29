import { riskAssessedMessageSchema } from "../domain/messages";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv, pendingRoute, routeKeysOf, type RouteTable } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { createSqsHandler, pendingConsumer } from "../shared/sqs";

const routes: RouteTable = { "POST /propose": pendingRoute("proposal-generation") };
const env = loadEnv({ ...baseEnv, ...httpEnv(routeKeysOf(routes)) });
const logger = loggerFromEnv(env);

export const handler = handleTriggers({
    http: createHttpHandler(routes, env, logger),
    sqs: createSqsHandler({
        schema: riskAssessedMessageSchema,
        process: pendingConsumer("Proposal generation from risk-assessed candidates", "proposal-generation"),
        logger,
    }),
});
