import { expect } from "chai";
import fc from "fast-check";
import { agentOf, rawObjectKey, sourceIdOf, toSignals } from "../../../lambdas/domain/ingestion";
import { SOURCE_KINDS, signalSchema, type SourceItem } from "../../../lambdas/domain/signals";
import { signalKeySchema } from "../../../lambdas/domain/values";

const NOW = new Date("2026-11-23T12:34:56.789Z");

const ITEM: SourceItem = {
    channel: "social",
    source: "reddit",
    sourceItemId: "t3_1abc#2",
    url: "https://www.reddit.com/r/stocks/comments/1abc/",
    publishedAt: "2026-11-23T00:30:00+02:00",
    title: "TSLA and AAPL",
    text: "$TSLA beat estimates, $AAPL guidance cut",
    author: "u/someone",
    engagement: { likes: 12, replies: 3 },
};

const matches = [{ entity: { symbol: "TSLA" } }, { entity: { symbol: "AAPL" } }, { entity: { symbol: "TSLA" } }];

describe("lambdas/domain/ingestion", () => {
    it("makes one schema-valid signal per distinct matched asset, keyed by the UTC day and time", () => {
        const signals = toSignals(ITEM, matches, {
            now: NOW,
            retentionDays: 90,
            rawObjectKey: "social/reddit/2026/11/23/12/b1.json",
            authorPseudonym: "hmac-abc",
        });
        expect(signals.map((signal) => signal.asset)).to.deep.equal(["TSLA", "AAPL"]);
        const [tsla] = signals;
        expect(signalSchema.parse(tsla)).to.deep.equal(tsla);
        // 00:30 at +02:00 is 22:30 UTC the day before
        expect(tsla!.pk).to.equal("TSLA#20261122");
        expect(tsla!.ts).to.equal("2026-11-22T22:30:00.000Z");
        expect(tsla!.sk).to.equal("2026-11-22T22:30:00.000Z#social.reddit#reddit:t3_1abc%232");
        expect(tsla!.sourceId).to.equal("reddit:t3_1abc#2");
        expect(tsla!.agent).to.equal("social.reddit");
        expect(tsla!.expiresAt).to.equal(Math.floor(NOW.getTime() / 1000) + 90 * 86_400);
        expect(tsla!.ingestedAt).to.equal(NOW.toISOString());
        expect(tsla!.authorPseudonym).to.equal("hmac-abc");
        expect(tsla!.engagement).to.deep.equal({ likes: 12, replies: 3 });
        expect(signalKeySchema.safeParse({ pk: tsla!.pk, sk: tsla!.sk }).success).to.equal(true);
    });

    it("never stores the author handle and leaves absent fields out instead of undefined", () => {
        const { title: _title, engagement: _engagement, ...bare } = ITEM;
        const [signal] = toSignals(bare, [{ entity: { symbol: "TSLA" } }], { now: NOW, retentionDays: 1, rawObjectKey: "k" });
        expect(JSON.stringify(signal)).not.to.include("u/someone");
        expect(Object.keys(signal!)).not.to.include.members(["title", "engagement", "authorPseudonym", "declaredSentiment", "author"]);
        expect(Object.values(signal!)).not.to.include(undefined);
    });

    it("returns no signal without matches and rejects a bad retention or date", () => {
        expect(toSignals(ITEM, [], { now: NOW, retentionDays: 30, rawObjectKey: "k" })).to.deep.equal([]);
        expect(() => toSignals(ITEM, matches, { now: NOW, retentionDays: 0, rawObjectKey: "k" })).to.throw(RangeError, /retentionDays/);
        expect(() =>
            toSignals({ ...ITEM, publishedAt: "yesterday" }, matches, { now: NOW, retentionDays: 30, rawObjectKey: "k" }),
        ).to.throw(RangeError, /publishedAt/);
    });

    it("names raw objects by channel, source and UTC hour, percent-encoding unsafe ids", () => {
        expect(rawObjectKey("news", "rss", NOW, "batch-42")).to.equal("news/rss/2026/11/23/12/batch-42.json");
        expect(rawObjectKey("social", "bluesky", new Date("2026-01-02T03:04:05Z"), "at://did:plc:x/post/1")).to.equal(
            "social/bluesky/2026/01/02/03/at%3A%2F%2Fdid%3Aplc%3Ax%2Fpost%2F1.json",
        );
        expect(() => rawObjectKey("news", "rss", NOW, "")).to.throw(RangeError);
    });

    it("builds agent and source ids", () => {
        expect(agentOf("regulatory", "sec-edgar")).to.equal("regulatory.sec-edgar");
        expect(sourceIdOf("sec-edgar", "0001318605-26-000001")).to.equal("sec-edgar:0001318605-26-000001");
    });

    it("property: keys parse with signalKeySchema and signals with signalSchema for arbitrary items", () => {
        const item = fc.record({
            channel: fc.constantFrom("social", "news", "regulatory") as fc.Arbitrary<SourceItem["channel"]>,
            source: fc.constantFrom(...SOURCE_KINDS),
            sourceItemId: fc.string({ minLength: 1, maxLength: 80 }),
            url: fc.constant("https://example.com/item"),
            publishedAt: fc
                .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T23:59:59Z"), noInvalidDate: true })
                .chain((date) =>
                    fc.constantFrom(
                        date.toISOString(),
                        date.toISOString().replace("Z", "+05:30"),
                        date.toISOString().replace(".000Z", "-08:00"),
                    ),
                ),
            text: fc.string({ minLength: 1, maxLength: 200 }),
        });
        const symbol = fc.stringMatching(/^[A-Z0-9][A-Z0-9.-]{0,19}$/);
        fc.assert(
            fc.property(
                item,
                fc.array(symbol, { minLength: 1, maxLength: 4 }),
                fc.integer({ min: 1, max: 3650 }),
                (sourceItem, symbols, retentionDays) => {
                    const signals = toSignals(
                        sourceItem,
                        symbols.map((s) => ({ entity: { symbol: s } })),
                        { now: NOW, retentionDays, rawObjectKey: "raw/key.json" },
                    );
                    expect(signals.length).to.equal(new Set(symbols).size);
                    for (const signal of signals) {
                        expect(signalKeySchema.safeParse({ pk: signal.pk, sk: signal.sk }).success, `${signal.pk} ${signal.sk}`).to.equal(
                            true,
                        );
                        expect(signalSchema.safeParse(signal).success).to.equal(true);
                        // the sk's last part decodes back to the verbatim source id: the escaping is reversible
                        expect(signal.sourceId).to.equal(`${sourceItem.source}:${sourceItem.sourceItemId}`);
                        const encoded = signal.sk.split("#")[2]!;
                        expect(encoded.replaceAll("%23", "#").replaceAll("%25", "%")).to.equal(signal.sourceId);
                        expect(Date.parse(signal.ts)).to.equal(Date.parse(sourceItem.publishedAt));
                    }
                },
            ),
            { numRuns: 300 },
        );
    });
});
