import { DynamoOutcomeRepository } from "../adapters/dynamo-outcome-repository";
import { dynamoDocumentClient } from "../adapters/aws-clients";
import { DynamoProposalReader } from "../adapters/dynamo-proposal-reader";
import { DynamoSignalAgentIndex } from "../adapters/dynamo-signal-agent-index";
import { createDashboard, dashboardRoutes } from "../app/dashboard";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { loggerFromEnv } from "../shared/logger";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["GET /dashboard/summary", "GET /metrics"]),
    PROPOSALS_TABLE: envVars.PROPOSALS_TABLE,
    OUTCOMES_TABLE: envVars.OUTCOMES_TABLE,
    SIGNALS_TABLE: envVars.SIGNALS_TABLE,
});
const logger = loggerFromEnv(env);
// Only the DynamoDB client: aws-clients.ts has one function per client, so the bundle carries no S3, SQS or Secrets
// Manager code (tests/lambdas/evaluation/bundles.test.ts checks).
const db = dynamoDocumentClient();
const dashboard = createDashboard({
    proposals: new DynamoProposalReader(env.PROPOSALS_TABLE, db, logger),
    outcomes: new DynamoOutcomeRepository(env.OUTCOMES_TABLE, db),
    signals: new DynamoSignalAgentIndex(env.SIGNALS_TABLE, db),
});

export const handler = handleTriggers({ http: createHttpHandler(dashboardRoutes(dashboard), env, logger) });
