import { dynamoDocumentClient, sqsClient } from "../adapters/aws-clients";
import { DynamoProposalRepository } from "../adapters/dynamo-proposal-repository";
import { SqsPublisher } from "../adapters/sqs-publisher";
import { decisionRoutes, expireDueProposals } from "../app/decision";
import { flushingMetrics, flushWhenBuffered } from "../app/proposal-ports";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";
import { createScheduleHandler } from "../shared/schedule";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["POST /decision"]),
    PROPOSALS_TABLE: envVars.PROPOSALS_TABLE,
    DASHBOARD_UPDATES_QUEUE_URL: envVars.DASHBOARD_UPDATES_QUEUE_URL,
});
const metrics = flushWhenBuffered(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const deps = {
    proposals: new DynamoProposalRepository(env.PROPOSALS_TABLE, dynamoDocumentClient()),
    publisher: new SqsPublisher(sqsClient()),
    dashboardQueueUrl: env.DASHBOARD_UPDATES_QUEUE_URL,
    metrics,
};
const logger = loggerFromEnv(env);

export const handler = flushingMetrics(
    handleTriggers({
        http: createHttpHandler(decisionRoutes(deps), env, logger),
        schedule: createScheduleHandler(
            {
                "expire-proposals": async (_payload, { logger: taskLogger }) => {
                    await expireDueProposals(deps, taskLogger);
                },
            },
            logger,
        ),
    }),
    metrics,
);
