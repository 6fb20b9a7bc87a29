import { expect } from "chai";
import { UserAgentError } from "../../../lambdas/sources/http";
import {
    createSecCurrentFilingsConnector,
    createSecSubmissionsConnector,
    normalizeCik,
    parseSecCurrentFeed,
    parseSecSubmissions,
    secCurrentFilingsUrl,
    secFilingUrl,
} from "../../../lambdas/sources/sec-edgar";
import { expectValidItems, fixtureJson, fixtureText, json, rawPayload, testContext, text, TEST_USER_AGENT } from "./support";

const FEED_URL = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&output=atom&count=100";
const SUBMISSIONS_URL = "https://data.sec.gov/submissions/CIK0000320193.json";

type Submissions = { cik: string; tickers: string[]; filings: { recent: Record<string, unknown[]> } };

describe("lambdas/sources/sec-edgar", () => {
    describe("latest filings (Atom)", () => {
        it("maps entries to regulatory items with accession number, 10-digit CIK and UTC acceptance time", () => {
            const { items, rejected } = parseSecCurrentFeed(
                rawPayload(fixtureText("sec-current-8k.xml"), FEED_URL, "application/atom+xml"),
            );
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items[0]).to.deep.equal({
                channel: "regulatory",
                source: "sec-edgar",
                sourceItemId: "0000320193-25-000007",
                url: "https://www.sec.gov/Archives/edgar/data/320193/000032019325000007/0000320193-25-000007-index.htm",
                publishedAt: "2025-01-30T21:30:24.000Z",
                title: "8-K - Apple Inc. (0000320193) (Filer)",
                text:
                    "Apple Inc. (Filer): 8-K\nFiled: 2025-01-30 AccNo: 0000320193-25-000007 Size: 289 KB\n" +
                    "Item 2.02: Results of Operations and Financial Condition\nItem 9.01: Financial Statements and Exhibits",
                cik: "0000320193",
            });
            expect(items.map((item) => [item.cik, item.sourceItemId])).to.deep.equal([
                ["0000320193", "0000320193-25-000007"],
                ["0000789019", "0000950170-25-010491"],
                ["0001876543", "0001876543-25-000003"],
            ]);
        });

        it("rejects an entry with an unexpected title or id by name, keeping the others", () => {
            const body = fixtureText("sec-current-8k.xml")
                .replace("<title>8-K - MICROSOFT CORP (0000789019) (Filer)</title>", "<title>8-K - MICROSOFT CORP</title>")
                .replace("accession-number=0001876543-25-000003", "accession=1");
            const { items, rejected } = parseSecCurrentFeed(rawPayload(body, FEED_URL));
            expect(items.map((item) => item.cik)).to.deep.equal(["0000320193"]);
            expect(rejected.map((r) => r.reason)).to.deep.equal([
                'feed.entry[1].title: must read "FORM - COMPANY (##########) (Role)"',
                "feed.entry[2].id: must end in accession-number=##########-##-######",
            ]);
            expect(rejected[0]!.itemRef).to.equal("0000950170-25-010491");
        });

        it("rejects a page that is not an Atom feed (EDGAR's HTML error pages)", () => {
            const { rejected } = parseSecCurrentFeed(
                rawPayload(
                    "<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body></body></html>",
                    FEED_URL,
                    "text/html",
                ),
            );
            expect(rejected).to.have.length(1);
            expect(rejected[0]!.reason).to.match(/^payload: /);
        });
    });

    describe("submissions (JSON)", () => {
        it("maps recent filings of the wanted forms to items linked to the primary document, with the tickers", () => {
            const raw = rawPayload(fixtureText("sec-submissions-aapl.json"), SUBMISSIONS_URL);
            const { items, rejected } = parseSecSubmissions(raw, { forms: ["8-K", "10-Q"] });
            expect(rejected).to.deep.equal([]);
            expectValidItems(items);
            expect(items.map((item) => item.sourceItemId)).to.deep.equal([
                "0000320193-25-000008",
                "0000320193-25-000007",
                "0000320193-25-000003",
            ]);
            expect(items[1]).to.deep.equal({
                channel: "regulatory",
                source: "sec-edgar",
                sourceItemId: "0000320193-25-000007",
                url: "https://www.sec.gov/Archives/edgar/data/320193/000032019325000007/aapl-20250130.htm",
                publishedAt: "2025-01-30T21:30:24.000Z",
                title: "8-K - Apple Inc. (0000320193)",
                text: "Apple Inc.: 8-K filed 2025-01-30\nItem 2.02: Results of Operations and Financial Condition; Item 9.01: Financial Statements and Exhibits",
                symbols: ["AAPL"],
                cik: "0000320193",
            });
        });

        it("counts amendments as their form, limits to the newest N, and takes every form when none is configured", () => {
            const raw = rawPayload(fixtureText("sec-submissions-aapl.json"), SUBMISSIONS_URL);
            expect(parseSecSubmissions(raw, { forms: ["SC 13G"] }).items.map((item) => item.title)).to.deep.equal([
                "SC 13G/A - Apple Inc. (0000320193)",
            ]);
            expect(parseSecSubmissions(raw, { forms: ["8-K"], maxFilings: 1 }).items.map((item) => item.sourceItemId)).to.deep.equal([
                "0000320193-25-000007",
            ]);
            const all = parseSecSubmissions(raw).items;
            expect(all).to.have.length(5);
            expect(all[2]!.url).to.equal(
                "https://www.sec.gov/Archives/edgar/data/320193/000032019325000006/xslF345X05/wk-form4_1738101604.xml",
            );
        });

        it("rejects a filing whose parallel array entry is missing or malformed, naming the array and index, and keeps the others", () => {
            const body = fixtureJson<Submissions>("sec-submissions-aapl.json");
            body.filings.recent["primaryDocument"]!.pop();
            body.filings.recent["filingDate"]![2] = "28.01.2025";
            const { items, rejected } = parseSecSubmissions(rawPayload(JSON.stringify(body), SUBMISSIONS_URL));
            expect(items.map((item) => item.sourceItemId)).to.deep.equal([
                "0000320193-25-000008",
                "0000320193-25-000007",
                "0001140361-25-002184",
            ]);
            expect(rejected).to.deep.equal([
                { reason: "filings.recent.filingDate[2]: must be YYYY-MM-DD", itemRef: "0000320193-25-000006" },
                { reason: "filings.recent.primaryDocument[4]: missing", itemRef: "0000320193-25-000003" },
            ]);
        });

        it("falls back to the filing date when the acceptance time is unreadable", () => {
            const body = fixtureJson<Submissions>("sec-submissions-aapl.json");
            body.filings.recent["acceptanceDateTime"]![1] = "yesterday";
            const { items } = parseSecSubmissions(rawPayload(JSON.stringify(body), SUBMISSIONS_URL), { forms: ["8-K"] });
            expect(items.map((item) => item.publishedAt)).to.deep.equal(["2025-01-30T00:00:00.000Z", "2025-01-10T21:31:08.000Z"]);
        });

        it("links to the filing index when there is no primary document", () => {
            const body = fixtureJson<Submissions>("sec-submissions-aapl.json");
            body.filings.recent["primaryDocument"]![0] = "";
            const { items } = parseSecSubmissions(rawPayload(JSON.stringify(body), SUBMISSIONS_URL), { forms: ["10-Q"] });
            expect(items[0]!.url).to.equal(
                "https://www.sec.gov/Archives/edgar/data/320193/000032019325000008/0000320193-25-000008-index.htm",
            );
        });

        it("rejects a payload without the filings arrays", () => {
            const { rejected } = parseSecSubmissions(
                rawPayload(JSON.stringify({ cik: "320193", name: "Apple Inc.", filings: {} }), SUBMISSIONS_URL),
            );
            expect(rejected).to.have.length(1);
            expect(rejected[0]!.reason).to.match(/^payload: filings\.recent: /);
        });
    });

    describe("connectors", () => {
        it("require a declared User-Agent and send it", async () => {
            for (const userAgent of ["", "ai-investment-bot/1.0"]) {
                expect(() => createSecCurrentFilingsConnector({ userAgent, form: "8-K" })).to.throw(UserAgentError);
                expect(() => createSecSubmissionsConnector({ userAgent, cik: "320193" })).to.throw(UserAgentError);
            }
            // The client's default UA is not a declared one: the connector's own header is what makes the call possible.
            const { ctx, calls } = testContext(
                (call) =>
                    call.url.startsWith("https://data.sec.gov/")
                        ? json(fixtureJson("sec-submissions-aapl.json"))
                        : text(fixtureText("sec-current-8k.xml")),
                { userAgent: "ai-investment/1.0" },
            );
            const feed = createSecCurrentFilingsConnector({ userAgent: TEST_USER_AGENT, form: "8-K" });
            const company = createSecSubmissionsConnector({ userAgent: TEST_USER_AGENT, cik: "320193", forms: ["8-K"] });
            expect(feed).to.include({ kind: "sec-edgar", channel: "regulatory", id: "sec-edgar current 8-K" });
            expect(company.id).to.equal("sec-edgar submissions CIK0000320193");
            expect((await feed.fetchBatch(ctx)).items).to.have.length(3);
            expect((await company.fetchBatch(ctx)).items).to.have.length(2);
            expect(calls.map((call) => call.url)).to.deep.equal([FEED_URL, SUBMISSIONS_URL]);
            for (const call of calls) expect(call.headers.get("user-agent")).to.equal(TEST_USER_AGENT);
        });

        it("validate CIKs and forms", () => {
            expect(() => createSecSubmissionsConnector({ userAgent: TEST_USER_AGENT, cik: "AAPL" })).to.throw(/not a CIK/);
            expect(() => createSecCurrentFilingsConnector({ userAgent: TEST_USER_AGENT, form: "8-K&x=1" })).to.throw(/form type/);
            expect(normalizeCik("320193")).to.equal("0000320193");
            expect(normalizeCik(789019)).to.equal("0000789019");
            expect(normalizeCik("0000320193")).to.equal("0000320193");
            expect(normalizeCik("12345678901")).to.equal(undefined);
            expect(normalizeCik("0")).to.equal(undefined);
            expect(secFilingUrl("0000320193", "0000320193-25-000007", "aapl-20250130.htm")).to.equal(
                "https://www.sec.gov/Archives/edgar/data/320193/000032019325000007/aapl-20250130.htm",
            );
            expect(secCurrentFilingsUrl("SC 13D", 40)).to.equal(
                "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=SC%2013D&output=atom&count=40",
            );
        });
    });
});
