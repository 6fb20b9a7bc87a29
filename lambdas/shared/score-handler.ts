import * as z from "../zod";
import { DynamoAgentConfigRepository } from "../adapters/dynamo-agent-config-repository";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import { dynamoDocumentClient, s3Client, sqsClient } from "../adapters/aws-clients";
import { S3RawStore } from "../adapters/s3-raw-store";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { cachedLoader, CONFIG_CACHE_TTL_MS } from "../app/cache";
import { createScoreService } from "../app/score";
import { signalsIngestedMessageSchema } from "../domain/messages";
import { lexiconScorer, type Scorer } from "../domain/scoring";
import { handleTriggers } from "./dispatch";
import { baseEnv, envVars, loadEnv, type EnvSource } from "./env";
import { AppError, ConfigurationError } from "./errors";
import { createHttpHandler, httpEnv } from "./http";
import { invocationMetrics } from "./invocation-metrics";
import { type Logger, loggerFromEnv } from "./logger";
import { powertoolsMetrics } from "./metrics";
import { createSqsHandler } from "./sqs";

/**
 * Builds the Bedrock scorer for a model. Only the `score-bedrock` handler passes one, so the lexicon bundle does not
 * carry the Bedrock client.
 */
export type BedrockScorerFactory = (modelId: string, logger: Logger) => Scorer;

/** Scores `signals.ingested` messages from the queue, and the keys posted to POST /score synchronously. */
export function createScoreHandler(source: EnvSource = process.env, bedrock?: BedrockScorerFactory) {
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
    if (env.SCORER === "bedrock" && (bedrock === undefined || env.BEDROCK_MODEL_ID === undefined)) {
        throw new ConfigurationError([
            bedrock === undefined
                ? 'SCORER: "bedrock" runs only in the score-bedrock build (lambdas/handlers/score-bedrock.ts); this is the lexicon build'
                : 'BEDROCK_MODEL_ID: is required when SCORER is "bedrock"',
        ]);
    }
    const logger = loggerFromEnv(env);
    const scorer = env.SCORER === "bedrock" ? bedrock!(env.BEDROCK_MODEL_ID!, logger) : lexiconScorer;
    const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
    const documents = dynamoDocumentClient();
    const agents = new DynamoAgentConfigRepository(env.AGENTS_CONFIG_TABLE, documents);
    const service = createScoreService({
        signals: new DynamoSignalRepository(env.SIGNALS_TABLE, documents),
        agents: cachedLoader(() => agents.latestActive(), CONFIG_CACHE_TTL_MS),
        scorer,
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
