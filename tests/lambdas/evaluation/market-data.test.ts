import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import {
    AlphaVantageMarketData,
    MarketDataError,
    parseAlphaVantageDaily,
    parseStooqCsv,
    StooqMarketData,
    stooqSymbol,
} from "../../../lambdas/adapters/market-data";
import { createHttpClient, type FetchLike } from "../../../lambdas/sources/http";
import { rejectionOf } from "../support";

const fixture = (name: string) => readFileSync(join(__dirname, "../../fixtures/market-data", name), "utf8");
const API_KEY = "AV-KEY-never-in-messages";

function marketError(action: () => unknown): MarketDataError {
    try {
        action();
    } catch (error) {
        expect(error).to.be.instanceOf(MarketDataError);
        return error as MarketDataError;
    }
    throw new Error("expected a MarketDataError");
}

/** An HTTP client over a scripted fetch that never waits (sleep and clock injected). */
function scriptedClient(answers: (url: URL) => { status?: number; body: string; contentType?: string }) {
    const urls: URL[] = [];
    let clock = Date.parse("2026-11-14T02:00:00.000Z");
    const fetch: FetchLike = async (input) => {
        const url = new URL(String(input));
        urls.push(url);
        const answer = answers(url);
        return new Response(answer.body, {
            status: answer.status ?? 200,
            headers: { "content-type": answer.contentType ?? "application/json" },
        });
    };
    const http = createHttpClient({
        userAgent: "test",
        fetch,
        sleep: async (ms) => {
            clock += ms;
        },
        now: () => clock,
        random: () => 0,
        rateLimits: { "alphavantage.co": 5 / 60 },
    });
    return { http, urls, now: () => new Date(clock), advance: (ms: number) => (clock += ms) };
}

describe("market data", function () {
    describe("parseAlphaVantageDaily", function () {
        it("reads the closes of a TIME_SERIES_DAILY answer, oldest first", function () {
            const closes = parseAlphaVantageDaily(fixture("alphavantage-daily-aapl.json"), "AAPL");
            expect(closes).to.have.length(8);
            expect(closes[0]).to.deep.equal({ date: "2026-11-04", close: 220 });
            expect(closes.at(-1)).to.deep.equal({ date: "2026-11-13", close: 233.12 });
            expect(closes.map((bar) => bar.date)).to.deep.equal([...closes.map((bar) => bar.date)].sort());
        });

        it("turns the per-minute Note into a clear rate-limit error", function () {
            const error = marketError(() => parseAlphaVantageDaily(fixture("alphavantage-note.json"), "AAPL"));
            expect(error.kind).to.equal("rate-limited");
            expect(error.message).to.match(
                /^Alpha Vantage AAPL: request budget exhausted \(Note: Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute/,
            );
        });

        it("turns the daily-limit Information into a rate-limit error and a premium Information into a refusal", function () {
            const daily = marketError(() => parseAlphaVantageDaily(fixture("alphavantage-information-daily-limit.json"), "SPY"));
            expect(daily.kind).to.equal("rate-limited");
            expect(daily.message).to.include("request budget exhausted").and.include("25 requests per day");
            const premium = marketError(() => parseAlphaVantageDaily(fixture("alphavantage-information-premium.json"), "SPY"));
            expect(premium.kind).to.equal("rejected");
            expect(premium.message).to.include("request refused").and.include("premium endpoint");
        });

        it("reports an unknown symbol, an empty series and a malformed bar", function () {
            expect(marketError(() => parseAlphaVantageDaily(fixture("alphavantage-error.json"), "NOPE")).kind).to.equal("rejected");
            expect(marketError(() => parseAlphaVantageDaily('{"Meta Data":{},"Time Series (Daily)":{}}', "X")).kind).to.equal("no-data");
            const bad = marketError(() => parseAlphaVantageDaily('{"Time Series (Daily)":{"2026-11-13":{"4. close":"0.0000"}}}', "X"));
            expect(bad.kind).to.equal("invalid-response");
            expect(bad.message).to.include("2026-11-13").and.include("4. close");
            expect(marketError(() => parseAlphaVantageDaily("<html>busy</html>", "X")).kind).to.equal("invalid-response");
            expect(marketError(() => parseAlphaVantageDaily('{"Meta Data":{}}', "X")).message).to.include(
                'no "Time Series (Daily)" object (fields: Meta Data)',
            );
        });
    });

    describe("parseStooqCsv", function () {
        it("reads the Date and Close columns", function () {
            expect(parseStooqCsv(fixture("stooq-aapl-us.csv"), "AAPL")).to.deep.equal([
                { date: "2026-11-04", close: 220 },
                { date: "2026-11-05", close: 222.41 },
                { date: "2026-11-06", close: 224.9 },
                { date: "2026-11-09", close: 225.33 },
                { date: "2026-11-10", close: 227.5 },
            ]);
        });

        it("reports 'No data', the hits limit and a non-CSV answer", function () {
            expect(marketError(() => parseStooqCsv(fixture("stooq-no-data.csv"), "NOPE")).kind).to.equal("no-data");
            expect(marketError(() => parseStooqCsv("Exceeded the daily hits limit", "AAPL")).kind).to.equal("rate-limited");
            expect(marketError(() => parseStooqCsv("<html></html>", "AAPL")).kind).to.equal("invalid-response");
        });

        it("names US listings the Stooq way", function () {
            expect(stooqSymbol("AAPL")).to.equal("aapl.us");
            expect(stooqSymbol("BRK.B")).to.equal("brk-b.us");
        });
    });

    describe("AlphaVantageMarketData", function () {
        it("asks once per symbol, filters the range, and picks compact or full by the range's age", async function () {
            const client = scriptedClient(() => ({ body: fixture("alphavantage-daily-aapl.json") }));
            const market = new AlphaVantageMarketData({ http: client.http, apiKey: async () => API_KEY, now: client.now });
            expect(await market.closes("AAPL", "2026-11-06", "2026-11-10")).to.deep.equal([
                { date: "2026-11-06", close: 224.9 },
                { date: "2026-11-09", close: 225.33 },
                { date: "2026-11-10", close: 227.5 },
            ]);
            await market.closes("AAPL", "2026-11-04", "2026-11-05");
            expect(client.urls).to.have.length(1);
            const params = client.urls[0]!.searchParams;
            expect(Object.fromEntries(params)).to.deep.equal({
                function: "TIME_SERIES_DAILY",
                symbol: "AAPL",
                outputsize: "compact",
                datatype: "json",
                apikey: API_KEY,
            });
            // Older than the compact window: the full series is asked for.
            await market.closes("AAPL", "2025-01-02", "2025-01-10").catch(() => undefined);
            expect(client.urls[1]!.searchParams.get("outputsize")).to.equal("full");
        });

        it("after a budget message, fails fast without asking again until the cool-down is over", async function () {
            let answer = fixture("alphavantage-note.json");
            const client = scriptedClient(() => ({ body: answer }));
            const market = new AlphaVantageMarketData({
                http: client.http,
                apiKey: async () => API_KEY,
                now: client.now,
                cooldownMs: 60_000,
            });
            const first = await rejectionOf(market.closes("AAPL", "2026-11-04", "2026-11-13"));
            expect((first as MarketDataError).kind).to.equal("rate-limited");
            expect(first.message).not.to.include(API_KEY);
            const second = await rejectionOf(market.closes("SPY", "2026-11-04", "2026-11-13"));
            expect((second as MarketDataError).kind).to.equal("rate-limited");
            expect(client.urls).to.have.length(1);
            client.advance(61_000);
            answer = fixture("alphavantage-daily-aapl.json");
            expect(await market.closes("AAPL", "2026-11-13", "2026-11-13")).to.deep.equal([{ date: "2026-11-13", close: 233.12 }]);
            expect(client.urls).to.have.length(2);
        });

        it("maps HTTP 429 after the client's retries to rate-limited, with the key redacted", async function () {
            const client = scriptedClient(() => ({ status: 429, body: "" }));
            const market = new AlphaVantageMarketData({ http: client.http, apiKey: async () => API_KEY, now: client.now });
            const error = (await rejectionOf(market.closes("AAPL", "2026-11-04", "2026-11-13"))) as MarketDataError;
            expect(error.kind).to.equal("rate-limited");
            expect(error.message).to.include("apikey=REDACTED").and.not.include(API_KEY);
            expect(client.urls.length).to.be.greaterThan(1);
        });
    });

    describe("StooqMarketData", function () {
        it("asks for the range of a US listing and reads the CSV", async function () {
            const client = scriptedClient(() => ({ body: fixture("stooq-aapl-us.csv"), contentType: "text/csv" }));
            const market = new StooqMarketData({ http: client.http });
            expect(await market.closes("AAPL", "2026-11-05", "2026-11-06")).to.deep.equal([
                { date: "2026-11-05", close: 222.41 },
                { date: "2026-11-06", close: 224.9 },
            ]);
            expect(Object.fromEntries(client.urls[0]!.searchParams)).to.deep.equal({
                s: "aapl.us",
                i: "d",
                d1: "20261105",
                d2: "20261106",
            });
        });
    });
});
