/**
 * The usage profile of a cost projection: how much traffic and data one stack sees in a month.
 *
 * Every field has a default derived from the stack config — the fetch rate from the ingest schedules and the configured
 * sources, users per environment, log volume per log level — so `npm run cost -- --stack dev` needs no file. A usage
 * file (JSON or YAML) overrides single fields; `idle` means zero traffic and no stored data (what the resource graph
 * costs by itself), while the schedules still fire because they are part of the graph.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { z } from "zod";
import type { Environment, LogLevel, StackConfig } from "../../config/stackConfig";
import { RAW_DATA_RETENTION } from "../../stacks/data";

/** Every monthly figure is for a 30-day month. */
export const DAYS_PER_MONTH = 30;
export const HOURS_PER_MONTH = DAYS_PER_MONTH * 24;
export const MINUTES_PER_MONTH = HOURS_PER_MONTH * 60;
export const SECONDS_PER_MONTH = MINUTES_PER_MONTH * 60;
/** AWS bills storage and transfer in binary gigabytes. */
export const BYTES_PER_GB = 1024 ** 3;

// ---- assumptions behind the defaults ------------------------------------------------------------------------------

/** New signals per source fetch when nothing else is known: a feed poll usually brings a handful of new items. */
export const NEW_SIGNALS_PER_FETCH = 5;
/** Monthly active dashboard users per environment (developers in dev, testers in staging, analysts and approvers in prod). */
export const DASHBOARD_USERS: Record<Environment, number> = { dev: 3, staging: 5, prod: 25 };
/** REST calls per active user and day: the dashboard polls summaries and metrics while open. */
export const API_CALLS_PER_USER_DAY = 300;
/** Share of the users that have the live dashboard open at any moment (average WebSocket connections). */
export const OPEN_DASHBOARD_SHARE = 0.25;
/** WebSocket connects per user and day (page loads, reconnects after the 2-hour connection limit). */
export const WS_CONNECTS_PER_USER_DAY = 6;
/** Size of one signal item in DynamoDB (text excerpt, keys, scores). */
export const DEFAULT_AVG_SIGNAL_BYTES = 1024;
/** Raw response of one source fetch (an RSS page or a listing of posts), stored as one S3 object when it has new items. */
export const DEFAULT_RAW_PAYLOAD_BYTES_PER_FETCH = 64 * 1024;
/** Days a signal stays in DynamoDB before TTL removes it. */
export const DEFAULT_RETENTION_DAYS = 90;
/** Objects stay in S3 Standard/Intelligent-Tiering this long before the lifecycle moves them to Glacier. */
export const S3_STANDARD_DAYS = 90;
/** Log bytes one invocation writes (platform START/REPORT records in JSON plus the handler's lines) per log level. */
export const LOG_BYTES_PER_INVOCATION: Record<LogLevel, number> = { DEBUG: 4096, INFO: 1536, WARN: 1024, ERROR: 900 };
/** GB scanned by each saved Logs Insights query per GB its log groups ingest (someone runs each query over the month's logs once). */
export const DEFAULT_LOGS_INSIGHTS_SCAN_FACTOR = 1;

// ---- schedule expressions -------------------------------------------------------------------------------------------

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const AT = /^at\(.+\)$/;
const MINUTES_PER_UNIT: Record<string, number> = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 };
/** A common (non-leap) year whose days are counted for cron's day fields; any year gives the same average. */
const REFERENCE_YEAR = 2025;
const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
/** EventBridge numbers the days of the week 1-7 starting on Sunday. */
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/**
 * How often an EventBridge Scheduler expression fires in a 30-day month: `rate(1 minute)` → 43,200,
 * `cron(0 2 * * ? *)` → 30, a weekly cron → 30/7 × … averaged over a year. One-time `at(...)` schedules fire 0 times a
 * month (they are not recurring). Throws on an expression it cannot read, naming it.
 */
export function firesPer30Days(expression: string): number {
    const trimmed = expression.trim();
    const rate = RATE.exec(trimmed);
    if (rate) {
        const value = Number(rate[1]);
        if (value <= 0) throw new Error(`schedule ${expression}: the rate must be positive`);
        return MINUTES_PER_MONTH / (value * MINUTES_PER_UNIT[rate[2]!]!);
    }
    if (AT.test(trimmed)) return 0;
    const cron = CRON.exec(trimmed);
    if (cron) return cronFiresPer30Days(cron[1]!, expression);
    throw new Error(`schedule ${expression}: expected rate(<n> <unit>), cron(<6 fields>) or at(...)`);
}

function cronFiresPer30Days(body: string, expression: string): number {
    const fields = body.trim().split(/\s+/);
    if (fields.length !== 6)
        throw new Error(`schedule ${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year)`);
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string, string];
    if (dayOfMonth !== "?" && dayOfWeek !== "?") {
        throw new Error(`schedule ${expression}: one of day-of-month and day-of-week must be "?"`);
    }
    const firesPerDay = valuesOf(minutes, 0, 59, [], expression).size * valuesOf(hours, 0, 23, [], expression).size;
    const months = valuesOf(month, 1, 12, MONTH_NAMES, expression);
    const dayMatches = dayOfWeek === "?" ? dayOfMonthMatcher(dayOfMonth, expression) : dayOfWeekMatcher(dayOfWeek, expression);
    let days = 0;
    const daysInYear = 365;
    for (let d = 0; d < daysInYear; d++) {
        const date = new Date(Date.UTC(REFERENCE_YEAR, 0, 1 + d));
        if (months.has(date.getUTCMonth() + 1) && dayMatches(date)) days++;
    }
    // The year field is ignored: a schedule limited to other years is treated as recurring.
    return (days * firesPerDay * DAYS_PER_MONTH) / daysInYear;
}

/** The values a numeric cron field (list, range, step, `*`, `?`, names) selects. */
function valuesOf(field: string, min: number, max: number, names: string[], expression: string): Set<number> {
    const values = new Set<number>();
    const parse = (token: string): number => {
        const named = names.indexOf(token.toUpperCase());
        const value = named >= 0 ? named + min : Number(token);
        if (!Number.isInteger(value) || value < min || value > max) {
            throw new Error(`schedule ${expression}: "${token}" is not a value between ${min} and ${max}`);
        }
        return value;
    };
    for (const part of field.split(",")) {
        const [range, stepText] = part.split("/") as [string, string | undefined];
        const step = stepText === undefined ? 1 : Number(stepText);
        if (!Number.isInteger(step) || step <= 0) throw new Error(`schedule ${expression}: bad step in "${part}"`);
        let from: number;
        let to: number;
        if (range === "*" || range === "?") [from, to] = [min, max];
        else if (range.includes("-")) {
            const [a, b] = range.split("-") as [string, string];
            [from, to] = [parse(a), parse(b)];
            if (from > to) throw new Error(`schedule ${expression}: range "${range}" runs backwards`);
        } else {
            from = parse(range);
            to = stepText === undefined ? from : max;
        }
        for (let v = from; v <= to; v += step) values.add(v);
    }
    return values;
}

const lastDayOfMonth = (date: Date) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
const isWeekday = (date: Date) => date.getUTCDay() !== 0 && date.getUTCDay() !== 6;

function dayOfMonthMatcher(field: string, expression: string): (date: Date) => boolean {
    if (field === "L") return (date) => date.getUTCDate() === lastDayOfMonth(date);
    if (field === "LW") {
        // The last weekday of the month.
        return (date) =>
            isWeekday(date) &&
            (date.getUTCDate() === lastDayOfMonth(date) || (date.getUTCDay() === 5 && date.getUTCDate() >= lastDayOfMonth(date) - 2));
    }
    const nearestWeekday = /^(\d{1,2})W$/.exec(field);
    if (nearestWeekday) {
        // Fires once a month on the weekday nearest the given day; counting the day itself keeps the monthly count right.
        const day = Number(nearestWeekday[1]);
        return (date) => date.getUTCDate() === Math.min(day, lastDayOfMonth(date));
    }
    const days = valuesOf(field, 1, 31, [], expression);
    return (date) => days.has(date.getUTCDate());
}

function dayOfWeekMatcher(field: string, expression: string): (date: Date) => boolean {
    const weekday = (date: Date) => date.getUTCDay() + 1;
    const nth = /^(\w+)#([1-5])$/.exec(field);
    if (nth) {
        const day = valuesOf(nth[1]!, 1, 7, DAY_NAMES, expression);
        const n = Number(nth[2]);
        return (date) => day.has(weekday(date)) && Math.ceil(date.getUTCDate() / 7) === n;
    }
    const last = /^(\w*)L$/.exec(field);
    if (last) {
        const day = last[1] ? valuesOf(last[1], 1, 7, DAY_NAMES, expression) : new Set([7]);
        return (date) => day.has(weekday(date)) && date.getUTCDate() + 7 > lastDayOfMonth(date);
    }
    const days = valuesOf(field, 1, 7, DAY_NAMES, expression);
    return (date) => days.has(weekday(date));
}

// ---- the profile ----------------------------------------------------------------------------------------------------

const count = (what: string) =>
    z
        .number({ error: `a number (${what})` })
        .finite()
        .nonnegative(`a number ≥ 0 (${what})`);
const bytes = (what: string) =>
    z
        .number({ error: `a whole number of bytes (${what})` })
        .int(`a whole number of bytes (${what})`)
        .positive(`more than 0 bytes (${what})`);

/** The usage profile; a usage file may give any subset of these fields (unknown fields are errors). */
export const usageSchema = z.strictObject({
    signalsPerDay: count("new signals stored per day"),
    fetchesPerDay: count("source fetches per day, all ingest functions and feeds"),
    apiCallsPerDay: count("REST API requests per day"),
    dashboardUsers: count("monthly active users (Cognito MAU)"),
    websocketConnectionsAvg: count("average open WebSocket connections"),
    websocketConnectsPerDay: count("WebSocket connects per day"),
    avgSignalBytes: bytes("size of one signal item"),
    rawPayloadBytesPerFetch: bytes("raw response of one fetch"),
    retentionDays: z.number({ error: "a whole number of days" }).int("a whole number of days").positive("at least 1 day"),
    storedGbStart: count("GB in the S3 data buckets at the start of the month"),
    tableGbStart: count("GB in the signals table at the start of the month"),
    logBytesPerInvocation: count("log bytes per Lambda invocation"),
    logsInsightsScanFactor: count("GB scanned per saved Logs Insights query per GB its log groups ingest"),
});

export type UsageProfile = z.infer<typeof usageSchema>;
export type UsageField = keyof UsageProfile;
export type UsageSource = "default" | "file" | "flag" | "idle";

/** The fields that are traffic: idle sets them to 0. */
export const TRAFFIC_FIELDS: readonly UsageField[] = [
    "signalsPerDay",
    "apiCallsPerDay",
    "dashboardUsers",
    "websocketConnectionsAvg",
    "websocketConnectsPerDay",
    "logsInsightsScanFactor",
];
/** The fields that are data already stored: idle (an empty stack) sets their defaults to 0, a file may still give them. */
export const STATE_FIELDS: readonly UsageField[] = ["storedGbStart", "tableGbStart"];

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Validates a usage file's content; the error names the file and every bad field. */
export function parseUsage(raw: unknown, origin = "usage"): Partial<UsageProfile> {
    if (raw === null || raw === undefined) return {};
    if (typeof raw !== "object" || Array.isArray(raw))
        throw new UsageError(`${origin}: expected a mapping of usage fields, got ${JSON.stringify(raw)}`);
    const result = usageSchema.partial().safeParse(raw);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        if (issue.code === "unrecognized_keys") {
            return issue.keys.map((key) => `${key}: unknown field (known: ${Object.keys(usageSchema.shape).join(", ")})`).join("; ");
        }
        const field = issue.path.map(String).join(".");
        const got = (raw as Record<string, unknown>)[String(issue.path[0])];
        return `${field}: expected ${issue.message}, got ${JSON.stringify(got)}`;
    });
    throw new UsageError(`${origin}: ${problems.join("; ")}`);
}

/** Reads a usage file: `.json` as JSON, anything else as YAML (a superset of JSON). */
export function readUsageFile(file: string): Partial<UsageProfile> {
    if (!fs.existsSync(file)) throw new UsageError(`--usage: no file ${file}`);
    const text = fs.readFileSync(file, "utf8");
    let raw: unknown;
    try {
        raw = path.extname(file).toLowerCase() === ".json" ? JSON.parse(text) : yaml.load(text);
    } catch (error) {
        throw new UsageError(
            `${file}: not valid ${path.extname(file) === ".json" ? "JSON" : "YAML"}: ${(error as Error).message.split("\n")[0]}`,
        );
    }
    return parseUsage(raw, file);
}

export interface ResolvedUsage {
    usage: UsageProfile;
    /** Where each value came from. */
    sources: Record<UsageField, UsageSource>;
    /** Fetches per day per ingest schedule, as derived from the config (for the report). */
    fetchesBySchedule: { source: "social" | "news" | "regulatory"; expression: string; feeds: number; fetchesPerDay: number }[];
}

export interface ResolveOptions {
    /** Fields from a usage file. */
    file?: Partial<UsageProfile>;
    /** `--signals-per-day`. */
    signalsPerDay?: number;
    /** Zero traffic, and no stored data unless the file gives it. */
    idle?: boolean;
}

/** The ingest fetches a day the config's schedules and sources make: each run of an ingest function polls each of its feeds. */
export function fetchesFromConfig(config: StackConfig): ResolvedUsage["fetchesBySchedule"] {
    const s = config.schedules;
    const plan = [
        { source: "social" as const, expression: s.socialIngest, feeds: config.fetchesPerRun.social },
        { source: "news" as const, expression: s.newsIngest, feeds: config.fetchesPerRun.news },
        { source: "regulatory" as const, expression: s.regulatoryIngest, feeds: config.fetchesPerRun.regulatory },
    ];
    return plan.map((p) => ({ ...p, fetchesPerDay: (firesPer30Days(p.expression) / DAYS_PER_MONTH) * p.feeds }));
}

/**
 * The usage profile for a stack: `--signals-per-day` wins, then the file's values, then the defaults derived from the config.
 * Derived defaults follow the values they depend on (e.g. stored data follows signalsPerDay).
 */
export function resolveUsage(config: StackConfig, options: ResolveOptions = {}): ResolvedUsage {
    const file = options.file ?? {};
    const sources = {} as Record<UsageField, UsageSource>;
    const values = {} as UsageProfile;
    const set = <K extends UsageField>(field: K, derive: () => UsageProfile[K]) => {
        if (options.idle && TRAFFIC_FIELDS.includes(field)) {
            values[field] = 0 as UsageProfile[K];
            sources[field] = "idle";
        } else if (field === "signalsPerDay" && options.signalsPerDay !== undefined) {
            values[field] = options.signalsPerDay as UsageProfile[K];
            sources[field] = "flag";
        } else if (field in file) {
            values[field] = file[field] as UsageProfile[K];
            sources[field] = "file";
        } else if (options.idle && STATE_FIELDS.includes(field)) {
            values[field] = 0 as UsageProfile[K];
            sources[field] = "idle";
        } else {
            values[field] = derive();
            sources[field] = "default";
        }
    };
    const fetchesBySchedule = fetchesFromConfig(config);
    const users = DASHBOARD_USERS[config.environment];

    set("fetchesPerDay", () => fetchesBySchedule.reduce((sum, s) => sum + s.fetchesPerDay, 0));
    set("signalsPerDay", () => values.fetchesPerDay * NEW_SIGNALS_PER_FETCH);
    set("dashboardUsers", () => users);
    set("apiCallsPerDay", () => values.dashboardUsers * API_CALLS_PER_USER_DAY);
    set("websocketConnectionsAvg", () => values.dashboardUsers * OPEN_DASHBOARD_SHARE);
    set("websocketConnectsPerDay", () => values.dashboardUsers * WS_CONNECTS_PER_USER_DAY);
    set("avgSignalBytes", () => DEFAULT_AVG_SIGNAL_BYTES);
    set("rawPayloadBytesPerFetch", () => DEFAULT_RAW_PAYLOAD_BYTES_PER_FETCH);
    set("retentionDays", () => DEFAULT_RETENTION_DAYS);
    // Steady state: the raw payloads (one object per fetch with new items) for the days raw-data keeps them, and
    // roughly one signal's size of derived data per signal for the days objects stay in Standard before the lifecycle
    // archives them.
    set(
        "storedGbStart",
        () =>
            (Math.min(S3_STANDARD_DAYS, RAW_DATA_RETENTION.expireAfterDays) *
                Math.min(values.fetchesPerDay, values.signalsPerDay) *
                values.rawPayloadBytesPerFetch +
                S3_STANDARD_DAYS * values.signalsPerDay * values.avgSignalBytes) /
            BYTES_PER_GB,
    );
    // Steady state of the signals table under TTL.
    set("tableGbStart", () => (values.signalsPerDay * values.avgSignalBytes * values.retentionDays) / BYTES_PER_GB);
    set("logBytesPerInvocation", () => LOG_BYTES_PER_INVOCATION[config.lambda.logLevel]);
    set("logsInsightsScanFactor", () => DEFAULT_LOGS_INSIGHTS_SCAN_FACTOR);

    // Keep the schema's field order (the report prints it).
    const ordered = Object.fromEntries(Object.keys(usageSchema.shape).map((k) => [k, values[k as UsageField]])) as UsageProfile;
    return { usage: ordered, sources, fetchesBySchedule };
}
