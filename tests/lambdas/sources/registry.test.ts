import { expect } from "chai";
import type { SourceItem } from "../../../lambdas/domain/signals";
import { defineConnector, type RawPayload, type SourceConnector } from "../../../lambdas/sources/connector";
import { HttpError } from "../../../lambdas/sources/http";
import {
    buildConnectors,
    parseSourcesConfig,
    runConnectors,
    SourcesConfigError,
    sourcesConfigSchema,
    type SourcesConfigInput,
} from "../../../lambdas/sources/registry";
import { fixtureJson, fixtureText, json, rawPayload, testContext, text, TEST_USER_AGENT } from "./support";

const fullConfig: SourcesConfigInput = {
    social: {
        reddit: { subreddits: ["stocks", "investing"] },
        mastodon: { instance: "mastodon.social", hashtags: ["AAPL"] },
        bluesky: { queries: ["$MSFT"] },
        stocktwits: { symbols: ["AAPL", "BTC.X"] },
    },
    news: {
        rss: { feeds: ["https://news.example-markets.com/rss/companies.xml"] },
        gdelt: { queries: ["microsoft"], maxRecords: 50, timespan: "2h" },
    },
    regulatory: {
        secEdgar: { userAgent: TEST_USER_AGENT, forms: ["8-K", "10-Q"], ciks: ["320193"] },
        bafin: { feeds: ["https://www.bafin.de/DE/service/rss/_function/rssnewsfeed.xml?nn=150166"] },
        finma: { feeds: ["https://www.finma.ch/en/rss/news/"] },
    },
};

function problemsOf(input: unknown): string[] {
    try {
        parseSourcesConfig(input);
    } catch (error) {
        expect(error).to.be.instanceOf(SourcesConfigError);
        return [...(error as SourcesConfigError).problems];
    }
    throw new Error("expected the configuration to be rejected");
}

const item = (id: string): SourceItem => ({
    channel: "news",
    source: "rss",
    sourceItemId: id,
    url: `https://news.example-markets.com/${id}`,
    publishedAt: "2025-01-03T12:00:00.000Z",
    text: id,
});

/** A connector with a scripted fetch: one payload per item id, parsed back to that item. */
function fakeConnector(id: string, fetch: () => Promise<string[]>): SourceConnector {
    return defineConnector({
        kind: "rss",
        channel: "news",
        id,
        fetchRaw: async () => (await fetch()).map((body) => rawPayload(body, `https://news.example-markets.com/${id}.xml`, "text/plain")),
        parse: (raw: RawPayload) =>
            raw.body === "bad" ? { items: [], rejected: [{ reason: "payload: bad" }] } : { items: [item(raw.body)], rejected: [] },
    });
}

describe("lambdas/sources/registry", () => {
    describe("configuration", () => {
        it("accepts a full configuration and fills defaults", () => {
            const config = parseSourcesConfig(fullConfig);
            expect(config.regulatory.secEdgar?.forms).to.deep.equal(["8-K", "10-Q"]);
            const minimal = parseSourcesConfig({ regulatory: { secEdgar: { userAgent: TEST_USER_AGENT } } });
            expect(minimal.regulatory.secEdgar).to.deep.equal({ userAgent: TEST_USER_AGENT, forms: ["8-K"], ciks: [] });
            expect(minimal.social).to.deep.equal({});
            expect(minimal.news).to.deep.equal({});
            expect(sourcesConfigSchema.safeParse({}).success).to.equal(true);
        });

        it("names every bad path", () => {
            const problems = problemsOf({
                social: { reddit: { subreddits: ["r/stocks"] }, stocktwits: { symbols: ["AAPL", "AAPL"] } },
                news: { rss: { feeds: ["not a url"] }, gdelt: { queries: ["x"], timespan: "2 hours" } },
                regulatory: { secEdgar: { userAgent: "python-requests/2.32", ciks: ["AAPL"] }, finma: { feed: [] } },
            });
            const paths = problems.map((problem) => problem.split(":")[0]);
            expect(paths).to.have.members([
                "social.reddit.subreddits[0]",
                "social.stocktwits.symbols",
                "news.rss.feeds[0]",
                "news.gdelt.timespan",
                "regulatory.secEdgar.userAgent",
                "regulatory.secEdgar.ciks[0]",
                "regulatory.finma.feeds",
                "regulatory.finma",
            ]);
            expect(problems.find((problem) => problem.startsWith("regulatory.secEdgar.userAgent"))).to.contain(
                "Company Name admin@company.com",
            );
            expect(problems).to.include('regulatory.finma: Unrecognized key: "feed"');
        });

        it("requires the SEC User-Agent when EDGAR is configured", () => {
            expect(problemsOf({ regulatory: { secEdgar: { forms: ["8-K"] } } })[0]).to.match(/^regulatory\.secEdgar\.userAgent: /);
        });
    });

    describe("buildConnectors", () => {
        const config = parseSourcesConfig(fullConfig);
        const secrets = { reddit: { clientId: "id", clientSecret: "secret" } };

        it("builds one connector per configured target, per channel", () => {
            expect(buildConnectors("social", config, secrets).map((c) => c.id)).to.deep.equal([
                "reddit r/stocks",
                "reddit r/investing",
                "mastodon mastodon.social #AAPL",
                'bluesky search "$MSFT"',
                "stocktwits $AAPL",
                "stocktwits $BTC.X",
            ]);
            expect(buildConnectors("news", config, secrets).map((c) => `${c.kind}/${c.channel}`)).to.deep.equal(["rss/news", "gdelt/news"]);
            expect(buildConnectors("regulatory", config, secrets).map((c) => c.id)).to.deep.equal([
                "sec-edgar current 8-K",
                "sec-edgar current 10-Q",
                "sec-edgar submissions CIK0000320193",
                "bafin https://www.bafin.de/DE/service/rss/_function/rssnewsfeed.xml?nn=150166",
                "finma https://www.finma.ch/en/rss/news/",
            ]);
            expect(buildConnectors("news", parseSourcesConfig({}))).to.deep.equal([]);
        });

        it("refuses Reddit without its credentials", () => {
            expect(() => buildConnectors("social", config)).to.throw(
                SourcesConfigError,
                /social\.reddit: configured, but no Reddit client credentials/,
            );
            expect(buildConnectors("news", config)).to.have.length(2);
        });
    });

    describe("defineConnector", () => {
        it("maps each item of fetchBatch to its raw payload and turns a parser exception into a rejection", async () => {
            const { ctx } = testContext(() => json({}));
            const connector = defineConnector({
                kind: "rss",
                channel: "news",
                id: "x",
                fetchRaw: async () =>
                    ["p0", "crash", "p2"].map((body) => rawPayload(body, "https://news.example-markets.com/x.xml", "text/plain")),
                parse: (raw) => {
                    if (raw.body === "crash") throw new TypeError("Cannot read properties of undefined (reading 'item')");
                    return { items: [item(`${raw.body}-a`), item(`${raw.body}-b`)], rejected: [] };
                },
            });
            const batch = await connector.fetchBatch(ctx);
            expect(batch.items.map((i) => i.sourceItemId)).to.deep.equal(["p0-a", "p0-b", "p2-a", "p2-b"]);
            expect(batch.itemRawIndex).to.deep.equal([0, 0, 2, 2]);
            expect(batch.rejected).to.deep.equal([
                { reason: "payload: parser failed: Cannot read properties of undefined (reading 'item')", rawIndex: 1 },
            ]);
            expect(batch.raw).to.have.length(3);
        });
    });

    describe("runConnectors", () => {
        it("isolates a failing connector: the others' items are returned and the failure is reported", async () => {
            const { ctx } = testContext(() => json({}));
            const connectors = [
                fakeConnector("a", async () => ["a1", "a2"]),
                fakeConnector("broken", async () => {
                    throw new TypeError("boom");
                }),
                fakeConnector("down", async () => {
                    throw new HttpError(
                        "GET https://news.example-markets.com/down.xml failed with HTTP 503 after 4 attempts",
                        "https://news.example-markets.com/down.xml",
                        503,
                        4,
                    );
                }),
                fakeConnector("c", async () => ["c1", "bad"]),
            ];
            const result = await runConnectors(connectors, ctx);
            expect(result.items.map((entry) => entry.item.sourceItemId).sort()).to.deep.equal(["a1", "a2", "c1"]);
            expect(result.failures).to.have.deep.members([
                { connectorId: "broken", kind: "rss", channel: "news", error: "TypeError: boom" },
                {
                    connectorId: "down",
                    kind: "rss",
                    channel: "news",
                    error: "GET https://news.example-markets.com/down.xml failed with HTTP 503 after 4 attempts",
                    status: 503,
                    url: "https://news.example-markets.com/down.xml",
                },
            ]);
            expect(result.rejected).to.deep.equal([
                { connectorId: "c", kind: "rss", channel: "news", rawIndex: 1, reason: "payload: bad" },
            ]);
            expect(result.items.find((entry) => entry.item.sourceItemId === "a2")).to.include({ connectorId: "a", rawIndex: 1 });
        });

        it("stores every raw payload of a connector before parsing any, and attaches the storage key to its items", async () => {
            const { ctx } = testContext(() => json({}));
            const events: string[] = [];
            const connector = fakeConnector("a", async () => ["a1", "a2"]);
            const tracked: SourceConnector = {
                ...connector,
                parse: (raw) => {
                    events.push(`parse ${raw.body}`);
                    return connector.parse(raw);
                },
            };
            const result = await runConnectors([tracked], ctx, {
                storeRaw: async (raw, origin) => {
                    events.push(`store ${raw.body}`);
                    return `raw/${origin.kind}/${origin.connectorId}/${origin.rawIndex}.json`;
                },
            });
            expect(events).to.deep.equal(["store a1", "store a2", "parse a1", "parse a2"]);
            expect(result.items.map((entry) => entry.rawKey)).to.deep.equal(["raw/rss/a/0.json", "raw/rss/a/1.json"]);
            expect(result.payloads.map((payload) => payload.rawKey)).to.deep.equal(["raw/rss/a/0.json", "raw/rss/a/1.json"]);
        });

        it("drops a connector's items and reports it when its raw payload cannot be stored", async () => {
            const { ctx } = testContext(() => json({}));
            const result = await runConnectors([fakeConnector("a", async () => ["a1"]), fakeConnector("b", async () => ["b1"])], ctx, {
                storeRaw: async (raw) => {
                    if (raw.body === "a1") throw new Error("AccessDenied");
                    return "raw/b1";
                },
            });
            expect(result.items.map((entry) => entry.item.sourceItemId)).to.deep.equal(["b1"]);
            expect(result.failures).to.deep.equal([{ connectorId: "a", kind: "rss", channel: "news", error: "Error: AccessDenied" }]);
        });

        it("runs at most `concurrency` connectors at once", async () => {
            const { ctx } = testContext(() => json({}));
            let running = 0;
            let peak = 0;
            const slow = (id: string) =>
                fakeConnector(id, async () => {
                    running++;
                    peak = Math.max(peak, running);
                    await new Promise((resolve) => setImmediate(resolve));
                    running--;
                    return [id];
                });
            const result = await runConnectors(["a", "b", "c", "d", "e"].map(slow), ctx, { concurrency: 2 });
            expect(result.items).to.have.length(5);
            expect(peak).to.equal(2);
        });

        it("runs real connectors end to end over the client: one source down, the others parsed", async () => {
            const { ctx } = testContext(
                (call) => {
                    if (call.url.startsWith("https://api.stocktwits.com/")) return json(fixtureJson("stocktwits-aapl.json"));
                    if (call.url.startsWith("https://api.gdeltproject.org/")) return text("unavailable", 503);
                    return text(fixtureText("rss-news.xml"), 200, { "content-type": "application/rss+xml" });
                },
                { maxAttempts: 2 },
            );
            const config = parseSourcesConfig({
                social: { stocktwits: { symbols: ["AAPL"] } },
                news: { rss: { feeds: ["https://news.example-markets.com/rss/companies.xml"] }, gdelt: { queries: ["microsoft"] } },
            });
            const news = await runConnectors(buildConnectors("news", config), ctx);
            const social = await runConnectors(buildConnectors("social", config), ctx);
            expect(news.items.map((entry) => entry.item.source)).to.deep.equal(["rss", "rss", "rss"]);
            expect(news.failures).to.have.length(1);
            expect(news.failures[0]).to.include({ kind: "gdelt", connectorId: 'gdelt "microsoft"', status: 503 });
            expect(news.failures[0]!.error).to.match(
                /^GET https:\/\/api\.gdeltproject\.org\/api\/v2\/doc\/doc\?query=microsoft.* failed with HTTP 503 after 2 attempts$/,
            );
            expect(social.items.map((entry) => entry.item.declaredSentiment)).to.deep.equal(["bullish", "bearish", undefined]);
        });
    });
});
