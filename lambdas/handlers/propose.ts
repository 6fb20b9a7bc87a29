import { dynamoDocumentClient, sqsClient } from "../adapters/aws-clients";
import { DynamoProposalRepository } from "../adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { proposeConsumer, proposeRoutes } from "../app/propose";
import { flushingMetrics, flushWhenBuffered } from "../app/proposal-ports";
import { assessedCandidateMessageSchema } from "../domain/candidates";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";
import { createSqsHandler } from "../shared/sqs";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["POST /propose"]),
    PROPOSALS_TABLE: envVars.PROPOSALS_TABLE,
    DASHBOARD_UPDATES_QUEUE_URL: envVars.DASHBOARD_UPDATES_QUEUE_URL,
    PROPOSAL_POLICY: envVars.PROPOSAL_POLICY,
});
const logger = loggerFromEnv(env);
const metrics = flushWhenBuffered(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const deps = {
    proposals: new DynamoProposalRepository(env.PROPOSALS_TABLE, dynamoDocumentClient()),
    publisher: new SqsPublisher(sqsClient()),
    dashboardQueueUrl: env.DASHBOARD_UPDATES_QUEUE_URL,
    policy: env.PROPOSAL_POLICY,
    metrics,
};

export const handler = flushingMetrics(
    handleTriggers({
        http: createHttpHandler(proposeRoutes(deps), env, logger),
        sqs: createSqsHandler({ schema: assessedCandidateMessageSchema, process: proposeConsumer(deps), logger }),
    }),
    metrics,
);
