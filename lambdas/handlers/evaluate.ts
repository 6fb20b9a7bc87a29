import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv, pendingRoute, routeKeysOf, type RouteTable } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { createScheduleHandler, pendingTask } from "../shared/schedule";

const routes: RouteTable = { "POST /evaluate": pendingRoute("outcome-evaluation") };
const env = loadEnv({ ...baseEnv, ...httpEnv(routeKeysOf(routes)) });
const logger = loggerFromEnv(env);

export const handler = handleTriggers({
    http: createHttpHandler(routes, env, logger),
    schedule: createScheduleHandler(
        {
            "evaluate-outcomes": pendingTask("outcome-evaluation"),
            "recalibrate-agents": pendingTask("agent-recalibration"),
        },
        logger,
    ),
});
