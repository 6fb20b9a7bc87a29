/**
 * Monthly cost of a recorded resource graph under a usage profile. Pure: resources, config, usage and prices in, line
 * items out — no I/O, no clock.
 *
 * The graph says what exists and how it is wired (memory and architecture of each function, which schedule or queue
 * triggers it and with which batch size, the GSIs and replicas of each table, which buckets replicate and which the
 * trail watches, the NAT strategy of the VPC, ...). The usage profile says how much flows. Between the two sit the
 * assumptions of this file — durations, fan-out per pipeline stage, bytes per log line — each a named constant.
 * Every resource type is either priced here, listed as free in the price file, or reported as unpriced: nothing is
 * silently zero.
 */
import type { StackConfig } from "../../config/stackConfig";
import { fetchesPerRun, type SourceChannel } from "../../config/sources";
import { parseSourcesConfig } from "../../lambdas/sources/config";
import type { RecordedResource } from "../engine";
import type { PriceEntry, PriceFile, PriceKey, ServiceKey } from "./prices";
import {
    BYTES_PER_GB,
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    MINUTES_PER_MONTH,
    SECONDS_PER_MONTH,
    firesPer30Days,
    type UsageProfile,
} from "./usage";

// ---- assumptions: the pipeline (seed 000: ingest → score → fuse → risk → propose → decision → evaluate) ----------

/** Fused candidates per scored signal: fuse aggregates about five signals of one asset and window into one candidate. */
export const FUSED_PER_SIGNAL = 0.2;
/** Every fused candidate is risk-checked and passed on with its verdict. */
export const RISK_CHECKED_PER_FUSED = 1;
/** Only strong views within the limits become proposals. */
export const PROPOSALS_PER_RISK_CHECKED = 0.05;
/** Four-eyes: two approvers decide each proposal. */
export const DECISIONS_PER_PROPOSAL = 2;
/** Active agents whose weights the weekly learning run rewrites. */
export const AGENT_COUNT = 5;

/** Messages per month on each work queue, by the queue's name; dead-letter queues and other queues carry none. */
export const QUEUE_MESSAGES: Record<string, (t: Traffic) => number> = {
    "raw-signals": (t) => t.signals,
    "scored-signals": (t) => t.signals,
    "fused-signals": (t) => t.fused,
    "risk-checked": (t) => t.riskChecked,
    "dashboard-updates": (t) => t.dashboardUpdates,
};

// ---- assumptions: Lambda ------------------------------------------------------------------------------------------

/** Billed duration of one scheduled run by function name: an ingest run fetches its feeds, evaluate scans a day of proposals. */
export const SCHEDULED_RUN_MS: Record<string, number> = {
    "ingest-social": 1200,
    "ingest-news": 1200,
    "ingest-regulatory": 1200,
    evaluate: 60_000,
};
export const DEFAULT_SCHEDULED_RUN_MS = 1000;
/** Extra time an ingest run spends per new signal (dedup query, put, its share of a SendMessageBatch). */
export const INGEST_MS_PER_SIGNAL = 20;
/** Fixed part of a queue-triggered invocation (batch bookkeeping, partial-batch response). */
export const BATCH_BASE_MS = 100;
/** Time per message of a queue-triggered function, by function name (score waits for the model provider's answer). */
export const MS_PER_MESSAGE: Record<string, number> = { score: 300, fuse: 20, "risk-check": 30, propose: 30, stream: 40 };
export const DEFAULT_MS_PER_MESSAGE = 50;
/** Share of REST calls that are reads (GET: dashboard summaries, metrics, health); the rest go to the other methods. */
export const API_READ_SHARE = 0.9;
/** One REST request served by a function (DynamoDB query, JSON response). */
export const API_REQUEST_MS = 150;
/** One WebSocket route event ($connect, $disconnect, a client message). */
export const WEBSOCKET_EVENT_MS = 50;
/** One authorizer call (JWT verified against the cached JWKS). */
export const AUTHORIZER_MS = 80;
/** INIT phase of a cold start (bundle load, SDK clients); billed for managed runtimes since 1 August 2025. */
export const INIT_MS = 400;
/** A function invoked less often than this is cold on every invocation (idle environments are reclaimed). */
export const WARM_INTERVAL_SECONDS = 600;
/** Share of cold starts of a busy function (scale-out), plus the periodic replacement of environments. */
export const COLD_START_SHARE = 0.01;
export const RECYCLES_PER_MONTH = 360;
/** Powertools EMF lines per working invocation (metrics block + dimensions). */
export const EMF_BYTES_PER_INVOCATION = 512;
/**
 * Business metric streams (name × dimension set, `service` always included) a working function publishes via EMF, by
 * function name (lambdas/shared/metrics.ts BUSINESS_METRICS); functions not listed publish none.
 */
export const EMF_METRICS_BY_FUNCTION: Record<string, number> = {
    "ingest-social": 3, // SignalsIngested, SignalsDuplicate, PayloadsRejected (SourceFailures only on failures)
    "ingest-news": 3,
    "ingest-regulatory": 3,
    score: 1, // SignalsScored
    fuse: 1, // CandidatesFused
    "risk-check": 2, // RiskChecks by Status
    propose: 1, // ProposalsCreated
    decision: 2, // DecisionsRecorded by Decision (ProposalsExpired only when a sweep expires some)
    evaluate: 3, // OutcomesEvaluated, OutcomeHits, AgentWeightsUpdated
    admin: 1, // ErasuresCompleted
    stream: 3, // DashboardPushes by Status (delivered, gone, failed)
};
/** SQS batch size when an event source mapping sets none (the SQS default). */
export const DEFAULT_SQS_BATCH_SIZE = 10;

// ---- assumptions: messaging, API, logs -----------------------------------------------------------------------------

/** Producers publish with SendMessageBatch (max 10 entries); batches are about half full. */
export const SEND_BATCH_ENTRIES = 5;
/** Lambda long-polls an SQS event source with (at least) five pollers, each ReceiveMessage waiting up to 20 s: billed even when empty. */
export const POLLERS_PER_EVENT_SOURCE = 5;
export const LONG_POLL_SECONDS = 20;
/** Alarm state changes e-mailed per month (alarms do flap in every stage). */
export const ALARM_NOTIFICATIONS_PER_MONTH = 30;
/** Response size of one REST call and of one WebSocket push (data transfer out). */
export const API_RESPONSE_BYTES = 4096;
export const WEBSOCKET_PUSH_BYTES = 1024;
/** Client messages per open WebSocket connection and minute (keep-alive ping every 10 minutes). */
export const WS_CLIENT_MESSAGES_PER_CONNECTION_MINUTE = 0.1;
/** REST detailed metrics per method: Count, 4XXError, 5XXError, Latency, IntegrationLatency (+ 2 cache metrics with a stage cache). */
export const REST_METRICS_PER_METHOD = 5;
/** WebSocket detailed metrics per route: MessageCount/ConnectCount, ClientError, ExecutionError, IntegrationError, IntegrationLatency. */
export const WEBSOCKET_METRICS_PER_ROUTE = 5;
/** One access-log line of the REST or WebSocket stage (the JSON formats of ApiWithAuth/WebSocketApi). */
export const ACCESS_LOG_BYTES_PER_REQUEST = 450;
/** One WAF log record (full request headers, rule matches). */
export const WAF_LOG_BYTES_PER_REQUEST = 1500;
/** One CloudTrail event as delivered to CloudWatch Logs. */
export const CLOUDTRAIL_EVENT_BYTES = 1500;
/** CloudTrail writes gzip'd files (about 10 % of the JSON) to S3, about one per 5 minutes. */
export const CLOUDTRAIL_GZIP_RATIO = 0.1;
export const CLOUDTRAIL_FILES_PER_MONTH = SECONDS_PER_MONTH / 300;
/** Flow-log records per invocation of a function in the VPC (one per connection: AWS APIs, feeds, model provider). */
export const FLOW_LOG_BYTES_PER_VPC_INVOCATION = 1000;
/** CloudWatch stores logs compressed; AWS's own examples use this ratio. */
export const LOG_STORAGE_COMPRESSION = 0.15;
/** Log groups without retention are costed as holding this many months. */
export const UNLIMITED_RETENTION_MONTHS = 12;
/** One S3 server access log record. */
export const S3_ACCESS_LOG_BYTES_PER_REQUEST = 350;

// ---- assumptions: data ---------------------------------------------------------------------------------------------

/** Feature record score stores per signal (one object each). */
export const FEATURE_BYTES_PER_SIGNAL = 512;
/** Curated view fuse stores per candidate (one object per batch). */
export const CURATED_BYTES_PER_CANDIDATE = 2048;
/** Item sizes of the other tables. */
export const TABLE_ITEM_BYTES: Record<string, number> = {
    proposals: 2048,
    outcomes: 1024,
    "agents-config": 2048,
    "tracked-entities": 512,
    connections: 300,
};
export const DEFAULT_ITEM_BYTES = 1024;
/** The tracked-entity list an ingest run loads to match tickers in text. */
export const TRACKED_ENTITIES_LIST_BYTES = 16 * 1024;
/** One dashboard page (recent proposals, signals or outcomes) read per REST call, from one of three tables. */
export const DASHBOARD_QUERY_BYTES = 16 * 1024;
/** A keys-only GSI entry: key attributes plus DynamoDB's 100-byte index overhead. */
export const KEYS_ONLY_INDEX_ENTRY_BYTES = 200;
/** Provisioned tables: auto scaling keeps consumed capacity near this share of the provisioned capacity. */
export const TARGET_UTILIZATION = 0.7;
/** S3 Standard-IA bills every object as at least 128 KB. */
export const STANDARD_IA_MIN_OBJECT_BYTES = 128 * 1024;
/** Outbound bytes through the NAT per signal (model-provider call of score, SQS sends: no interface endpoints). */
export const NAT_BYTES_PER_SIGNAL = 8 * 1024;
/** Outbound bytes through the NAT per invocation of a VPC function (X-Ray segments, KMS, Secrets Manager, SQS calls). */
export const NAT_BYTES_PER_VPC_INVOCATION = 2 * 1024;
/** KMS data keys are cached about five minutes (SQS kmsDataKeyReusePeriodSeconds, DynamoDB, S3 Bucket Keys, CloudWatch Logs). */
export const KMS_REQUESTS_PER_ACTIVE_RESOURCE = SECONDS_PER_MONTH / 300;
/** X-Ray's default sampling rule: the first request each second, then 5 %. */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;
/** Budgets: the first two budgets of an account are free. */
export const FREE_BUDGETS_PER_ACCOUNT = 2;
/** awsx creates a NAT gateway per AZ unless told otherwise, in three AZs by default. */
export const AWSX_DEFAULT_AZS = 3;

// ---- output --------------------------------------------------------------------------------------------------------

export interface LineItem {
    urn: string;
    type: string;
    name: string;
    /** Display name of the service, e.g. "CloudWatch". */
    service: string;
    serviceKey: ServiceKey;
    priceKey: string;
    /** What is billed, e.g. "requests" or "dashboard". */
    item: string;
    quantity: number;
    unit: string;
    /** USD per `per` units. */
    unitPriceUsd: number;
    per: number;
    monthlyUsd: number;
    /** How the quantity and the amount come about. */
    formula: string;
}

export interface ResourceCost {
    urn: string;
    type: string;
    name: string;
    monthlyUsd: number;
    services: string[];
    items: LineItem[];
}

export interface UnpricedResource {
    urn: string;
    type: string;
    name: string;
    reason: string;
}

export interface Traffic {
    signals: number;
    fetches: number;
    /** Raw objects stored: one per fetch that brought new items. */
    rawObjects: number;
    fused: number;
    riskChecked: number;
    proposals: number;
    decisions: number;
    dashboardUpdates: number;
    apiRequests: number;
    wsConnects: number;
    wsConnectionMinutes: number;
    wsClientMessages: number;
    wsPushes: number;
    mau: number;
}

export interface CostProjection {
    region: string;
    pricesRetrievedOn: string;
    traffic: Traffic;
    lineItems: LineItem[];
    /** Every priced resource, most expensive first (zero-cost ones included). */
    resources: ResourceCost[];
    byService: { service: string; monthlyUsd: number }[];
    byType: { type: string; count: number; monthlyUsd: number }[];
    totalUsd: number;
    budgetUsd: number;
    percentOfBudget: number;
    overBudget: boolean;
    /** Resources no rule prices: NOT in the total. */
    unpriced: UnpricedResource[];
    free: { type: string; count: number; reason: string }[];
    /** The price entries the line items used. */
    pricesUsed: { service: string; serviceKey: ServiceKey; priceKey: string; usd: number; per: number; unit: string; source: string }[];
    notes: string[];
}

// ---- helpers -------------------------------------------------------------------------------------------------------

const num = (value: unknown, fallback = 0): number => (typeof value === "number" && Number.isFinite(value) ? value : fallback);
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const arr = <T = any>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
const arnOf = (r: RecordedResource): string | undefined => str(r.outputs.arn) ?? str(r.inputs.arn);
const idOf = (r: RecordedResource): string | undefined => r.id ?? str(r.outputs.id);
/** `arn:aws:logs:<region>:<account>:log-group:<name>[:*]` → `<name>`. */
const logGroupNameOfArn = (arn: string | undefined): string | undefined => arn?.match(/:log-group:([^:*]+)/)?.[1];
const bucketNameOfArn = (arn: string): string => arn.replace(/^arn:aws:s3:::/, "").replace(/\/.*$/, "");
/** Fraction of the month's hours with at least one event, for events spread evenly (Poisson): custom metrics bill by the hour. */
export const hourlyPresence = (eventsPerMonth: number): number =>
    eventsPerMonth <= 0 ? 0 : 1 - Math.exp(-eventsPerMonth / HOURS_PER_MONTH);
const sum = (values: Iterable<number>): number => [...values].reduce((a, b) => a + b, 0);
const eventualRru = (bytes: number): number => 0.5 * Math.ceil(Math.max(bytes, 1) / 4096);

/** Numbers for formulas: thousands separators, few decimals. */
export function fmtNumber(value: number): string {
    if (value === 0) return "0";
    const abs = Math.abs(value);
    if (abs >= 100) return Math.round(value).toLocaleString("en-US");
    if (abs >= 1) return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
    return value.toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

export function fmtUsd(value: number, digits = 2): string {
    if (value > 0 && value < 0.005 && digits === 2) return "<$0.01";
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A unit price as written in the price file, never in exponent notation. */
export const fmtPrice = (usd: number): string =>
    `$${usd.toLocaleString("en-US", { maximumSignificantDigits: 6, maximumFractionDigits: 12 })}`;

export const fmtPer = (per: number): string =>
    per === 1 ? "" : per >= 1_000_000 ? `${per / 1_000_000}M ` : per >= 1000 ? `${per / 1000}k ` : `${per} `;

/** Invocations of a function triggered by an SQS event source: full batches under load, one per batching window otherwise. */
export function queueInvocations(messages: number, batchSize: number, windowSeconds: number): number {
    if (messages <= 0) return 0;
    const window = Math.max(windowSeconds, 1);
    return Math.max(messages / Math.max(batchSize, 1), Math.min(messages, SECONDS_PER_MONTH / window));
}

/** Cold starts in a month for this many invocations. */
export function coldStarts(invocations: number): number {
    if (invocations <= 0) return 0;
    if (SECONDS_PER_MONTH / invocations >= WARM_INTERVAL_SECONDS) return invocations;
    return Math.min(invocations, invocations * COLD_START_SHARE + RECYCLES_PER_MONTH);
}

/** Traces X-Ray records for this many requests under the default sampling rule. */
export function tracesRecorded(requests: number): number {
    const reservoir = XRAY_RESERVOIR_PER_SECOND * SECONDS_PER_MONTH;
    return Math.min(requests, reservoir) + XRAY_FIXED_RATE * Math.max(0, requests - reservoir);
}

export function monthlyTraffic(usage: UsageProfile): Traffic {
    const signals = usage.signalsPerDay * DAYS_PER_MONTH;
    const fetches = usage.fetchesPerDay * DAYS_PER_MONTH;
    const fused = signals * FUSED_PER_SIGNAL;
    const riskChecked = fused * RISK_CHECKED_PER_FUSED;
    const proposals = riskChecked * PROPOSALS_PER_RISK_CHECKED;
    const decisions = proposals * DECISIONS_PER_PROPOSAL;
    const dashboardUpdates = proposals + decisions;
    const wsConnectionMinutes = usage.websocketConnectionsAvg * MINUTES_PER_MONTH;
    return {
        signals,
        fetches,
        rawObjects: Math.min(fetches, signals),
        fused,
        riskChecked,
        proposals,
        decisions,
        dashboardUpdates,
        apiRequests: usage.apiCallsPerDay * DAYS_PER_MONTH,
        wsConnects: usage.websocketConnectsPerDay * DAYS_PER_MONTH,
        wsConnectionMinutes,
        wsClientMessages: wsConnectionMinutes * WS_CLIENT_MESSAGES_PER_CONNECTION_MINUTE,
        wsPushes: dashboardUpdates * usage.websocketConnectionsAvg,
        mau: usage.dashboardUsers,
    };
}

// ---- table access per pipeline step --------------------------------------------------------------------------------

interface TableAccess {
    itemBytes: number;
    puts: number;
    updates: number;
    deletes: number;
    /** Items TTL removes per month: free, but replicated to global-table replicas as writes. */
    ttlExpirations: number;
    reads: { rru: number; index?: string }[];
}

/** Who reads and writes each table, by table name (seed 002's access patterns). Reads are eventually consistent. */
export const TABLE_ACCESS: Record<string, (t: Traffic, u: UsageProfile) => Omit<TableAccess, "itemBytes">> = {
    signals: (t, u) => ({
        puts: t.signals, // ingest stores each new signal
        updates: t.signals, // score writes its score onto the signal
        deletes: 0,
        ttlExpirations: t.signals, // steady state: as many expire as arrive
        reads: [
            { index: "bySourceId", rru: t.signals * eventualRru(KEYS_ONLY_INDEX_ENTRY_BYTES) }, // dedup at ingestion
            { rru: t.signals * eventualRru(u.avgSignalBytes) }, // score reads the signal
            { rru: t.signals * eventualRru(u.avgSignalBytes) }, // fuse reads it again
            { index: "byAgent", rru: (t.apiRequests / 3) * eventualRru(DASHBOARD_QUERY_BYTES) }, // dashboard
        ],
    }),
    "tracked-entities": (t) => ({
        puts: 0,
        updates: 0,
        deletes: 0,
        ttlExpirations: 0,
        reads: [
            { rru: t.fetches * eventualRru(TRACKED_ENTITIES_LIST_BYTES) }, // every ingest fetch matches against the list
            { rru: t.riskChecked * eventualRru(TABLE_ITEM_BYTES["tracked-entities"]!) }, // risk limits per asset
        ],
    }),
    proposals: (t) => ({
        puts: t.proposals,
        updates: t.decisions,
        deletes: 0,
        ttlExpirations: 0,
        reads: [
            { index: "byAsset", rru: t.riskChecked * eventualRru(4096) }, // open exposure per asset
            { index: "byAsset", rru: t.proposals * eventualRru(TABLE_ITEM_BYTES.proposals!) }, // is one open already?
            { rru: t.decisions * eventualRru(TABLE_ITEM_BYTES.proposals!) },
            { index: "byStatus", rru: (t.apiRequests / 3) * eventualRru(DASHBOARD_QUERY_BYTES) },
        ],
    }),
    outcomes: (t) => ({
        puts: t.proposals, // one outcome per decided proposal, written by the daily evaluation
        updates: 0,
        deletes: 0,
        ttlExpirations: 0,
        reads: [{ index: "byProposal", rru: (t.apiRequests / 3) * eventualRru(DASHBOARD_QUERY_BYTES) }],
    }),
    "agents-config": (t) => ({
        puts: 0,
        updates: t.signals > 0 ? (DAYS_PER_MONTH / 7) * AGENT_COUNT : 0, // weekly learning rewrites each agent's weights
        deletes: 0,
        ttlExpirations: 0,
        reads: [],
    }),
    connections: (t, u) => ({
        puts: t.wsConnects,
        updates: 0,
        deletes: t.wsConnects,
        ttlExpirations: 0,
        // Each dashboard update is pushed to every open connection: one scan of the (small) table.
        reads: [{ rru: t.dashboardUpdates * eventualRru(Math.max(1, u.websocketConnectionsAvg) * TABLE_ITEM_BYTES.connections!) }],
    }),
};

// ---- the projection ------------------------------------------------------------------------------------------------

interface FunctionUse {
    scheduled: number;
    scheduledMs: number;
    queueBatches: number;
    queueMessages: number;
    api: number;
    ws: number;
    authorizer: number;
    /** Invocations not started by a traced REST stage: they start their own X-Ray trace. */
    traceEntries: number;
    fetches: number;
    signals: number;
}

interface BucketUse {
    puts: number;
    gets: number;
    newBytes: number;
    startBytes: number;
    objectBytes: number;
    /** Extra bytes (access logs, trail files) that arrive without billed requests. */
    basis: string[];
}

interface TableUse {
    wruBase: number;
    wruIndexes: Map<string, number>;
    rruBase: number;
    rruIndexes: Map<string, number>;
    writeBytes: number;
    ttlWru: number;
    baseGb: number;
    indexGb: Map<string, number>;
}

interface LogUse {
    bytes: number;
    vended: boolean;
    sources: string[];
}

/**
 * The monthly cost of `resources` (a recorded graph) for `usage`, with `prices`. `config` gives the budget; everything
 * about the resources themselves is read from the graph.
 */
export function projectCost(
    resources: RecordedResource[],
    config: Pick<StackConfig, "monthlyBudgetUsd">,
    usage: UsageProfile,
    prices: PriceFile,
): CostProjection {
    const t = monthlyTraffic(usage);
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const items: LineItem[] = [];
    const unpriced: UnpricedResource[] = [];
    const notes: string[] = [];
    const pricesUsed = new Map<string, CostProjection["pricesUsed"][number]>();

    const charge = <S extends ServiceKey>(
        r: RecordedResource,
        serviceKey: S,
        priceKey: PriceKey<S>,
        item: string,
        quantity: number,
        basis: string,
        options: { unitPriceUsd?: number } = {},
    ) => {
        const service = prices.services[serviceKey];
        const entry = (service.prices as Record<string, PriceEntry>)[priceKey]!;
        const usd = options.unitPriceUsd ?? entry.usd;
        const monthlyUsd = (quantity * usd) / entry.per;
        pricesUsed.set(`${serviceKey}.${priceKey}`, {
            service: service.name,
            serviceKey,
            priceKey,
            usd: entry.usd,
            per: entry.per,
            unit: entry.unit,
            source: service.source,
        });
        items.push({
            urn: r.urn,
            type: r.type,
            name: r.name,
            service: service.name,
            serviceKey,
            priceKey,
            item,
            quantity,
            unit: entry.unit,
            unitPriceUsd: usd,
            per: entry.per,
            monthlyUsd,
            formula: `${fmtNumber(quantity)} ${entry.unit} × ${fmtPrice(usd)} per ${fmtPer(entry.per)}${entry.unit.split(" (")[0]}${basis ? ` — ${basis}` : ""}`,
        });
    };

    // ---- joins ----
    const functions = ofType("aws:lambda/function:Function");
    const functionByRef = (ref: unknown): RecordedResource | undefined => {
        const text = str(ref);
        if (!text) return undefined;
        return functions.find((f) => {
            const arn = arnOf(f);
            return (
                (arn && (text === arn || text.includes(`${arn}/`) || text.startsWith(`${arn}:`))) ||
                text === str(f.outputs.name) ||
                text === idOf(f)
            );
        });
    };
    const useOf = new Map<string, FunctionUse>();
    const fnUse = (f: RecordedResource): FunctionUse => {
        let use = useOf.get(f.urn);
        if (!use) {
            use = {
                scheduled: 0,
                scheduledMs: 0,
                queueBatches: 0,
                queueMessages: 0,
                api: 0,
                ws: 0,
                authorizer: 0,
                traceEntries: 0,
                fetches: 0,
                signals: 0,
            };
            useOf.set(f.urn, use);
        }
        return use;
    };
    const traced = (f: RecordedResource) => f.inputs.tracingConfig?.mode === "Active";
    const inVpc = (f: RecordedResource) =>
        arr(f.inputs.vpcConfig?.subnetIds).length > 0 || typeof f.inputs.vpcConfig?.subnetIds === "string";

    // ---- schedules → functions ----
    const scheduleFires = new Map<string, number>();
    const ingestFetchWeight = new Map<string, number>();
    for (const s of ofType("aws:scheduler/schedule:Schedule")) {
        const expression = str(s.inputs.scheduleExpression) ?? "";
        let fires: number;
        try {
            fires = firesPer30Days(expression);
        } catch (error) {
            unpriced.push({ urn: s.urn, type: s.type, name: s.name, reason: (error as Error).message });
            continue;
        }
        scheduleFires.set(s.urn, fires);
        const f = functionByRef(s.inputs.target?.arn);
        if (!f) continue;
        const use = fnUse(f);
        use.scheduled += fires;
        const fnName = f.name;
        use.scheduledMs += fires * (SCHEDULED_RUN_MS[fnName] ?? DEFAULT_SCHEDULED_RUN_MS);
        use.traceEntries += fires;
        if (fnName.startsWith("ingest-")) {
            // One fetch per configured source of the function's channel (SOURCES_CONFIG, built by config/sources.ts).
            let feeds = 1;
            try {
                const channel = fnName.slice("ingest-".length) as SourceChannel;
                const sources = parseSourcesConfig(JSON.parse(str(f.inputs.environment?.variables?.SOURCES_CONFIG) ?? "{}"));
                feeds = Math.max(1, fetchesPerRun(sources, channel));
            } catch {
                feeds = 1;
            }
            ingestFetchWeight.set(f.urn, (ingestFetchWeight.get(f.urn) ?? 0) + fires * feeds);
        }
    }
    // New signals arrive through the ingest functions in proportion to the fetches each makes.
    const totalWeight = [...ingestFetchWeight.values()].reduce((a, b) => a + b, 0);
    for (const [urn, weight] of ingestFetchWeight) {
        const use = useOf.get(urn)!;
        use.fetches = totalWeight > 0 ? (t.fetches * weight) / totalWeight : 0;
        use.signals = totalWeight > 0 ? (t.signals * weight) / totalWeight : 0;
        use.scheduledMs += use.signals * INGEST_MS_PER_SIGNAL;
    }

    // ---- queues → event source mappings → functions ----
    const queues = ofType("aws:sqs/queue:Queue");
    const queueMessages = new Map<string, number>();
    const queueBatches = new Map<string, number>();
    const queuePollers = new Map<string, number>();
    for (const q of queues) queueMessages.set(q.urn, QUEUE_MESSAGES[q.name]?.(t) ?? 0);
    for (const m of ofType("aws:lambda/eventSourceMapping:EventSourceMapping")) {
        const q = queues.find((queue) => arnOf(queue) !== undefined && arnOf(queue) === m.inputs.eventSourceArn);
        if (!q) continue; // streams and other sources: nothing flows in this model
        const messages = queueMessages.get(q.urn) ?? 0;
        const batches = queueInvocations(
            messages,
            num(m.inputs.batchSize, DEFAULT_SQS_BATCH_SIZE),
            num(m.inputs.maximumBatchingWindowInSeconds),
        );
        queueBatches.set(q.urn, (queueBatches.get(q.urn) ?? 0) + batches);
        queuePollers.set(q.urn, (queuePollers.get(q.urn) ?? 0) + 1);
        const f = functionByRef(m.inputs.functionName);
        if (!f) continue;
        const use = fnUse(f);
        use.queueBatches += batches;
        use.queueMessages += messages;
        use.traceEntries += batches;
    }

    // ---- REST and HTTP APIs → functions ----
    const restStages = ofType("aws:apigateway/stage:Stage");
    const v2Apis = ofType("aws:apigatewayv2/api:Api");
    const v2Stages = ofType("aws:apigatewayv2/stage:Stage");
    const apiOfV2Stage = (s: RecordedResource) => v2Apis.find((a) => idOf(a) === s.inputs.apiId);
    const httpStages = v2Stages.filter((s) => apiOfV2Stage(s)?.inputs.protocolType === "HTTP");
    const wsStages = v2Stages.filter((s) => apiOfV2Stage(s)?.inputs.protocolType === "WEBSOCKET");
    const requestStages = restStages.length + httpStages.length;
    const stageRequests = requestStages > 0 ? t.apiRequests / requestStages : 0;
    /** Requests per Lambda-integrated method of each REST stage. */
    const restMethodRequests = new Map<string, number[]>();
    for (const stage of restStages) {
        const integrations = ofType("aws:apigateway/integration:Integration").filter(
            (i) => i.inputs.restApi === stage.inputs.restApi && functionByRef(i.inputs.uri),
        );
        const reads = integrations.filter((i) => i.inputs.httpMethod === "GET").length;
        const writes = integrations.length - reads;
        const readShare = reads === 0 ? 0 : writes === 0 ? 1 : API_READ_SHARE;
        const perMethod: number[] = [];
        for (const i of integrations) {
            const requests =
                i.inputs.httpMethod === "GET" ? (stageRequests * readShare) / reads : (stageRequests * (1 - readShare)) / writes;
            perMethod.push(requests);
            const use = fnUse(functionByRef(i.inputs.uri)!);
            use.api += requests;
            if (!stage.inputs.xrayTracingEnabled) use.traceEntries += requests;
        }
        restMethodRequests.set(stage.urn, perMethod);
        const authorizers = ofType("aws:apigateway/authorizer:Authorizer").filter((a) => a.inputs.restApi === stage.inputs.restApi);
        for (const a of authorizers) {
            const f = functionByRef(a.inputs.authorizerUri);
            if (f) fnUse(f).authorizer += stageRequests; // uncached: one call per request
        }
    }
    const v2Integrations = ofType("aws:apigatewayv2/integration:Integration");
    for (const stage of httpStages) {
        const integrations = v2Integrations.filter((i) => i.inputs.apiId === stage.inputs.apiId && functionByRef(i.inputs.integrationUri));
        for (const i of integrations) {
            const use = fnUse(functionByRef(i.inputs.integrationUri)!);
            use.api += stageRequests / integrations.length;
            use.traceEntries += stageRequests / integrations.length;
        }
    }
    const wsEventsPerStage = wsStages.length > 0 ? (2 * t.wsConnects + t.wsClientMessages) / wsStages.length : 0;
    for (const stage of wsStages) {
        const integrations = v2Integrations.filter((i) => i.inputs.apiId === stage.inputs.apiId && functionByRef(i.inputs.integrationUri));
        for (const i of integrations) {
            const use = fnUse(functionByRef(i.inputs.integrationUri)!);
            use.ws += wsEventsPerStage / integrations.length;
            use.traceEntries += wsEventsPerStage / integrations.length;
        }
        for (const a of ofType("aws:apigatewayv2/authorizer:Authorizer").filter((x) => x.inputs.apiId === stage.inputs.apiId)) {
            const f = functionByRef(a.inputs.authorizerUri);
            if (!f) continue;
            fnUse(f).authorizer += t.wsConnects / wsStages.length;
            fnUse(f).traceEntries += t.wsConnects / wsStages.length;
        }
    }

    // ---- per-function totals ----
    const invocationsOf = (u: FunctionUse) => u.scheduled + u.queueBatches + u.api + u.ws + u.authorizer;
    const workOf = (u: FunctionUse) => u.queueBatches + u.api + u.ws + u.authorizer + (t.signals > 0 ? u.scheduled : 0);
    const emfInvocations = (f: RecordedResource) => ((EMF_METRICS_BY_FUNCTION[f.name] ?? 0) > 0 ? workOf(fnUse(f)) : 0);
    const coldOf = new Map<string, number>();
    for (const f of functions) coldOf.set(f.urn, coldStarts(invocationsOf(fnUse(f))));

    // ---- log groups: who writes how much ----
    const logGroups = ofType("aws:cloudwatch/logGroup:LogGroup");
    const logGroupName = (g: RecordedResource) => str(g.inputs.name) ?? str(g.outputs.name) ?? g.name;
    const logUse = new Map<string, LogUse>();
    const addLog = (name: string | undefined, bytes: number, vended: boolean, source: string) => {
        if (!name) return;
        const use = logUse.get(name) ?? { bytes: 0, vended, sources: [] };
        use.bytes += bytes;
        use.sources.push(source);
        logUse.set(name, use);
    };
    for (const f of functions) {
        const u = fnUse(f);
        const invocations = invocationsOf(u);
        const name = str(f.inputs.loggingConfig?.logGroup) ?? `/aws/lambda/${str(f.inputs.name) ?? str(f.outputs.name) ?? f.name}`;
        addLog(
            name,
            invocations * usage.logBytesPerInvocation + emfInvocations(f) * EMF_BYTES_PER_INVOCATION,
            false,
            `${fmtNumber(invocations)} invocations × ${fmtNumber(usage.logBytesPerInvocation)} B${emfInvocations(f) > 0 ? ` + ${fmtNumber(emfInvocations(f))} × ${EMF_BYTES_PER_INVOCATION} B EMF` : ""} from ${f.name}`,
        );
    }
    for (const stage of restStages) {
        const name = logGroupNameOfArn(str(stage.inputs.accessLogSettings?.destinationArn));
        addLog(
            name,
            stageRequests * ACCESS_LOG_BYTES_PER_REQUEST,
            false,
            `${fmtNumber(stageRequests)} requests × ${ACCESS_LOG_BYTES_PER_REQUEST} B access log of ${stage.name}`,
        );
    }
    for (const stage of [...httpStages, ...wsStages]) {
        const events = httpStages.includes(stage) ? stageRequests : wsEventsPerStage;
        const name = logGroupNameOfArn(str(stage.inputs.accessLogSettings?.destinationArn));
        addLog(
            name,
            events * ACCESS_LOG_BYTES_PER_REQUEST,
            false,
            `${fmtNumber(events)} events × ${ACCESS_LOG_BYTES_PER_REQUEST} B access log of ${stage.name}`,
        );
    }

    // ---- WAF ----
    const webAcls = ofType("aws:wafv2/webAcl:WebAcl");
    const wafRequests = new Map<string, number>();
    for (const acl of webAcls) {
        const associations = ofType("aws:wafv2/webAclAssociation:WebAclAssociation").filter((a) => a.inputs.webAclArn === arnOf(acl));
        const stages = restStages.filter((s) => associations.some((a) => a.inputs.resourceArn === arnOf(s)));
        const requests = associations.length === 0 ? 0 : stages.length > 0 ? stages.length * stageRequests : t.apiRequests;
        wafRequests.set(acl.urn, requests);
        for (const logging of ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration").filter(
            (l) => l.inputs.resourceArn === arnOf(acl),
        )) {
            addLog(
                logGroupNameOfArn(str(arr(logging.inputs.logDestinationConfigs)[0])),
                requests * WAF_LOG_BYTES_PER_REQUEST,
                true,
                `${fmtNumber(requests)} requests × ${WAF_LOG_BYTES_PER_REQUEST} B WAF log of ${acl.name}`,
            );
        }
    }

    // ---- VPC: flow logs and NAT traffic ----
    const vpcFunctions = functions.filter(inVpc);
    const vpcInvocations = vpcFunctions.reduce((sum, f) => sum + invocationsOf(fnUse(f)), 0);
    for (const flowLog of ofType("aws:ec2/flowLog:FlowLog")) {
        if ((str(flowLog.inputs.logDestinationType) ?? "cloud-watch-logs") !== "cloud-watch-logs") continue;
        addLog(
            logGroupNameOfArn(str(flowLog.inputs.logDestination)),
            vpcInvocations * FLOW_LOG_BYTES_PER_VPC_INVOCATION,
            true,
            `${fmtNumber(vpcInvocations)} invocations of VPC functions × ${FLOW_LOG_BYTES_PER_VPC_INVOCATION} B flow records`,
        );
    }
    let natBytes = 0;
    for (const f of vpcFunctions) {
        const u = fnUse(f);
        natBytes += u.fetches * usage.rawPayloadBytesPerFetch + invocationsOf(u) * NAT_BYTES_PER_VPC_INVOCATION;
        if (f.name === "score") natBytes += u.queueMessages * NAT_BYTES_PER_SIGNAL;
    }

    // ---- DynamoDB ----
    const tables = ofType("aws:dynamodb/table:Table");
    const tableUse = new Map<string, TableUse>();
    for (const table of tables) {
        const itemBytes = table.name === "signals" ? usage.avgSignalBytes : (TABLE_ITEM_BYTES[table.name] ?? DEFAULT_ITEM_BYTES);
        const access = TABLE_ACCESS[table.name]?.(t, usage) ?? { puts: 0, updates: 0, deletes: 0, ttlExpirations: 0, reads: [] };
        const gsis = arr<{ name: string; projectionType?: string }>(table.inputs.globalSecondaryIndexes);
        const itemWru = Math.ceil(itemBytes / 1024);
        const use: TableUse = {
            wruBase: (access.puts + access.updates + access.deletes) * itemWru,
            wruIndexes: new Map(),
            rruBase: 0,
            rruIndexes: new Map(),
            writeBytes: (access.puts + access.updates + access.deletes + access.ttlExpirations) * itemBytes,
            ttlWru: access.ttlExpirations * itemWru,
            baseGb: table.name === "signals" ? usage.tableGbStart : 0,
            indexGb: new Map(),
        };
        for (const gsi of gsis) {
            const all = gsi.projectionType === "ALL";
            // A put or delete touches every index; an update of non-key attributes only the indexes that project them.
            const entryWru = all ? itemWru : 1;
            use.wruIndexes.set(gsi.name, (access.puts + access.deletes) * entryWru + (all ? access.updates * entryWru : 0));
            use.indexGb.set(gsi.name, all ? use.baseGb : (use.baseGb * KEYS_ONLY_INDEX_ENTRY_BYTES) / itemBytes);
        }
        for (const read of access.reads) {
            if (read.index && gsis.some((g) => g.name === read.index))
                use.rruIndexes.set(read.index, (use.rruIndexes.get(read.index) ?? 0) + read.rru);
            else use.rruBase += read.rru;
        }
        tableUse.set(table.urn, use);
    }

    // ---- S3 ----
    const buckets = ofType("aws:s3/bucket:Bucket");
    const bucketName = (b: RecordedResource) => str(b.outputs.bucket) ?? str(b.inputs.bucket) ?? idOf(b) ?? b.name;
    const bucketByPhysical = (name: unknown) => buckets.find((b) => bucketName(b) === name);
    const bucketUse = new Map<string, BucketUse>();
    const fuseBatches =
        sum(functions.filter((f) => f.name === "fuse").map((f) => fnUse(f).queueBatches)) || t.fused / DEFAULT_SQS_BATCH_SIZE;
    const evaluateRuns = t.signals > 0 ? sum(functions.filter((f) => f.name === "evaluate").map((f) => fnUse(f).scheduled)) : 0;
    const BUCKET_TRAFFIC: Record<string, () => Omit<BucketUse, "basis" | "startBytes"> & { basis: string }> = {
        "raw-data": () => ({
            puts: t.rawObjects,
            gets: 0,
            newBytes: t.rawObjects * usage.rawPayloadBytesPerFetch,
            objectBytes: usage.rawPayloadBytesPerFetch,
            basis: `one raw object per fetch with new items: min(${fmtNumber(t.fetches)} fetches, ${fmtNumber(t.signals)} signals)`,
        }),
        // lambdas/app/score.ts writes one record per signal, keyed like the signal (GDPR erasure deletes it by that key).
        features: () => ({
            puts: t.signals,
            gets: 0,
            newBytes: t.signals * FEATURE_BYTES_PER_SIGNAL,
            objectBytes: FEATURE_BYTES_PER_SIGNAL,
            basis: `one features object per scored signal (${fmtNumber(t.signals)})`,
        }),
        "curated-data": () => ({
            puts: fuseBatches,
            gets: 0,
            newBytes: t.fused * CURATED_BYTES_PER_CANDIDATE,
            objectBytes: (t.fused * CURATED_BYTES_PER_CANDIDATE) / Math.max(fuseBatches, 1),
            basis: `one curated object per fuse batch (${fmtNumber(fuseBatches)})`,
        }),
        eval: () => ({
            puts: evaluateRuns,
            gets: evaluateRuns,
            newBytes: evaluateRuns * 64 * 1024,
            objectBytes: 64 * 1024,
            basis: "one report per evaluation run",
        }),
        backtests: () => ({
            puts: evaluateRuns / 7,
            gets: evaluateRuns / 7,
            newBytes: (evaluateRuns / 7) * 1024 * 1024,
            objectBytes: 1024 * 1024,
            basis: "weekly backtest",
        }),
    };
    for (const b of buckets) {
        const traffic = BUCKET_TRAFFIC[b.name]?.() ?? { puts: 0, gets: 0, newBytes: 0, objectBytes: 0, basis: "" };
        bucketUse.set(b.urn, {
            ...traffic,
            // The data already stored is the raw archive (the bulk of it).
            startBytes: b.name === "raw-data" ? usage.storedGbStart * BYTES_PER_GB : 0,
            basis: traffic.basis ? [traffic.basis] : [],
        });
    }

    // ---- KMS requests ----
    const keys = ofType("aws:kms/key:Key");
    const kmsRequests = new Map<string, { requests: number; basis: string[] }>();
    const keyFor = (r: RecordedResource, explicitArn?: string) => {
        if (explicitArn) return keys.find((k) => arnOf(k) === explicitArn || idOf(k) === explicitArn);
        const text = JSON.stringify(r.inputs);
        return keys.find((k) => (arnOf(k) && text.includes(arnOf(k)!)) || (idOf(k) && text.includes(idOf(k)!)));
    };
    const useKms = (r: RecordedResource, requests: number, why: string, explicitArn?: string) => {
        if (requests <= 0) return;
        const key = keyFor(r, explicitArn);
        if (!key) return;
        const entry = kmsRequests.get(key.urn) ?? { requests: 0, basis: [] };
        entry.requests += requests;
        entry.basis.push(`${r.name}: ${fmtNumber(requests)} (${why})`);
        kmsRequests.set(key.urn, entry);
    };
    for (const q of queues) {
        if ((queueMessages.get(q.urn) ?? 0) > 0 && q.inputs.kmsMasterKeyId) {
            useKms(
                q,
                (2 * SECONDS_PER_MONTH) / num(q.inputs.kmsDataKeyReusePeriodSeconds, 300),
                "data key per producer and consumer per reuse period",
            );
        }
    }
    for (const table of tables) {
        const u = tableUse.get(table.urn)!;
        const active = u.wruBase + u.rruBase + sum(u.rruIndexes.values()) > 0;
        if (active)
            useKms(table, KMS_REQUESTS_PER_ACTIVE_RESOURCE, "table key cached 5 min", str(table.inputs.serverSideEncryption?.kmsKeyArn));
        for (const replica of arr(table.inputs.replicas)) {
            if (u.wruBase > 0) useKms(table, KMS_REQUESTS_PER_ACTIVE_RESOURCE, "replica table key cached 5 min", str(replica.kmsKeyArn));
        }
    }
    for (const sse of ofType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")) {
        const b = bucketByPhysical(sse.inputs.bucket);
        const u = b ? bucketUse.get(b.urn) : undefined;
        const keyArn = str(arr(sse.inputs.rules)[0]?.applyServerSideEncryptionByDefault?.kmsMasterKeyId);
        if (u && keyArn && u.puts + u.gets > 0) useKms(sse, KMS_REQUESTS_PER_ACTIVE_RESOURCE, "S3 Bucket Key cached 5 min", keyArn);
    }
    for (const f of functions)
        if (f.inputs.kmsKeyArn) useKms(f, coldOf.get(f.urn)!, "environment decrypted per cold start", str(f.inputs.kmsKeyArn));
    for (const s of ofType("aws:scheduler/schedule:Schedule")) {
        if (s.inputs.kmsKeyArn) useKms(s, scheduleFires.get(s.urn) ?? 0, "schedule decrypted per invocation", str(s.inputs.kmsKeyArn));
    }
    const secrets = ofType("aws:secretsmanager/secret:Secret");
    const secretCalls = new Map<string, number>();
    for (const secret of secrets) {
        const arn = arnOf(secret);
        const readers = functions.filter((f) => arn && JSON.stringify(f.inputs.environment ?? {}).includes(arn));
        // Handlers read their secret once per execution environment.
        const calls = sum(readers.map((f) => coldOf.get(f.urn)!));
        secretCalls.set(secret.urn, calls);
        if (secret.inputs.kmsKeyId) useKms(secret, calls, "GetSecretValue decrypts", str(secret.inputs.kmsKeyId));
    }
    const topics = ofType("aws:sns/topic:Topic");
    const alarmTargets = JSON.stringify(
        [...ofType("aws:cloudwatch/metricAlarm:MetricAlarm"), ...ofType("aws:cloudwatch/compositeAlarm:CompositeAlarm")].map(
            (a) => a.inputs.alarmActions,
        ),
    );
    const topicPublishes = new Map<string, number>();
    for (const topic of topics) {
        const publishes = arnOf(topic) && alarmTargets.includes(arnOf(topic)!) ? ALARM_NOTIFICATIONS_PER_MONTH : 0;
        topicPublishes.set(topic.urn, publishes);
        if (topic.inputs.kmsMasterKeyId) useKms(topic, publishes, "per publish", str(topic.inputs.kmsMasterKeyId));
    }
    const replications = ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
    for (const rep of replications) {
        const source = bucketByPhysical(rep.inputs.bucket);
        const u = source ? bucketUse.get(source.urn) : undefined;
        for (const rule of arr(rep.inputs.rules)) {
            const keyArn = str(rule.destination?.encryptionConfiguration?.replicaKmsKeyId);
            if (u && keyArn && u.puts > 0) useKms(rep, KMS_REQUESTS_PER_ACTIVE_RESOURCE, "replica Bucket Key cached 5 min", keyArn);
        }
    }

    // ---- CloudTrail: events, its log group and its bucket ----
    const trails = ofType("aws:cloudtrail/trail:Trail");
    const totalKms = sum([...kmsRequests.values()].map((k) => k.requests));
    const totalCold = sum(coldOf.values());
    const totalFires = sum(scheduleFires.values());
    const managementEvents = trails.length > 0 ? totalKms + totalCold + totalFires + sum(secretCalls.values()) : 0;
    const trailDataEvents = new Map<string, { events: number; basis: string[] }>();
    for (const trail of trails) {
        const data = { events: 0, basis: [] as string[] };
        for (const selector of arr(trail.inputs.eventSelectors)) {
            const mode = str(selector.readWriteType) ?? "All";
            for (const resource of arr(selector.dataResources)) {
                for (const value of arr<string>(resource.values)) {
                    if (resource.type === "AWS::S3::Object") {
                        const b = bucketByPhysical(bucketNameOfArn(value));
                        const u = b ? bucketUse.get(b.urn) : undefined;
                        if (!u) continue;
                        const events = (mode !== "ReadOnly" ? u.puts : 0) + (mode !== "WriteOnly" ? u.gets : 0);
                        data.events += events;
                        if (events > 0) data.basis.push(`${b!.name} ${fmtNumber(events)}`);
                    } else if (resource.type === "AWS::Lambda::Function") {
                        const f = functionByRef(value);
                        const targets = f ? [f] : value.endsWith(":") || value === "arn:aws:lambda" ? functions : [];
                        for (const target of targets) data.events += invocationsOf(fnUse(target));
                    }
                }
            }
        }
        if (arr(trail.inputs.advancedEventSelectors).length > 0) {
            unpriced.push({
                urn: trail.urn,
                type: trail.type,
                name: trail.name,
                reason: "advancedEventSelectors are not modelled (data events may be missing)",
            });
        }
        trailDataEvents.set(trail.urn, data);
        const events = managementEvents + data.events;
        addLog(
            logGroupNameOfArn(str(trail.inputs.cloudWatchLogsGroupArn)),
            events * CLOUDTRAIL_EVENT_BYTES,
            false,
            `${fmtNumber(events)} trail events × ${CLOUDTRAIL_EVENT_BYTES} B`,
        );
        const auditBucket = bucketByPhysical(trail.inputs.s3BucketName);
        if (auditBucket) {
            const u = bucketUse.get(auditBucket.urn)!;
            u.puts += CLOUDTRAIL_FILES_PER_MONTH;
            u.newBytes += events * CLOUDTRAIL_EVENT_BYTES * CLOUDTRAIL_GZIP_RATIO;
            u.objectBytes = (events * CLOUDTRAIL_EVENT_BYTES * CLOUDTRAIL_GZIP_RATIO) / CLOUDTRAIL_FILES_PER_MONTH;
            u.basis.push(`trail ${trail.name}: a gzip'd file every 5 minutes holding ${fmtNumber(events)} events`);
            if (trail.inputs.kmsKeyId) useKms(trail, CLOUDTRAIL_FILES_PER_MONTH, "data key per log file", str(trail.inputs.kmsKeyId));
        }
    }
    // S3 server access logs: free delivery, stored in the target bucket.
    for (const logging of ofType("aws:s3/bucketLogging:BucketLogging")) {
        const source = bucketByPhysical(logging.inputs.bucket);
        const target = bucketByPhysical(logging.inputs.targetBucket);
        if (!source || !target) continue;
        const s = bucketUse.get(source.urn)!;
        const requests = s.puts + s.gets;
        if (requests <= 0) continue;
        const u = bucketUse.get(target.urn)!;
        u.newBytes += requests * S3_ACCESS_LOG_BYTES_PER_REQUEST;
        u.basis.push(`access logs of ${source.name}: ${fmtNumber(requests)} requests × ${S3_ACCESS_LOG_BYTES_PER_REQUEST} B`);
    }
    for (const g of logGroups) {
        const u = logUse.get(logGroupName(g));
        if (u && u.bytes > 0 && g.inputs.kmsKeyId)
            useKms(g, KMS_REQUESTS_PER_ACTIVE_RESOURCE, "log group key cached 5 min", str(g.inputs.kmsKeyId));
    }

    // ---- pricing per resource ----
    const knownFree = prices.knownFree;
    const freeCounts = new Map<string, number>();
    const gb = (bytes: number) => bytes / BYTES_PER_GB;
    const firstProvisionedTarget = (resourceId: string, dimension: string) =>
        ofType("aws:appautoscaling/target:Target").find(
            (x) => x.inputs.resourceId === resourceId && x.inputs.scalableDimension === dimension,
        );
    let budgetIndex = 0;
    let natCountTotal = 0;
    const natCount = (vpc: RecordedResource) => {
        const strategy = str(vpc.inputs.natGateways?.strategy) ?? "OnePerAz";
        const azs = num(vpc.inputs.numberOfAvailabilityZones, arr(vpc.inputs.availabilityZoneNames).length || AWSX_DEFAULT_AZS);
        return strategy === "None" ? 0 : strategy === "Single" ? 1 : azs;
    };
    for (const vpc of ofType("awsx:ec2:Vpc")) natCountTotal += natCount(vpc);
    natCountTotal += ofType("aws:ec2/natGateway:NatGateway").filter(
        (n) => (str(n.inputs.connectivityType) ?? "public") === "public",
    ).length;
    const natShare = (count: number) => (natCountTotal > 0 ? (natBytes * count) / natCountTotal : 0);

    const pricers: Record<string, (r: RecordedResource) => void> = {
        "aws:lambda/function:Function": (f) => {
            const u = fnUse(f);
            const invocations = invocationsOf(u);
            const cold = coldOf.get(f.urn)!;
            const memoryGb = num(f.inputs.memorySize, 128) / 1024;
            const arm = arr(f.inputs.architectures).includes("arm64");
            const durationMs =
                u.scheduledMs +
                u.queueBatches * BATCH_BASE_MS +
                u.queueMessages * (MS_PER_MESSAGE[f.name] ?? DEFAULT_MS_PER_MESSAGE) +
                u.api * API_REQUEST_MS +
                u.ws * WEBSOCKET_EVENT_MS +
                u.authorizer * AUTHORIZER_MS +
                cold * INIT_MS;
            const parts = [
                u.scheduled && `${fmtNumber(u.scheduled)} scheduled`,
                u.queueBatches && `${fmtNumber(u.queueBatches)} queue batches`,
                u.api && `${fmtNumber(u.api)} API`,
                u.ws && `${fmtNumber(u.ws)} WebSocket`,
                u.authorizer && `${fmtNumber(u.authorizer)} authorizer`,
            ].filter(Boolean);
            charge(f, "lambda", "requests", "requests", invocations, parts.length ? parts.join(" + ") : "no trigger carries traffic");
            const gbSeconds = (durationMs / 1000) * memoryGb;
            charge(
                f,
                "lambda",
                arm ? "gbSecondArm64" : "gbSecondX86",
                "compute",
                gbSeconds,
                `${fmtNumber(durationMs / 1000)} s (incl. ${fmtNumber(cold)} cold starts × ${INIT_MS} ms init) × ${fmtNumber(memoryGb)} GB`,
            );
            const ephemeralMb = num(f.inputs.ephemeralStorage?.size, 512);
            if (ephemeralMb > 512) {
                charge(
                    f,
                    "lambda",
                    "ephemeralStorageGbSecond",
                    "ephemeral storage",
                    (durationMs / 1000) * ((ephemeralMb - 512) / 1024),
                    `${ephemeralMb - 512} MB above 512 MB`,
                );
            }
            if (traced(f))
                charge(
                    f,
                    "xray",
                    "tracesRecorded",
                    "traces",
                    tracesRecorded(u.traceEntries),
                    `sampled from ${fmtNumber(u.traceEntries)} trace-starting invocations`,
                );
            const work = workOf(u);
            const streams = EMF_METRICS_BY_FUNCTION[f.name] ?? 0;
            if (work > 0 && streams > 0) {
                charge(
                    f,
                    "cloudwatch",
                    "customMetric",
                    "EMF business metrics",
                    streams * hourlyPresence(work),
                    `${streams} metric stream(s) × ${fmtNumber(hourlyPresence(work))} of the hours with data`,
                );
            }
        },
        "aws:sqs/queue:Queue": (q) => {
            const messages = queueMessages.get(q.urn) ?? 0;
            const batches = queueBatches.get(q.urn) ?? 0;
            const pollers = queuePollers.get(q.urn) ?? 0;
            const polls = pollers * POLLERS_PER_EVENT_SOURCE * (SECONDS_PER_MONTH / LONG_POLL_SECONDS);
            const receives = pollers > 0 ? Math.max(polls, batches) : 0;
            const sends = messages / SEND_BATCH_ENTRIES;
            charge(
                q,
                "sqs",
                q.inputs.fifoQueue ? "fifoRequests" : "standardRequests",
                "requests",
                sends + receives + batches,
                `${fmtNumber(messages)} messages: ${fmtNumber(sends)} sends + ${fmtNumber(receives)} receives (${pollers > 0 ? `${POLLERS_PER_EVENT_SOURCE} long-polling pollers per event source, billed even when empty` : "no consumer"}) + ${fmtNumber(batches)} deletes`,
            );
        },
        "aws:dynamodb/table:Table": (table) => {
            const u = tableUse.get(table.urn)!;
            const gsis = arr<{ name: string; readCapacity?: number; writeCapacity?: number }>(table.inputs.globalSecondaryIndexes);
            const wruTotal = u.wruBase + sum(u.wruIndexes.values());
            const rruTotal = u.rruBase + sum(u.rruIndexes.values());
            if (table.inputs.billingMode === "PROVISIONED") {
                const physical = str(table.outputs.name) ?? idOf(table) ?? table.name;
                const capacity = (configured: number, unitsPerMonth: number, resourceId: string, dimension: string) => {
                    const target = firstProvisionedTarget(resourceId, dimension);
                    const minimum = num(target?.inputs.minCapacity, configured);
                    const needed = Math.ceil(unitsPerMonth / SECONDS_PER_MONTH / TARGET_UTILIZATION);
                    const max = target ? num(target.inputs.maxCapacity, Infinity) : minimum;
                    const units = Math.min(Math.max(minimum, needed), Math.max(max, minimum));
                    const note =
                        needed > units ? ` (needs ${needed}: throttles at the ${target ? "auto-scaling maximum" : "fixed capacity"})` : "";
                    return { units, note };
                };
                const holders = [
                    {
                        label: "table",
                        id: `table/${physical}`,
                        kind: "table",
                        r: num(table.inputs.readCapacity),
                        w: num(table.inputs.writeCapacity),
                        rru: u.rruBase,
                        wru: u.wruBase,
                    },
                    ...gsis.map((g) => ({
                        label: `index ${g.name}`,
                        id: `table/${physical}/index/${g.name}`,
                        kind: "index",
                        r: num(g.readCapacity),
                        w: num(g.writeCapacity),
                        rru: u.rruIndexes.get(g.name) ?? 0,
                        wru: u.wruIndexes.get(g.name) ?? 0,
                    })),
                ];
                for (const h of holders) {
                    const read = capacity(h.r, h.rru, h.id, `dynamodb:${h.kind}:ReadCapacityUnits`);
                    const write = capacity(h.w, h.wru, h.id, `dynamodb:${h.kind}:WriteCapacityUnits`);
                    charge(
                        table,
                        "dynamodb",
                        "provisionedRcuHour",
                        `${h.label} read capacity`,
                        read.units * HOURS_PER_MONTH,
                        `${read.units} RCU × ${HOURS_PER_MONTH} h${read.note}`,
                    );
                    charge(
                        table,
                        "dynamodb",
                        "provisionedWcuHour",
                        `${h.label} write capacity`,
                        write.units * HOURS_PER_MONTH,
                        `${write.units} WCU × ${HOURS_PER_MONTH} h${write.note}`,
                    );
                }
            } else {
                charge(
                    table,
                    "dynamodb",
                    "onDemandWrites",
                    "writes",
                    wruTotal,
                    `${fmtNumber(u.wruBase)} table + ${fmtNumber(wruTotal - u.wruBase)} GSI write units`,
                );
                charge(
                    table,
                    "dynamodb",
                    "onDemandReads",
                    "reads",
                    rruTotal,
                    `${fmtNumber(u.rruBase)} table + ${fmtNumber(rruTotal - u.rruBase)} GSI read units, eventually consistent`,
                );
            }
            const storageGb = u.baseGb + sum(u.indexGb.values());
            charge(
                table,
                "dynamodb",
                "storage",
                "storage",
                storageGb,
                `${fmtNumber(u.baseGb)} GB table + ${fmtNumber(storageGb - u.baseGb)} GB GSIs`,
            );
            if (table.inputs.pointInTimeRecovery?.enabled)
                charge(table, "dynamodb", "pitr", "point-in-time recovery", u.baseGb, "table size");
            const replicas = arr(table.inputs.replicas);
            if (replicas.length > 0) {
                const n = replicas.length;
                charge(
                    table,
                    "dynamodb",
                    "replicatedWrites",
                    "replicated writes",
                    (wruTotal + u.ttlWru) * n,
                    `(${fmtNumber(wruTotal)} write units + ${fmtNumber(u.ttlWru)} TTL deletes) × ${n} replica${n > 1 ? "s" : ""}`,
                );
                charge(table, "dynamodb", "replicaStorage", "replica storage", storageGb * n, `${fmtNumber(storageGb)} GB × ${n}`);
                const pitrReplicas = replicas.filter((x) => x.pointInTimeRecovery).length;
                if (pitrReplicas > 0)
                    charge(
                        table,
                        "dynamodb",
                        "pitr",
                        "replica point-in-time recovery",
                        u.baseGb * pitrReplicas,
                        `${pitrReplicas} replica(s)`,
                    );
                charge(
                    table,
                    "dataTransfer",
                    "interRegion",
                    "replication transfer",
                    gb(u.writeBytes) * n,
                    `${fmtNumber(u.writeBytes)} B written × ${n}`,
                );
            }
        },
        "aws:s3/bucket:Bucket": (b) => {
            const u = bucketUse.get(b.urn)!;
            const replicaOf = replications.find((rep) => arr(rep.inputs.rules).some((rule) => rule.destination?.bucket === arnOf(b)));
            if (replicaOf) {
                const source = bucketByPhysical(replicaOf.inputs.bucket);
                const s = source ? bucketUse.get(source.urn)! : undefined;
                const rule = arr(replicaOf.inputs.rules).find((x) => x.destination?.bucket === arnOf(b));
                if (s) {
                    const bytes = s.startBytes + s.newBytes / 2;
                    if (rule?.destination?.storageClass === "STANDARD_IA") {
                        const factor = s.objectBytes > 0 ? Math.max(1, STANDARD_IA_MIN_OBJECT_BYTES / s.objectBytes) : 1;
                        charge(
                            b,
                            "s3",
                            "replicaStandardIaStorage",
                            "replica storage",
                            gb(bytes) * factor,
                            `${fmtNumber(gb(bytes))} GB replicated from ${source!.name}${factor > 1 ? ` × ${fmtNumber(factor)} (objects of ${fmtNumber(s.objectBytes)} B billed as 128 KB)` : ""}`,
                        );
                    } else {
                        charge(b, "s3", "standardStorage", "replica storage", gb(bytes), `replicated from ${source!.name}`);
                    }
                }
            }
            charge(
                b,
                "s3",
                "standardStorage",
                "storage",
                gb(u.startBytes + u.newBytes / 2),
                `${fmtNumber(gb(u.startBytes))} GB at the start + half of ${fmtNumber(gb(u.newBytes))} GB added in the month${u.basis.length ? `; ${u.basis.join("; ")}` : ""}`,
            );
            charge(b, "s3", "putRequests", "PUT requests", u.puts, u.basis[0] ?? "");
            if (u.gets > 0) charge(b, "s3", "getRequests", "GET requests", u.gets, "");
        },
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig": (rep) => {
            const source = bucketByPhysical(rep.inputs.bucket);
            const s = source ? bucketUse.get(source.urn) : undefined;
            for (const rule of arr(rep.inputs.rules).filter((x) => x.status !== "Disabled")) {
                const puts = s?.puts ?? 0;
                charge(
                    rep,
                    "dataTransfer",
                    "interRegion",
                    "replication transfer",
                    gb(s?.newBytes ?? 0),
                    `new objects of ${source?.name ?? rep.inputs.bucket}`,
                );
                charge(
                    rep,
                    "s3",
                    rule.destination?.storageClass === "STANDARD_IA" ? "replicaStandardIaPutRequests" : "putRequests",
                    "replication PUTs",
                    puts,
                    "one per replicated object",
                );
            }
        },
        "aws:kms/key:Key": (k) => {
            charge(
                k,
                "kms",
                "keyMonth",
                "key",
                1,
                k.inputs.enableKeyRotation ? "rotation adds 1 USD/month after each of the first two yearly rotations" : "",
            );
            const requests = kmsRequests.get(k.urn);
            charge(
                k,
                "kms",
                "requests",
                "requests",
                requests?.requests ?? 0,
                requests
                    ? requests.basis.slice(0, 6).join("; ") + (requests.basis.length > 6 ? `; +${requests.basis.length - 6} more` : "")
                    : "no active consumer",
            );
        },
        "aws:secretsmanager/secret:Secret": (secret) => {
            const copies = 1 + arr(secret.inputs.replicas).length;
            charge(secret, "secretsManager", "secretMonth", "secret", copies, copies > 1 ? `primary + ${copies - 1} replica(s)` : "");
            charge(
                secret,
                "secretsManager",
                "apiCalls",
                "API calls",
                secretCalls.get(secret.urn) ?? 0,
                "one GetSecretValue per cold start of each reader",
            );
        },
        "aws:cloudwatch/metricAlarm:MetricAlarm": (alarm) => {
            const queries = arr(alarm.inputs.metricQueries);
            const metrics = queries.length > 0 ? queries.filter((q) => q.metric).length : 1;
            const period =
                queries.length > 0
                    ? Math.min(...queries.filter((q) => q.metric).map((q) => num(q.metric.period, 60)))
                    : num(alarm.inputs.period, 60);
            const highResolution = period < 60;
            charge(
                alarm,
                "cloudwatch",
                highResolution ? "highResolutionAlarmMetric" : "standardAlarmMetric",
                "alarm",
                metrics,
                queries.length > 0
                    ? `metric math over ${metrics} metric(s)`
                    : `${alarm.inputs.namespace ?? ""} ${alarm.inputs.metricName ?? ""}`.trim(),
            );
        },
        "aws:cloudwatch/compositeAlarm:CompositeAlarm": (alarm) => charge(alarm, "cloudwatch", "compositeAlarm", "composite alarm", 1, ""),
        "aws:cloudwatch/dashboard:Dashboard": (d) => charge(d, "cloudwatch", "dashboard", "dashboard", 1, ""),
        "aws:cloudwatch/logGroup:LogGroup": (g) => {
            const u = logUse.get(logGroupName(g)) ?? { bytes: 0, vended: false, sources: [] };
            const infrequent = g.inputs.logGroupClass === "INFREQUENT_ACCESS";
            charge(
                g,
                "cloudwatch",
                u.vended ? "vendedLogsIngestion" : infrequent ? "logsIngestionInfrequentAccess" : "logsIngestion",
                "ingestion",
                gb(u.bytes),
                u.sources.join("; ") || "nothing writes to it in this model",
            );
            const retention = num(g.inputs.retentionInDays, 0);
            const months = retention > 0 ? retention / DAYS_PER_MONTH : UNLIMITED_RETENTION_MONTHS;
            charge(
                g,
                "cloudwatch",
                "logsStorage",
                "storage",
                gb(u.bytes) * LOG_STORAGE_COMPRESSION * months,
                `steady state: ${fmtNumber(months)} months of ingestion × ${LOG_STORAGE_COMPRESSION} compression${retention > 0 ? "" : " (no retention set)"}`,
            );
        },
        "aws:cloudwatch/queryDefinition:QueryDefinition": (q) => {
            const names = arr<string>(q.inputs.logGroupNames);
            const bytes = sum(names.map((n) => logUse.get(n)?.bytes ?? 0));
            charge(
                q,
                "cloudwatch",
                "logsInsightsScanned",
                "Logs Insights scans",
                gb(bytes) * usage.logsInsightsScanFactor,
                `${usage.logsInsightsScanFactor} × ${fmtNumber(gb(bytes))} GB ingested by ${names.length} log group(s)`,
            );
        },
        "aws:scheduler/schedule:Schedule": (s) => {
            if (!scheduleFires.has(s.urn)) return; // unreadable expression: reported as unpriced above
            charge(
                s,
                "scheduler",
                "invocations",
                "invocations",
                scheduleFires.get(s.urn) ?? 0,
                `${s.inputs.scheduleExpression} fires ${fmtNumber(scheduleFires.get(s.urn) ?? 0)} times per 30 days`,
            );
        },
        "aws:cognito/userPool:UserPool": (pool) => {
            const tier = str(pool.inputs.userPoolTier) ?? "ESSENTIALS";
            const key = tier === "PLUS" ? "plusMau" : tier === "LITE" ? "liteMau" : "essentialsMau";
            charge(pool, "cognito", key, "monthly active users", t.mau, `${tier} tier`);
        },
        "aws:wafv2/webAcl:WebAcl": (acl) => {
            const rules = arr(acl.inputs.rules).length;
            charge(acl, "waf", "webAclMonth", "web ACL", 1, "");
            charge(acl, "waf", "ruleMonth", "rules", rules, "AWS managed rule groups count as one rule each and carry no subscription fee");
            charge(acl, "waf", "requests", "requests", wafRequests.get(acl.urn) ?? 0, "REST requests of the associated stage");
        },
        "awsx:ec2:Vpc": (vpc) => {
            const nats = natCount(vpc);
            const strategy = str(vpc.inputs.natGateways?.strategy) ?? "OnePerAz";
            if (nats > 0) {
                charge(
                    vpc,
                    "vpc",
                    "natGatewayHour",
                    "NAT gateways",
                    nats * HOURS_PER_MONTH,
                    `${nats} NAT gateway(s) (${strategy}) × ${HOURS_PER_MONTH} h`,
                );
                charge(
                    vpc,
                    "vpc",
                    "publicIpv4Hour",
                    "NAT Elastic IPs",
                    nats * HOURS_PER_MONTH,
                    `${nats} public IPv4 address(es) × ${HOURS_PER_MONTH} h`,
                );
                charge(
                    vpc,
                    "vpc",
                    "natGatewayProcessed",
                    "NAT data processed",
                    gb(natShare(nats)),
                    `feeds fetched (${fmtNumber(usage.rawPayloadBytesPerFetch)} B per fetch), model-provider calls (${NAT_BYTES_PER_SIGNAL} B per signal) and AWS API calls without an interface endpoint (${NAT_BYTES_PER_VPC_INVOCATION} B per invocation)`,
                );
            }
            const azs = num(vpc.inputs.numberOfAvailabilityZones, AWSX_DEFAULT_AZS);
            const interfaces = arr(vpc.inputs.vpcEndpointSpecs).filter((e) => e.vpcEndpointType === "Interface");
            if (interfaces.length > 0) {
                charge(
                    vpc,
                    "vpc",
                    "interfaceEndpointHour",
                    "interface endpoints",
                    interfaces.length * azs * HOURS_PER_MONTH,
                    `${interfaces.length} endpoint(s) × ${azs} AZs × ${HOURS_PER_MONTH} h`,
                );
            }
        },
        "aws:ec2/natGateway:NatGateway": (nat) => {
            if ((str(nat.inputs.connectivityType) ?? "public") !== "public") {
                charge(nat, "vpc", "natGatewayHour", "NAT gateway (private)", HOURS_PER_MONTH, "");
                return;
            }
            charge(nat, "vpc", "natGatewayHour", "NAT gateway", HOURS_PER_MONTH, "");
            charge(
                nat,
                "vpc",
                "natGatewayProcessed",
                "NAT data processed",
                gb(natShare(1)),
                "share of the VPC functions' outbound traffic",
            );
        },
        "aws:ec2/eip:Eip": (eip) => charge(eip, "vpc", "publicIpv4Hour", "public IPv4 address", HOURS_PER_MONTH, ""),
        "aws:ec2/vpcEndpoint:VpcEndpoint": (endpoint) => {
            if ((str(endpoint.inputs.vpcEndpointType) ?? "Gateway") !== "Interface") {
                charge(endpoint, "vpc", "interfaceEndpointHour", "gateway endpoint (free)", 0, "gateway endpoints (S3, DynamoDB) are free");
                return;
            }
            const azs = Math.max(1, arr(endpoint.inputs.subnetIds).length);
            charge(
                endpoint,
                "vpc",
                "interfaceEndpointHour",
                "interface endpoint",
                azs * HOURS_PER_MONTH,
                `${azs} AZ(s) × ${HOURS_PER_MONTH} h`,
            );
        },
        "aws:backup/plan:Plan": (plan) => {
            const selections = ofType("aws:backup/selection:Selection").filter((s) => s.inputs.planId === idOf(plan));
            const selected = tables.filter((table) => selections.some((s) => arr<string>(s.inputs.resources).includes(arnOf(table) ?? "")));
            const tableGb = sum(selected.map((table) => tableUse.get(table.urn)!.baseGb));
            for (const rule of arr(plan.inputs.rules)) {
                let fires = DAYS_PER_MONTH;
                try {
                    fires = firesPer30Days(str(rule.schedule) ?? "cron(0 5 ? * * *)");
                } catch {
                    fires = DAYS_PER_MONTH;
                }
                const keepDays = num(rule.lifecycle?.deleteAfter, UNLIMITED_RETENTION_MONTHS * DAYS_PER_MONTH);
                const copies = (fires / DAYS_PER_MONTH) * keepDays;
                charge(
                    plan,
                    "backup",
                    "dynamodbWarmStorage",
                    `${rule.ruleName ?? "rule"} recovery points`,
                    tableGb * copies,
                    `${selected.length} table(s) of ${fmtNumber(tableGb)} GB × ${fmtNumber(copies)} full backups kept (${keepDays} days)`,
                );
                for (const copy of arr(rule.copyActions)) {
                    const copyDays = num(copy.lifecycle?.deleteAfter, keepDays);
                    charge(
                        plan,
                        "backup",
                        "crossRegionCopy",
                        "cross-region copies",
                        tableGb * fires,
                        `${fmtNumber(fires)} copies of ${fmtNumber(tableGb)} GB`,
                    );
                    charge(
                        plan,
                        "backup",
                        "dynamodbWarmStorage",
                        "copied recovery points",
                        tableGb * (fires / DAYS_PER_MONTH) * copyDays,
                        `in the copy vault for ${copyDays} days (priced at this region's rate)`,
                    );
                }
            }
        },
        "aws:cloudtrail/trail:Trail": (trail) => {
            const data = trailDataEvents.get(trail.urn)!;
            charge(
                trail,
                "cloudtrail",
                "dataEvents",
                "data events",
                data.events,
                data.basis.length ? `S3 object events: ${data.basis.join(", ")}` : "no selected data events",
            );
            charge(
                trail,
                "cloudtrail",
                "additionalManagementEvents",
                "management events",
                managementEvents,
                "first copy of management events is free (a second trail in this account would pay the listed price)",
                { unitPriceUsd: 0 },
            );
        },
        "aws:budgets/budget:Budget": (budget) => {
            const free = budgetIndex < FREE_BUDGETS_PER_ACCOUNT;
            budgetIndex++;
            charge(
                budget,
                "budgets",
                "budgetDay",
                "budget",
                free ? 0 : DAYS_PER_MONTH,
                free ? `within the account's first ${FREE_BUDGETS_PER_ACCOUNT} budgets (assumes no other budget in the account)` : "",
            );
        },
        "aws:sns/topic:Topic": (topic) => {
            const publishes = topicPublishes.get(topic.urn) ?? 0;
            const emails = ofType("aws:sns/topicSubscription:TopicSubscription").filter(
                (s) => s.inputs.topic === arnOf(topic) && s.inputs.protocol === "email",
            ).length;
            charge(
                topic,
                "sns",
                "publishes",
                "publishes",
                publishes,
                publishes ? `${ALARM_NOTIFICATIONS_PER_MONTH} alarm notifications` : "",
            );
            charge(topic, "sns", "emailNotifications", "e-mail notifications", publishes * emails, `${emails} e-mail subscription(s)`);
        },
        "aws:apigateway/stage:Stage": (stage) => {
            charge(stage, "apiGateway", "restRequests", "requests", stageRequests, `${fmtNumber(usage.apiCallsPerDay)} API calls per day`);
            const settings = ofType("aws:apigateway/methodSettings:MethodSettings").filter(
                (m) =>
                    m.inputs.restApi === stage.inputs.restApi &&
                    m.inputs.stageName === stage.inputs.stageName &&
                    m.inputs.settings?.metricsEnabled,
            );
            const methods = restMethodRequests.get(stage.urn) ?? [];
            if (settings.length > 0 && methods.length > 0) {
                const perMethod = REST_METRICS_PER_METHOD + (stage.inputs.cacheClusterEnabled ? 2 : 0);
                const metricMonths = sum(methods.map((requests) => perMethod * hourlyPresence(requests)));
                charge(
                    stage,
                    "cloudwatch",
                    "customMetric",
                    "detailed metrics",
                    metricMonths,
                    `${methods.length} Lambda methods × ${perMethod} metrics, each billed for the hours it has requests (GET methods get ${API_READ_SHARE * 100} % of the calls)`,
                );
            }
            if (stage.inputs.xrayTracingEnabled)
                charge(stage, "xray", "tracesRecorded", "traces", tracesRecorded(stageRequests), "default sampling rule");
            charge(
                stage,
                "dataTransfer",
                "internetOut",
                "responses",
                gb(stageRequests * API_RESPONSE_BYTES),
                `${API_RESPONSE_BYTES} B per response`,
            );
            if (stage.inputs.cacheClusterEnabled)
                unpriced.push({ urn: stage.urn, type: stage.type, name: stage.name, reason: "the stage cache cluster is not priced" });
        },
        "aws:apigatewayv2/stage:Stage": (stage) => {
            const api = apiOfV2Stage(stage);
            if (api?.inputs.protocolType === "HTTP") {
                charge(stage, "apiGateway", "httpRequests", "requests", stageRequests, "");
                charge(
                    stage,
                    "dataTransfer",
                    "internetOut",
                    "responses",
                    gb(stageRequests * API_RESPONSE_BYTES),
                    `${API_RESPONSE_BYTES} B per response`,
                );
                return;
            }
            const share = wsStages.length > 0 ? 1 / wsStages.length : 0;
            charge(
                stage,
                "apiGateway",
                "websocketMessages",
                "messages",
                (t.wsPushes + t.wsClientMessages) * share,
                `${fmtNumber(t.wsPushes)} pushes (dashboard updates × open connections) + ${fmtNumber(t.wsClientMessages)} client pings`,
            );
            charge(
                stage,
                "apiGateway",
                "websocketConnectionMinutes",
                "connection minutes",
                t.wsConnectionMinutes * share,
                `${fmtNumber(usage.websocketConnectionsAvg)} connections open on average`,
            );
            const routes = ofType("aws:apigatewayv2/route:Route").filter((r) => r.inputs.apiId === stage.inputs.apiId).length;
            if (stage.inputs.defaultRouteSettings?.detailedMetricsEnabled && routes > 0) {
                const presence = hourlyPresence(wsEventsPerStage / routes);
                charge(
                    stage,
                    "cloudwatch",
                    "customMetric",
                    "detailed metrics",
                    routes * WEBSOCKET_METRICS_PER_ROUTE * presence,
                    `${routes} routes × ${WEBSOCKET_METRICS_PER_ROUTE} metrics × ${fmtNumber(presence)} of the hours with events`,
                );
            }
            charge(
                stage,
                "dataTransfer",
                "internetOut",
                "pushes",
                gb(t.wsPushes * share * WEBSOCKET_PUSH_BYTES),
                `${WEBSOCKET_PUSH_BYTES} B per push`,
            );
        },
    };

    for (const r of resources) {
        const pricer = pricers[r.type];
        if (pricer) pricer(r);
        else if (knownFree[r.type] !== undefined || r.type.startsWith("pulumi:providers:"))
            freeCounts.set(r.type, (freeCounts.get(r.type) ?? 0) + 1);
        else if (!r.custom)
            continue; // a component: its children are the cloud resources
        else unpriced.push({ urn: r.urn, type: r.type, name: r.name, reason: "no price rule and not in the price file's knownFree list" });
    }

    // ---- totals ----
    const byResource = new Map<string, ResourceCost>();
    for (const item of items) {
        const entry = byResource.get(item.urn) ?? {
            urn: item.urn,
            type: item.type,
            name: item.name,
            monthlyUsd: 0,
            services: [],
            items: [],
        };
        entry.monthlyUsd += item.monthlyUsd;
        if (!entry.services.includes(item.service)) entry.services.push(item.service);
        entry.items.push(item);
        byResource.set(item.urn, entry);
    }
    const resourcesOut = [...byResource.values()].sort((a, b) => b.monthlyUsd - a.monthlyUsd || a.name.localeCompare(b.name));
    const byServiceMap = new Map<string, number>();
    for (const item of items) byServiceMap.set(item.service, (byServiceMap.get(item.service) ?? 0) + item.monthlyUsd);
    const byTypeMap = new Map<string, { count: number; monthlyUsd: number }>();
    for (const r of resourcesOut) {
        const entry = byTypeMap.get(r.type) ?? { count: 0, monthlyUsd: 0 };
        entry.count++;
        entry.monthlyUsd += r.monthlyUsd;
        byTypeMap.set(r.type, entry);
    }
    const totalUsd = sum(items.map((i) => i.monthlyUsd));
    const budgetUsd = config.monthlyBudgetUsd;

    notes.push(prices.freeTierNote);
    if (unpriced.length > 0) notes.push(`${unpriced.length} resource(s) are unpriced and NOT in the total.`);

    return {
        region: prices.region,
        pricesRetrievedOn: prices.retrievedOn,
        traffic: t,
        lineItems: items,
        resources: resourcesOut,
        byService: [...byServiceMap.entries()]
            .map(([service, monthlyUsd]) => ({ service, monthlyUsd }))
            .sort((a, b) => b.monthlyUsd - a.monthlyUsd),
        byType: [...byTypeMap.entries()].map(([type, v]) => ({ type, ...v })).sort((a, b) => b.monthlyUsd - a.monthlyUsd),
        totalUsd,
        budgetUsd,
        percentOfBudget: budgetUsd > 0 ? (totalUsd / budgetUsd) * 100 : Infinity,
        overBudget: totalUsd > budgetUsd,
        unpriced,
        free: [...freeCounts.entries()]
            .map(([type, count]) => ({ type, count, reason: knownFree[type] ?? "provider configuration, not a cloud resource" }))
            .sort((a, b) => a.type.localeCompare(b.type)),
        pricesUsed: [...pricesUsed.values()].sort((a, b) => a.service.localeCompare(b.service) || a.priceKey.localeCompare(b.priceKey)),
        notes,
    };
}
