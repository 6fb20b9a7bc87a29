/**
 * The one place that reads stack configuration.
 *
 * Every `ai-investment:*` key (and `aws:region`) goes through one zod schema. A bad or missing value stops the program
 * before any resource is registered, with a single error that names the stack, every bad key and what is expected.
 * Per-environment defaults follow seed 000's environment table; environment-independent defaults are declared in
 * Pulumi.yaml (the CLI fills them in, and the test harness does the same).
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { proposalPolicySchema, type ProposalPolicy } from "../lambdas/domain/candidates";
import { riskMarketDataSchema } from "../lambdas/domain/market";
import { riskLimitsSchema, type RiskLimits } from "../lambdas/domain/risk";
import type { SourcesConfig } from "../lambdas/sources/registry";
import { fetchesPerRun, SOURCE_CHANNELS, sourcesFromLists } from "./sources";

export const PROJECT = "ai-investment";

export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The functions of the data flow, in order (seed 000: ingest → score → fuse → risk → propose → decision → evaluate). */
export const PIPELINE_FUNCTION_NAMES = [
    "ingest-social",
    "ingest-news",
    "ingest-regulatory",
    "score",
    "fuse",
    "risk-check",
    "propose",
    "decision",
    "evaluate",
] as const;

/** Every Lambda function of the system; reserved concurrency and wiring are keyed by these names. */
export const FUNCTION_NAMES = [...PIPELINE_FUNCTION_NAMES, "dashboard", "stream", "admin", "health", "ws-authorizer"] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Seed 000 "Environment Strategy" plus the log-retention and backup numbers of seeds 002/003. */
export const ENVIRONMENT_DEFAULTS: Record<
    Environment,
    {
        lambdaMemoryMb: number;
        lambdaTimeoutSeconds: number;
        logLevel: LogLevel;
        logRetentionDays: number;
        tableBillingMode: TableBillingMode;
        deletionProtection: boolean;
        backupRetentionDays: number;
        reservedConcurrencyTotal: number;
        dashboards: DashboardKind[];
        alarmLevel: AlarmLevel;
        apiDetailedMetrics: boolean;
    }
> = {
    dev: {
        lambdaMemoryMb: 128,
        lambdaTimeoutSeconds: 30,
        logLevel: "DEBUG",
        logRetentionDays: 30,
        tableBillingMode: "on-demand",
        deletionProtection: false,
        backupRetentionDays: 7,
        reservedConcurrencyTotal: 0,
        // Dev's idle-cost target is 10 USD/month (docs/cost.md): one dashboard and the data-loss alarms only.
        dashboards: ["health"],
        alarmLevel: "data-loss",
        apiDetailedMetrics: false,
    },
    staging: {
        lambdaMemoryMb: 256,
        lambdaTimeoutSeconds: 60,
        logLevel: "INFO",
        logRetentionDays: 90,
        tableBillingMode: "provisioned",
        deletionProtection: false,
        backupRetentionDays: 14,
        reservedConcurrencyTotal: 0,
        dashboards: ["health", "business", "cost", "security"],
        alarmLevel: "all",
        apiDetailedMetrics: true,
    },
    prod: {
        lambdaMemoryMb: 512,
        lambdaTimeoutSeconds: 120,
        logLevel: "WARN",
        logRetentionDays: 365,
        tableBillingMode: "on-demand",
        deletionProtection: true,
        backupRetentionDays: 35,
        reservedConcurrencyTotal: 100,
        dashboards: ["health", "business", "cost", "security"],
        alarmLevel: "all",
        apiDetailedMetrics: true,
    },
};

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const TABLE_BILLING_MODES = ["on-demand", "provisioned"] as const;
export type TableBillingMode = (typeof TABLE_BILLING_MODES)[number];
/** The CloudWatch dashboards a stack can have (components/Dashboards.ts); each costs 3 USD a month. */
export const DASHBOARD_KINDS = ["health", "business", "cost", "security"] as const;
export type DashboardKind = (typeof DASHBOARD_KINDS)[number];
/**
 * `all`: every alarm of seed 002 plus the composites that page once per incident.
 * `data-loss`: only the alarms that mean data is waiting to be lost — DLQ messages and failed invocations.
 */
export const ALARM_LEVELS = ["all", "data-loss"] as const;
export type AlarmLevel = (typeof ALARM_LEVELS)[number];

/** CloudWatch Logs accepts only these retention values. */
const LOG_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

// ---- raw-value coercion: the engine hands every config value to the program as a string -------------------------

const fromJson = (raw: unknown): unknown => {
    if (typeof raw !== "string") return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return raw; // left as a string so the schema reports "expected array/number/boolean"
    }
};
const integer = (min: number, max: number) => z.preprocess(fromJson, z.number().int().min(min).max(max));
const boolean = () => z.preprocess(fromJson, z.boolean());
const list = <T extends z.ZodType>(item: T) => z.preprocess(fromJson, z.array(item));
/** A string key holding a JSON document, checked with `schema`; kept as the validated object. */
const jsonDocument = <T extends z.core.$ZodType>(schema: T) => z.preprocess(fromJson, schema);

const awsRegion = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "an AWS region such as eu-central-1");
const email = z.email("an e-mail address");
const httpsOrigin = z.string().regex(/^https:\/\/[a-z0-9.-]+(:\d+)?$/, "an https origin without path, e.g. https://app.example.com");
const scheduleExpression = z
    .string()
    .regex(/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\))$/, "an EventBridge Scheduler rate(...) or cron(...) expression");
const tagValue = z.string().regex(/^[\w .:/=+@-]{1,256}$/, "a tag value (1-256 letters, digits, spaces or _ . : / = + - @)");
/** `function=count`, e.g. `score=20`: project config has no map type, so pairs are written as strings. */
const concurrencyPair = z
    .string()
    .regex(new RegExp(`^(${FUNCTION_NAMES.join("|")})=\\d+$`), `"<function>=<count>" with a function of: ${FUNCTION_NAMES.join(", ")}`);

/** The raw schema: one entry per config key, exactly as it appears in the stack file (without the namespace). */
const rawSchema = z.strictObject({
    environment: z.enum(ENVIRONMENTS),
    owner: tagValue,
    costCenter: tagValue,
    alertEmails: list(email).pipe(z.array(z.string()).min(1, "at least one alert e-mail address")),
    corsOrigins: list(httpsOrigin),
    monthlyBudgetUsd: integer(1, 1_000_000),

    lambdaMemoryMb: integer(128, 10240).optional(),
    lambdaTimeoutSeconds: integer(1, 900).optional(),
    logLevel: z.enum(LOG_LEVELS).optional(),
    logRetentionDays: integer(1, 3653)
        .refine((days) => LOG_RETENTION_VALUES.includes(days), `one of CloudWatch's retention values: ${LOG_RETENTION_VALUES.join(", ")}`)
        .optional(),
    reservedConcurrency: list(concurrencyPair).optional(),
    reservedConcurrencyTotal: integer(0, 1000).optional(),

    tableBillingMode: z.enum(TABLE_BILLING_MODES).optional(),
    tableReadCapacity: integer(1, 40000),
    tableWriteCapacity: integer(1, 40000),
    tableMaxCapacity: integer(1, 40000),
    pointInTimeRecovery: boolean(),
    deletionProtection: boolean().optional(),
    backupRetentionDays: integer(1, 36500).optional(),

    dashboards: list(z.enum(DASHBOARD_KINDS))
        .refine((kinds) => new Set(kinds).size === kinds.length, "each dashboard at most once")
        .optional(),
    alarmLevel: z.enum(ALARM_LEVELS).optional(),
    apiDetailedMetrics: boolean().optional(),

    replicationRegion: awsRegion.optional(),
    failoverKeyArn: z
        .string()
        .regex(
            /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
            "the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>)",
        )
        .optional(),
    failoverTables: list(
        z.string().regex(/^[a-z-]+=[A-Za-z0-9_.-]{3,255}$/, '"<table>=<physical table name>", e.g. signals=signals-4f2a9c1'),
    ).optional(),
    enableWaf: boolean(),
    enableVpc: boolean(),
    enableTimestream: boolean(),
    enableReplication: boolean(),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/, "an IPv4 CIDR between /16 and /24"),

    apiThrottleRateLimit: integer(1, 10000),
    apiThrottleBurstLimit: integer(1, 5000),
    apiQuotaPerDay: integer(1, 10_000_000),
    wafRateLimitPer5Min: integer(100, 2_000_000_000),

    // Source entries are checked by config/sources.ts against the connectors' own schema.
    socialSources: list(z.string().min(1).max(2048)),
    newsFeeds: list(z.string().min(1).max(2048)),
    regulatoryFeeds: list(z.string().min(1).max(2048)),
    secEdgarUserAgent: z
        .string()
        .regex(/^\S.*\s\S+@\S+\.\S+$/, '"<organisation> <contact e-mail>" as the SEC requires, e.g. "Example AG ops@example.com"')
        .optional(),

    // JSON documents checked with the domain's schemas (lambdas/domain): project config has no object type.
    riskLimits: jsonDocument(riskLimitsSchema),
    riskMarketData: jsonDocument(riskMarketDataSchema).optional(),
    proposalPolicy: jsonDocument(proposalPolicySchema),
    benchmarkSymbol: z.string().regex(/^[A-Z0-9][A-Z0-9.-]{0,19}$/, "an upper-case symbol such as SPY"),
    marketDataProvider: z.enum(["alphavantage", "stooq"]),
    marketDataRequestsPerMinute: integer(1, 1200),
    scorer: z.enum(["lexicon", "bedrock"]),
    bedrockModelId: z
        .string()
        .regex(
            /^((eu|us|apac|global)\.)?[a-z0-9-]+\.[A-Za-z0-9.:-]{1,200}$/,
            "a Bedrock model id or cross-region inference profile id, e.g. eu.anthropic.claude-3-haiku-20240307-v1:0",
        )
        .optional(),

    socialIngestSchedule: scheduleExpression,
    newsIngestSchedule: scheduleExpression,
    regulatoryIngestSchedule: scheduleExpression,
    evaluationSchedule: scheduleExpression,
    learningSchedule: scheduleExpression,
    scheduleTimezone: z.string().regex(/^[A-Za-z]+\/[A-Za-z_]+$/, "an IANA time zone such as Europe/Zurich"),
});

export type RawStackConfig = z.infer<typeof rawSchema>;
/** Every `ai-investment:*` key the program reads (Pulumi.yaml must declare exactly these). */
export const CONFIG_KEYS = Object.keys(rawSchema.shape).map((key) => `${PROJECT}:${key}`);

/** Configuration after defaults and cross-key rules: what the composition reads. */
export interface StackConfig {
    project: string;
    stack: string;
    region: string;
    environment: Environment;
    tags: { project: string; environment: Environment; owner: string; "cost-center": string };
    alertEmails: string[];
    corsOrigins: string[];
    monthlyBudgetUsd: number;
    lambda: {
        memoryMb: number;
        timeoutSeconds: number;
        logLevel: LogLevel;
        reservedConcurrency: Partial<Record<FunctionName, number>>;
    };
    logRetentionDays: number;
    tables: {
        billingMode: TableBillingMode;
        readCapacity: number;
        writeCapacity: number;
        maxCapacity: number;
        pointInTimeRecovery: boolean;
        deletionProtection: boolean;
    };
    backupRetentionDays: number;
    observability: { dashboards: DashboardKind[]; alarmLevel: AlarmLevel; apiDetailedMetrics: boolean };
    features: { waf: boolean; vpc: boolean; timestream: boolean; replication: boolean };
    replicationRegion?: string;
    /**
     * Regional failover (docs/disaster-recovery.md): run this stack on the global-table replicas and the replica key
     * another stack left in this region, instead of creating a key and empty tables.
     */
    failover?: { keyArn: string; tables: Record<string, string> };
    vpcCidr: string;
    api: { throttleRateLimit: number; throttleBurstLimit: number; quotaPerDay: number; wafRateLimitPer5Min: number };
    /** Validated connector configuration and how many fetches one run of each ingest function makes. */
    sources: SourcesConfig;
    fetchesPerRun: Record<(typeof SOURCE_CHANNELS)[number], number>;
    risk: { limits: RiskLimits; marketData?: string; proposalPolicy: ProposalPolicy };
    evaluation: { benchmarkSymbol: string; marketDataProvider: "alphavantage" | "stooq"; requestsPerMinute: number };
    /** lexicon: the deterministic finance lexicon; bedrock: the model's sentiment (lambdas/handlers/score-bedrock.ts). */
    scoring: { scorer: "lexicon" } | { scorer: "bedrock"; bedrockModelId: string };
    schedules: {
        timezone: string;
        socialIngest: string;
        newsIngest: string;
        regulatoryIngest: string;
        evaluation: string;
        learning: string;
    };
}

export class StackConfigError extends Error {
    constructor(
        readonly stackName: string,
        readonly problems: string[],
    ) {
        super(
            `Invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
                problems.map((p) => `  - ${p}`).join("\n") +
                `\nFix the values in Pulumi.${stackName}.yaml (pulumi config set <key> <value>); see the README's config reference.`,
        );
        this.name = "StackConfigError";
    }
}

const namespaced = (key: string) => `${PROJECT}:${key}`;

/**
 * Parses the flat engine config map (`{"ai-investment:logLevel": "INFO", "aws:region": "eu-central-1"}`).
 * Pure: the program passes `pulumi.runtime.allConfig()`, tests pass literal maps.
 */
export function parseStackConfig(stack: string, project: string, allConfig: Record<string, string>): StackConfig {
    const problems: string[] = [];

    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(allConfig)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = value;
    }
    const region = allConfig["aws:region"];
    const regionResult = awsRegion.safeParse(region);
    if (!regionResult.success) {
        problems.push(`aws:region: expected an AWS region such as eu-central-1, got ${describe(region)}`);
    }

    const parsed = rawSchema.safeParse(raw);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) problems.push(describeIssue(issue, raw));
    }
    if (problems.length > 0 || !parsed.success) throw new StackConfigError(stack, problems);

    const c = parsed.data;
    const env = c.environment;
    const defaults = ENVIRONMENT_DEFAULTS[env];

    const reservedConcurrency: Partial<Record<FunctionName, number>> = {};
    for (const pair of c.reservedConcurrency ?? []) {
        const [fn, count] = pair.split("=") as [FunctionName, string];
        if (fn in reservedConcurrency) problems.push(`${namespaced("reservedConcurrency")}: "${fn}" is listed twice`);
        reservedConcurrency[fn] = Number(count);
    }
    const reservedTotal = c.reservedConcurrencyTotal ?? defaults.reservedConcurrencyTotal;
    const reservedSum = Object.values(reservedConcurrency).reduce((a, b) => a + (b ?? 0), 0);
    if (reservedSum > reservedTotal) {
        problems.push(
            `${namespaced("reservedConcurrency")}: the per-function values add up to ${reservedSum}, more than ` +
                `${namespaced("reservedConcurrencyTotal")} = ${reservedTotal}`,
        );
    }
    if (env === "prod" && reservedSum === 0) {
        problems.push(`${namespaced("reservedConcurrency")}: prod must reserve concurrency per function (seed 000: 100 in total)`);
    }
    if (env === "prod" && !c.pointInTimeRecovery) {
        problems.push(`${namespaced("pointInTimeRecovery")}: must be true in prod (RPO < 15 min)`);
    }
    if (env === "prod" && c.deletionProtection === false) {
        problems.push(`${namespaced("deletionProtection")}: must be true in prod`);
    }
    if (env === "prod" && (c.alarmLevel ?? defaults.alarmLevel) !== "all") {
        problems.push(`${namespaced("alarmLevel")}: must be "all" in prod — on-call needs every alarm of seed 002 and the composites`);
    }
    if (c.enableTimestream) {
        problems.push(
            `${namespaced("enableTimestream")}: must be false — Amazon Timestream for LiveAnalytics is closed to new customers ` +
                `since 2025-06-20; time series live in DynamoDB and S3 (see README "Decisions")`,
        );
    }
    if (c.enableReplication && !c.replicationRegion) {
        problems.push(`${namespaced("replicationRegion")}: required when enableReplication is true (e.g. eu-west-1)`);
    }
    if ((c.failoverKeyArn === undefined) !== (c.failoverTables === undefined)) {
        problems.push(
            `${namespaced("failoverTables")}: failoverKeyArn and failoverTables are set together (the tables are encrypted with that key)`,
        );
    }
    if (c.failoverKeyArn && region && c.failoverKeyArn.split(":")[3] !== region) {
        problems.push(
            `${namespaced("failoverKeyArn")}: must be a key in aws:region (${region}), got one in ${c.failoverKeyArn.split(":")[3]}`,
        );
    }
    if (c.failoverTables && c.enableReplication) {
        problems.push(
            `${namespaced("enableReplication")}: must be false while failing over — the replicas would point back to the failed region`,
        );
    }
    if (c.enableReplication && (c.tableBillingMode ?? defaults.tableBillingMode) === "provisioned") {
        problems.push(
            `${namespaced("tableBillingMode")}: must be on-demand when enableReplication is true — global-table replicas ` +
                `cannot share one region's auto scaling`,
        );
    }
    if (c.replicationRegion && c.replicationRegion === region) {
        problems.push(`${namespaced("replicationRegion")}: must differ from aws:region (${region})`);
    }
    const sources = sourcesFromLists({
        social: c.socialSources,
        news: c.newsFeeds,
        regulatory: c.regulatoryFeeds,
        secEdgarUserAgent: c.secEdgarUserAgent,
    });
    problems.push(...sources.problems.map(namespaced));
    if (c.scorer === "bedrock" && !c.bedrockModelId) {
        problems.push(`${namespaced("bedrockModelId")}: required when scorer is "bedrock"`);
    }
    if (c.tableMaxCapacity < Math.max(c.tableReadCapacity, c.tableWriteCapacity)) {
        problems.push(`${namespaced("tableMaxCapacity")}: must be at least tableReadCapacity and tableWriteCapacity`);
    }
    if (c.apiThrottleBurstLimit < 1 || c.apiThrottleRateLimit < 1) {
        problems.push(`${namespaced("apiThrottleRateLimit")}: must be positive`);
    }
    if (problems.length > 0) throw new StackConfigError(stack, problems);

    return {
        project,
        stack,
        region: region!,
        environment: env,
        tags: { project, environment: env, owner: c.owner, "cost-center": c.costCenter },
        alertEmails: c.alertEmails,
        corsOrigins: c.corsOrigins,
        monthlyBudgetUsd: c.monthlyBudgetUsd,
        lambda: {
            memoryMb: c.lambdaMemoryMb ?? defaults.lambdaMemoryMb,
            timeoutSeconds: c.lambdaTimeoutSeconds ?? defaults.lambdaTimeoutSeconds,
            logLevel: c.logLevel ?? defaults.logLevel,
            reservedConcurrency,
        },
        logRetentionDays: c.logRetentionDays ?? defaults.logRetentionDays,
        tables: {
            billingMode: c.tableBillingMode ?? defaults.tableBillingMode,
            readCapacity: c.tableReadCapacity,
            writeCapacity: c.tableWriteCapacity,
            maxCapacity: c.tableMaxCapacity,
            pointInTimeRecovery: c.pointInTimeRecovery,
            deletionProtection: c.deletionProtection ?? defaults.deletionProtection,
        },
        backupRetentionDays: c.backupRetentionDays ?? defaults.backupRetentionDays,
        observability: {
            dashboards: c.dashboards ?? defaults.dashboards,
            alarmLevel: c.alarmLevel ?? defaults.alarmLevel,
            apiDetailedMetrics: c.apiDetailedMetrics ?? defaults.apiDetailedMetrics,
        },
        features: { waf: c.enableWaf, vpc: c.enableVpc, timestream: c.enableTimestream, replication: c.enableReplication },
        replicationRegion: c.enableReplication ? c.replicationRegion : undefined,
        failover:
            c.failoverKeyArn && c.failoverTables
                ? {
                      keyArn: c.failoverKeyArn,
                      tables: Object.fromEntries(c.failoverTables.map((pair) => pair.split("=") as [string, string])),
                  }
                : undefined,
        vpcCidr: c.vpcCidr,
        api: {
            throttleRateLimit: c.apiThrottleRateLimit,
            throttleBurstLimit: c.apiThrottleBurstLimit,
            quotaPerDay: c.apiQuotaPerDay,
            wafRateLimitPer5Min: c.wafRateLimitPer5Min,
        },
        sources: sources.config,
        fetchesPerRun: Object.fromEntries(SOURCE_CHANNELS.map((channel) => [channel, fetchesPerRun(sources.config, channel)])) as Record<
            (typeof SOURCE_CHANNELS)[number],
            number
        >,
        // Kept as the operator wrote it (re-serialised): the function's environment carries it verbatim.
        risk: {
            limits: c.riskLimits,
            marketData: raw["riskMarketData"] === undefined ? undefined : JSON.stringify(JSON.parse(raw["riskMarketData"])),
            proposalPolicy: c.proposalPolicy,
        },
        scoring: c.scorer === "bedrock" ? { scorer: "bedrock", bedrockModelId: c.bedrockModelId! } : { scorer: "lexicon" },
        evaluation: {
            benchmarkSymbol: c.benchmarkSymbol,
            marketDataProvider: c.marketDataProvider,
            requestsPerMinute: c.marketDataRequestsPerMinute,
        },
        schedules: {
            timezone: c.scheduleTimezone,
            socialIngest: c.socialIngestSchedule,
            newsIngest: c.newsIngestSchedule,
            regulatoryIngest: c.regulatoryIngestSchedule,
            evaluation: c.evaluationSchedule,
            learning: c.learningSchedule,
        },
    };
}

function describe(value: unknown): string {
    return value === undefined ? "nothing (the key is missing)" : JSON.stringify(value);
}

function describeIssue(issue: z.core.$ZodIssue, raw: Record<string, string>): string {
    const [top, ...rest] = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((k) => `${namespaced(k)}: unknown key (typo?)`).join("; ");
    }
    const key = namespaced(top ?? "?") + rest.map((p) => `[${p}]`).join("");
    const got = top === undefined ? undefined : raw[top];
    return `${key}: expected ${expectation(issue)}, got ${describe(got)}`;
}

function expectation(issue: z.core.$ZodIssue): string {
    switch (issue.code) {
        case "invalid_type":
            return issue.expected === "array" ? "a list (YAML sequence)" : `a ${issue.expected}`;
        case "invalid_value":
            return `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
        case "too_small":
            return issue.origin === "array" ? `at least ${issue.minimum} entries` : `at least ${issue.minimum}`;
        case "too_big":
            return issue.origin === "array" ? `at most ${issue.maximum} entries` : `at most ${issue.maximum}`;
        default:
            return issue.message;
    }
}

/** Reads and validates the running stack's configuration; throws StackConfigError before any resource exists. */
export function loadStackConfig(): StackConfig {
    return parseStackConfig(pulumi.getStack(), pulumi.getProject(), pulumi.runtime.allConfig());
}
