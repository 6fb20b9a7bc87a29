/**
 * The unit-price file of the cost projection (offline/cost/prices-eu-central-1.json): one entry per billable unit the
 * model uses, each `{ usd, per, unit }` — `usd` for `per` units — with the source page per service and the date the
 * prices were taken. The schema lists exactly the keys the model reads, so a missing or misspelt price fails on load.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";

export const DEFAULT_PRICE_FILE = path.join(__dirname, "prices-eu-central-1.json");

const priceEntry = z.strictObject({
    usd: z.number().nonnegative(),
    per: z.number().positive(),
    unit: z.string().min(1),
    note: z.string().optional(),
});
export type PriceEntry = z.infer<typeof priceEntry>;

/** Every price the model reads, per service. */
export const SERVICE_PRICES = {
    lambda: ["requests", "gbSecondX86", "gbSecondArm64", "ephemeralStorageGbSecond"],
    apiGateway: ["restRequests", "httpRequests", "websocketMessages", "websocketConnectionMinutes"],
    dynamodb: [
        "onDemandWrites",
        "onDemandReads",
        "storage",
        "pitr",
        "replicatedWrites",
        "replicaStorage",
        "streamsReads",
        "provisionedWcuHour",
        "provisionedRcuHour",
    ],
    s3: ["standardStorage", "putRequests", "getRequests", "replicaStandardIaStorage", "replicaStandardIaPutRequests"],
    dataTransfer: ["interRegion", "internetOut"],
    sqs: ["standardRequests", "fifoRequests"],
    kms: ["keyMonth", "requests"],
    secretsManager: ["secretMonth", "apiCalls"],
    cloudwatch: [
        "standardAlarmMetric",
        "highResolutionAlarmMetric",
        "compositeAlarm",
        "dashboard",
        "customMetric",
        "logsIngestion",
        "logsIngestionInfrequentAccess",
        "vendedLogsIngestion",
        "logsStorage",
        "logsInsightsScanned",
    ],
    scheduler: ["invocations"],
    cognito: ["liteMau", "essentialsMau", "plusMau"],
    waf: ["webAclMonth", "ruleMonth", "requests"],
    vpc: ["natGatewayHour", "natGatewayProcessed", "publicIpv4Hour", "interfaceEndpointHour", "interfaceEndpointProcessed"],
    backup: ["dynamodbWarmStorage", "crossRegionCopy"],
    cloudtrail: ["dataEvents", "additionalManagementEvents"],
    xray: ["tracesRecorded", "tracesRetrieved"],
    budgets: ["budgetDay"],
    sns: ["publishes", "emailNotifications"],
} as const;

export type ServiceKey = keyof typeof SERVICE_PRICES;
export type PriceKey<S extends ServiceKey> = (typeof SERVICE_PRICES)[S][number];

function serviceSchema<const K extends readonly string[]>(keys: K) {
    return z.strictObject({
        name: z.string().min(1),
        source: z.url({ protocol: /^https$/ }),
        freeTier: z.string().optional(),
        prices: z.strictObject(Object.fromEntries(keys.map((key) => [key, priceEntry])) as { [P in K[number]]: typeof priceEntry }),
    });
}

const servicesShape = Object.fromEntries(
    Object.entries(SERVICE_PRICES).map(([service, keys]) => [service, serviceSchema(keys as readonly string[])]),
) as unknown as {
    [S in ServiceKey]: ReturnType<typeof serviceSchema<(typeof SERVICE_PRICES)[S]>>;
};

export const priceFileSchema = z.strictObject({
    region: z.string().min(1),
    regionName: z.string().min(1),
    currency: z.literal("USD"),
    /** The day the prices were taken (YYYY-MM-DD). */
    retrievedOn: z.iso.date(),
    note: z.string().min(1),
    freeTierNote: z.string().min(1),
    services: z.strictObject(servicesShape),
    /** Resource types that cost nothing by themselves, with the reason (their usage may be billed on another resource). */
    knownFree: z.record(z.string(), z.string().min(1)),
});
export type PriceFile = z.infer<typeof priceFileSchema>;

/** Validates price-file content; the error names the file and every bad entry. */
export function parsePrices(raw: unknown, origin = "prices"): PriceFile {
    const result = priceFileSchema.safeParse(raw);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => {
        const at = issue.path.map(String).join(".") || "(root)";
        return issue.code === "unrecognized_keys" ? `${at}: unknown key(s) ${issue.keys.join(", ")}` : `${at}: ${issue.message}`;
    });
    throw new Error(`${origin}: invalid price file:\n  - ${problems.join("\n  - ")}`);
}

export function loadPrices(file = DEFAULT_PRICE_FILE): PriceFile {
    return parsePrices(JSON.parse(fs.readFileSync(file, "utf8")), path.relative(process.cwd(), file) || file);
}
