/**
 * The least-privilege matrix: what each function's role (and each scheduler role) NEEDS, row by row.
 *
 * This table is the specification the IAM simulation checks the deployed policies against
 * (tests/iam/least-privilege.test.ts):
 *   - every row must be Allowed by the role's policies;
 *   - everything else the probe universe asks (other tables/buckets/queues/secrets/keys/log groups/functions/roles,
 *     other prefixes, other actions, destructive and escalating actions, KMS without the right kms:ViaService) must be
 *     denied;
 *   - every statement of every role — each of its actions, resources and kms:ViaService values — must be exercised by
 *     at least one row, so a new grant without a row here fails.
 *
 * The action lists below are written out on purpose and never imported from lib/grants.ts: widening a grant there must
 * not widen this specification with it. Targets name resources by their Pulumi names; tests/iam/probes.ts resolves
 * them to the ARNs recorded by the offline engine for each stack.
 */
import type { FunctionName } from "../../config/stackConfig";

export type TableName = "signals" | "tracked-entities" | "agents-config" | "proposals" | "outcomes" | "connections";
export type BucketName = "raw-data" | "curated-data" | "features" | "eval" | "backtests";
export type QueueName = "raw-signals" | "scored-signals" | "fused-signals" | "risk-checked" | "dashboard-updates" | "invocation-failures";
export type SecretName = "social-api" | "pseudonym-key" | "market-data-api";
/** Services that call KMS on a function's behalf (`kms:ViaService` = `<service>.<region>.amazonaws.com`). */
export type ViaService = "dynamodb" | "s3" | "sqs" | "secretsmanager" | "lambda";

export type Target =
    | { kind: "table"; table: TableName; index?: string }
    | { kind: "object"; bucket: BucketName; key: string }
    /** The bucket itself (list operations). */
    | { kind: "bucket"; bucket: BucketName }
    | { kind: "queue"; queue: QueueName }
    | { kind: "secret"; secret: SecretName }
    /** The stack's customer-managed key (`platform-key`), used through a service or to decrypt a schedule's payload. */
    | { kind: "key"; via?: ViaService; schedule?: string }
    | { kind: "own-log-stream" }
    /** `Resource: "*"` for the actions AWS authorises on no specific resource. */
    | { kind: "all-resources" }
    | { kind: "network-interface" }
    | { kind: "connection"; method: "POST" | "GET" | "DELETE" }
    | { kind: "function"; fn: FunctionName };

export const table = (name: TableName): Target => ({ kind: "table", table: name });
export const index = (name: TableName, gsi: string): Target => ({ kind: "table", table: name, index: gsi });
export const bucket = (name: BucketName, key: string): Target => ({ kind: "object", bucket: name, key });
export const wholeBucket = (name: BucketName): Target => ({ kind: "bucket", bucket: name });
export const queue = (name: QueueName): Target => ({ kind: "queue", queue: name });
export const secret = (name: SecretName): Target => ({ kind: "secret", secret: name });
export const keyVia = (service: ViaService): Target => ({ kind: "key", via: service });
/** Decrypt with the encryption context `aws:scheduler:schedule-arn` = the ARN of the schedule named so in Pulumi. */
export const keyForSchedule = (schedule: string): Target => ({ kind: "key", schedule });
export const ownLogStream: Target = { kind: "own-log-stream" };
export const anyResource: Target = { kind: "all-resources" };
export const networkInterface: Target = { kind: "network-interface" };
export const connection = (method: "POST" | "GET" | "DELETE"): Target => ({ kind: "connection", method });
export const lambdaFunction = (fn: FunctionName): Target => ({ kind: "function", fn });

export interface Row {
    fn: FunctionName;
    allow: string[];
    on: Target;
    /** Only in stacks whose functions run in the VPC (`features.vpc`). */
    when?: "vpc";
}
export interface SchedulerRow {
    /** The function whose scheduler role this is. */
    scheduler: FunctionName;
    allow: string[];
    on: Target;
}

// ---- access levels, spelled out ----------------------------------------------------------------------------------
const TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"];
const TABLE_WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
];
const TABLE_READ_WRITE = [...TABLE_READ, ...TABLE_WRITE];
const GSI_QUERY = ["dynamodb:Query"];
/** Lambda's SQS poller on the execution role. */
const QUEUE_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"];
const QUEUE_SEND = ["sqs:SendMessage", "sqs:GetQueueAttributes"];
const SECRET_READ = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"];
/** Reading data the service decrypts for us. */
const KMS_DECRYPT = ["kms:Decrypt"];
/** Writing data the service encrypts for us (S3 multipart uploads and SQS senders also need Decrypt). */
const KMS_ENCRYPT = ["kms:GenerateDataKey", "kms:Decrypt"];

/** What every function needs for itself: its own log streams, X-Ray, the async-failure DLQ, its encrypted environment. */
function own(fn: FunctionName): Row[] {
    return [
        { fn, allow: ["logs:CreateLogStream", "logs:PutLogEvents"], on: ownLogStream },
        { fn, allow: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], on: anyResource },
        { fn, allow: QUEUE_SEND, on: queue("invocation-failures") },
        { fn, allow: KMS_ENCRYPT, on: keyVia("sqs") },
        { fn, allow: KMS_DECRYPT, on: keyVia("lambda") },
        // Lambda manages the ENIs of a VPC function with the execution role.
        { fn, allow: ["ec2:DescribeNetworkInterfaces"], on: anyResource, when: "vpc" },
        {
            fn,
            allow: [
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:AssignPrivateIpAddresses",
                "ec2:UnassignPrivateIpAddresses",
            ],
            on: networkInterface,
            when: "vpc",
        },
    ];
}

function ingest(fn: "ingest-social" | "ingest-news" | "ingest-regulatory", prefix: string, providerSecret?: SecretName): Row[] {
    return [
        ...own(fn),
        { fn, allow: ["s3:PutObject"], on: bucket("raw-data", `${prefix}/2026/11/23/10/item-0001.json`) },
        { fn, allow: KMS_ENCRYPT, on: keyVia("s3") },
        { fn, allow: TABLE_READ_WRITE, on: table("signals") },
        { fn, allow: GSI_QUERY, on: index("signals", "bySourceId") },
        { fn, allow: TABLE_READ, on: table("tracked-entities") },
        { fn, allow: KMS_DECRYPT, on: keyVia("dynamodb") },
        { fn, allow: QUEUE_SEND, on: queue("raw-signals") },
        // Authors are stored as HMAC pseudonyms under this key.
        { fn, allow: SECRET_READ, on: secret("pseudonym-key") },
        { fn, allow: KMS_DECRYPT, on: keyVia("secretsmanager") },
        ...(providerSecret ? [{ fn, allow: SECRET_READ, on: secret(providerSecret) }] : []),
    ];
}

export const MATRIX: Row[] = [
    ...ingest("ingest-social", "social", "social-api"),
    // RSS/Atom, GDELT and the regulators' feeds are open: no provider secret.
    ...ingest("ingest-news", "news"),
    ...ingest("ingest-regulatory", "regulatory"),

    ...own("score"),
    { fn: "score", allow: QUEUE_CONSUME, on: queue("raw-signals") },
    { fn: "score", allow: TABLE_READ_WRITE, on: table("signals") },
    { fn: "score", allow: TABLE_READ, on: table("agents-config") },
    { fn: "score", allow: GSI_QUERY, on: index("agents-config", "byStatus") },
    { fn: "score", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "score", allow: ["s3:PutObject"], on: bucket("features", "signals/2026/11/23/sig-0001.json") },
    { fn: "score", allow: KMS_ENCRYPT, on: keyVia("s3") },
    { fn: "score", allow: QUEUE_SEND, on: queue("scored-signals") },

    ...own("fuse"),
    { fn: "fuse", allow: QUEUE_CONSUME, on: queue("scored-signals") },
    { fn: "fuse", allow: TABLE_READ, on: table("signals") },
    { fn: "fuse", allow: TABLE_READ, on: table("agents-config") },
    { fn: "fuse", allow: GSI_QUERY, on: index("agents-config", "byStatus") },
    { fn: "fuse", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "fuse", allow: ["s3:PutObject"], on: bucket("curated-data", "fused/2026/11/23/AAPL.json") },
    { fn: "fuse", allow: KMS_ENCRYPT, on: keyVia("s3") },
    { fn: "fuse", allow: QUEUE_SEND, on: queue("fused-signals") },

    ...own("risk-check"),
    { fn: "risk-check", allow: QUEUE_CONSUME, on: queue("fused-signals") },
    { fn: "risk-check", allow: TABLE_READ, on: table("proposals") },
    { fn: "risk-check", allow: GSI_QUERY, on: index("proposals", "byAsset") },
    { fn: "risk-check", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "risk-check", allow: QUEUE_SEND, on: queue("risk-checked") },

    ...own("propose"),
    { fn: "propose", allow: QUEUE_CONSUME, on: queue("risk-checked") },
    { fn: "propose", allow: TABLE_READ_WRITE, on: table("proposals") },
    { fn: "propose", allow: GSI_QUERY, on: index("proposals", "byAsset") },
    { fn: "propose", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "propose", allow: QUEUE_SEND, on: queue("dashboard-updates") },

    ...own("decision"),
    { fn: "decision", allow: TABLE_READ_WRITE, on: table("proposals") },
    // The expiry sweep lists PENDING proposals.
    { fn: "decision", allow: GSI_QUERY, on: index("proposals", "byStatus") },
    { fn: "decision", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "decision", allow: QUEUE_SEND, on: queue("dashboard-updates") },

    ...own("evaluate"),
    { fn: "evaluate", allow: TABLE_READ, on: table("proposals") },
    { fn: "evaluate", allow: GSI_QUERY, on: index("proposals", "byStatus") },
    { fn: "evaluate", allow: TABLE_READ, on: table("signals") },
    { fn: "evaluate", allow: TABLE_READ_WRITE, on: table("outcomes") },
    { fn: "evaluate", allow: TABLE_READ_WRITE, on: table("agents-config") },
    { fn: "evaluate", allow: GSI_QUERY, on: index("agents-config", "byStatus") },
    { fn: "evaluate", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "evaluate", allow: ["s3:PutObject"], on: bucket("eval", "evaluations/2026/11/23/outcomes.json") },
    { fn: "evaluate", allow: KMS_ENCRYPT, on: keyVia("s3") },
    // Alpha Vantage's API key (the stacks' marketDataProvider).
    { fn: "evaluate", allow: SECRET_READ, on: secret("market-data-api") },
    { fn: "evaluate", allow: KMS_DECRYPT, on: keyVia("secretsmanager") },

    ...own("dashboard"),
    { fn: "dashboard", allow: TABLE_READ, on: table("proposals") },
    { fn: "dashboard", allow: GSI_QUERY, on: index("proposals", "byStatus") },
    { fn: "dashboard", allow: TABLE_READ, on: table("outcomes") },
    { fn: "dashboard", allow: TABLE_READ, on: table("signals") },
    { fn: "dashboard", allow: GSI_QUERY, on: index("signals", "byAgent") },
    { fn: "dashboard", allow: KMS_DECRYPT, on: keyVia("dynamodb") },

    ...own("stream"),
    { fn: "stream", allow: QUEUE_CONSUME, on: queue("dashboard-updates") },
    // Every update goes to every live connection: one Scan of the small table.
    { fn: "stream", allow: TABLE_READ_WRITE, on: table("connections") },
    { fn: "stream", allow: ["dynamodb:Scan"], on: table("connections") },
    { fn: "stream", allow: GSI_QUERY, on: index("connections", "bySubject") },
    { fn: "stream", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    // Push to a connection, read its state, close a stale one — on the live API's stage only.
    { fn: "stream", allow: ["execute-api:ManageConnections"], on: connection("POST") },
    { fn: "stream", allow: ["execute-api:ManageConnections"], on: connection("GET") },
    { fn: "stream", allow: ["execute-api:ManageConnections"], on: connection("DELETE") },

    ...own("admin"),
    { fn: "admin", allow: TABLE_READ_WRITE, on: table("tracked-entities") },
    { fn: "admin", allow: TABLE_READ_WRITE, on: table("agents-config") },
    { fn: "admin", allow: GSI_QUERY, on: index("agents-config", "byStatus") },
    // GDPR erasure: a person's signals by pseudonymous author, then their raw payloads with every version.
    { fn: "admin", allow: TABLE_READ_WRITE, on: table("signals") },
    { fn: "admin", allow: GSI_QUERY, on: index("signals", "byAuthor") },
    // Whether anyone else's signal references a raw payload before it is deleted.
    { fn: "admin", allow: GSI_QUERY, on: index("signals", "byAgent") },
    { fn: "admin", allow: KMS_DECRYPT, on: keyVia("dynamodb") },
    { fn: "admin", allow: ["s3:ListBucketVersions"], on: wholeBucket("raw-data") },
    ...["social", "news", "regulatory"].map((channel): Row => ({
        fn: "admin",
        allow: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
        on: bucket("raw-data", `${channel}/2026/11/23/10/item-0001.json`),
    })),
    { fn: "admin", allow: ["s3:ListBucketVersions"], on: wholeBucket("features") },
    { fn: "admin", allow: ["s3:DeleteObject", "s3:DeleteObjectVersion"], on: bucket("features", "signals/2026/11/23/sig-0001.json") },
    { fn: "admin", allow: ["s3:PutObject"], on: bucket("eval", "erasures/2026/11/23/erasure-0001.json") },
    { fn: "admin", allow: KMS_ENCRYPT, on: keyVia("s3") },
    { fn: "admin", allow: SECRET_READ, on: secret("pseudonym-key") },
    { fn: "admin", allow: KMS_DECRYPT, on: keyVia("secretsmanager") },

    // No AWS access beyond their own needs.
    ...own("health"),
    ...own("ws-authorizer"),
];

function scheduled(fn: FunctionName, schedules: string[]): SchedulerRow[] {
    return [
        { scheduler: fn, allow: ["lambda:InvokeFunction"], on: lambdaFunction(fn) },
        { scheduler: fn, allow: QUEUE_SEND, on: queue("invocation-failures") },
        { scheduler: fn, allow: KMS_ENCRYPT, on: keyVia("sqs") },
        ...schedules.map((s) => ({ scheduler: fn, allow: KMS_DECRYPT, on: keyForSchedule(s) })),
    ];
}

/** EventBridge Scheduler roles: invoke exactly their function, dead-letter failed deliveries, read their schedules. */
export const SCHEDULER_MATRIX: SchedulerRow[] = [
    ...scheduled("ingest-social", ["ingest-social-schedule"]),
    ...scheduled("ingest-news", ["ingest-news-schedule"]),
    ...scheduled("ingest-regulatory", ["ingest-regulatory-schedule"]),
    ...scheduled("evaluate", ["evaluate-daily-evaluation", "evaluate-weekly-learning"]),
    ...scheduled("decision", ["decision-proposal-expiry"]),
];

/**
 * Access that is allowed today although no row needs it, each with the reason it is tolerated. These probes are
 * neither required nor denied; the test reports them by name so they stay visible. Tighten the product, then delete.
 */
export interface ToleratedWidening {
    /** "scheduler:<fn>" for a scheduler role, the function name otherwise; "*scheduler" for every scheduler role. */
    role: "*scheduler";
    allow: string[];
    /** Any schedule of the stack other than the role's own. */
    on: "other-schedules-of-the-account";
    why: string;
}
export const TOLERATED: ToleratedWidening[] = [];
