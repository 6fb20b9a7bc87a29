import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { loggerFromEnv } from "../shared/logger";
import { createScheduleHandler, pendingTask } from "../shared/schedule";

// Regulatory sources have no REST route: they are only ingested on schedule.
const env = loadEnv(baseEnv);

export const handler = handleTriggers({
    schedule: createScheduleHandler({ "ingest:regulatory": pendingTask("regulatory-ingestion") }, loggerFromEnv(env)),
});
