import { signalsScoredMessageSchema } from "../domain/messages";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, loadEnv } from "../shared/env";
import { loggerFromEnv } from "../shared/logger";
import { createSqsHandler, pendingConsumer } from "../shared/sqs";

// Fusion has no REST route: it only consumes the scored-signals queue.
const env = loadEnv(baseEnv);

export const handler = handleTriggers({
    sqs: createSqsHandler({
        schema: signalsScoredMessageSchema,
        process: pendingConsumer("Fusion of scored signals", "signal-fusion"),
        logger: loggerFromEnv(env),
    }),
});
