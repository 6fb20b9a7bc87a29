import * as z from "../zod";
import { dynamoDocumentClient, sqsClient } from "../adapters/aws-clients";
import { DynamoProposalRepository } from "../adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { flushingMetrics, flushWhenBuffered } from "../app/proposal-ports";
import { riskCheckConsumer, riskCheckRoutes } from "../app/risk";
import { fusedCandidateMessageSchema } from "../domain/candidates";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";
import { createSqsHandler } from "../shared/sqs";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["POST /risk/check"]),
    PROPOSALS_TABLE: envVars.PROPOSALS_TABLE,
    NEXT_QUEUE_URL: envVars.NEXT_QUEUE_URL,
    RISK_LIMITS: envVars.RISK_LIMITS,
    RISK_MARKET_DATA: z.optional(envVars.RISK_MARKET_DATA),
});
const logger = loggerFromEnv(env);
const metrics = flushWhenBuffered(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const deps = {
    proposals: new DynamoProposalRepository(env.PROPOSALS_TABLE, dynamoDocumentClient()),
    publisher: new SqsPublisher(sqsClient()),
    nextQueueUrl: env.NEXT_QUEUE_URL,
    limits: env.RISK_LIMITS,
    marketData: env.RISK_MARKET_DATA,
    metrics,
};

export const handler = flushingMetrics(
    handleTriggers({
        http: createHttpHandler(riskCheckRoutes(deps), env, logger),
        sqs: createSqsHandler({ schema: fusedCandidateMessageSchema, process: riskCheckConsumer(deps), logger }),
    }),
    metrics,
);
