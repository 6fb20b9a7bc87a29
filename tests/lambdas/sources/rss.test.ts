import { expect } from "chai";
import { BAFIN_DEFAULT_FEEDS, createBafinConnector, createBafinConnectors } from "../../../lambdas/sources/bafin";
import { createFinmaConnector, createFinmaConnectors, FINMA_DEFAULT_FEEDS } from "../../../lambdas/sources/finma";
import { createRssConnector, parseFeed } from "../../../lambdas/sources/rss";
import { expectValidItems, fixtureText, rawPayload, testContext, text } from "./support";

const RSS_URL = "https://news.example-markets.com/rss/companies.xml";
const ATOM_URL = "https://investors.example-corp.com/feed.atom";
const xml = (body: string, url = RSS_URL) => rawPayload(body, url, "application/rss+xml; charset=utf-8");

function rssWith(items: string): string {
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://news.example-markets.com/</link>${items}</channel></rss>`;
}

describe("lambdas/sources/rss", () => {
    describe("RSS 2.0", () => {
        it("maps items to news items: guid as id, RFC 822 dates to ISO, HTML content to text", () => {
            const { items, rejected } = parseFeed(xml(fixtureText("rss-news.xml")));
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items[0]).to.deep.equal({
                channel: "news",
                source: "rss",
                sourceItemId: "urn:uuid:6f1c2a0e-5a35-4b8e-9d43-2d6b7c0f9e11",
                url: "https://news.example-markets.com/companies/tesla-deliveries-2024-decline",
                publishedAt: "2025-01-02T14:37:00.000Z",
                title: "Tesla deliveries fall for the first time in a decade",
                text: "Tesla delivered 1.79 million vehicles in 2024, down about 1% — its first annual decline.\nShares fell 6% in New York.",
                author: "Jane Doe",
            });
            expect(items[1]!.title).to.equal("Nvidia’s market value tops $3.6 trillion");
            expect(items[1]!.text).to.equal("Chipmaker Nvidia closed at a record & passed Apple.");
            expect(items[2]!.publishedAt).to.equal("2025-01-03T14:15:00.000Z");
        });

        it("rejects an item without pubDate, or with an unreadable one, by name and keeps the others", () => {
            const body = fixtureText("rss-news.xml")
                .replace("<pubDate>Fri, 03 Jan 2025 16:05:00 GMT</pubDate>", "")
                .replace("Fri, 3 Jan 2025 09:15:00 -0500", "Friday, January 3, 2025 - 09:15");
            const { items, rejected } = parseFeed(xml(body));
            expect(items.map((item) => item.title)).to.deep.equal(["Tesla deliveries fall for the first time in a decade"]);
            expect(rejected).to.deep.equal([
                {
                    reason: "rss.channel.item[1].pubDate: missing (no pubDate, dc:date, published or updated)",
                    itemRef: "https://news.example-markets.com/markets/nvidia-market-value-record",
                },
                {
                    reason: 'rss.channel.item[2].pubDate: "Friday, January 3, 2025 - 09:15" is neither an RFC 822 nor an ISO 8601 date-time',
                    itemRef: "https://news.example-markets.com/companies/boeing-commercial-airplanes-chief",
                },
            ]);
        });

        it("uses the link when there is no guid, resolves relative links, and rejects an item with neither", () => {
            const body = rssWith(`
                <item><title>Only link</title><link>/a/1</link><pubDate>Fri, 03 Jan 2025 16:05:00 GMT</pubDate></item>
                <item><title>Nothing to point at</title><guid isPermaLink="false">12345</guid><pubDate>Fri, 03 Jan 2025 16:05:00 GMT</pubDate></item>
                <item><title>Permalink guid</title><guid>https://news.example-markets.com/b/2</guid><pubDate>Fri, 03 Jan 2025 16:05:00 GMT</pubDate></item>`);
            const { items, rejected } = parseFeed(xml(body));
            expect(items.map((item) => [item.sourceItemId, item.url, item.text])).to.deep.equal([
                ["https://news.example-markets.com/a/1", "https://news.example-markets.com/a/1", "Only link"],
                ["https://news.example-markets.com/b/2", "https://news.example-markets.com/b/2", "Permalink guid"],
            ]);
            expect(rejected).to.deep.equal([
                { reason: "rss.channel.item[1].link: missing (no link, and the id is not a URL)", itemRef: "12345" },
            ]);
        });

        it("reads RSS 1.0 (RDF) with dc:date", () => {
            const body = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
                <channel rdf:about="https://news.example-markets.com/"><title>t</title></channel>
                <item rdf:about="https://news.example-markets.com/c/3"><title>RDF item</title><link>https://news.example-markets.com/c/3</link><dc:date>2025-01-03T10:00:00+01:00</dc:date></item>
            </rdf:RDF>`;
            const { items } = parseFeed(xml(body));
            expect(items.map((item) => [item.url, item.publishedAt])).to.deep.equal([
                ["https://news.example-markets.com/c/3", "2025-01-03T09:00:00.000Z"],
            ]);
        });
    });

    describe("Atom", () => {
        it("maps entries: alternate link, published over updated, html title and content to text", () => {
            const { items, rejected } = parseFeed(rawPayload(fixtureText("atom-news.xml"), ATOM_URL, "application/atom+xml"));
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items[0]).to.deep.equal({
                channel: "news",
                source: "rss",
                sourceItemId: "tag:investors.example-corp.com,2025:news-1042",
                url: "https://investors.example-corp.com/news/2025/q4-results",
                publishedAt: "2025-01-03T21:30:00.000Z",
                title: "Q4 revenue up 12% & margin at a record",
                text: "Revenue rose 12% to $4.2 billion; operating margin reached 31%.",
                author: "Investor Relations",
            });
            expect(items[1]!.url).to.equal("https://investors.example-corp.com/news/2025/dividend");
            expect(items[1]!.publishedAt).to.equal("2025-01-02T13:00:00.000Z");
        });

        it("names the Atom field of a missing date", () => {
            const body = fixtureText("atom-news.xml").replace("<updated>2025-01-02T13:00:00Z</updated>", "");
            const { items, rejected } = parseFeed(rawPayload(body, ATOM_URL));
            expect(items).to.have.length(1);
            expect(rejected[0]!.reason).to.match(/^feed\.entry\[1\]\.updated: missing/);
            expect(rejected[0]!.itemRef).to.equal("tag:investors.example-corp.com,2025:news-1041");
        });
    });

    describe("malformed payloads", () => {
        it("rejects XML that is not well-formed, naming the line", () => {
            const { items, rejected } = parseFeed(xml(fixtureText("rss-news.xml").replace("</channel>", "")));
            expect(items).to.deep.equal([]);
            expect(rejected).to.have.length(1);
            expect(rejected[0]!.reason).to.match(/^payload: not well-formed XML: .+ \(line \d+, column \d+\)$/);
        });

        it("rejects an empty body, HTML and a document that is not a feed", () => {
            expect(parseFeed(xml("  ")).rejected).to.deep.equal([{ reason: "payload: empty body" }]);
            expect(parseFeed(xml("<html><body><p>Maintenance</p></body></html>")).rejected).to.deep.equal([
                { reason: "payload: root element html is neither rss, feed (Atom) nor rdf:RDF" },
            ]);
            expect(parseFeed(xml('<?xml version="1.0"?><rss version="2.0"></rss>')).rejected).to.deep.equal([
                { reason: "payload: rss.channel: missing" },
            ]);
        });

        it("does not expand entities a DOCTYPE declares (XXE, billion laughs)", () => {
            const body = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
                <!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>t</title>
                <item><title>&b; &x;</title><link>https://news.example-markets.com/x/1</link><pubDate>Fri, 03 Jan 2025 16:05:00 GMT</pubDate></item>
                </channel></rss>`;
            const { items, rejected } = parseFeed(xml(body));
            expect(rejected).to.deep.equal([]);
            expect(items.map((item) => item.title)).to.deep.equal(["&b; &x;"]);
        });

        it("reads a feed without items as no items and no rejections", () => {
            expect(parseFeed(xml(rssWith("")))).to.deep.equal({ items: [], rejected: [] });
        });
    });

    it("fetches a configured feed with an XML Accept header", async () => {
        const { ctx, calls } = testContext(() => text(fixtureText("rss-news.xml"), 200, { "content-type": "application/rss+xml" }));
        const connector = createRssConnector({ url: RSS_URL });
        expect(connector).to.include({ kind: "rss", channel: "news", id: `rss ${RSS_URL}` });
        const batch = await connector.fetchBatch(ctx);
        expect(batch.items).to.have.length(3);
        expect(calls[0]!.headers.get("accept")).to.contain("application/rss+xml");
        expect(batch.raw[0]!.contentType).to.equal("application/rss+xml");
        expect(() => createRssConnector({ url: "ftp://news.example-markets.com/feed" })).to.throw(/http\(s\)/);
    });

    describe("BaFin and FINMA", () => {
        it("reads BaFin's feed as regulatory items keyed by the link without its query or session id", () => {
            const connector = createBafinConnector(BAFIN_DEFAULT_FEEDS[0]);
            expect(connector).to.include({ kind: "bafin", channel: "regulatory" });
            const { items, rejected } = connector.parse(
                rawPayload(fixtureText("bafin-rss.xml"), BAFIN_DEFAULT_FEEDS[0], "application/rss+xml"),
            );
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items.map((item) => [item.source, item.channel, item.sourceItemId, item.publishedAt])).to.deep.equal([
                [
                    "bafin",
                    "regulatory",
                    "https://www.bafin.de/SharedDocs/Veroeffentlichungen/DE/Verbrauchermitteilung/unerlaubte/2025/meldung_2025_01_07_kryptogewinn.html",
                    "2025-01-07T09:30:00.000Z",
                ],
                [
                    "bafin",
                    "regulatory",
                    "https://www.bafin.de/SharedDocs/Veroeffentlichungen/DE/Aufsichtsrecht/Verfuegung/vf_250106_allgvfg_mar.html",
                    "2025-01-06T14:00:00.000Z",
                ],
            ]);
            expect(items[1]!.title).to.equal("Allgemeinverfügung zur Meldepflicht nach Art. 16 MAR");
            expect(items[1]!.text).to.equal("Die BaFin erlässt eine Allgemeinverfügung zu Verdachtsmeldungen.");
            expect(items[0]!.url).to.contain("?nn=150166");
        });

        it("reads FINMA's feed as regulatory items keyed by guid", () => {
            const connector = createFinmaConnector(FINMA_DEFAULT_FEEDS[0]);
            expect(connector).to.include({ kind: "finma", channel: "regulatory", id: "finma https://www.finma.ch/en/rss/news/" });
            const { items, rejected } = connector.parse(rawPayload(fixtureText("finma-rss.xml"), FINMA_DEFAULT_FEEDS[0], "text/xml"));
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items.map((item) => [item.sourceItemId, item.url, item.publishedAt])).to.deep.equal([
                [
                    "{6B1D3E2A-7C44-4F5B-9A1E-0D2C3B4A5F61}",
                    "https://www.finma.ch/en/news/2025/01/20250108-mm-insolvenzverordnung/",
                    "2025-01-08T08:00:00.000Z",
                ],
                [
                    "{0A9B8C7D-6E5F-4A3B-2C1D-0E9F8A7B6C5D}",
                    "https://www.finma.ch/en/news/2025/01/20250106-meldung-sanktionen-ukraine/",
                    "2025-01-06T17:20:00.000Z",
                ],
            ]);
            expect(items[1]!.text).to.contain("Staatssekretariat für Wirtschaft");
        });

        it("builds one connector per configured URL, defaulting to the documented feeds", () => {
            expect(createBafinConnectors().map((c) => c.id)).to.deep.equal(BAFIN_DEFAULT_FEEDS.map((url) => `bafin ${url}`));
            expect(createFinmaConnectors(["https://www.finma.ch/de/rss/news/"]).map((c) => c.id)).to.deep.equal([
                "finma https://www.finma.ch/de/rss/news/",
            ]);
            for (const url of [...BAFIN_DEFAULT_FEEDS, ...FINMA_DEFAULT_FEEDS]) expect(new URL(url).protocol).to.equal("https:");
        });
    });
});
