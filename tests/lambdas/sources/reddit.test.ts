import { expect } from "chai";
import { HttpError } from "../../../lambdas/sources/http";
import {
    createRedditConnector,
    parseRedditListing,
    REDDIT_TOKEN_URL,
    RedditTokenProvider,
    redditListingUrl,
} from "../../../lambdas/sources/reddit";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext, type RecordedCall } from "./support";

const LISTING_URL = "https://oauth.reddit.com/r/stocks/new?limit=100&raw_json=1";
const credentials = { clientId: "fixture-client-id", clientSecret: "fixture-client-secret-value" };

/** Token endpoint and listings, like Reddit's. */
function redditServer(options: { listingStatus?: () => number } = {}) {
    return (call: RecordedCall) => {
        if (call.url === REDDIT_TOKEN_URL) return json(fixtureJson("reddit-token.json"));
        const status = options.listingStatus?.() ?? 200;
        return status === 200 ? json(fixtureJson("reddit-new.json")) : json({ message: "Unauthorized", error: status }, status);
    };
}

describe("lambdas/sources/reddit", () => {
    describe("parseRedditListing", () => {
        it("maps every post of the listing to a valid SourceItem", () => {
            const { items, rejected } = parseRedditListing(rawPayload(fixtureText("reddit-new.json"), LISTING_URL));
            expect(rejected).to.deep.equal([]);
            expect(items.map((item) => item.sourceItemId)).to.deep.equal(["t3_1hr2x7a", "t3_1hr1d4f", "t3_1hr0c9k"]);
            expectValidItems(items);
            expect(items[0]).to.deep.equal({
                channel: "social",
                source: "reddit",
                sourceItemId: "t3_1hr2x7a",
                url: "https://www.reddit.com/r/stocks/comments/1hr2x7a/nvda_ahead_of_earnings_trim_or_hold/",
                publishedAt: "2025-01-01T12:00:00.000Z",
                title: "NVDA ahead of earnings: trim or hold?",
                text: "Blackwell demand still looks supply-constrained into Q2. Anyone trimming $NVDA here or holding through earnings?\n\nI'm holding & adding on dips.",
                author: "quiet_compounder",
                engagement: { likes: 412, replies: 187, shares: 2 },
                symbols: ["NVDA"],
            });
        });

        it("uses the title as text for link posts and drops [deleted]/[removed] placeholders", () => {
            const { items } = parseRedditListing(rawPayload(fixtureText("reddit-new.json"), LISTING_URL));
            expect(items[1]!.text).to.equal("Apple to report first-quarter results on January 30");
            expect(items[1]!.publishedAt).to.equal("2025-01-01T11:00:30.000Z");
            expect(items[2]!.author).to.equal(undefined);
            expect(items[2]!.text).to.equal("Is $TSLA overvalued at 100x earnings?");
            expect(items[2]!.publishedAt).to.equal("2025-01-01T10:00:00.500Z");
            expect(items[2]!.symbols).to.deep.equal(["TSLA"]);
        });

        it("rejects a post missing a field by name and keeps the others", () => {
            const listing = fixtureJson<{ data: { children: { data: Record<string, unknown> }[] } }>("reddit-new.json");
            delete listing.data.children[1]!.data["created_utc"];
            const { items, rejected } = parseRedditListing(rawPayload(JSON.stringify(listing), LISTING_URL));
            expect(items.map((item) => item.sourceItemId)).to.deep.equal(["t3_1hr2x7a", "t3_1hr0c9k"]);
            expect(rejected).to.have.length(1);
            expect(rejected[0]!.itemRef).to.equal("t3_1hr1d4f");
            expect(rejected[0]!.reason).to.match(/^data\.children\[1\]\.data\.created_utc: /);
        });

        it("rejects a post whose values break the SourceItem contract, naming the field", () => {
            const listing = fixtureJson<{ data: { children: { data: Record<string, unknown> }[] } }>("reddit-new.json");
            listing.data.children[0]!.data["created_utc"] = -5;
            listing.data.children[2]!.data["title"] = "";
            const { items, rejected } = parseRedditListing(rawPayload(JSON.stringify(listing), LISTING_URL));
            expect(items.map((item) => item.sourceItemId)).to.deep.equal(["t3_1hr1d4f"]);
            expect(rejected.map((r) => r.reason)).to.deep.equal([
                "data.children[0].data.created_utc: -5 is not a Unix time",
                "data.children[2] → SourceItem text: Too small: expected string to have >=1 characters",
            ]);
        });

        it("rejects a payload that is not JSON or not a listing, as one payload-level rejection", () => {
            const broken = parseRedditListing(rawPayload('{"kind": "Listing", "data": {', LISTING_URL));
            expect(broken.items).to.deep.equal([]);
            expect(broken.rejected).to.have.length(1);
            expect(broken.rejected[0]!.reason).to.match(/^payload: not valid JSON \(content-type application\/json\)/);
            expect(broken.rejected[0]!.itemRef).to.equal(undefined);

            const wrong = parseRedditListing(rawPayload(JSON.stringify({ kind: "Listing", data: { after: null } }), LISTING_URL));
            expect(wrong.rejected[0]!.reason).to.match(/^payload: data\.children: /);
        });
    });

    describe("token and fetching", () => {
        it("requests an app-only token with basic auth, then reads the listing with the bearer token", async () => {
            const { ctx, calls } = testContext(redditServer());
            const tokens = new RedditTokenProvider(credentials);
            const connector = createRedditConnector({ subreddit: "stocks", tokens });
            expect(connector).to.include({ kind: "reddit", channel: "social", id: "reddit r/stocks" });
            const raw = await connector.fetchRaw(ctx);

            expect(calls.map((call) => `${call.method} ${call.url}`)).to.deep.equal([`POST ${REDDIT_TOKEN_URL}`, `GET ${LISTING_URL}`]);
            const expectedBasic = Buffer.from("fixture-client-id:fixture-client-secret-value").toString("base64");
            expect(calls[0]!.headers.get("authorization")).to.equal(`Basic ${expectedBasic}`);
            expect(calls[0]!.body).to.equal("grant_type=client_credentials");
            expect(calls[0]!.headers.get("content-type")).to.equal("application/x-www-form-urlencoded");
            expect(calls[1]!.headers.get("authorization")).to.equal("bearer fixture-app-only-token-0001");
            // The token response holds the token: it is never a stored raw payload.
            expect(raw.map((payload) => payload.url)).to.deep.equal([LISTING_URL]);
            expect(raw[0]!.body).to.not.contain("fixture-app-only-token-0001");
        });

        it("caches the token across subreddits until shortly before it expires", async () => {
            const { ctx, calls, clock } = testContext(redditServer());
            const tokens = new RedditTokenProvider(credentials, { refreshMarginMs: 60_000 });
            const stocks = createRedditConnector({ subreddit: "stocks", tokens });
            const investing = createRedditConnector({ subreddit: "investing", tokens });
            await Promise.all([stocks.fetchBatch(ctx), investing.fetchBatch(ctx)]);
            await stocks.fetchBatch(ctx);
            const tokenCalls = () => calls.filter((call) => call.url === REDDIT_TOKEN_URL).length;
            expect(tokenCalls()).to.equal(1);

            // The token lives 86 400 s from when it was fetched; it is renewed within the last 60 s.
            const fetchedAt = calls.find((call) => call.url === REDDIT_TOKEN_URL)!.at;
            clock.advance(fetchedAt + 86_400_000 - 60_000 - 1 - clock.now());
            await stocks.fetchBatch(ctx);
            expect(tokenCalls()).to.equal(1);
            clock.advance(fetchedAt + 86_400_000 - 60_000 - clock.now());
            await stocks.fetchBatch(ctx);
            expect(tokenCalls()).to.equal(2);
        });

        it("renews the token once when the listing answers 401", async () => {
            let listingCalls = 0;
            const { ctx, calls } = testContext(redditServer({ listingStatus: () => (listingCalls++ === 0 ? 401 : 200) }));
            const batch = await createRedditConnector({ subreddit: "stocks", tokens: new RedditTokenProvider(credentials) }).fetchBatch(
                ctx,
            );
            expect(batch.items).to.have.length(3);
            expect(calls.filter((call) => call.url === REDDIT_TOKEN_URL)).to.have.length(2);
        });

        it("fails with the URL and status but never the credentials when the token request is refused", async () => {
            const { ctx } = testContext(() => json({ message: "Unauthorized", error: 401 }, 401));
            const connector = createRedditConnector({ subreddit: "stocks", tokens: new RedditTokenProvider(credentials) });
            let failure: unknown;
            try {
                await connector.fetchRaw(ctx);
            } catch (error) {
                failure = error;
            }
            expect(failure).to.be.instanceOf(HttpError);
            const message = (failure as Error).message;
            expect(message).to.equal(`POST ${REDDIT_TOKEN_URL} failed with HTTP 401`);
            expect(message).to.not.contain(credentials.clientSecret);
            expect(message).to.not.contain(Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString("base64"));
        });

        it("reports a token response without a token by field, without echoing it", async () => {
            const { ctx } = testContext((call) => (call.url === REDDIT_TOKEN_URL ? json({ error: "invalid_grant" }) : json({})));
            const tokens = new RedditTokenProvider(credentials);
            let failure: Error | undefined;
            try {
                await tokens.token(ctx);
            } catch (error) {
                failure = error as Error;
            }
            expect(failure?.message).to.equal(
                `Reddit token response from ${REDDIT_TOKEN_URL} lacks a valid access_token, token_type, expires_in`,
            );
        });

        it("validates subreddit names and credentials", () => {
            const tokens = new RedditTokenProvider(credentials);
            expect(() => createRedditConnector({ subreddit: "r/stocks", tokens })).to.throw(/not a subreddit name/);
            expect(() => new RedditTokenProvider({ clientId: "", clientSecret: "x" })).to.throw(/non-empty/);
            expect(redditListingUrl("wallstreetbets", 25)).to.equal("https://oauth.reddit.com/r/wallstreetbets/new?limit=25&raw_json=1");
        });
    });
});
