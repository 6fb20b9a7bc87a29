import { expect } from "chai";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpClient, HttpError } from "../../../lambdas/sources/http";
import { runConnectors } from "../../../lambdas/sources/registry";
import { createRssConnector } from "../../../lambdas/sources/rss";
import { createStocktwitsConnector } from "../../../lambdas/sources/stocktwits";
import { expectValidItems, fixtureText, TEST_USER_AGENT } from "./support";

/** Real sockets on 127.0.0.1: global fetch, real headers, real charset decoding, a real timeout. */
describe("lambdas/sources end to end over node:http", () => {
    let server: Server;
    let base: string;
    const seen: { url: string; userAgent: string | undefined }[] = [];
    let streamRequests = 0;

    before(async () => {
        server = createServer((request: IncomingMessage, response: ServerResponse) => {
            seen.push({ url: request.url ?? "", userAgent: request.headers["user-agent"] });
            if (request.url === "/api/2/streams/symbol/AAPL.json") {
                // First a throttled answer, then the stream: the client must retry after Retry-After.
                if (streamRequests++ === 0) {
                    response
                        .writeHead(429, { "retry-after": "0", "content-type": "application/json" })
                        .end('{"errors":[{"message":"Rate limit exceeded"}]}');
                    return;
                }
                response.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(fixtureText("stocktwits-aapl.json"));
                return;
            }
            if (request.url === "/feeds/latin1.xml") {
                const body = `<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>t</title>
                    <item><title>Soci\u00e9t\u00e9 G\u00e9n\u00e9rale: r\u00e9sultats</title><link>https://news.example-markets.com/n/1</link><pubDate>Fri, 03 Jan 2025 07:00:00 +0100</pubDate></item>
                    </channel></rss>`;
                response.writeHead(200, { "content-type": "application/xml" }).end(Buffer.from(body, "latin1"));
                return;
            }
            if (request.url === "/hang") return; // never answers
            response.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("fetches, retries after 429 and parses a StockTwits stream through the real fetch", async () => {
        const http = createHttpClient({ userAgent: TEST_USER_AGENT });
        const connector = createStocktwitsConnector({ symbol: "AAPL", apiBaseUrl: `${base}/api/2` });
        const result = await runConnectors([connector], { http });
        expect(result.failures).to.deep.equal([]);
        expect(result.items.map((entry) => entry.item.sourceItemId)).to.deep.equal(["598712244", "598711803", "598709870"]);
        expectValidItems(result.items.map((entry) => entry.item));
        expect(result.payloads[0]!.raw).to.include({ url: `${base}/api/2/streams/symbol/AAPL.json`, status: 200 });
        expect(streamRequests).to.equal(2);
        expect(seen.filter((s) => s.url === "/api/2/streams/symbol/AAPL.json").map((s) => s.userAgent)).to.deep.equal([
            TEST_USER_AGENT,
            TEST_USER_AGENT,
        ]);
    });

    it("decodes an ISO-8859-1 feed by its XML declaration", async () => {
        const http = createHttpClient({ userAgent: TEST_USER_AGENT });
        const batch = await createRssConnector({ url: `${base}/feeds/latin1.xml` }).fetchBatch({ http });
        expect(batch.rejected).to.deep.equal([]);
        expect(batch.items.map((item) => [item.title, item.url, item.publishedAt])).to.deep.equal([
            ["Société Générale: résultats", "https://news.example-markets.com/n/1", "2025-01-03T06:00:00.000Z"],
        ]);
    });

    it("times out a request that never answers and reports the URL", async () => {
        const http = createHttpClient({ userAgent: TEST_USER_AGENT, timeoutMs: 150, maxAttempts: 1 });
        let failure: unknown;
        try {
            await http.request({ url: `${base}/hang` });
        } catch (error) {
            failure = error;
        }
        expect(failure).to.be.instanceOf(HttpError);
        expect((failure as Error).message).to.equal(`GET ${base}/hang failed with a timeout (150 ms) after 1 attempts`);
    });
});
