/**
 * Data: the S3 buckets of seeds 001/002 with their access-log bucket, replicas of the data we cannot re-fetch
 * (prod), and the DynamoDB tables with the indexes the pipeline queries.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../config/stackConfig";
import { SecureBucket } from "../components/SecureBucket";
import { type Capacity, SignalTable, type SignalTableArgs } from "../components/SignalTable";
import type { Security } from "./security";

/** Raw objects are keyed `<source>/yyyy/mm/dd/HH/<id>.json` (seed 002), so grants can be scoped per source. */
export const BUCKETS = ["raw-data", "curated-data", "features", "backtests", "eval"] as const;
export type BucketName = (typeof BUCKETS)[number];
/** Raw, curated and eval data come from sources that may not serve it again: these replicate in prod. */
export const REPLICATED_BUCKETS: BucketName[] = ["raw-data", "curated-data", "eval"];

export const TABLES = ["signals", "proposals", "outcomes", "agents-config", "tracked-entities", "connections"] as const;
export type TableName = (typeof TABLES)[number];
/**
 * Tables that become global tables when the stack replicates (prod). Connections are not: a WebSocket connection
 * belongs to the API of one region and is worthless in the other.
 */
export const GLOBAL_TABLES: TableName[] = ["signals", "proposals", "outcomes", "agents-config", "tracked-entities"];

type TableDesign = Omit<SignalTableArgs, "capacity" | "kmsKeyArn" | "deletionProtection" | "pointInTimeRecovery">;

/** Key schemas of seed 002; each GSI names the query that needs it. */
export const TABLE_DESIGNS: Record<TableName, TableDesign> = {
    signals: {
        // pk `asset#yyyymmdd` spreads writes per asset and day; sk `ts#agent#sourceId` orders a day's signals.
        // One table with TTL replaces seed 002's monthly `signals_yyyymm` tables: same retention, no table rotation.
        partitionKey: { name: "pk", type: "S" },
        sortKey: { name: "sk", type: "S" },
        globalSecondaryIndexes: [
            // Dedup at ingestion: "have we stored this source item already?" — keys only, it is an existence check.
            { name: "bySourceId", partitionKey: { name: "sourceId", type: "S" }, projection: "KEYS_ONLY" },
            // Learning loop: an agent's signals over time, to attribute outcomes to agents.
            { name: "byAgent", partitionKey: { name: "agent", type: "S" }, sortKey: { name: "ts", type: "S" } },
            // GDPR erasure: every signal of one pseudonymised author. Sparse — only social signals carry an author.
            { name: "byAuthor", partitionKey: { name: "authorPseudonym", type: "S" }, projection: "KEYS_ONLY" },
        ],
        ttlAttribute: "expiresAt",
    },
    proposals: {
        partitionKey: { name: "proposalId", type: "S" },
        sortKey: { name: "createdAt", type: "S" },
        globalSecondaryIndexes: [
            // Four-eyes queue and dashboard: "pending proposals, newest first", "decided today".
            { name: "byStatus", partitionKey: { name: "status", type: "S" }, sortKey: { name: "createdAt", type: "S" } },
            // Risk check: open exposure per asset.
            { name: "byAsset", partitionKey: { name: "asset", type: "S" }, sortKey: { name: "createdAt", type: "S" } },
        ],
    },
    outcomes: {
        partitionKey: { name: "outcomeId", type: "S" },
        sortKey: { name: "evaluatedAt", type: "S" },
        globalSecondaryIndexes: [
            // "How did proposal X turn out?" for the decision history.
            { name: "byProposal", partitionKey: { name: "proposalId", type: "S" }, sortKey: { name: "evaluatedAt", type: "S" } },
        ],
    },
    "agents-config": {
        partitionKey: { name: "agentId", type: "S" },
        sortKey: { name: "version", type: "S" },
        globalSecondaryIndexes: [
            // Scoring and fusion load the active configuration of every agent at cold start.
            { name: "byStatus", partitionKey: { name: "status", type: "S" }, sortKey: { name: "agentId", type: "S" } },
        ],
    },
    "tracked-entities": {
        partitionKey: { name: "entityType", type: "S" },
        sortKey: { name: "entityId", type: "S" },
        globalSecondaryIndexes: [
            // Ingestion maps a ticker or cashtag found in text to the tracked entity.
            { name: "bySymbol", partitionKey: { name: "symbol", type: "S" }, projection: "KEYS_ONLY" },
        ],
    },
    connections: {
        // WebSocket connections of the live dashboard; stale ones expire by TTL.
        partitionKey: { name: "connectionId", type: "S" },
        globalSecondaryIndexes: [
            // Push to every connection of one user (e.g. "your proposal needs a second approver").
            { name: "bySubject", partitionKey: { name: "sub", type: "S" }, projection: "KEYS_ONLY" },
        ],
        ttlAttribute: "ttl",
    },
};

/** What the rest of the stack needs of a table; a SignalTable, or a global-table replica adopted in a failover. */
export interface TableRef {
    arn: pulumi.Output<string>;
    name: pulumi.Output<string>;
}

/**
 * Raw source payloads hold personal data in clear (authors, post texts): they are kept 30 days, then deleted with
 * every version a day later (seed 000, DSGVO data minimisation). The prod replica applies the same rule itself —
 * S3 does not replicate lifecycle or version deletes — so an erased payload leaves the replica within the month
 * GDPR Art. 12(3) allows.
 */
export const RAW_DATA_RETENTION = { expireAfterDays: 30, noncurrentVersionExpirationDays: 1 } as const;
const retentionOf = (name: BucketName) => (name === "raw-data" ? RAW_DATA_RETENTION : {});

export interface Data {
    accessLogs: SecureBucket;
    buckets: Record<BucketName, SecureBucket>;
    replicas: Partial<Record<BucketName, SecureBucket>>;
    tables: Record<TableName, TableRef>;
}

export function buildData(config: StackConfig, security: Security, providers: { primary: aws.Provider; replica?: aws.Provider }): Data {
    const opts = { provider: providers.primary };
    const forceDestroy = config.environment === "dev";
    const accessLogs = new SecureBucket("access-logs", { receivesAccessLogs: true, forceDestroy }, opts);

    const replicas: Partial<Record<BucketName, SecureBucket>> = {};
    if (providers.replica && security.replicaKey && config.replicationRegion) {
        const replicaOpts = { provider: providers.replica };
        const replicaLogs = new SecureBucket("replica-access-logs", { receivesAccessLogs: true }, replicaOpts);
        for (const name of REPLICATED_BUCKETS) {
            replicas[name] = new SecureBucket(
                `${name}-replica`,
                { kmsKeyArn: security.replicaKey.arn, accessLogBucket: replicaLogs.name, ...retentionOf(name) },
                replicaOpts,
            );
        }
    }

    const buckets = Object.fromEntries(
        BUCKETS.map((name) => {
            const replica = replicas[name];
            return [
                name,
                new SecureBucket(
                    name,
                    {
                        kmsKeyArn: security.key.arn,
                        accessLogBucket: accessLogs.name,
                        forceDestroy,
                        ...retentionOf(name),
                        replication:
                            replica && security.replicaKey
                                ? {
                                      destinationBucketArn: replica.arn,
                                      destinationKmsKeyArn: security.replicaKey.arn,
                                      destinationRegion: config.replicationRegion!,
                                      destination: replica,
                                  }
                                : undefined,
                    },
                    opts,
                ),
            ];
        }),
    ) as Record<BucketName, SecureBucket>;

    const capacity: Capacity =
        config.tables.billingMode === "provisioned"
            ? {
                  mode: "provisioned",
                  readCapacity: config.tables.readCapacity,
                  writeCapacity: config.tables.writeCapacity,
                  maxCapacity: config.tables.maxCapacity,
              }
            : { mode: "on-demand" };
    const failoverTables = config.failover?.tables ?? {};
    const unknown = Object.keys(failoverTables).filter((name) => !GLOBAL_TABLES.includes(name as TableName));
    const missing = config.failover ? GLOBAL_TABLES.filter((name) => !(name in failoverTables)) : [];
    if (unknown.length || missing.length) {
        throw new Error(
            `${config.project}:failoverTables: ` +
                [unknown.length ? `no global table ${unknown.join(", ")}` : "", missing.length ? `missing ${missing.join(", ")}` : ""]
                    .filter(Boolean)
                    .join("; ") +
                ` (global tables: ${GLOBAL_TABLES.join(", ")})`,
        );
    }
    const tables = Object.fromEntries(
        TABLES.map((name): [TableName, TableRef] => [
            name,
            failoverTables[name]
                ? // Read, not managed: the table belongs to the failed region's stack until the failover is made permanent.
                  aws.dynamodb.Table.get(name, failoverTables[name], undefined, opts)
                : new SignalTable(
                      name,
                      {
                          ...TABLE_DESIGNS[name],
                          capacity,
                          kmsKeyArn: security.key.arn,
                          pointInTimeRecovery: config.tables.pointInTimeRecovery,
                          deletionProtection: config.tables.deletionProtection,
                          replica:
                              security.replicaKey && config.replicationRegion && GLOBAL_TABLES.includes(name)
                                  ? { region: config.replicationRegion, kmsKeyArn: security.replicaKey.arn }
                                  : undefined,
                      },
                      opts,
                  ),
        ]),
    ) as Record<TableName, TableRef>;

    return { accessLogs, buckets, replicas, tables };
}
