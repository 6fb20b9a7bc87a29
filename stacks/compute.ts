/**
 * Compute: the pipeline's queues and the twelve functions plus the WebSocket authorizer, each with exactly the
 * grants its step of the data flow needs (seed 000: ingest → score → fuse → risk → propose → decision → evaluate).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { FunctionName, StackConfig } from "../config/stackConfig";
import { IngestFunction, type QueueTrigger, type ScheduleTrigger } from "../components/IngestFunction";
import { Network } from "../components/Network";
import { QueuePair } from "../components/QueuePair";
import type { UserDirectory } from "../components/UserDirectory";
import type { Grant } from "../lib/grants";
import { TABLE_DESIGNS, type Data, type TableName } from "./data";
import { routeAccessFor, ROUTES } from "./routes";
import type { Security } from "./security";

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

interface FunctionPlan {
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
    const secret = (name: string): Grant => ({ kind: "secret", label: name, secretArn: security.secrets.arns[name]! });
    const s = config.schedules;
    const every = (name: string, expression: string, payload: Record<string, unknown>): ScheduleTrigger => ({
        name,
        expression,
        timezone: s.timezone,
        payload,
    });
    const ingest = (
        source: "social" | "news" | "regulatory",
        secretName: string | undefined,
        feeds: string[],
        expression: string,
    ): FunctionPlan => ({
        description: `Polls ${source} sources, stores raw items under raw-data/${source}/yyyy/mm/dd/HH/, records new signals and queues them for scoring`,
        grants: [
            bucket("raw-data", `${source}/`, "put"),
            // Dedup looks a source item up by its id before storing it again under another asset.
            table("signals", "read-write", ["bySourceId"]),
            table("tracked-entities", "read"),
            send("raw-signals"),
            ...(secretName ? [secret(secretName)] : []),
        ],
        environment: {
            RAW_DATA_BUCKET: b["raw-data"].name,
            SIGNALS_TABLE: t.signals.name,
            TRACKED_ENTITIES_TABLE: t["tracked-entities"].name,
            NEXT_QUEUE_URL: queues["raw-signals"].queue.url,
            SOURCE_FEEDS: JSON.stringify(feeds),
            ...(secretName ? { PROVIDER_SECRET_ARN: security.secrets.arns[secretName]! } : {}),
        },
        schedules: [every("schedule", expression, { task: "ingest", source })],
    });

    const plans: Record<FunctionName, FunctionPlan> = {
        "ingest-social": ingest("social", "reddit-api", config.sources.social, s.socialIngest),
        "ingest-news": ingest("news", "news-api", config.sources.news, s.newsIngest),
        // Regulators publish open feeds (SEC, Federal Reserve): no credentials.
        "ingest-regulatory": ingest("regulatory", undefined, config.sources.regulatory, s.regulatoryIngest),
        score: {
            description: "Scores queued signals with the agents' models and stores scores and features",
            grants: [
                table("signals", "read-write"),
                table("agents-config", "read", ["byStatus"]),
                bucket("features", "signals/", "put"),
                consumeGrant("raw-signals"),
                send("scored-signals"),
                secret("llm-api"),
            ],
            environment: {
                SIGNALS_TABLE: t.signals.name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                FEATURES_BUCKET: b.features.name,
                NEXT_QUEUE_URL: queues["scored-signals"].queue.url,
                PROVIDER_SECRET_ARN: security.secrets.arns["llm-api"]!,
            },
            queueTrigger: consume("raw-signals"),
        },
        fuse: {
            description: "Fuses scored signals per asset into candidate views weighted by agent reliability",
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
            description: "Checks fused candidates against exposure and risk limits",
            grants: [
                // Open exposure per asset and across pending proposals.
                table("proposals", "read", ["byAsset", "byStatus"]),
                table("tracked-entities", "read"),
                consumeGrant("fused-signals"),
                send("risk-checked"),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                TRACKED_ENTITIES_TABLE: t["tracked-entities"].name,
                NEXT_QUEUE_URL: queues["risk-checked"].queue.url,
            },
            queueTrigger: consume("fused-signals"),
        },
        propose: {
            description: "Orchestrator: turns risk-checked candidates into trade proposals awaiting a human decision",
            grants: [
                // "Is a proposal open for this asset?"
                table("proposals", "read-write", ["byAsset"]),
                table("signals", "read"),
                consumeGrant("risk-checked"),
                send("dashboard-updates"),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                SIGNALS_TABLE: t.signals.name,
                DASHBOARD_UPDATES_QUEUE_URL: queues["dashboard-updates"].queue.url,
            },
            queueTrigger: consume("risk-checked"),
        },
        decision: {
            description: "Records an approver's decision on a proposal (four-eyes)",
            grants: [table("proposals", "read-write"), send("dashboard-updates")],
            environment: { PROPOSALS_TABLE: t.proposals.name, DASHBOARD_UPDATES_QUEUE_URL: queues["dashboard-updates"].queue.url },
        },
        evaluate: {
            description: "Evaluates outcomes of decided proposals daily and recalibrates agent weights weekly (learning loop)",
            grants: [
                table("proposals", "read", ["byStatus"]),
                table("signals", "read", ["byAgent"]),
                table("outcomes", "read-write", ["byProposal"]),
                table("agents-config", "read-write", ["byStatus"]),
                bucket("eval", "evaluations/", "get-put"),
                bucket("backtests", "backtests/", "get-put"),
            ],
            environment: {
                PROPOSALS_TABLE: t.proposals.name,
                SIGNALS_TABLE: t.signals.name,
                OUTCOMES_TABLE: t.outcomes.name,
                AGENTS_CONFIG_TABLE: t["agents-config"].name,
                EVAL_BUCKET: b.eval.name,
                BACKTESTS_BUCKET: b.backtests.name,
            },
            schedules: [
                every("daily-evaluation", s.evaluation, { task: "evaluate-outcomes" }),
                every("weekly-learning", s.learning, { task: "recalibrate-agents" }),
            ],
        },
        dashboard: {
            description: "Serves dashboard summaries and system metrics",
            grants: [
                table("proposals", "read", ["byStatus"]),
                table("outcomes", "read", ["byProposal"]),
                table("signals", "read", ["byAgent"]),
            ],
            environment: { PROPOSALS_TABLE: t.proposals.name, OUTCOMES_TABLE: t.outcomes.name, SIGNALS_TABLE: t.signals.name },
        },
        stream: {
            description: "WebSocket connections of the live dashboard and the fan-out of dashboard updates",
            grants: [table("connections", "read-write", ["bySubject"]), consumeGrant("dashboard-updates")],
            environment: { CONNECTIONS_TABLE: t.connections.name },
            queueTrigger: consume("dashboard-updates"),
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
                        entry: `lambdas/handlers/${name}.ts`,
                        description: plan.description,
                        memoryMb: config.lambda.memoryMb,
                        timeoutSeconds: config.lambda.timeoutSeconds,
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
                        queueTrigger: plan.queueTrigger,
                        vpc,
                    },
                    opts,
                ),
            ];
        }),
    ) as Record<FunctionName, IngestFunction>;

    return { network, queues, functions };
}
