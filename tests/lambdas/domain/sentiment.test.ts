import { expect } from "chai";
import fc from "fast-check";
import { LEXICON_SIZE, MAX_EVIDENCE, sentiment, tokenise } from "../../../lambdas/domain/sentiment";

describe("lambdas/domain/sentiment", () => {
    describe("tokenise", () => {
        it("lower-cases words, keeps cashtags whole and drops apostrophes", () => {
            expect(tokenise("Don't sell $BRK.B, $TSLA isn't done")).to.deep.equal(["dont", "sell", "$brk.b", "$tsla", "isnt", "done"]);
        });

        it("keeps known finance emojis as tokens and ignores variation selectors", () => {
            expect(tokenise("$GME 🚀🚀 📉🐻🐂 ⚠️")).to.deep.equal(["$gme", "🚀", "🚀", "📉", "🐻", "🐂", "⚠"]);
        });

        it("skips URLs and @mentions, splits hyphenated words and keeps numbers whole", () => {
            expect(tokenise("see https://x.com/tesla-crash @bullish_guy all-time high at 1,000.5")).to.deep.equal([
                "see",
                "@",
                "all",
                "time",
                "high",
                "at",
                "1,000.5",
            ]);
        });
    });

    describe("sentiment of realistic posts", () => {
        it("scores a beat with raised guidance and a rocket positive, with the phrases as evidence", () => {
            const result = sentiment("$TSLA beat estimates, guidance raised 🚀");
            expect(result.value).to.be.greaterThan(0.5);
            expect(result.evidence).to.have.members(["beat estimates", "guidance raised", "🚀"]);
        });

        it("scores SEC charges for fraud strongly negative", () => {
            const result = sentiment("SEC charges XYZ with fraud");
            expect(result.value).to.be.lessThan(-0.5);
            expect(result.evidence[0]).to.equal("sec charges");
        });

        it("turns a negated bullish into a negative value", () => {
            const result = sentiment("not bullish on $AAPL");
            expect(result.value).to.be.lessThan(0);
            expect(result.evidence).to.deep.equal(["not bullish"]);
        });

        it("limits negation to three tokens and to the clause", () => {
            expect(sentiment("not sure about the report but bullish").value).to.be.greaterThan(0);
            expect(sentiment("not today. bullish").value).to.be.greaterThan(0);
            expect(sentiment("never was this bullish").value).to.be.lessThan(0);
        });

        it("lets phrases override their words", () => {
            expect(sentiment("short squeeze on $GME").value).to.be.greaterThan(0);
            expect(sentiment("going short on $GME").value).to.be.lessThan(0);
            expect(sentiment("company misses estimates").evidence).to.deep.equal(["misses estimates"]);
        });

        it("reads guidance cuts, downgrades, bankruptcies and rate hikes as negative", () => {
            for (const text of [
                "ACME guidance cut again",
                "Morgan Stanley downgrade on $NFLX",
                "retailer files for Chapter 11",
                "another rate hike 🐻",
            ]) {
                expect(sentiment(text).value, text).to.be.lessThan(-0.2);
            }
        });

        it("reads upgrades and to-the-moon posts as positive", () => {
            for (const text of ["analyst upgrade for $AMD", "$PLTR to the moon 📈"]) {
                expect(sentiment(text).value, text).to.be.greaterThan(0.3);
            }
        });

        it("makes intensified terms stronger and downtoned terms weaker", () => {
            const plain = sentiment("bearish on rates").value;
            expect(sentiment("very bearish on rates").value).to.be.lessThan(plain);
            expect(sentiment("slightly bearish on rates").value).to.be.greaterThan(plain);
        });

        it("damps repeats: eight rockets score above one rocket but stay below 0.85", () => {
            const one = sentiment("🚀").value;
            const eight = sentiment("🚀🚀🚀🚀🚀🚀🚀🚀").value;
            expect(eight).to.be.greaterThan(one);
            expect(eight).to.be.lessThan(0.85);
        });

        it("pulls mixed texts toward neutral", () => {
            const positive = sentiment("record revenue").value;
            expect(Math.abs(sentiment("record revenue but SEC charges").value)).to.be.lessThan(Math.abs(positive));
        });

        it("returns 0 and no evidence for a text without sentiment", () => {
            expect(sentiment("the quarterly report is published on Thursday")).to.deep.equal({ value: 0, evidence: [] });
        });

        it("scores title and body as separate clauses", () => {
            expect(sentiment(["Not", "bullish"]).value).to.be.greaterThan(0);
            expect(sentiment([undefined, "bullish"]).value).to.be.greaterThan(0);
        });

        it("holds a finance lexicon of several hundred entries", () => {
            expect(LEXICON_SIZE.tokens).to.be.greaterThan(300);
            expect(LEXICON_SIZE.phrases).to.be.greaterThan(100);
        });
    });

    describe("properties", () => {
        const financeWords = fc.constantFrom(
            "bullish",
            "bearish",
            "not",
            "very",
            "beat",
            "estimates",
            "guidance",
            "cut",
            "🚀",
            "📉",
            "$TSLA",
            "fraud",
            "upgrade",
            ",",
            "the",
            "moon",
            "to",
        );
        const texts = fc.oneof(
            fc.string({ maxLength: 300 }),
            fc.string({ unit: "grapheme", maxLength: 200 }),
            fc.array(financeWords, { maxLength: 60 }).map((words) => words.join(" ")),
        );

        it("stays within [-1, 1] with at most MAX_EVIDENCE evidence entries", () => {
            fc.assert(
                fc.property(texts, (text) => {
                    const result = sentiment(text);
                    expect(result.value).to.be.within(-1, 1);
                    expect(Number.isNaN(result.value)).to.equal(false);
                    expect(result.evidence.length).to.be.at.most(MAX_EVIDENCE);
                    if (result.evidence.length === 0) expect(result.value).to.equal(0);
                }),
                { numRuns: 500 },
            );
        });

        it("is deterministic: scoring one text between others gives the same result", () => {
            fc.assert(
                fc.property(texts, texts, (text, other) => {
                    const first = sentiment(text);
                    sentiment(other);
                    expect(sentiment(text)).to.deep.equal(first);
                }),
            );
        });

        it("ignores letter case", () => {
            fc.assert(
                fc.property(fc.array(financeWords, { maxLength: 30 }), (words) => {
                    const text = words.join(" ");
                    expect(sentiment(text.toUpperCase()).value).to.equal(sentiment(text).value);
                }),
            );
        });
    });
});
