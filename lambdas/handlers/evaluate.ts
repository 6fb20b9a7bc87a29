import type { Context } from "aws-lambda";
import { dynamoDocumentClient, s3Client, secretsManagerClient } from "../adapters/aws-clients";
import { DynamoAgentConfigRepository } from "../adapters/dynamo-agent-config-repository";
import { DynamoOutcomeRepository } from "../adapters/dynamo-outcome-repository";
import { DynamoProposalReader } from "../adapters/dynamo-proposal-reader";
import { DynamoSignalRepository } from "../adapters/dynamo-signal-repository";
import {
    AlphaVantageMarketData,
    alphaVantageSecretSchema,
    type MarketData,
    marketDataHttpClient,
    StooqMarketData,
} from "../adapters/market-data";
import { S3RawStore } from "../adapters/s3-raw-store";
import { SecretReader } from "../adapters/secrets";
import { createEvaluator, evaluateRoutes } from "../app/evaluate";
import { createRecalibration } from "../app/learning";
import { handleTriggers } from "../shared/dispatch";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { ConfigurationError } from "../shared/errors";
import { createHttpHandler, httpEnv } from "../shared/http";
import { invocationMetrics } from "../shared/invocation-metrics";
import { loggerFromEnv } from "../shared/logger";
import { powertoolsMetrics } from "../shared/metrics";
import { createScheduleHandler } from "../shared/schedule";

const env = loadEnv({
    ...baseEnv,
    ...httpEnv(["POST /evaluate"]),
    PROPOSALS_TABLE: envVars.PROPOSALS_TABLE,
    OUTCOMES_TABLE: envVars.OUTCOMES_TABLE,
    SIGNALS_TABLE: envVars.SIGNALS_TABLE,
    AGENTS_CONFIG_TABLE: envVars.AGENTS_CONFIG_TABLE,
    EVAL_BUCKET: envVars.EVAL_BUCKET,
    BENCHMARK_SYMBOL: envVars.BENCHMARK_SYMBOL,
    MARKET_DATA_PROVIDER: envVars.MARKET_DATA_PROVIDER,
    MARKET_DATA_SECRET_ARN: envVars.MARKET_DATA_SECRET_ARN,
    MARKET_DATA_REQUESTS_PER_MINUTE: envVars.MARKET_DATA_REQUESTS_PER_MINUTE,
});
if (env.MARKET_DATA_PROVIDER === "alphavantage" && env.MARKET_DATA_SECRET_ARN === undefined) {
    throw new ConfigurationError(["MARKET_DATA_SECRET_ARN: is required with MARKET_DATA_PROVIDER=alphavantage"]);
}
const logger = loggerFromEnv(env);
const metrics = invocationMetrics(powertoolsMetrics(env.POWERTOOLS_SERVICE_NAME));
const db = dynamoDocumentClient();
const s3 = s3Client();
const secretsManager = secretsManagerClient();
const proposals = new DynamoProposalReader(env.PROPOSALS_TABLE, db, logger);
const outcomes = new DynamoOutcomeRepository(env.OUTCOMES_TABLE, db);

const http = marketDataHttpClient(env.MARKET_DATA_PROVIDER, env.MARKET_DATA_REQUESTS_PER_MINUTE);
let marketData: MarketData;
if (env.MARKET_DATA_PROVIDER === "alphavantage") {
    const secrets = new SecretReader(secretsManager);
    const secretId = env.MARKET_DATA_SECRET_ARN!;
    marketData = new AlphaVantageMarketData({ http, apiKey: async () => (await secrets.read(secretId, alphaVantageSecretSchema)).apiKey });
} else {
    marketData = new StooqMarketData({ http });
}

/** The invocation's context, for the time budget of the scheduled run (the schedule wrapper does not pass it on). */
let invocation: Context | undefined;

const evaluator = createEvaluator({
    proposals,
    outcomes,
    marketData,
    records: new S3RawStore(env.EVAL_BUCKET, s3),
    metrics,
    benchmarkSymbol: env.BENCHMARK_SYMBOL,
    provider: env.MARKET_DATA_PROVIDER,
    remainingMs: () => invocation?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
});
const recalibration = createRecalibration({
    proposals,
    outcomes,
    signals: new DynamoSignalRepository(env.SIGNALS_TABLE, db),
    agents: new DynamoAgentConfigRepository(env.AGENTS_CONFIG_TABLE, db),
    metrics,
});

const dispatch = handleTriggers({
    http: createHttpHandler(evaluateRoutes(evaluator), env, logger),
    schedule: createScheduleHandler(
        {
            "evaluate-outcomes": async (_payload, { logger: taskLogger }) => {
                const report = await evaluator.run({ kind: "due" }, { logger: taskLogger, trigger: "schedule" });
                // Missing prices are expected and retried next run; a storage failure is not: fail the invocation.
                if (report.failed.length > 0) throw new Error(`${report.failed.length} outcome(s) could not be stored; see the log`);
            },
            "recalibrate-agents": async (_payload, { logger: taskLogger }) => {
                await recalibration.run({ logger: taskLogger });
            },
        },
        logger,
    ),
});

export const handler = async (event: unknown, context?: Context) => {
    invocation = context;
    try {
        return await dispatch(event, context);
    } finally {
        metrics.flush();
    }
};
