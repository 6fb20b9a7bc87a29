import { expect } from "chai";
import fc from "fast-check";
import { AMBIGUOUS_TICKERS, buildEntityIndex, matchEntities } from "../../../lambdas/domain/matching";
import type { TrackedEntity } from "../../../lambdas/domain/signals";

function entity(symbol: string, name: string, extra: Partial<TrackedEntity> = {}): TrackedEntity {
    return { entityType: "equity", entityId: `id-${symbol}`, symbol, name, aliases: [], active: true, ...extra };
}

const ENTITIES: TrackedEntity[] = [
    entity("TSLA", "Tesla, Inc.", { aliases: ["Tesla"], cik: "0001318605" }),
    entity("AAPL", "Apple Inc.", { aliases: ["Apple"] }),
    entity("IT", "Gartner, Inc."),
    entity("NOW", "ServiceNow, Inc.", { aliases: ["ServiceNow"] }),
    entity("BRK.B", "Berkshire Hathaway Inc.", { aliases: ["Berkshire Hathaway", "Berkshire"] }),
    entity("MCD", "McDonald's Corporation", { aliases: ["McDonald's"] }),
    entity("BTC", "Bitcoin", { entityType: "crypto" }),
    entity("GME", "GameStop Corp.", { active: false }),
];
const index = buildEntityIndex(ENTITIES);

function symbolsOf(text: string, extra: { title?: string; symbols?: string[]; cik?: string } = {}): string[] {
    return matchEntities({ text, ...extra }, index).map((match) => match.entity.symbol);
}

describe("lambdas/domain/matching", () => {
    it("matches cashtags in any case, with the reason", () => {
        const matches = matchEntities({ text: "loading up on $tsla and $BRK.B today" }, index);
        expect(matches.map((match) => match.entity.symbol)).to.deep.equal(["TSLA", "BRK.B"]);
        expect(matches[0]!.reasons).to.deep.equal([{ kind: "cashtag", term: "$tsla" }]);
    });

    it("matches bare upper-case tickers of two or more characters, but not lower-case words", () => {
        expect(symbolsOf("AAPL and MCD report tomorrow")).to.deep.equal(["AAPL", "MCD"]);
        expect(symbolsOf("aapl and mcd report tomorrow")).to.deep.equal([]);
    });

    it("does not match ambiguous tickers as bare words, only as cashtags or source symbols", () => {
        expect(AMBIGUOUS_TICKERS.has("IT")).to.equal(true);
        expect(symbolsOf("IT spending is up NOW")).to.deep.equal([]);
        expect(symbolsOf("$IT and $NOW both beat")).to.deep.equal(["IT", "NOW"]);
        expect(symbolsOf("no mention", { symbols: ["NOW"] })).to.deep.equal(["NOW"]);
    });

    it("ignores bare tickers in shouted all-caps text but still reads its cashtags", () => {
        expect(symbolsOf("BREAKING NEWS ON AAPL EARNINGS TODAY EVERYONE")).to.deep.equal([]);
        expect(symbolsOf("BREAKING NEWS ON $AAPL EARNINGS TODAY EVERYONE")).to.deep.equal(["AAPL"]);
    });

    it("matches names and aliases case-insensitively as whole words, punctuation and apostrophes aside", () => {
        const matches = matchEntities({ text: "tesla inc shares and McDonalds burgers; berkshire hathaway annual letter" }, index);
        expect(matches.map((match) => match.entity.symbol)).to.deep.equal(["TSLA", "BRK.B", "MCD"]);
        expect(matches[0]!.reasons).to.deep.include({ kind: "name", term: "tesla inc" });
        expect(matches[0]!.reasons).to.deep.include({ kind: "alias", term: "tesla" });
        expect(symbolsOf("Teslas are everywhere; pineapple juice")).to.deep.equal([]);
    });

    it("matches by CIK and by source-attached symbols with or without $", () => {
        const matches = matchEntities({ text: "Form 8-K", cik: "0001318605", symbols: ["$aapl"] }, index);
        expect(matches.map((match) => match.entity.symbol)).to.deep.equal(["TSLA", "AAPL"]);
        expect(matches[0]!.reasons).to.deep.equal([{ kind: "cik", term: "0001318605" }]);
        expect(matches[1]!.reasons).to.deep.equal([{ kind: "symbol", term: "$aapl" }]);
    });

    it("searches the title too and dedupes reasons", () => {
        const matches = matchEntities({ title: "$TSLA", text: "$TSLA $TSLA Tesla", symbols: ["TSLA", "TSLA"] }, index);
        expect(matches).to.have.length(1);
        expect(matches[0]!.reasons).to.deep.equal([
            { kind: "symbol", term: "TSLA" },
            { kind: "cashtag", term: "$TSLA" },
            { kind: "alias", term: "tesla" },
        ]);
    });

    it("never matches inactive entities", () => {
        expect(symbolsOf("$GME GameStop Corp. GME", { symbols: ["GME"] })).to.deep.equal([]);
    });

    it("property: every match is an active entity, listed once, with at least one reason", () => {
        const words = fc.constantFrom(
            "$TSLA",
            "$gme",
            "AAPL",
            "IT",
            "Tesla",
            "apple",
            "Berkshire",
            "hathaway",
            "GME",
            "btc",
            "BTC",
            "the",
            ",",
            "McDonald's",
            "NOW",
        );
        fc.assert(
            fc.property(
                fc.array(words, { maxLength: 40 }),
                fc.array(fc.constantFrom("TSLA", "GME", "XYZ"), { maxLength: 3 }),
                (tokens, symbols) => {
                    const matches = matchEntities({ text: tokens.join(" ") || "x", symbols }, index);
                    const symbolList = matches.map((match) => match.entity.symbol);
                    expect(new Set(symbolList).size).to.equal(symbolList.length);
                    for (const match of matches) {
                        expect(match.entity.active).to.equal(true);
                        expect(match.reasons.length).to.be.greaterThan(0);
                    }
                },
            ),
        );
    });
});
