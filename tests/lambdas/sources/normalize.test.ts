import { expect } from "chai";
import * as z from "zod";
import {
    clip,
    decodeEntities,
    describeIssues,
    extractCashtags,
    formatPath,
    htmlToText,
    isoFromEpochSeconds,
    isoFromFeedDate,
    isoFromGdeltDate,
    isoFromIso8601,
    isoFromRfc822,
    stableId,
} from "../../../lambdas/sources/normalize";

describe("lambdas/sources/normalize", () => {
    it("reads RFC 822 dates with numeric and named zones, two-digit years and no weekday", () => {
        expect(isoFromRfc822("Wed, 01 Jan 2025 12:00:00 GMT")).to.equal("2025-01-01T12:00:00.000Z");
        expect(isoFromRfc822("Tue, 07 Jan 2025 10:30:00 +0100")).to.equal("2025-01-07T09:30:00.000Z");
        expect(isoFromRfc822("Fri, 3 Jan 2025 09:15:00 -0500")).to.equal("2025-01-03T14:15:00.000Z");
        expect(isoFromRfc822("3 Jan 25 09:15 EST")).to.equal("2025-01-03T14:15:00.000Z");
        expect(isoFromRfc822("Mon, 30 Jun 2025 23:59:59 CEST")).to.equal("2025-06-30T21:59:59.000Z");
        expect(isoFromRfc822("Thursday, 02 January 2025 08:00:00 UT")).to.equal("2025-01-02T08:00:00.000Z");
    });

    it("refuses RFC 822 dates without a known zone or with impossible fields", () => {
        expect(isoFromRfc822("Wed, 01 Jan 2025 12:00:00")).to.equal(undefined);
        expect(isoFromRfc822("Wed, 01 Jan 2025 12:00:00 XYZ")).to.equal(undefined);
        expect(isoFromRfc822("Wed, 31 Feb 2025 12:00:00 GMT")).to.equal(undefined);
        expect(isoFromRfc822("Wed, 01 Foo 2025 12:00:00 GMT")).to.equal(undefined);
        expect(isoFromRfc822("Wednesday, September 30, 2026 - 13:20")).to.equal(undefined);
    });

    it("reads ISO 8601 with offsets, any fraction length, and bare dates", () => {
        expect(isoFromIso8601("2025-01-30T16:30:24-05:00")).to.equal("2025-01-30T21:30:24.000Z");
        expect(isoFromIso8601("2025-01-02T15:20:45.123456Z")).to.equal("2025-01-02T15:20:45.123Z");
        expect(isoFromIso8601("2025-01-02T16:05:00+0100")).to.equal("2025-01-02T15:05:00.000Z");
        expect(isoFromIso8601("2025-01-31")).to.equal("2025-01-31T00:00:00.000Z");
        expect(isoFromIso8601("2025-01-02T15:20:45")).to.equal(undefined);
        expect(isoFromIso8601("2025-13-02T15:20:45Z")).to.equal(undefined);
        expect(isoFromFeedDate("Fri, 03 Jan 2025 16:05:00 GMT")).to.equal("2025-01-03T16:05:00.000Z");
        expect(isoFromFeedDate("2025-01-03T16:05:00Z")).to.equal("2025-01-03T16:05:00.000Z");
    });

    it("reads GDELT dates and Unix seconds", () => {
        expect(isoFromGdeltDate("20250101T120000Z")).to.equal("2025-01-01T12:00:00.000Z");
        expect(isoFromGdeltDate("2025-01-01T12:00:00Z")).to.equal(undefined);
        expect(isoFromEpochSeconds(1735732800.25)).to.equal("2025-01-01T12:00:00.250Z");
        expect(isoFromEpochSeconds(0)).to.equal(undefined);
        expect(isoFromEpochSeconds(Number.NaN)).to.equal(undefined);
    });

    it("turns HTML into text: tags out, entities decoded after stripping, blocks on their own lines", () => {
        expect(htmlToText("<p>Revenue <b>rose</b> 12%&nbsp;&amp; more</p><p>Second&#8212;line</p><script>x()</script>")).to.equal(
            "Revenue rose 12% & more\nSecond—line",
        );
        expect(htmlToText("a &lt;b&gt; is text, not a tag<br/>next")).to.equal("a <b> is text, not a tag\nnext");
        expect(htmlToText("  spaced \t  out  <!-- hidden -->  ")).to.equal("spaced out");
        expect(decodeEntities("&auml;&#x1F4C8;&unknown; &#0;")).to.equal("ä📈&unknown; \uFFFD");
    });

    it("extracts cashtags but not amounts or words", () => {
        expect(extractCashtags("$AAPL and $BRK.B up, $TSLA. paid $100, US$5, a$B, $AAPL again, $toolong")).to.deep.equal([
            "AAPL",
            "BRK.B",
            "TSLA",
        ]);
    });

    it("clips without splitting a surrogate pair and keeps ids within 256 characters", () => {
        expect(clip("ab📈", 3)).to.equal("ab");
        expect(clip("abc", 5)).to.equal("abc");
        const long = `https://example.com/${"x".repeat(300)}`;
        expect(stableId(long)).to.match(/^sha256:[0-9a-f]{64}$/);
        expect(stableId(long)).to.equal(stableId(long));
        expect(stableId("short")).to.equal("short");
    });

    it("describes zod issues by payload path", () => {
        expect(formatPath(["data", "children", 2, "data", "created_utc"])).to.equal("data.children[2].data.created_utc");
        expect(formatPath([])).to.equal("(root)");
        const result = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: {} });
        expect(describeIssues(result.error!.issues, ["items", 3])).to.match(/^items\[3\]\.a\.b: /);
    });
});
