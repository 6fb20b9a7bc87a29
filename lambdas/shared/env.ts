import * as z from "zod";
import { proposalPolicySchema } from "../domain/candidates";
import { riskMarketDataSchema } from "../domain/market";
import { riskLimitsSchema } from "../domain/risk";
import { ConfigurationError } from "./errors";
import { LOG_LEVELS } from "./logger";

/**
 * Environment variables the infrastructure sets, each with the check it must pass. A handler picks the ones it uses
 * and parses them once at cold start with loadEnv, which fails with one error naming every bad or missing variable.
 */

/** Parses a variable that carries JSON, reporting malformed JSON as a normal validation issue. */
export function jsonText<T extends z.ZodType>(schema: T) {
    return z
        .string()
        .transform((text, context) => {
            try {
                return JSON.parse(text) as unknown;
            } catch {
                context.addIssue({ code: "custom", message: "must be valid JSON" });
                return z.NEVER;
            }
        })
        .pipe(schema);
}

const tableName = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be a DynamoDB table name" });
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" });
const queueUrl = z.url({ protocol: /^https$/, error: "must be an https SQS queue URL" });

export const baseEnv = {
    ENVIRONMENT: z.enum(["dev", "staging", "prod"]),
    LOG_LEVEL: z.enum(LOG_LEVELS),
    POWERTOOLS_SERVICE_NAME: z.string().min(1),
    SERVICE_VERSION: z.string().min(1).optional(),
};

export const envVars = {
    CORS_ALLOWED_ORIGINS: jsonText(
        z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, { error: "must be an origin like https://app.example.com (no path)" })),
    ),
    SIGNALS_TABLE: tableName,
    PROPOSALS_TABLE: tableName,
    OUTCOMES_TABLE: tableName,
    AGENTS_CONFIG_TABLE: tableName,
    TRACKED_ENTITIES_TABLE: tableName,
    CONNECTIONS_TABLE: tableName,
    RAW_DATA_BUCKET: bucketName,
    CURATED_DATA_BUCKET: bucketName,
    FEATURES_BUCKET: bucketName,
    EVAL_BUCKET: bucketName,
    BACKTESTS_BUCKET: bucketName,
    NEXT_QUEUE_URL: queueUrl,
    DASHBOARD_UPDATES_QUEUE_URL: queueUrl,
    // An ARN only: the secret value is read at run time and never placed in the environment.
    PROVIDER_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
        error: "must be the ARN of a Secrets Manager secret",
    }),
    SOURCE_FEEDS: jsonText(z.array(z.string().min(1).max(2048)).min(1)),
    USER_POOL_ID: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/, { error: "must be a Cognito user pool id" }),
    USER_POOL_CLIENT_ID: z.string().regex(/^[a-z0-9]{1,128}$/, { error: "must be a Cognito app client id" }),
    // Decision half of the pipeline (risk-check, propose, stream): configuration as JSON, checked by the domain schemas.
    RISK_LIMITS: jsonText(riskLimitsSchema),
    RISK_MARKET_DATA: jsonText(riskMarketDataSchema),
    PROPOSAL_POLICY: jsonText(proposalPolicySchema),
    DASHBOARD_WEBSOCKET_URL: z.url({ protocol: /^wss$/, error: "must be a wss:// URL" }),
    // Signal half of the pipeline (ingest-*, score, fuse).
    // JSON object of the sources an ingest function reads; the function checks it against sources/registry's schema.
    SOURCES_CONFIG: jsonText(z.record(z.string(), z.unknown())),
    // The HMAC key of author pseudonyms: secret JSON {"key":"<base64 of at least 32 random bytes>"}.
    PSEUDONYM_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
        error: "must be the ARN of a Secrets Manager secret",
    }),
    SIGNAL_RETENTION_DAYS: integerText(1, 3650).default(90),
    SCORER: z.enum(["lexicon", "bedrock"]).default("lexicon"),
    BEDROCK_MODEL_ID: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.:/_-]{0,2047}$/, {
        error: "must be a Bedrock model id, inference profile id or ARN",
    }),
    NOVELTY_WINDOW_HOURS: integerText(1, 168).default(24),
    FUSION_WINDOW_MINUTES: integerText(5, 1440).default(60),
    FUSION_BASELINE_WINDOWS: integerText(0, 48).default(6),
    FUSION_MIN_ABS_SCORE: decimalText(0, 1).default(0.05),
    DEFAULT_POSITION_NOTIONAL: decimalText(0.01, 1_000_000_000).default(1000),
    DEFAULT_POSITION_CURRENCY: z
        .string()
        .regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 currency code" })
        .default("EUR"),
    // Outcome evaluation (evaluate): the index the excess return is measured against, and where daily closes come from.
    BENCHMARK_SYMBOL: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{0,19}$/, { error: "must be an upper-case symbol such as SPY" }),
    MARKET_DATA_PROVIDER: z.enum(["alphavantage", "stooq"]).default("alphavantage"),
    // Secret JSON {"apiKey":"…"}; required with MARKET_DATA_PROVIDER=alphavantage (the evaluate handler checks).
    MARKET_DATA_SECRET_ARN: z
        .string()
        .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
            error: "must be the ARN of a Secrets Manager secret",
        })
        .optional(),
    // Requests per minute the provider plan allows (Alpha Vantage free tier: 5).
    MARKET_DATA_REQUESTS_PER_MINUTE: integerText(1, 1200).default(5),
};

export type EnvSource = Record<string, string | undefined>;

export function loadEnv<Shape extends z.ZodRawShape>(shape: Shape, source: EnvSource = process.env): z.output<z.ZodObject<Shape>> {
    const result = z.object(shape).safeParse(source);
    if (result.success) return result.data;
    throw new ConfigurationError(result.error.issues.map((issue) => describeIssue(issue, source)));
}

function describeIssue(issue: z.core.$ZodIssue, source: EnvSource): string {
    const name = String(issue.path[0] ?? "environment");
    if (issue.path.length === 1 && source[name] === undefined) return `${name}: is required but not set`;
    const where = issue.path.length > 1 ? `${name} at ${issue.path.slice(1).join(".")}` : name;
    return `${where}: ${issue.message}`;
}

/** A whole number written in decimal digits, within [min, max]. */
function integerText(min: number, max: number) {
    return z.string().regex(/^\d+$/, { error: "must be a whole number" }).transform(Number).pipe(z.number().int().min(min).max(max));
}

/** A decimal number ("0.05", "2500"), within [min, max]. */
function decimalText(min: number, max: number) {
    return z
        .string()
        .regex(/^\d+(\.\d+)?$/, { error: "must be a decimal number such as 0.05" })
        .transform(Number)
        .pipe(z.number().min(min).max(max));
}
