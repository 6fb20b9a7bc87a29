import type { Context } from "aws-lambda";
import { dynamoDocumentClient, s3FullClient, secretsManagerClient } from "../adapters/aws-clients";
import { DynamoAgentConfigRepository } from "../adapters/dynamo-agent-config-repository";
import { DynamoEntityRepository } from "../adapters/dynamo-entity-repository";
import { DynamoSignalAgentIndex } from "../adapters/dynamo-signal-agent-index";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import { S3ObjectEraser } from "../adapters/s3-object-eraser";
import { pseudonymKeyFrom } from "../adapters/pseudonym-key";
import { SecretReader } from "../adapters/secrets";
import { ADMIN_ROUTES, adminRoutes, createAdmin } from "../app/admin";
import { createErasure } from "../app/erasure";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { createHttpHandler, httpEnv } from "../shared/http";
import { invocationMetrics } from "../shared/invocation-metrics";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(ADMIN_ROUTES),
    TRACKED_ENTITIES_TABLE: envVars.TRACKED_ENTITIES_TABLE,
    AGENTS_CONFIG_TABLE: envVars.AGENTS_CONFIG_TABLE,
    SIGNALS_TABLE: envVars.SIGNALS_TABLE,
    RAW_DATA_BUCKET: envVars.RAW_DATA_BUCKET,
    FEATURES_BUCKET: envVars.FEATURES_BUCKET,
    EVAL_BUCKET: envVars.EVAL_BUCKET,
    PSEUDONYM_SECRET_ARN: envVars.PSEUDONYM_SECRET_ARN,
});
const logger = loggerFromEnv(env);
const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const db = dynamoDocumentClient();
const s3 = s3FullClient();
const secrets = new SecretReader(secretsManagerClient());

const admin = createAdmin({
    entities: new DynamoEntityRepository(env.TRACKED_ENTITIES_TABLE, db),
    agents: new DynamoAgentConfigRepository(env.AGENTS_CONFIG_TABLE, db),
});
const erasure = createErasure({
    // The same secret and reader as ingestion: a pseudonym made with another key would find nothing.
    pseudonymKey: pseudonymKeyFrom(secrets, env.PSEUDONYM_SECRET_ARN),
    signals: new DynamoSignalRepository(env.SIGNALS_TABLE, db),
    references: new DynamoSignalAgentIndex(env.SIGNALS_TABLE, db),
    rawObjects: new S3ObjectEraser(env.RAW_DATA_BUCKET, s3),
    featureRecords: new S3ObjectEraser(env.FEATURES_BUCKET, s3),
    auditLog: new S3ObjectEraser(env.EVAL_BUCKET, s3),
    metrics,
});

const dispatch = handleTriggers({ http: createHttpHandler(adminRoutes(admin, erasure), env, logger) });

export const handler = async (event: unknown, context?: Context) => {
    try {
        return await dispatch(event, context);
    } finally {
        metrics.flush();
    }
};
