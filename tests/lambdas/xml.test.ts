import { expect } from "chai";
import { childElements, childText, describeXmlError, ownText, readXml } from "../../lambdas/shared/xml";

describe("lambdas/shared/xml", () => {
    it("reads a document: elements by qualified name, own text, CDATA and predefined and numeric references decoded", () => {
        const xml = readXml(`<?xml version="1.0"?><r xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:date>d</dc:date>
            <t a="x &amp; y">&lt;b&gt; &#8217;&#x41; <![CDATA[<i>raw</i>]]><n>nested</n></t><t/></r>`);
        expect(xml.ok).to.equal(true);
        if (!xml.ok) return;
        expect(xml.root.name).to.equal("r");
        expect(childText(xml.root, "dc:date")).to.equal("d");
        expect(childText(xml.root, "missing")).to.equal(undefined);
        const [t, empty] = childElements(xml.root, "t");
        expect(t!.attributes).to.deep.equal({ a: "x & y" });
        expect(ownText(t!)).to.equal("<b> ’A <i>raw</i>");
        expect(childElements(t!).map((e) => e.name)).to.deep.equal(["n"]);
        expect(ownText(empty!)).to.equal("");
    });

    it("never expands entities a DOCTYPE declares (no XXE, no billion laughs); undeclared references stay as written", () => {
        const laughs = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY x SYSTEM "file:///etc/passwd">]><r>&c;|&x;|&nbsp;</r>`;
        const xml = readXml(laughs);
        expect(xml.ok && xml.root.text).to.equal("&c;|&x;|&nbsp;");
    });

    it("reports a document that is not well-formed with the parser's reason, line and column", () => {
        const cases: [string, RegExp][] = [
            ["<rss><channel></rss>", /^Missing end tag for element channel \(line 1, column \d+\)$/],
            ["<r>a & b</r>", /^Unterminated reference .* \(line 1, column \d+\)$/],
            ["<a/><b/>", /^Extra content at the end of the document \(line 1, column \d+\)$/],
            ["<a x='1' x='2'/>", /^Duplicate attribute: x \(line 1, column \d+\)$/],
            ["no markup", /^Root element is missing or invalid \(line 1, column 1\)$/],
            ["<r>\n\n  <x></y></r>", /\(line 3, column \d+\)$/],
        ];
        for (const [text, reason] of cases) {
            const xml = readXml(text);
            expect(xml.ok, text).to.equal(false);
            if (!xml.ok) expect(describeXmlError(xml.error), text).to.match(reason);
        }
    });
});
