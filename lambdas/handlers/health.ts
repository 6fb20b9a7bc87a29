import { healthReport } from "../domain/health";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";

const env = loadEnv({ ...baseEnv, ...httpEnv(["GET /health"]) });

export const handler = handleTriggers({
    http: createHttpHandler(
        {
            "GET /health": async () => ({
                data: healthReport(env.POWERTOOLS_SERVICE_NAME, env.ENVIRONMENT, env.SERVICE_VERSION),
            }),
        },
        env,
        loggerFromEnv(env),
    ),
});
