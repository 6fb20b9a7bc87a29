import { dynamoDocumentClient, s3Client, sqsClient } from "../adapters/aws-clients";
import { DynamoAgentConfigRepository } from "../adapters/dynamo-agent-config-repository";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import { S3RawStore } from "../adapters/s3-raw-store";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { cachedLoader, CONFIG_CACHE_TTL_MS } from "../app/cache";
import { createFuseService } from "../app/fuse";
import { signalsScoredMessageSchema } from "../domain/messages";
import { handleTriggers } from "./dispatch";
import { baseEnv, envVars, loadEnv, type EnvSource } from "./env";
import { invocationMetrics } from "./invocation-metrics";
import { loggerFromEnv } from "./logger";
import { powertoolsMetrics } from "./metrics";
import { createSqsHandler } from "./sqs";

/** Fuses the assets of `signals.scored` messages; it has no REST route. */
export function createFuseHandler(source: EnvSource = process.env) {
    const env = loadEnv(
        {
            ...baseEnv,
            SIGNALS_TABLE: envVars.SIGNALS_TABLE,
            AGENTS_CONFIG_TABLE: envVars.AGENTS_CONFIG_TABLE,
            CURATED_DATA_BUCKET: envVars.CURATED_DATA_BUCKET,
            NEXT_QUEUE_URL: envVars.NEXT_QUEUE_URL,
            FUSION_WINDOW_MINUTES: envVars.FUSION_WINDOW_MINUTES,
            FUSION_BASELINE_WINDOWS: envVars.FUSION_BASELINE_WINDOWS,
            FUSION_MIN_ABS_SCORE: envVars.FUSION_MIN_ABS_SCORE,
            DEFAULT_POSITION_NOTIONAL: envVars.DEFAULT_POSITION_NOTIONAL,
            DEFAULT_POSITION_CURRENCY: envVars.DEFAULT_POSITION_CURRENCY,
        },
        source,
    );
    const logger = loggerFromEnv(env);
    const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
    const documents = dynamoDocumentClient();
    const agents = new DynamoAgentConfigRepository(env.AGENTS_CONFIG_TABLE, documents);
    const service = createFuseService({
        signals: new DynamoSignalRepository(env.SIGNALS_TABLE, documents),
        agents: cachedLoader(() => agents.latestActive(), CONFIG_CACHE_TTL_MS),
        curated: new S3RawStore(env.CURATED_DATA_BUCKET, s3Client()),
        publisher: new SqsPublisher(sqsClient()),
        queueUrl: env.NEXT_QUEUE_URL,
        metrics,
        logger,
        windowMs: env.FUSION_WINDOW_MINUTES * 60_000,
        baselineWindows: env.FUSION_BASELINE_WINDOWS,
        minAbsScore: env.FUSION_MIN_ABS_SCORE,
        positionSize: { notional: env.DEFAULT_POSITION_NOTIONAL, currency: env.DEFAULT_POSITION_CURRENCY },
    });

    const triggers = handleTriggers({
        sqs: createSqsHandler({
            schema: signalsScoredMessageSchema,
            process: async (message, { logger: messageLogger }) => {
                const assets = message.signalKeys.map((key) => key.pk.slice(0, key.pk.lastIndexOf("#")));
                await service.fuseAssets(assets, { correlationId: message.correlationId, logger: messageLogger });
            },
            logger,
        }),
    });
    return async (event: unknown, context?: Parameters<typeof triggers>[1]): Promise<unknown> => {
        try {
            return await triggers(event, context);
        } finally {
            metrics.flush();
        }
    };
}
