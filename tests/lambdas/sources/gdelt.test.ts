import { expect } from "chai";
import { createGdeltConnector, gdeltArtListUrl, parseGdeltArtList } from "../../../lambdas/sources/gdelt";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext, text } from "./support";

const ARTLIST_URL = "https://api.gdeltproject.org/api/v2/doc/doc?query=microsoft&mode=ArtList&format=json&maxrecords=75&sort=DateDesc";

describe("lambdas/sources/gdelt", () => {
    it("maps articles to items whose text is the title", () => {
        const { items, rejected } = parseGdeltArtList(rawPayload(fixtureText("gdelt-artlist.json"), ARTLIST_URL));
        expect(rejected).to.deep.equal([]);
        expectValidItems(items);
        expect(items[0]).to.deep.equal({
            channel: "news",
            source: "gdelt",
            sourceItemId: "https://www.reuters.com/technology/microsoft-plans-spend-80-billion-ai-data-centers-fiscal-2025-2025-01-03/",
            url: "https://www.reuters.com/technology/microsoft-plans-spend-80-billion-ai-data-centers-fiscal-2025-2025-01-03/",
            publishedAt: "2025-01-03T18:45:00.000Z",
            title: "Microsoft plans to spend $80 billion on AI - enabled data centers in fiscal 2025",
            text: "Microsoft plans to spend $80 billion on AI - enabled data centers in fiscal 2025",
        });
        expect(items[1]!.title).to.equal("Microsoft: 80 Milliarden Dollar für KI - Rechenzentren");
        expect(items.map((item) => item.publishedAt)).to.deep.equal([
            "2025-01-03T18:45:00.000Z",
            "2025-01-03T17:15:00.000Z",
            "2025-01-03T16:30:00.000Z",
        ]);
    });

    it("rejects an article with a missing or malformed seendate by name, keeping the others", () => {
        const body = fixtureJson<{ articles: Record<string, unknown>[] }>("gdelt-artlist.json");
        delete body.articles[0]!["seendate"];
        body.articles[2]!["seendate"] = "2025-01-03 16:30:00";
        const { items, rejected } = parseGdeltArtList(rawPayload(JSON.stringify(body), ARTLIST_URL));
        expect(items).to.have.length(1);
        expect(rejected.map((r) => r.reason)).to.deep.equal([
            "articles[0].seendate: Invalid input: expected string, received undefined",
            'articles[2].seendate: "2025-01-03 16:30:00" is not GDELT\'s YYYYMMDDTHHMMSSZ',
        ]);
    });

    it("reads {} as no articles and GDELT's plain-text query errors as a payload rejection", () => {
        expect(parseGdeltArtList(rawPayload("{}", ARTLIST_URL))).to.deep.equal({ items: [], rejected: [] });
        const { rejected } = parseGdeltArtList(rawPayload("Your search contained a keyword that was too short.", ARTLIST_URL, "text/html"));
        expect(rejected).to.have.length(1);
        expect(rejected[0]!.reason).to.match(/^payload: not valid JSON \(content-type text\/html\)/);
    });

    it("fetches an ArtList query sorted newest first", async () => {
        const { ctx, calls } = testContext(() => json(fixtureJson("gdelt-artlist.json")));
        const batch = await createGdeltConnector({ query: "microsoft" }).fetchBatch(ctx);
        expect(calls.map((call) => call.url)).to.deep.equal([ARTLIST_URL]);
        expect(batch.items).to.have.length(3);
        expect(gdeltArtListUrl({ query: '"Apple Inc" sourcelang:english', maxRecords: 250, timespan: "2h" })).to.equal(
            "https://api.gdeltproject.org/api/v2/doc/doc?query=%22Apple+Inc%22+sourcelang%3Aenglish&mode=ArtList&format=json&maxrecords=250&timespan=2h&sort=DateDesc",
        );
    });

    it("keeps a rejected query's raw body for the caller", async () => {
        const { ctx } = testContext(() => text("Invalid query", 200));
        const batch = await createGdeltConnector({ query: "ab" }).fetchBatch(ctx);
        expect(batch.raw[0]!.body).to.equal("Invalid query");
        expect(batch.rejected).to.have.length(1);
        expect(batch.rejected[0]!.rawIndex).to.equal(0);
    });
});
