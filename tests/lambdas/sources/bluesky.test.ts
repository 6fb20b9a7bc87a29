import { expect } from "chai";
import {
    BLUESKY_PUBLIC_APPVIEW,
    BlueskySession,
    blueskySearchUrl,
    createBlueskyConnector,
    jwtExpiry,
    parseBlueskySearch,
} from "../../../lambdas/sources/bluesky";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext, type RecordedCall } from "./support";

const SEARCH_URL = "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?q=%24MSFT&limit=50&sort=latest";

function jwtWithExp(expSeconds: number): string {
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part({ alg: "ES256K", typ: "at+jwt" })}.${part({ scope: "com.atproto.access", sub: "did:plc:test", exp: expSeconds })}.sig`;
}

describe("lambdas/sources/bluesky", () => {
    it("maps posts to items keyed by at:// URI and linked to bsky.app", () => {
        const { items, rejected } = parseBlueskySearch(rawPayload(fixtureText("bluesky-search.json"), SEARCH_URL));
        expect(rejected).to.deep.equal([]);
        expectValidItems(items);
        expect(items[0]).to.deep.equal({
            channel: "social",
            source: "bluesky",
            sourceItemId: "at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lewqx2vhqk2c",
            url: "https://bsky.app/profile/chartsandcoffee.bsky.social/post/3lewqx2vhqk2c",
            publishedAt: "2025-01-02T15:42:10.331Z",
            text: "$MSFT breaking out of a 3-month range on volume. Azure numbers at the end of the month will decide if it holds.",
            author: "chartsandcoffee.bsky.social",
            engagement: { likes: 57, replies: 4, shares: 9 },
            symbols: ["MSFT"],
        });
    });

    it("normalises microsecond and offset timestamps, and links an unverified handle by its DID", () => {
        const { items } = parseBlueskySearch(rawPayload(fixtureText("bluesky-search.json"), SEARCH_URL));
        expect(items[1]!.publishedAt).to.equal("2025-01-02T15:20:45.000Z");
        expect(items[2]!.publishedAt).to.equal("2025-01-02T15:05:00.000Z");
        expect(items[2]!.url).to.equal("https://bsky.app/profile/did:plc:qrtyc3fy2lmdv2kcnw7jbzqx/post/3lewn4ut6ff2z");
        expect(items[2]!.author).to.equal("did:plc:qrtyc3fy2lmdv2kcnw7jbzqx");
    });

    it("rejects a post with a missing createdAt or a foreign URI by name, keeping the others", () => {
        const body = fixtureJson<{ posts: Record<string, Record<string, unknown>>[] }>("bluesky-search.json");
        delete body.posts[0]!["record"]!["createdAt"];
        body.posts[2]!["uri"] = "at://did:plc:qrtyc3fy2lmdv2kcnw7jbzqx/app.bsky.feed.repost/3lewn4ut6ff2z" as never;
        const { items, rejected } = parseBlueskySearch(rawPayload(JSON.stringify(body), SEARCH_URL));
        expect(items).to.have.length(1);
        expect(rejected.map((r) => r.reason.split(":")[0])).to.deep.equal(["posts[0].record.createdAt", "posts[2].uri"]);
        expect(rejected[0]!.itemRef).to.equal("at://did:plc:z72i7hdynmk6r22z27h6tvur/app.bsky.feed.post/3lewqx2vhqk2c");
    });

    it("rejects an error body as a payload", () => {
        const { rejected } = parseBlueskySearch(
            rawPayload(JSON.stringify({ error: "InvalidRequest", message: 'Error: Params must have the property "q"' }), SEARCH_URL),
        );
        expect(rejected).to.deep.equal([{ reason: "payload: posts: Invalid input: expected array, received undefined" }]);
    });

    it("searches the public AppView without credentials", async () => {
        const { ctx, calls } = testContext(() => json(fixtureJson("bluesky-search.json")));
        const connector = createBlueskyConnector({ query: "$MSFT" });
        const batch = await connector.fetchBatch(ctx);
        expect(calls.map((call) => call.url)).to.deep.equal([SEARCH_URL]);
        expect(calls[0]!.headers.get("authorization")).to.equal(null);
        expect(batch.items).to.have.length(3);
        expect(blueskySearchUrl(BLUESKY_PUBLIC_APPVIEW, "apple earnings", 10)).to.equal(
            "https://public.api.bsky.app/xrpc/app.bsky.feed.searchPosts?q=apple+earnings&limit=10&sort=latest",
        );
    });

    it("with an app password, signs in once and searches through the PDS with the session token", async () => {
        let now = 0;
        const responder = (call: RecordedCall) =>
            call.url.endsWith("com.atproto.server.createSession")
                ? json({ did: "did:plc:test", handle: "ingest.bsky.social", accessJwt: jwtWithExp(now / 1000 + 7200), refreshJwt: "r" })
                : json(fixtureJson("bluesky-search.json"));
        const { ctx, calls, clock } = testContext(responder);
        now = clock.now();
        const session = new BlueskySession({ identifier: "ingest.bsky.social", appPassword: "abcd-efgh-ijkl-mnop" });
        const msft = createBlueskyConnector({ query: "$MSFT", session });
        const aapl = createBlueskyConnector({ query: "$AAPL", session });
        await msft.fetchRaw(ctx);
        await aapl.fetchRaw(ctx);
        expect(calls.map((call) => call.url.split("?")[0])).to.deep.equal([
            "https://bsky.social/xrpc/com.atproto.server.createSession",
            "https://bsky.social/xrpc/app.bsky.feed.searchPosts",
            "https://bsky.social/xrpc/app.bsky.feed.searchPosts",
        ]);
        expect(JSON.parse(calls[0]!.body!)).to.deep.equal({ identifier: "ingest.bsky.social", password: "abcd-efgh-ijkl-mnop" });
        expect(calls[1]!.headers.get("authorization")).to.match(/^Bearer ey/);
    });

    it("reads a JWT's exp without trusting anything else", () => {
        expect(jwtExpiry(jwtWithExp(1_735_000_000))).to.equal(1_735_000_000_000);
        expect(jwtExpiry("not-a-jwt")).to.equal(undefined);
        expect(jwtExpiry("a.%%%.c")).to.equal(undefined);
    });
});
