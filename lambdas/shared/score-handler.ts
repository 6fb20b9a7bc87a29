import * as z from "../zod";
import { DynamoAgentConfigRepository } from "../adapters/dynamo-agent-config-repository";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import { dynamoDocumentClient, s3Client, sqsClient } from "../adapters/aws-clients";
import { S3RawStore } from "../adapters/s3-raw-store";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { cachedLoader, CONFIG_CACHE_TTL_MS } from "../app/cache";
import { createScoreService } from "../app/score";
import { signalsIngestedMessageSchema } from "../domain/messages";
import { lexiconScorer } from "../domain/scoring";
import { handleTriggers } from "./dispatch";
import { baseEnv, envVars, loadEnv, type EnvSource } from "./env";
import { AppError, ConfigurationError } from "./errors";
import { createHttpHandler, httpEnv } from "./http";
import { invocationMetrics } from "./invocation-metrics";
import { loggerFromEnv } from "./logger";
import { powertoolsMetrics } from "./metrics";
import { createSqsHandler } from "./sqs";

/** Scores `signals.ingested` messages from the queue, and the keys posted to POST /score synchronously. */
export function createScoreHandler(source: EnvSource = process.env) {
    const env = loadEnv(
        {
            ...baseEnv,
            ...httpEnv(["POST /score"]),
            SIGNALS_TABLE: envVars.SIGNALS_TABLE,
            AGENTS_CONFIG_TABLE: envVars.AGENTS_CONFIG_TABLE,
            FEATURES_BUCKET: envVars.FEATURES_BUCKET,
            NEXT_QUEUE_URL: envVars.NEXT_QUEUE_URL,
            SCORER: envVars.SCORER,
            BEDROCK_MODEL_ID: z.optional(envVars.BEDROCK_MODEL_ID),
            NOVELTY_WINDOW_HOURS: envVars.NOVELTY_WINDOW_HOURS,
        },
        source,
    );
    if (env.SCORER === "bedrock") {
        // adapters/bedrock-scorer.ts is ready; it needs @aws-sdk/client-bedrock-runtime in this bundle to be wired here.
        throw new ConfigurationError([
            `SCORER: "bedrock" needs the package @aws-sdk/client-bedrock-runtime, which this build does not include${
                env.BEDROCK_MODEL_ID === undefined ? ", and BEDROCK_MODEL_ID" : ""
            }; use "lexicon"`,
        ]);
    }
    const logger = loggerFromEnv(env);
    const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
    const documents = dynamoDocumentClient();
    const agents = new DynamoAgentConfigRepository(env.AGENTS_CONFIG_TABLE, documents);
    const service = createScoreService({
        signals: new DynamoSignalRepository(env.SIGNALS_TABLE, documents),
        agents: cachedLoader(() => agents.latestActive(), CONFIG_CACHE_TTL_MS),
        scorer: lexiconScorer,
        features: new S3RawStore(env.FEATURES_BUCKET, s3Client()),
        publisher: new SqsPublisher(sqsClient()),
        queueUrl: env.NEXT_QUEUE_URL,
        metrics,
        logger,
        noveltyWindowMs: env.NOVELTY_WINDOW_HOURS * 3_600_000,
    });

    const triggers = handleTriggers({
        http: createHttpHandler(
            {
                "POST /score": async ({ body, correlationId, logger: requestLogger }) => {
                    const result = await service.scoreKeys(body.signalKeys, { correlationId, logger: requestLogger });
                    if (result.scored.length === 0) {
                        throw new AppError("NOT_FOUND", "None of the signal keys names a stored signal.", { missing: result.missing });
                    }
                    return {
                        data: {
                            scores: result.scored.map((entry) => ({
                                signalKey: entry.key,
                                asset: entry.asset,
                                agent: entry.agent,
                                ts: entry.ts,
                                similarCount: entry.similarCount,
                                score: entry.score,
                            })),
                            missing: result.missing,
                        },
                    };
                },
            },
            env,
            logger,
        ),
        sqs: createSqsHandler({
            schema: signalsIngestedMessageSchema,
            process: async (message, { logger: messageLogger }) => {
                await service.scoreKeys(message.signalKeys, { correlationId: message.correlationId, logger: messageLogger });
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
