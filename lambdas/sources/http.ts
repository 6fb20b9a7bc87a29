/**
 * The HTTP client every source connector uses: a timeout per attempt, retries with exponential backoff and jitter on
 * network errors, 5xx, 408 and 429 (Retry-After honoured, capped), and a per-host minimum interval between requests.
 * `fetch`, `sleep`, the clock and the jitter source are injectable so that tests never wait on real time.
 *
 * Errors name the method, URL (credentials and secret-looking query values redacted) and status, never a header:
 * bearer tokens and basic-auth credentials travel in headers only.
 */

export type FetchLike = (input: URL | string, init?: RequestInit) => Promise<Response>;

export interface HttpRequest {
    url: string;
    method?: "GET" | "POST";
    /** Merged over the client's defaults (user-agent); names are case-insensitive. */
    headers?: Record<string, string>;
    body?: string;
    /** Aborts the request and any wait; an abort is never retried. */
    signal?: AbortSignal;
}

export interface HttpResponse {
    /** The requested URL, redacted. */
    url: string;
    status: number;
    headers: Headers;
    contentType: string;
    body: string;
    /** ISO time the body was read, from the client's clock. */
    fetchedAt: string;
    attempts: number;
}

export interface HttpClient {
    request(request: HttpRequest): Promise<HttpResponse>;
    /** The client's clock (epoch ms), the same one the rate limiter and Retry-After use. */
    now(): number;
}

export interface HttpClientOptions {
    /** Default User-Agent of every request. SEC hosts additionally require the "Company Name admin@company.com" form. */
    userAgent: string;
    fetch?: FetchLike;
    sleep?: (ms: number) => Promise<void>;
    /** Epoch milliseconds. */
    now?: () => number;
    /** Jitter source in [0, 1). */
    random?: () => number;
    /** Per attempt, covering the body read. Default 10 s. */
    timeoutMs?: number;
    /** Total attempts including the first. Default 4. */
    maxAttempts?: number;
    /** First backoff step; doubles per attempt. Default 500 ms. */
    baseDelayMs?: number;
    /** Backoff ceiling. Default 8 s. */
    maxDelayMs?: number;
    /** Ceiling on a server's Retry-After, so one answer cannot park a Lambda for its whole timeout. Default 30 s. */
    maxRetryAfterMs?: number;
    /** Responses larger than this are refused (not retried). Default 10 MiB. */
    maxBodyBytes?: number;
    /** Requests per second by domain; a rule for "sec.gov" covers www.sec.gov and data.sec.gov with ONE budget. */
    rateLimits?: Record<string, number>;
    /** Requests per second for hosts without a rule. Default 5. */
    defaultRequestsPerSecond?: number;
}

/**
 * Published limits of the sources. SEC fair access: at most 10 requests/s across its hosts. GDELT asks for at most one
 * request every 5 s. Reddit allows 100 requests/min per OAuth client. (StockTwits' 200 unauthenticated requests/hour is an
 * hourly budget, not a spacing: symbols × runs per hour must stay below it in the schedule, not here.)
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, number>> = {
    "sec.gov": 10,
    "api.gdeltproject.org": 0.2,
    "oauth.reddit.com": 1.5,
};

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export class HttpError extends Error {
    constructor(
        message: string,
        /** Redacted URL. */
        readonly url: string,
        /** HTTP status; undefined for network errors, timeouts and aborts. */
        readonly status: number | undefined,
        readonly attempts: number,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = "HttpError";
    }
}

/** A User-Agent that a source requires but that is missing or malformed. */
export class UserAgentError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UserAgentError";
    }
}

// A name (at least one word, no angle brackets) followed by a contact e-mail, as the SEC's fair-access policy asks.
const DECLARED_USER_AGENT = /^[^\s@<>][^@<>]*?\s+[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** Checks a "Company Name admin@company.com" User-Agent and returns it trimmed; throws UserAgentError otherwise. */
export function assertDeclaredUserAgent(userAgent: string | undefined): string {
    const value = (userAgent ?? "").trim();
    if (value === "") {
        throw new UserAgentError('SEC EDGAR requires a declared User-Agent "Company Name admin@company.com"; none was configured');
    }
    if (value.length > 200 || !DECLARED_USER_AGENT.test(value)) {
        throw new UserAgentError(
            `SEC EDGAR requires a declared User-Agent "Company Name admin@company.com" (a name, a space, a contact e-mail); got ${JSON.stringify(value.slice(0, 200))}`,
        );
    }
    return value;
}

/** Hosts whose operator requires a declared User-Agent; the client refuses to call them without one. */
export function requiresDeclaredUserAgent(hostname: string): boolean {
    const host = hostname.toLowerCase();
    return host === "sec.gov" || host.endsWith(".sec.gov");
}

const SECRET_QUERY_KEY = /token|secret|key|password|passwd|auth|signature|sig|credential/i;

/** The URL without user info and with secret-looking query values replaced, fit for error messages and logs. */
export function redactUrl(url: URL | string): string {
    let parsed: URL;
    try {
        parsed = new URL(String(url));
    } catch {
        return "(invalid URL)";
    }
    parsed.username = "";
    parsed.password = "";
    for (const key of [...parsed.searchParams.keys()]) {
        if (SECRET_QUERY_KEY.test(key)) parsed.searchParams.set(key, "REDACTED");
    }
    return parsed.toString();
}

/** Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP-date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
    if (value === null || value === undefined) return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    // Only the date forms (they all contain a letter); Date.parse would otherwise accept odd numerals.
    if (!/[A-Za-z]/.test(text)) return undefined;
    const at = Date.parse(text);
    return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
}

/** Backoff before attempt n+1 after attempt n failed: base·2^(n-1), capped, with "equal jitter" in [½, 1) of it. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
    const exponential = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exponential / 2 + random() * (exponential / 2));
}

export interface RateLimiter {
    /** Waits until the host's next slot. The slot is reserved synchronously, so concurrent callers queue in call order. */
    acquire(hostname: string, signal?: AbortSignal): Promise<void>;
}

/** Minimum interval per budget (not a bursty token bucket): at most N requests start in any one-second window. */
export function createRateLimiter(options: {
    now: () => number;
    sleep: (ms: number) => Promise<void>;
    rateLimits?: Record<string, number>;
    defaultRequestsPerSecond?: number;
}): RateLimiter {
    const limits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
    const fallback = options.defaultRequestsPerSecond ?? 5;
    for (const [domain, rate] of Object.entries({ ...limits, "(default)": fallback })) {
        if (!(rate > 0) || !Number.isFinite(rate))
            throw new RangeError(`rate limit for ${domain} must be a positive number of requests per second`);
    }
    const nextSlot = new Map<string, number>();

    function budgetOf(hostname: string): { key: string; intervalMs: number } {
        const host = hostname.toLowerCase();
        // The most specific matching domain wins.
        let match: string | undefined;
        for (const domain of Object.keys(limits)) {
            if ((host === domain || host.endsWith(`.${domain}`)) && (match === undefined || domain.length > match.length)) match = domain;
        }
        return match === undefined ? { key: host, intervalMs: 1000 / fallback } : { key: match, intervalMs: 1000 / limits[match]! };
    }

    return {
        async acquire(hostname, signal) {
            const { key, intervalMs } = budgetOf(hostname);
            const now = options.now();
            const slot = Math.max(now, nextSlot.get(key) ?? now);
            nextSlot.set(key, slot + intervalMs);
            if (slot > now) await options.sleep(slot - now);
            signal?.throwIfAborted();
        },
    };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createHttpClient(options: HttpClientOptions): HttpClient {
    if (options.userAgent.trim() === "") throw new UserAgentError("the HTTP client needs a non-empty default User-Agent");
    const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
    const sleep = options.sleep ?? defaultSleep;
    const now = options.now ?? Date.now;
    const random = options.random ?? Math.random;
    const timeoutMs = options.timeoutMs ?? 10_000;
    const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
    const baseDelayMs = options.baseDelayMs ?? 500;
    const maxDelayMs = options.maxDelayMs ?? 8_000;
    const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
    const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
    const limiter = createRateLimiter({
        now,
        sleep,
        rateLimits: options.rateLimits,
        defaultRequestsPerSecond: options.defaultRequestsPerSecond,
    });

    async function request(req: HttpRequest): Promise<HttpResponse> {
        const method = req.method ?? "GET";
        let url: URL;
        try {
            url = new URL(req.url);
        } catch {
            throw new HttpError(`${method} ${redactUrl(req.url)}: not a valid URL`, redactUrl(req.url), undefined, 0);
        }
        const shownUrl = redactUrl(url);
        if (url.protocol !== "https:" && url.protocol !== "http:") {
            throw new HttpError(`${method} ${shownUrl}: only http(s) URLs are fetched`, shownUrl, undefined, 0);
        }
        const headers = new Headers({ "user-agent": options.userAgent.trim() });
        for (const [name, value] of Object.entries(req.headers ?? {})) headers.set(name, value);
        if (requiresDeclaredUserAgent(url.hostname)) assertDeclaredUserAgent(headers.get("user-agent") ?? "");

        let lastProblem = "";
        let lastStatus: number | undefined;
        let lastCause: unknown;
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            await limiter.acquire(url.hostname, req.signal);
            const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
            let response: Response;
            let bytes: Uint8Array;
            try {
                response = await fetchImpl(url, { method, headers, body: req.body, signal, redirect: "follow" });
                if (response.ok) bytes = await readBody(response, maxBodyBytes, method, shownUrl, attempt);
                else {
                    await response.body?.cancel().catch(() => undefined);
                    bytes = new Uint8Array();
                }
            } catch (error) {
                if (error instanceof HttpError) throw error;
                if (req.signal?.aborted)
                    throw new HttpError(`${method} ${shownUrl} was aborted`, shownUrl, undefined, attempt, { cause: error });
                lastProblem = describeNetworkError(error, timeoutMs);
                lastStatus = undefined;
                lastCause = error;
                if (attempt < maxAttempts) await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
                continue;
            }

            if (response.ok) {
                const contentType = response.headers.get("content-type") ?? "";
                return {
                    url: shownUrl,
                    status: response.status,
                    headers: response.headers,
                    contentType,
                    body: decodeBody(bytes, contentType),
                    fetchedAt: new Date(now()).toISOString(),
                    attempts: attempt,
                };
            }
            if (!RETRYABLE_STATUS.has(response.status)) {
                throw new HttpError(
                    `${method} ${shownUrl} failed with HTTP ${response.status}${attemptsNote(attempt)}`,
                    shownUrl,
                    response.status,
                    attempt,
                );
            }
            lastProblem = `HTTP ${response.status}`;
            lastStatus = response.status;
            lastCause = undefined;
            if (attempt < maxAttempts) {
                const retryAfter = parseRetryAfter(response.headers.get("retry-after"), now());
                await sleep(
                    retryAfter !== undefined
                        ? Math.min(retryAfter, maxRetryAfterMs)
                        : backoffDelay(attempt, baseDelayMs, maxDelayMs, random),
                );
            }
        }
        throw new HttpError(
            `${method} ${shownUrl} failed with ${lastProblem} after ${maxAttempts} attempts`,
            shownUrl,
            lastStatus,
            maxAttempts,
            {
                cause: lastCause,
            },
        );
    }

    return { request, now };
}

function attemptsNote(attempt: number): string {
    return attempt > 1 ? ` after ${attempt} attempts` : "";
}

async function readBody(response: Response, maxBodyBytes: number, method: string, shownUrl: string, attempt: number): Promise<Uint8Array> {
    const declared = Number(response.headers.get("content-length") ?? "");
    const tooLarge = () =>
        new HttpError(`${method} ${shownUrl}: response larger than ${maxBodyBytes} bytes`, shownUrl, response.status, attempt);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw tooLarge();
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > maxBodyBytes) throw tooLarge();
    return bytes;
}

/**
 * Decodes with the charset of the Content-Type, else of the XML declaration, else UTF-8. EDGAR's Atom feed, for one,
 * declares ISO-8859-1, which a blind UTF-8 decode would garble.
 */
export function decodeBody(bytes: Uint8Array, contentType: string): string {
    let charset = /charset\s*=\s*"?([A-Za-z0-9._:-]+)"?/i.exec(contentType)?.[1];
    if (charset === undefined) {
        const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
        charset = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
    }
    try {
        return new TextDecoder(charset ?? "utf-8").decode(bytes);
    } catch {
        return new TextDecoder("utf-8").decode(bytes);
    }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
    if (error instanceof Error) {
        if (error.name === "TimeoutError") return `a timeout (${timeoutMs} ms)`;
        const code = (error.cause as { code?: unknown } | undefined)?.code;
        return `a network error (${typeof code === "string" ? code : error.message})`;
    }
    return "a network error";
}
