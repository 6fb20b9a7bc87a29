import { expect } from "chai";
import { createStocktwitsConnector, parseStocktwitsStream, stocktwitsStreamUrl } from "../../../lambdas/sources/stocktwits";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext } from "./support";

const STREAM_URL = "https://api.stocktwits.com/api/2/streams/symbol/AAPL.json";

describe("lambdas/sources/stocktwits", () => {
    it("maps messages to items with symbols, likes and the declared sentiment", () => {
        const { items, rejected } = parseStocktwitsStream(rawPayload(fixtureText("stocktwits-aapl.json"), STREAM_URL));
        expect(rejected).to.deep.equal([]);
        expectValidItems(items);
        expect(items[0]).to.deep.equal({
            channel: "social",
            source: "stocktwits",
            sourceItemId: "598712244",
            url: "https://stocktwits.com/ThetaGangSteve/message/598712244",
            publishedAt: "2025-01-02T15:31:07.000Z",
            text: "$AAPL holding the 50-day like a champ. Earnings run-up starts now & I'm long.",
            author: "ThetaGangSteve",
            engagement: { likes: 6, replies: 2 },
            symbols: ["AAPL"],
            declaredSentiment: "bullish",
        });
        expect(items.map((item) => item.declaredSentiment)).to.deep.equal(["bullish", "bearish", undefined]);
        expect(items[1]!.symbols).to.deep.equal(["AAPL", "MSFT"]);
        expect(items[1]!.engagement).to.deep.equal({ likes: 0 });
    });

    it("rejects a message with a missing user or an unknown sentiment label by name, keeping the others", () => {
        const body = fixtureJson<{ messages: Record<string, unknown>[] }>("stocktwits-aapl.json");
        delete body.messages[0]!["user"];
        body.messages[1]!["entities"] = { sentiment: { basic: "Neutral" } };
        const { items, rejected } = parseStocktwitsStream(rawPayload(JSON.stringify(body), STREAM_URL));
        expect(items.map((item) => item.sourceItemId)).to.deep.equal(["598709870"]);
        expect(rejected.map((r) => [r.itemRef, r.reason.split(":")[0]])).to.deep.equal([
            ["598712244", "messages[0].user"],
            ["598711803", "messages[1].entities.sentiment.basic"],
        ]);
    });

    it("rejects an error body as a payload", () => {
        const { rejected } = parseStocktwitsStream(
            rawPayload(JSON.stringify({ response: { status: 404 }, errors: [{ message: "Symbol not found" }] }), STREAM_URL),
        );
        expect(rejected).to.have.length(1);
        expect(rejected[0]!.reason).to.match(/^payload: messages: /);
    });

    it("fetches the symbol stream", async () => {
        const { ctx, calls } = testContext(() => json(fixtureJson("stocktwits-aapl.json")));
        const connector = createStocktwitsConnector({ symbol: "AAPL" });
        expect(connector).to.include({ kind: "stocktwits", channel: "social", id: "stocktwits $AAPL" });
        expect((await connector.fetchBatch(ctx)).items).to.have.length(3);
        expect(calls.map((call) => call.url)).to.deep.equal([STREAM_URL]);
        expect(stocktwitsStreamUrl("BTC.X")).to.equal("https://api.stocktwits.com/api/2/streams/symbol/BTC.X.json");
        expect(() => createStocktwitsConnector({ symbol: "aapl" })).to.throw(/not a StockTwits symbol/);
    });
});
