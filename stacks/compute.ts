/**
 * Compute: the pipeline's queues and the thirteen functions plus the WebSocket authorizer, each with exactly the
 * grants its step of the data flow needs (seed 000: ingest → score → fuse → risk → propose → decision → evaluate).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { FunctionName, StackConfig } from "../config/stackConfig";
import { IngestFunction, type QueueTrigger, type ScheduleTrigger } from "../components/IngestFunction";
import { Network } from "../components/Network";
import { QueuePair } from "../components/QueuePair";
import type { UserDirectory } from "../components/UserDirectory";
import type { Grant } from "../lib/grants";
import { TABLE_DESIGNS, type Data, type TableName } from "./data";
import { routeAccessFor, ROUTES } from "./routes";
import type { ProviderSecretName, Security } from "./security";
import { sourcesOfChannel, SOURCE_CHANNELS, type SourceChannel } from "../config/sources";

/** Hand-offs between pipeline steps; every work queue has its DLQ. */
export const QUEUES = [
    "raw-signals",
    "scored-signals",
    "fused-signals",
    "risk-checked",
    "dashboard-updates",
    "invocation-failures",
] as const;
export type QueueName = (typeof QUEUES)[number];

export interface Compute {
    network?: Network;
    queues: Record<QueueName, QueuePair>;
    functions: Record<FunctionName, IngestFunction>;
}

/**
 * An ingest run fetches every source of its channel and stops starting requests 20 s before its deadline, so it gets at
 * least a minute whatever the stack's default timeout is.
 */
const INGEST_MIN_TIMEOUT_SECONDS = 60;
/** How often PENDING proposals past their deadline are marked EXPIRED (decisions refuse them in any case). */
export const PROPOSAL_EXPIRY_SCHEDULE = "rate(15 minutes)";
const INGEST_FUNCTIONS: ReadonlySet<FunctionName> = new Set(["ingest-social", "ingest-news", "ingest-regulatory"]);

export function functionTimeoutSeconds(config: StackConfig, name: FunctionName): number {
    const base = config.lambda.timeoutSeconds;
    return INGEST_FUNCTIONS.has(name) ? Math.max(base, INGEST_MIN_TIMEOUT_SECONDS) : base;
}

/**
 * Concurrent invocations the SQS poller may start: the function's reserved concurrency where the stack reserves some
 * (more would only be throttled), else the component's default. AWS accepts 2–1000.
 */
export function queuePollers(config: StackConfig, name: FunctionName): number | undefined {
    const reserved = config.lambda.reservedConcurrency[name];
    return reserved === undefined || reserved === 0 ? undefined : Math.min(1000, Math.max(2, reserved));
}

interface FunctionPlan {
    /** Handler file; default `lambdas/handlers/<name>.ts`. */
    entry?: string;
    description: string;
    grants: Grant[];
    environment: Record<string, pulumi.Input<string>>;
    schedules?: ScheduleTrigger[];
    queueTrigger?: QueueTrigger;
}

export function buildCompute(config: StackConfig, security: Security, data: Data, auth: UserDirectory, provider: aws.Provider): Compute {
    const opts = { provider };
    const network = config.features.vpc
        ? new Network(
              "network",
              {
                  cidrBlock: config.vpcCidr,
                  natPerAz: config.environment === "prod",
                  kmsKeyArn: security.key.arn,
                  flowLogRetentionDays: config.logRetentionDays,
                  region: config.region,
              },
              opts,
          )
        : undefined;

    const queues = Object.fromEntries(
        QUEUES.map((name) => [
            name,
            new QueuePair(name, { kmsKeyArn: security.key.arn, visibilityTimeoutSeconds: 6 * config.lambda.timeoutSeconds }, opts),
        ]),
    ) as Record<QueueName, QueuePair>;

    const t = data.tables;
    const b = data.buckets;
    const table = (name: TableName, access: "read" | "write" | "read-write", indexes: string[] = []): Grant => {
        const known = (TABLE_DESIGNS[name].globalSecondaryIndexes ?? []).map((index) => index.name);
        const unknown = indexes.filter((index) => !known.includes(index));
        if (unknown.length > 0) throw new Error(`grant on table ${name}: no index ${unknown.join(", ")} (has ${known.join(", ")})`);
        return { kind: "table", label: name, tableArn: t[name].arn, access, indexes };
    };
    const bucket = (name: keyof typeof b, prefix: string, access: "get" | "put" | "get-put"): Grant => ({
        kind: "bucket",
        label: `${name}-${prefix}`,
        bucketArn: b[name].arn,
        prefix,
        access,
    });
    const send = (name: QueueName): Grant => ({ kind: "queue", label: name, queueArn: queues[name].queue.arn, access: "send" });
    const consume = (name: QueueName): QueueTrigger => ({ queueArn: queues[name].queue.arn });
    const consumeGrant = (name: QueueName): Grant => ({
        kind: "queue",
        label: `${name}-trigger`,
        queueArn: queues[name].queue.arn,
        access: "consume",
    });
    const secret = (name: ProviderSecretName): Grant => ({ kind: "secret", label: name, secretArn: security.secrets.arns[name]! });
    const s = config.schedules;
    const every = (name: string, expression: string, payload: Record<string, unknown>): ScheduleTrigger => ({
        name,
        expression,
        timezone: s.timezone,
        payload,
    });
    const pseudonymKey = security.secrets.arns["pseudonym-key"]!;
    const ingest = (channel: SourceChannel, expression: string, providerSecret?: ProviderSecretName): FunctionPlan => ({
        description: `Polls the ${channel} sources, stores raw payloads under raw-data/${channel}/yyyy/mm/dd/HH/, records new signals and queues them for scoring`,
        grants: [
            bucket("raw-data", `${channel}/`, "put"),
            // Dedup looks a source item up by its id before storing it again under another asset.
            table("signals", "read-write", ["bySourceId"]),
            table("tracked-entities", "read"),
            send("raw-signals"),
            secret("pseudonym-key"),
            ...(providerSecret ? [secret(providerSecret)] : []),
        ],
        environment: {
            RAW_DATA_BUCKET: b["raw-data"].name,
            SIGNALS_TABLE: t.signals.name,
            TRACKED_ENTITIES_TABLE: t["tracked-entities"].name,
            NEXT_QUEUE_URL: queues["raw-signals"].queue.url,
            SOURCES_CONFIG: JSON.stringify(sourcesOfChannel(config.sources, channel)),
            PSEUDONYM_SECRET_ARN: pseudonymKey,
            ...(providerSecret ? { PROVIDER_SECRET_ARN: security.secrets.arns[providerSecret]! } : {}),
        },
        schedules: [every("schedule", expression, { task: "ingest", source: channel })],
    });
    const risk = config.risk;
    const bedrock = config.scoring.scorer === "bedrock" ? config.scoring : undefined;

    const plans: Record<FunctionName, FunctionPlan> = {
        "ingest-social": ingest("social", s.socialIngest, "social-api"),
        // RSS/Atom feeds and GDELT are open; regulators publish open feeds (SEC, BaFin, FINMA): no credentials.
        "ingest-news": ingest("news", s.newsIngest),
        "ingest-regulatory": ingest("regulatory", s.regulatoryIngest),
        score: {
            description:
                "Scores queued signals (lexicon sentiment, credibility, recency, engagement, novelty) and stores scores and features",
            grants: [
                // Novelty compares a signal with the asset's recent ones (main key), then the score is written back.
                table("signals", "read-write"),
                table("agents-config", "read", ["byStatus"]),
                bucket("features", "signals/", "put"),
                consumeGrant("raw-signals"),
                send("scored-signals"),
                ...(bedrock
                    ? [
                          {
                              kind: "bedrock-model" as const,
                              label: "scorer",
                              modelId: bedrock.bedrockModelId,
                              region: config.region,
                              account: aws.getCallerIdentityOutput({}, opts).accountId,
                          },
                      ]
                    : []),
            ],
            environment: {
                SIGNALS_TABLE: t.signals.name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                FEATURES_BUCKET: b.features.name,
                NEXT_QUEUE_URL: queues["scored-signals"].queue.url,
                ...(bedrock ? { SCORER: "bedrock", BEDROCK_MODEL_ID: bedrock.bedrockModelId } : {}),
            },
            ...(bedrock ? { entry: "lambdas/handlers/score-bedrock.ts" } : {}),
            queueTrigger: consume("raw-signals"),
        },
        fuse: {
            description: "Fuses scored signals per asset and window into agent-weighted views with a baseline comparison",
            grants: [
                table("signals", "read"),
                table("agents-config", "read", ["byStatus"]),
                bucket("curated-data", "fused/", "put"),
                consumeGrant("scored-signals"),
                send("fused-signals"),
            ],
            environment: {
                SIGNALS_TABLE: t.signals.name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                CURATED_DATA_BUCKET: b["curated-data"].name,
                NEXT_QUEUE_URL: queues["fused-signals"].queue.url,
            },
            queueTrigger: consume("scored-signals"),
        },
        "risk-check": {
            description: "Checks fused candidates against position, concentration, volatility, liquidity, blacklist and regulatory limits",
            grants: [
                // Exposure of the asset's open proposals.
                table("proposals", "read", ["byAsset"]),
                consumeGrant("fused-signals"),
                send("risk-checked"),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                NEXT_QUEUE_URL: queues["risk-checked"].queue.url,
                RISK_LIMITS: JSON.stringify(risk.limits),
                // Without a snapshot every candidate fails its risk check with that reason (nothing is assumed).
                ...(risk.marketData ? { RISK_MARKET_DATA: risk.marketData } : {}),
            },
            queueTrigger: consume("fused-signals"),
        },
        propose: {
            description: "Orchestrator: turns risk-checked candidates into PENDING proposals awaiting a four-eyes decision",
            grants: [
                // "Is a proposal open for this asset?" and the open-proposal marker, in one transaction.
                table("proposals", "read-write", ["byAsset"]),
                consumeGrant("risk-checked"),
                send("dashboard-updates"),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                DASHBOARD_UPDATES_QUEUE_URL: queues["dashboard-updates"].queue.url,
                PROPOSAL_POLICY: JSON.stringify(risk.proposalPolicy),
            },
            queueTrigger: consume("risk-checked"),
        },
        decision: {
            description: "Records an approver's decision on a proposal (four-eyes) with an immutable audit record; expires overdue ones",
            // byStatus: the expiry sweep reads the PENDING proposals oldest first.
            grants: [table("proposals", "read-write", ["byStatus"]), send("dashboard-updates")],
            environment: { PROPOSALS_TABLE: t.proposals.name, DASHBOARD_UPDATES_QUEUE_URL: queues["dashboard-updates"].queue.url },
            schedules: [every("proposal-expiry", PROPOSAL_EXPIRY_SCHEDULE, { task: "expire-proposals" })],
        },
        evaluate: {
            description: "Evaluates decided proposals past their horizon against the benchmark daily and recalibrates agent weights weekly",
            grants: [
                table("proposals", "read", ["byStatus"]),
                table("signals", "read"),
                table("outcomes", "read-write"),
                table("agents-config", "read-write", ["byStatus"]),
                bucket("eval", "evaluations/", "put"),
                ...(config.evaluation.marketDataProvider === "alphavantage" ? [secret("market-data-api")] : []),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                SIGNALS_TABLE: t.signals.name,
                OUTCOMES_TABLE: t.outcomes.name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                EVAL_BUCKET: b.eval.name,
                BENCHMARK_SYMBOL: config.evaluation.benchmarkSymbol,
                MARKET_DATA_PROVIDER: config.evaluation.marketDataProvider,
                MARKET_DATA_REQUESTS_PER_MINUTE: String(config.evaluation.requestsPerMinute),
                ...(config.evaluation.marketDataProvider === "alphavantage"
                    ? { MARKET_DATA_SECRET_ARN: security.secrets.arns["market-data-api"]! }
                    : {}),
            },
            schedules: [
                every("daily-evaluation", s.evaluation, { task: "evaluate-outcomes" }),
                every("weekly-learning", s.learning, { task: "recalibrate-agents" }),
            ],
        },
        dashboard: {
            description: "Serves dashboard summaries and system metrics",
            grants: [table("proposals", "read", ["byStatus"]), table("outcomes", "read"), table("signals", "read", ["byAgent"])],
            environment: { PROPOSALS_TABLE: t.proposals.name, OUTCOMES_TABLE: t.outcomes.name, SIGNALS_TABLE: t.signals.name },
        },
        stream: {
            description: "WebSocket connections of the live dashboard and the fan-out of dashboard updates",
            // Every update goes to every live connection: a Scan of the (small) connections table; 410s delete them.
            grants: [
                table("connections", "read-write", ["bySubject"]),
                { kind: "table-scan", label: "connections", tableArn: t.connections.arn },
                consumeGrant("dashboard-updates"),
            ],
            environment: { CONNECTIONS_TABLE: t.connections.name },
            queueTrigger: consume("dashboard-updates"),
        },
        admin: {
            description: "Admin routes: tracked entities, agent configuration and GDPR erasure of a person's signals and raw payloads",
            grants: [
                table("tracked-entities", "read-write"),
                table("agents-config", "read-write", ["byStatus"]),
                // Erasure finds a person's signals by pseudonymous author (byAuthor), checks who else's signals come
                // from the same raw payloads (byAgent, adapters/dynamo-signal-agent-index.ts) and deletes theirs.
                table("signals", "read-write", ["byAuthor", "byAgent"]),
                {
                    kind: "bucket-erase",
                    label: "raw-data",
                    bucketArn: b["raw-data"].arn,
                    prefixes: SOURCE_CHANNELS.map((channel) => `${channel}/`),
                },
                // The score step's feature record of each erased signal.
                { kind: "bucket-erase", label: "features", bucketArn: b.features.arn, prefixes: ["signals/"] },
                bucket("eval", "erasures/", "put"),
                secret("pseudonym-key"),
            ],
            environment: {
                TRACKED_ENTITIES_TABLE: t["tracked-entities"].name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                SIGNALS_TABLE: t.signals.name,
                RAW_DATA_BUCKET: b["raw-data"].name,
                FEATURES_BUCKET: b.features.name,
                EVAL_BUCKET: b.eval.name,
                PSEUDONYM_SECRET_ARN: pseudonymKey,
            },
        },
        health: { description: "Liveness of the API", grants: [], environment: {} },
        // Verifies tokens against the pool's public JWKS: no AWS permissions beyond its own logs.
        "ws-authorizer": {
            description: "Verifies the Cognito token of a WebSocket $connect",
            grants: [],
            environment: { USER_POOL_ID: auth.userPoolId, USER_POOL_CLIENT_ID: auth.userPoolClientId },
        },
    };

    const vpc = network ? { subnetIds: network.privateSubnetIds, securityGroupIds: [network.lambdaSecurityGroupId] } : undefined;
    const corsOrigins = JSON.stringify(config.corsOrigins);
    const functions = Object.fromEntries(
        (Object.keys(plans) as FunctionName[]).map((name) => {
            const plan = plans[name];
            const servesRoutes = ROUTES.some((r) => r.fn === name);
            return [
                name,
                new IngestFunction(
                    name,
                    {
                        entry: plan.entry ?? `lambdas/handlers/${name}.ts`,
                        description: plan.description,
                        memoryMb: config.lambda.memoryMb,
                        timeoutSeconds: functionTimeoutSeconds(config, name),
                        logLevel: config.lambda.logLevel,
                        logRetentionDays: config.logRetentionDays,
                        kmsKeyArn: security.key.arn,
                        grants: plan.grants,
                        environment: {
                            ENVIRONMENT: config.environment,
                            ...plan.environment,
                            ...(servesRoutes ? { ROUTE_ACCESS: routeAccessFor(name), CORS_ALLOWED_ORIGINS: corsOrigins } : {}),
                        },
                        reservedConcurrency: config.lambda.reservedConcurrency[name],
                        deadLetterQueueArn: queues["invocation-failures"].queue.arn,
                        schedules: plan.schedules,
                        queueTrigger: plan.queueTrigger && { ...plan.queueTrigger, maximumConcurrency: queuePollers(config, name) },
                        vpc,
                    },
                    opts,
                ),
            ];
        }),
    ) as Record<FunctionName, IngestFunction>;

    return { network, queues, functions };
}
