import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv, pendingRoute, routeKeysOf, type RouteTable } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";

const routes: RouteTable = {
    "GET /metrics": pendingRoute("dashboard-metrics"),
    "GET /dashboard/summary": pendingRoute("dashboard-metrics"),
};
const env = loadEnv({ ...baseEnv, ...httpEnv(routeKeysOf(routes)) });

export const handler = handleTriggers({ http: createHttpHandler(routes, env, loggerFromEnv(env)) });
