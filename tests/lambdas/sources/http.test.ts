import { expect } from "chai";
import {
    assertDeclaredUserAgent,
    backoffDelay,
    createHttpClient,
    createRateLimiter,
    decodeBody,
    HttpError,
    parseRetryAfter,
    redactUrl,
    UserAgentError,
} from "../../../lambdas/sources/http";
import { json, sequence, testContext, text, TEST_USER_AGENT } from "./support";

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the promise to reject");
}

describe("lambdas/sources/http", () => {
    const url = "https://api.example-source.com/v1/items?limit=10";

    it("returns the body with status, content type, fetchedAt from the injected clock and the attempt count", async () => {
        const { http, calls, clock } = testContext(() => json({ ok: true }));
        const response = await http.request({ url });
        expect(response).to.include({ url, status: 200, contentType: "application/json; charset=utf-8", body: '{"ok":true}', attempts: 1 });
        expect(response.fetchedAt).to.equal(new Date(clock.start).toISOString());
        expect(calls).to.have.length(1);
        expect(calls[0]!.headers.get("user-agent")).to.equal(TEST_USER_AGENT);
        expect(calls[0]!.signal, "every attempt carries a timeout signal").to.be.instanceOf(AbortSignal);
    });

    it("lets a request override the default User-Agent and add headers", async () => {
        const { http, calls } = testContext(() => json({}));
        await http.request({ url, headers: { "User-Agent": "web:ai-investment:1.0 (by /u/someone)", Accept: "application/json" } });
        expect(calls[0]!.headers.get("user-agent")).to.equal("web:ai-investment:1.0 (by /u/someone)");
        expect(calls[0]!.headers.get("accept")).to.equal("application/json");
    });

    it("honours Retry-After in seconds on 429", async () => {
        const { http, calls, clock } = testContext(
            sequence(
                () => text("slow down", 429, { "retry-after": "3" }),
                () => json({ ok: true }),
            ),
        );
        const response = await http.request({ url });
        expect(response.attempts).to.equal(2);
        expect(clock.sleeps).to.deep.equal([3000]);
        expect(calls[1]!.at - calls[0]!.at).to.equal(3000);
    });

    it("honours Retry-After as an HTTP-date, and caps it", async () => {
        const { http, clock } = testContext(
            sequence(
                () => text("", 503, { "retry-after": new Date(Date.parse("2025-01-03T12:00:07.000Z")).toUTCString() }),
                () => text("", 429, { "retry-after": "3600" }),
                () => json({}),
            ),
            { maxRetryAfterMs: 20_000 },
        );
        await http.request({ url });
        expect(clock.sleeps).to.deep.equal([7000, 20_000]);
    });

    it("backs off exponentially with jitter on 5xx, then succeeds", async () => {
        const { http, clock, calls } = testContext(
            sequence(
                () => text("", 503),
                () => text("", 502),
                () => text("", 500),
                () => json({ ok: 1 }),
            ),
            { baseDelayMs: 500, random: () => 0.5 },
        );
        const response = await http.request({ url });
        expect(response.attempts).to.equal(4);
        // base·2^(n-1) = 500, 1000, 2000; equal jitter at 0.5 → ¾ of each.
        expect(clock.sleeps).to.deep.equal([375, 750, 1500]);
        expect(calls).to.have.length(4);
    });

    it("computes backoff within [½, 1) of the capped exponential", () => {
        expect(backoffDelay(1, 500, 8000, () => 0)).to.equal(250);
        expect(backoffDelay(3, 500, 8000, () => 0.999)).to.be.within(1999, 2000);
        expect(backoffDelay(10, 500, 8000, () => 0)).to.equal(4000);
    });

    it("gives up after maxAttempts with an error naming the URL and the status", async () => {
        const { http, calls } = testContext(() => text("down", 503), { maxAttempts: 3 });
        const error = await rejectionOf(http.request({ url }));
        expect(error).to.be.instanceOf(HttpError);
        expect(error.message).to.equal(`GET ${url} failed with HTTP 503 after 3 attempts`);
        expect((error as HttpError).status).to.equal(503);
        expect((error as HttpError).url).to.equal(url);
        expect((error as HttpError).attempts).to.equal(3);
        expect(calls).to.have.length(3);
    });

    it("does not retry other 4xx", async () => {
        const { http, calls, clock } = testContext(() => text("nope", 404));
        const error = await rejectionOf(http.request({ url }));
        expect(error.message).to.equal(`GET ${url} failed with HTTP 404`);
        expect(calls).to.have.length(1);
        expect(clock.sleeps).to.deep.equal([]);
    });

    it("retries network errors and timeouts", async () => {
        const reset = () =>
            Promise.reject(new TypeError("fetch failed", { cause: Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }) }));
        const timeout = () => Promise.reject(new DOMException("The operation was aborted due to timeout", "TimeoutError"));
        const { http, calls } = testContext(sequence(reset, timeout, () => json({})));
        expect((await http.request({ url })).attempts).to.equal(3);
        expect(calls).to.have.length(3);

        const failing = testContext(sequence(reset, timeout), { maxAttempts: 2, timeoutMs: 1234 });
        const error = await rejectionOf(failing.http.request({ url }));
        expect(error.message).to.equal(`GET ${url} failed with a timeout (1234 ms) after 2 attempts`);
        expect((error as HttpError).status).to.equal(undefined);
        const first = await rejectionOf(testContext(reset, { maxAttempts: 1 }).http.request({ url }));
        expect(first.message).to.contain("network error (ECONNRESET)");
    });

    it("does not retry when the caller aborts", async () => {
        const controller = new AbortController();
        const { http, calls } = testContext(() => {
            controller.abort();
            return Promise.reject(new DOMException("aborted", "AbortError"));
        });
        const error = await rejectionOf(http.request({ url, signal: controller.signal }));
        expect(error.message).to.equal(`GET ${url} was aborted`);
        expect(calls).to.have.length(1);
    });

    it("never puts a bearer token or a secret query value into an error", async () => {
        const { http } = testContext(() => text("unauthorized", 401));
        const error = await rejectionOf(
            http.request({
                url: "https://api.example-source.com/v1/me?access_token=s3cr3t-value&q=x",
                headers: { authorization: "Bearer tok-abc123" },
            }),
        );
        expect(error.message).to.not.contain("tok-abc123");
        expect(error.message).to.not.contain("s3cr3t-value");
        expect(error.message).to.contain("access_token=REDACTED");
        expect(error.message).to.contain("HTTP 401");
        expect(redactUrl("https://user:pass@host.example/p?api_key=k&x=1")).to.equal("https://host.example/p?api_key=REDACTED&x=1");
    });

    it("refuses a body over maxBodyBytes", async () => {
        const { http } = testContext(() => text("x".repeat(2000)), { maxBodyBytes: 1000 });
        const error = await rejectionOf(http.request({ url }));
        expect(error.message).to.contain("larger than 1000 bytes");
    });

    it("parses Retry-After forms and ignores junk", () => {
        const now = Date.parse("2025-01-03T12:00:00Z");
        expect(parseRetryAfter("120", now)).to.equal(120_000);
        expect(parseRetryAfter("Fri, 03 Jan 2025 12:00:30 GMT", now)).to.equal(30_000);
        expect(parseRetryAfter("Fri, 03 Jan 2025 11:00:00 GMT", now)).to.equal(0);
        expect(parseRetryAfter("soon", now)).to.equal(undefined);
        expect(parseRetryAfter("1.5", now)).to.equal(undefined);
        expect(parseRetryAfter(null, now)).to.equal(undefined);
    });

    describe("rate limiting", () => {
        it("spaces 25 sequential requests to SEC hosts 100 ms apart (10/s), computed from the injected clock", async () => {
            const { http, calls, clock } = testContext(() => json({}));
            for (let i = 0; i < 25; i++) {
                await http.request({ url: `https://data.sec.gov/submissions/CIK${String(i + 1).padStart(10, "0")}.json` });
            }
            const offsets = calls.map((call) => call.at - clock.start);
            expect(offsets).to.deep.equal(Array.from({ length: 25 }, (_, i) => i * 100));
            // No one-second window holds more than 10 request starts.
            for (const start of offsets) expect(offsets.filter((at) => at >= start && at < start + 1000).length).to.be.at.most(10);
        });

        it("queues concurrent callers in call order and shares one budget across www.sec.gov and data.sec.gov", async () => {
            const clock = { t: 0 };
            const sleeps: number[] = [];
            const limiter = createRateLimiter({ now: () => clock.t, sleep: async (ms) => void sleeps.push(ms) });
            await Promise.all(Array.from({ length: 25 }, (_, i) => limiter.acquire(i % 2 === 0 ? "www.sec.gov" : "data.sec.gov")));
            expect(sleeps).to.deep.equal(Array.from({ length: 24 }, (_, i) => (i + 1) * 100));
        });

        it("keeps hosts independent and applies configured rates", async () => {
            const sleeps: number[] = [];
            const limiter = createRateLimiter({
                now: () => 0,
                sleep: async (ms) => void sleeps.push(ms),
                rateLimits: { "example.com": 2 },
                defaultRequestsPerSecond: 4,
            });
            await limiter.acquire("a.example.com");
            await limiter.acquire("b.example.com");
            await limiter.acquire("other.example.org");
            await limiter.acquire("other.example.org");
            await limiter.acquire("api.gdeltproject.org");
            await limiter.acquire("api.gdeltproject.org");
            // example.com subdomains share 2/s (500 ms); other host at the default 4/s (250 ms); GDELT one per 5 s.
            expect(sleeps).to.deep.equal([500, 250, 5000]);
            expect(() => createRateLimiter({ now: () => 0, sleep: async () => undefined, rateLimits: { "x.com": 0 } })).to.throw(
                RangeError,
            );
        });
    });

    describe("SEC User-Agent", () => {
        it("refuses to call a sec.gov host without a declared User-Agent, before any request", async () => {
            const { http, calls } = testContext(() => json({}), { userAgent: "ai-investment/1.0" });
            const error = await rejectionOf(http.request({ url: "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent" }));
            expect(error).to.be.instanceOf(UserAgentError);
            expect(error.message).to.contain("Company Name admin@company.com");
            expect(calls).to.have.length(0);

            await http.request({ url: "https://data.sec.gov/submissions/CIK0000320193.json", headers: { "user-agent": TEST_USER_AGENT } });
            expect(calls).to.have.length(1);
        });

        it("accepts a name plus a contact e-mail and rejects anything else", () => {
            expect(assertDeclaredUserAgent("  Acme Research Ltd admin@acme-research.com ")).to.equal(
                "Acme Research Ltd admin@acme-research.com",
            );
            expect(assertDeclaredUserAgent("Sample Company Name AdminContact@samplecompany.com")).to.be.a("string");
            for (const bad of [
                "",
                "   ",
                "admin@acme.com",
                "Acme Research",
                "Mozilla/5.0 (X11; Linux x86_64)",
                "Acme <admin@acme.com>",
                "Acme admin@acme",
            ]) {
                expect(() => assertDeclaredUserAgent(bad), JSON.stringify(bad)).to.throw(UserAgentError);
            }
            expect(() => assertDeclaredUserAgent("")).to.throw(/none was configured/);
        });

        it("needs a non-empty default User-Agent for any client", () => {
            expect(() => createHttpClient({ userAgent: " " })).to.throw(UserAgentError);
        });
    });

    it("decodes with the declared charset (EDGAR's Atom is ISO-8859-1)", () => {
        const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1" ?><t>Soci\u00e9t\u00e9 G\u00e9n\u00e9rale</t>', "latin1");
        expect(decodeBody(new Uint8Array(latin1), "application/atom+xml")).to.contain("Société Générale");
        expect(decodeBody(new Uint8Array(latin1), "text/xml; charset=ISO-8859-1")).to.contain("Société Générale");
        expect(decodeBody(new Uint8Array(Buffer.from("Zürich", "utf8")), "application/json")).to.equal("Zürich");
    });
});
