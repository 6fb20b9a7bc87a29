import * as z from "../zod";
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
export function jsonText<T extends z.ZodMiniType>(schema: T) {
    return z.pipe(
        z.pipe(
            z.string(),
            z.transform((text, context) => {
                try {
                    return JSON.parse(text) as unknown;
                } catch {
                    // zod/mini's transform context has no addIssue; this is the issue classic's addIssue records.
                    context.issues.push({ code: "custom", message: "must be valid JSON", input: text });
                    return z.NEVER;
                }
            }),
        ),
        schema,
    );
}

const tableName = z.string().check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, { error: "must be a DynamoDB table name" }));
const bucketName = z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "must be an S3 bucket name" }));
const queueUrl = z.url({ protocol: /^https$/, error: "must be an https SQS queue URL" });

export const baseEnv = {
    ENVIRONMENT: z.enum(["dev", "staging", "prod"]),
    LOG_LEVEL: z.enum(LOG_LEVELS),
    POWERTOOLS_SERVICE_NAME: z.string().check(z.minLength(1)),
    SERVICE_VERSION: z.optional(z.string().check(z.minLength(1))),
};

export const envVars = {
    CORS_ALLOWED_ORIGINS: jsonText(
        z.array(z.string().check(z.regex(/^https?:\/\/[^/\s]+$/, { error: "must be an origin like https://app.example.com (no path)" }))),
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
    NEXT_QUEUE_URL: queueUrl,
    DASHBOARD_UPDATES_QUEUE_URL: queueUrl,
    // An ARN only: the secret value is read at run time and never placed in the environment.
    PROVIDER_SECRET_ARN: z.string().check(
        z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
            error: "must be the ARN of a Secrets Manager secret",
        }),
    ),
    USER_POOL_ID: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/, { error: "must be a Cognito user pool id" })),
    USER_POOL_CLIENT_ID: z.string().check(z.regex(/^[a-z0-9]{1,128}$/, { error: "must be a Cognito app client id" })),
    // Decision half of the pipeline (risk-check, propose, stream): configuration as JSON, checked by the domain schemas.
    RISK_LIMITS: jsonText(riskLimitsSchema),
    RISK_MARKET_DATA: jsonText(riskMarketDataSchema),
    PROPOSAL_POLICY: jsonText(proposalPolicySchema),
    DASHBOARD_WEBSOCKET_URL: z.url({ protocol: /^wss$/, error: "must be a wss:// URL" }),
    // Signal half of the pipeline (ingest-*, score, fuse).
    // JSON object of the sources an ingest function reads; the function checks it against sources/registry's schema.
    SOURCES_CONFIG: jsonText(z.record(z.string(), z.unknown())),
    // The HMAC key of author pseudonyms: secret JSON {"key":"<base64 of at least 32 random bytes>"}.
    PSEUDONYM_SECRET_ARN: z.string().check(
        z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
            error: "must be the ARN of a Secrets Manager secret",
        }),
    ),
    SIGNAL_RETENTION_DAYS: z._default(integerText(1, 3650), 90),
    SCORER: z._default(z.enum(["lexicon", "bedrock"]), "lexicon"),
    BEDROCK_MODEL_ID: z.string().check(
        z.regex(/^[A-Za-z0-9][A-Za-z0-9.:/_-]{0,2047}$/, {
            error: "must be a Bedrock model id, inference profile id or ARN",
        }),
    ),
    NOVELTY_WINDOW_HOURS: z._default(integerText(1, 168), 24),
    FUSION_WINDOW_MINUTES: z._default(integerText(5, 1440), 60),
    FUSION_BASELINE_WINDOWS: z._default(integerText(0, 48), 6),
    FUSION_MIN_ABS_SCORE: z._default(decimalText(0, 1), 0.05),
    DEFAULT_POSITION_NOTIONAL: z._default(decimalText(0.01, 1_000_000_000), 1000),
    DEFAULT_POSITION_CURRENCY: z._default(z.string().check(z.regex(/^[A-Z]{3}$/, { error: "must be an ISO 4217 currency code" })), "EUR"),
    // Outcome evaluation (evaluate): the index the excess return is measured against, and where daily closes come from.
    BENCHMARK_SYMBOL: z.string().check(z.regex(/^[A-Z0-9][A-Z0-9.-]{0,19}$/, { error: "must be an upper-case symbol such as SPY" })),
    MARKET_DATA_PROVIDER: z._default(z.enum(["alphavantage", "stooq"]), "alphavantage"),
    // Secret JSON {"apiKey":"…"}; required with MARKET_DATA_PROVIDER=alphavantage (the evaluate handler checks).
    MARKET_DATA_SECRET_ARN: z.optional(
        z.string().check(
            z.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, {
                error: "must be the ARN of a Secrets Manager secret",
            }),
        ),
    ),
    // Requests per minute the provider plan allows (Alpha Vantage free tier: 5).
    MARKET_DATA_REQUESTS_PER_MINUTE: z._default(integerText(1, 1200), 5),
};

export type EnvSource = Record<string, string | undefined>;

export function loadEnv<Shape extends z.core.$ZodShape>(shape: Shape, source: EnvSource = process.env): z.output<z.ZodMiniObject<Shape>> {
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
    return z.pipe(
        z.pipe(z.string().check(z.regex(/^\d+$/, { error: "must be a whole number" })), z.transform(Number)),
        z.number().check(z.int(), z.gte(min), z.lte(max)),
    );
}

/** A decimal number ("0.05", "2500"), within [min, max]. */
function decimalText(min: number, max: number) {
    return z.pipe(
        z.pipe(z.string().check(z.regex(/^\d+(\.\d+)?$/, { error: "must be a decimal number such as 0.05" })), z.transform(Number)),
        z.number().check(z.gte(min), z.lte(max)),
    );
}
