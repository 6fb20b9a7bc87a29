import { expect } from "chai";
import { createMastodonConnector, mastodonTagUrl, parseMastodonTimeline } from "../../../lambdas/sources/mastodon";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext } from "./support";

const TAG_URL = "https://mastodon.social/api/v1/timelines/tag/AAPL?limit=40";

describe("lambdas/sources/mastodon", () => {
    it("maps statuses to items keyed by their URI, with text from the HTML content", () => {
        const { items, rejected } = parseMastodonTimeline(rawPayload(fixtureText("mastodon-tag-aapl.json"), TAG_URL));
        expect(rejected).to.deep.equal([]);
        expectValidItems(items);
        expect(items[0]).to.deep.equal({
            channel: "social",
            source: "mastodon",
            sourceItemId: "https://mastodon.social/users/marketwatcher/statuses/113757412345678901",
            url: "https://mastodon.social/@marketwatcher/113757412345678901",
            publishedAt: "2025-01-02T14:05:31.000Z",
            text: "Services revenue keeps carrying #AAPL. Watching $AAPL into the Jan 30 print.\nMargins > 46% would be a record.",
            author: "marketwatcher@mastodon.social",
            engagement: { likes: 21, replies: 3, shares: 7 },
            symbols: ["AAPL"],
        });
    });

    it("keeps remote handles, decodes entities, and puts a content warning before the text", () => {
        const { items } = parseMastodonTimeline(rawPayload(fixtureText("mastodon-tag-aapl.json"), TAG_URL));
        expect(items[1]!.author).to.equal("quantnotes@fosstodon.org");
        expect(items[1]!.text).to.equal(
            "Options skew on #AAPL flipped bearish this week.\nPuts & calls ratio at 1.3 — highest since October.",
        );
        expect(items[1]!.symbols).to.equal(undefined);
        expect(items[2]!.text).to.match(/^stock talk\n\nSold half my #AAPL position/);
        expect(items[2]!.publishedAt).to.equal("2025-01-02T13:10:02.123Z");
    });

    it("falls back to the URI when a status has no web URL", () => {
        const statuses = fixtureJson<Record<string, unknown>[]>("mastodon-tag-aapl.json");
        statuses[0]!["url"] = null;
        const { items } = parseMastodonTimeline(rawPayload(JSON.stringify(statuses), TAG_URL));
        expect(items[0]!.url).to.equal("https://mastodon.social/users/marketwatcher/statuses/113757412345678901");
    });

    it("rejects a status missing a field by name, and a media-only status, keeping the rest", () => {
        const statuses = fixtureJson<Record<string, unknown>[]>("mastodon-tag-aapl.json");
        delete (statuses[0]!["account"] as Record<string, unknown>)["acct"];
        statuses[2]!["content"] = "<p></p>";
        statuses[2]!["spoiler_text"] = "";
        const { items, rejected } = parseMastodonTimeline(rawPayload(JSON.stringify(statuses), TAG_URL));
        expect(items.map((item) => item.author)).to.deep.equal(["quantnotes@fosstodon.org"]);
        expect(rejected.map((r) => [r.itemRef, r.reason.split(":")[0]])).to.deep.equal([
            ["https://mastodon.social/users/marketwatcher/statuses/113757412345678901", "[0].account.acct"],
            ["https://mastodon.social/users/longhorizon/statuses/113757200011122233", "[2].content"],
        ]);
    });

    it("rejects a payload that is not an array of statuses", () => {
        const { rejected } = parseMastodonTimeline(
            rawPayload(JSON.stringify({ error: "This method requires an authenticated user" }), TAG_URL),
        );
        expect(rejected).to.have.length(1);
        expect(rejected[0]!.reason).to.match(/^payload: \(root\): /);
        expect(parseMastodonTimeline(rawPayload("<html>", TAG_URL)).rejected[0]!.reason).to.contain("not valid JSON");
    });

    it("fetches the hashtag timeline of the configured instance", async () => {
        const { ctx, calls } = testContext(() => json(fixtureJson("mastodon-tag-aapl.json")));
        const connector = createMastodonConnector({ instance: "mastodon.social", hashtag: "AAPL" });
        expect(connector).to.include({ kind: "mastodon", channel: "social", id: "mastodon mastodon.social #AAPL" });
        const batch = await connector.fetchBatch(ctx);
        expect(calls.map((call) => call.url)).to.deep.equal([TAG_URL]);
        expect(batch.items).to.have.length(3);
        expect(batch.itemRawIndex).to.deep.equal([0, 0, 0]);
        expect(batch.raw[0]!.url).to.equal(TAG_URL);
        expect(() => createMastodonConnector({ instance: "https://mastodon.social", hashtag: "AAPL" })).to.throw(/host name/);
        expect(() => createMastodonConnector({ instance: "mastodon.social", hashtag: "#AAPL" })).to.throw(/hashtag/);
        expect(mastodonTagUrl("fosstodon.org", "börse", 20)).to.equal("https://fosstodon.org/api/v1/timelines/tag/b%C3%B6rse?limit=20");
    });
});
