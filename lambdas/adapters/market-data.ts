/**
 * Daily closing prices for outcome evaluation, behind the `MarketData` port.
 *
 * - Alpha Vantage `TIME_SERIES_DAILY` (API key from a Secrets Manager secret `{"apiKey":"…"}`). The free tier allows
 *   a handful of requests per minute and a small daily budget, and answers an exhausted budget with HTTP 200 and a
 *   `Note` or `Information` message instead of data: that becomes a MarketDataError of kind "rate-limited", after which
 *   the adapter makes no further call for `cooldownMs` (the caller skips the remaining work and retries next run).
 *   Requests are spaced by the shared HTTP client's per-host rate limit; 429 and 5xx are retried there.
 * - Stooq's CSV download (no key), for US listings (`aapl.us`).
 *
 * Closes are never invented: no data, a rejected symbol or an exhausted budget is an error the caller must handle.
 * A fetched series is cached per symbol for `cacheTtlMs`, so that the benchmark is fetched once per run.
 */
import * as z from "../zod";
import { createHttpClient, type HttpClient, HttpError } from "../sources/http";

export interface DailyClose {
    /** Trading day, yyyy-mm-dd. */
    date: string;
    close: number;
}

export interface MarketData {
    /** Closes of the trading days from `fromDate` to `toDate` (yyyy-mm-dd, both inclusive), oldest first. */
    closes(symbol: string, fromDate: string, toDate: string): Promise<DailyClose[]>;
}

export type MarketDataErrorKind =
    /** The provider's request budget is exhausted (Note/Information payload, HTTP 429 after retries). */
    | "rate-limited"
    /** The provider knows no data for the symbol or range. */
    | "no-data"
    /** The provider refused the request (unknown symbol, invalid key, premium-only parameter). */
    | "rejected"
    /** The payload is not what the provider documents. */
    | "invalid-response"
    /** Network errors, timeouts, 5xx after retries. */
    | "unavailable";

export class MarketDataError extends Error {
    constructor(
        readonly kind: MarketDataErrorKind,
        readonly provider: string,
        readonly symbol: string,
        message: string,
    ) {
        super(`${provider} ${symbol}: ${message}`);
        this.name = "MarketDataError";
    }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The secret of the Alpha Vantage provider. */
export const alphaVantageSecretSchema = z.strictObject({ apiKey: z.string().check(z.minLength(1), z.maxLength(256)) });

function clip(text: string, max = 300): string {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function priceOf(value: unknown): number | undefined {
    const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : Number.NaN;
    return number > 0 && Number.isFinite(number) ? number : undefined;
}

const RATE_LIMIT_WORDS = /rate limit|call frequency|requests per (day|minute)|calls per (day|minute)|spreading out|higher api call/i;

/**
 * The closes of an Alpha Vantage TIME_SERIES_DAILY answer, oldest first. Throws MarketDataError: "rate-limited" for
 * the Note/Information budget messages, "rejected" for Error Message and other Information messages (premium-only
 * parameters), "invalid-response" for anything else that is not a daily series, "no-data" for an empty series.
 */
export function parseAlphaVantageDaily(body: string, symbol: string): DailyClose[] {
    const provider = "Alpha Vantage";
    let json: unknown;
    try {
        json = JSON.parse(body);
    } catch {
        throw new MarketDataError("invalid-response", provider, symbol, "answer is not JSON");
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new MarketDataError("invalid-response", provider, symbol, "answer is not a JSON object");
    }
    const answer = json as Record<string, unknown>;
    for (const field of ["Note", "Information"] as const) {
        const message = answer[field];
        if (typeof message === "string") {
            const kind = field === "Note" || RATE_LIMIT_WORDS.test(message) ? "rate-limited" : "rejected";
            throw new MarketDataError(
                kind,
                provider,
                symbol,
                `${kind === "rate-limited" ? "request budget exhausted" : "request refused"} (${field}: ${clip(message)})`,
            );
        }
    }
    if (typeof answer["Error Message"] === "string") {
        throw new MarketDataError("rejected", provider, symbol, `request refused (Error Message: ${clip(answer["Error Message"])})`);
    }
    const series = answer["Time Series (Daily)"];
    if (typeof series !== "object" || series === null || Array.isArray(series)) {
        throw new MarketDataError(
            "invalid-response",
            provider,
            symbol,
            `no "Time Series (Daily)" object (fields: ${Object.keys(answer).slice(0, 10).join(", ") || "none"})`,
        );
    }
    const closes: DailyClose[] = [];
    for (const [date, bar] of Object.entries(series as Record<string, unknown>)) {
        if (!DATE.test(date))
            throw new MarketDataError("invalid-response", provider, symbol, `"${clip(date, 40)}" is not a yyyy-mm-dd date`);
        const close = priceOf((bar as Record<string, unknown> | null)?.["4. close"]);
        if (close === undefined)
            throw new MarketDataError("invalid-response", provider, symbol, `${date}: "4. close" is not a positive price`);
        closes.push({ date, close });
    }
    if (closes.length === 0) throw new MarketDataError("no-data", provider, symbol, "the daily series is empty");
    return closes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The closes of a Stooq daily CSV download (`Date,Open,High,Low,Close[,Volume]`), oldest first. */
export function parseStooqCsv(body: string, symbol: string): DailyClose[] {
    const provider = "Stooq";
    const text = body.replace(/^\uFEFF/, "").trim();
    if (/^no data$/i.test(text)) throw new MarketDataError("no-data", provider, symbol, "no data for the symbol or range");
    if (/exceeded the daily hits limit/i.test(text))
        throw new MarketDataError("rate-limited", provider, symbol, "daily hits limit exceeded");
    const lines = text.split(/\r?\n/);
    const header = lines[0]!.split(",").map((name) => name.trim().toLowerCase());
    const dateColumn = header.indexOf("date");
    const closeColumn = header.indexOf("close");
    if (dateColumn < 0 || closeColumn < 0) {
        throw new MarketDataError("invalid-response", provider, symbol, `not a daily CSV (first line: ${clip(lines[0] ?? "", 80)})`);
    }
    const closes: DailyClose[] = [];
    lines.slice(1).forEach((line, index) => {
        if (line.trim() === "") return;
        const cells = line.split(",");
        const date = cells[dateColumn]?.trim() ?? "";
        const close = priceOf(cells[closeColumn]);
        if (!DATE.test(date) || close === undefined) {
            throw new MarketDataError("invalid-response", provider, symbol, `line ${index + 2}: no date and positive close`);
        }
        closes.push({ date, close });
    });
    if (closes.length === 0) throw new MarketDataError("no-data", provider, symbol, "the CSV has no rows");
    return closes.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

function within(series: readonly DailyClose[], fromDate: string, toDate: string): DailyClose[] {
    if (!DATE.test(fromDate) || !DATE.test(toDate) || fromDate > toDate) {
        throw new RangeError(`closes: invalid range ${fromDate} … ${toDate} (yyyy-mm-dd, from ≤ to)`);
    }
    return series.filter((bar) => bar.date >= fromDate && bar.date <= toDate);
}

function fromHttpError(error: unknown, provider: string, symbol: string): unknown {
    if (!(error instanceof HttpError)) return error;
    // HttpError messages carry the redacted URL only (the apikey query value is replaced).
    if (error.status === 429) return new MarketDataError("rate-limited", provider, symbol, error.message);
    if (error.status === 404) return new MarketDataError("no-data", provider, symbol, error.message);
    if (error.status !== undefined && error.status >= 400 && error.status < 500)
        return new MarketDataError("rejected", provider, symbol, error.message);
    return new MarketDataError("unavailable", provider, symbol, error.message);
}

interface CacheEntry {
    at: number;
    /** Oldest date the cached series covers. */
    covers: "compact" | "full";
    series: DailyClose[];
}

export interface AlphaVantageOptions {
    http: HttpClient;
    /** Read per call (the SecretReader caches it). */
    apiKey: () => Promise<string>;
    now?: () => Date;
    baseUrl?: string;
    /** Default 1 hour. */
    cacheTtlMs?: number;
    /** After a rate-limited answer, calls fail at once for this long. Default 60 s. */
    cooldownMs?: number;
}

/** `outputsize=compact` returns the latest 100 trading days: about 140 calendar days, fewer around holidays. */
const COMPACT_CALENDAR_DAYS = 135;
const DAY_MS = 86_400_000;

export class AlphaVantageMarketData implements MarketData {
    private readonly cache = new Map<string, CacheEntry>();
    private cooldownUntil = 0;
    private readonly now: () => Date;
    private readonly baseUrl: string;
    private readonly cacheTtlMs: number;
    private readonly cooldownMs: number;

    constructor(private readonly options: AlphaVantageOptions) {
        this.now = options.now ?? (() => new Date());
        this.baseUrl = options.baseUrl ?? "https://www.alphavantage.co/query";
        this.cacheTtlMs = options.cacheTtlMs ?? 3_600_000;
        this.cooldownMs = options.cooldownMs ?? 60_000;
    }

    async closes(symbol: string, fromDate: string, toDate: string): Promise<DailyClose[]> {
        within([], fromDate, toDate);
        const now = this.now().getTime();
        const compactFrom = new Date(now - COMPACT_CALENDAR_DAYS * DAY_MS).toISOString().slice(0, 10);
        const size = fromDate >= compactFrom ? "compact" : "full";
        const cached = this.cache.get(symbol);
        if (cached && now - cached.at < this.cacheTtlMs && (cached.covers === "full" || size === "compact")) {
            return within(cached.series, fromDate, toDate);
        }
        if (now < this.cooldownUntil) {
            throw new MarketDataError(
                "rate-limited",
                "Alpha Vantage",
                symbol,
                "request budget exhausted earlier in this run; not asking again yet",
            );
        }
        const url = new URL(this.baseUrl);
        url.search = new URLSearchParams({
            function: "TIME_SERIES_DAILY",
            symbol,
            outputsize: size,
            datatype: "json",
            apikey: await this.options.apiKey(),
        }).toString();
        let series: DailyClose[];
        try {
            const response = await this.options.http.request({ url: url.toString() });
            series = parseAlphaVantageDaily(response.body, symbol);
        } catch (error) {
            const mapped = fromHttpError(error, "Alpha Vantage", symbol);
            if (mapped instanceof MarketDataError && mapped.kind === "rate-limited") this.cooldownUntil = now + this.cooldownMs;
            throw mapped;
        }
        this.cache.set(symbol, { at: now, covers: size, series });
        return within(series, fromDate, toDate);
    }
}

/** Stooq symbol of a US listing: lower case, share-class dot as dash, `.us` suffix (BRK.B → brk-b.us). */
export function stooqSymbol(symbol: string): string {
    return `${symbol.toLowerCase().replace(/\./g, "-")}.us`;
}

export interface StooqOptions {
    http: HttpClient;
    baseUrl?: string;
}

export class StooqMarketData implements MarketData {
    constructor(private readonly options: StooqOptions) {}

    async closes(symbol: string, fromDate: string, toDate: string): Promise<DailyClose[]> {
        within([], fromDate, toDate);
        const url = new URL(this.options.baseUrl ?? "https://stooq.com/q/d/l/");
        url.search = new URLSearchParams({
            s: stooqSymbol(symbol),
            i: "d",
            d1: fromDate.replace(/-/g, ""),
            d2: toDate.replace(/-/g, ""),
        }).toString();
        try {
            const response = await this.options.http.request({ url: url.toString() });
            return within(parseStooqCsv(response.body, symbol), fromDate, toDate);
        } catch (error) {
            throw fromHttpError(error, "Stooq", symbol);
        }
    }
}

export const MARKET_DATA_PROVIDERS = ["alphavantage", "stooq"] as const;
export type MarketDataProvider = (typeof MARKET_DATA_PROVIDERS)[number];

/**
 * The HTTP client for a provider: Alpha Vantage's free tier allows 5 requests per minute, so requests to it are spaced
 * 12 s apart by default; a Lambda with a short timeout then gets few symbols per run and the rest waits for the next.
 */
export function marketDataHttpClient(provider: MarketDataProvider, requestsPerMinute = 5): HttpClient {
    return createHttpClient({
        userAgent: "ai-investment-evaluate/1.0",
        maxAttempts: 3,
        timeoutMs: 10_000,
        maxRetryAfterMs: 15_000,
        rateLimits: provider === "alphavantage" ? { "alphavantage.co": requestsPerMinute / 60 } : { "stooq.com": 1 },
    });
}
