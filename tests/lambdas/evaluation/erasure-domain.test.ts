import { expect } from "chai";
import {
    auditHash,
    classifyRawObjects,
    erasureAuditKey,
    rawObjectHour,
    referenceWindows,
    type SubjectSignal,
} from "../../../lambdas/domain/erasure";

const signal = (agent: string, ts: string, rawObjectKey: string): SubjectSignal => ({
    pk: "BTC#20261120",
    sk: `${ts}#${agent}#x`,
    agent,
    ts,
    rawObjectKey,
});

describe("lambdas/domain/erasure", function () {
    it("reads the fetch hour from a raw object key", function () {
        expect(rawObjectHour("social/reddit/2026/11/20/13/listing%3A2.json")).to.deep.equal(new Date("2026-11-20T13:00:00.000Z"));
        expect(rawObjectHour("manual/upload.json")).to.equal(undefined);
    });

    it("looks for other references from a week before the subject's signal to the end of the fetch hour, merging overlaps per agent", function () {
        const windows = referenceWindows([
            signal("social.reddit", "2026-11-20T12:40:00.000Z", "social/reddit/2026/11/20/13/b.json"),
            signal("social.reddit", "2026-11-20T11:50:00.000Z", "social/reddit/2026/11/20/12/a.json"),
            signal("social.reddit", "2026-11-20T11:51:00.000Z", "social/reddit/2026/11/20/12/a.json"),
            // A month later: its own window, not one spanning the month.
            signal("social.reddit", "2026-12-20T08:00:00.000Z", "social/reddit/2026/12/20/08/c.json"),
            signal("social.mastodon", "2026-11-21T08:00:00.000Z", "odd-key.json"),
        ]);
        expect(windows).to.deep.equal([
            {
                agent: "social.mastodon",
                fromTs: "2026-11-14T08:00:00.000Z",
                toTs: "2026-11-28T08:00:00.000Z",
                rawObjectKeys: ["odd-key.json"],
            },
            {
                agent: "social.reddit",
                fromTs: "2026-11-13T11:50:00.000Z",
                toTs: "2026-11-20T15:00:00.000Z",
                rawObjectKeys: ["social/reddit/2026/11/20/12/a.json", "social/reddit/2026/11/20/13/b.json"],
            },
            {
                agent: "social.reddit",
                fromTs: "2026-12-13T08:00:00.000Z",
                toTs: "2026-12-20T10:00:00.000Z",
                rawObjectKeys: ["social/reddit/2026/12/20/08/c.json"],
            },
        ]);
    });

    it("calls an object shared when anyone else's signal (or one without author) comes from it, undetermined when the search stopped early", function () {
        const subject = [
            signal("social.reddit", "2026-11-20T12:00:00.000Z", "a"),
            signal("social.reddit", "2026-11-20T12:00:00.000Z", "b"),
            signal("social.reddit", "2026-11-20T12:00:00.000Z", "c"),
            signal("social.reddit", "2026-11-20T12:00:00.000Z", "d"),
        ];
        const verdicts = classifyRawObjects(
            subject,
            "me",
            [{ rawObjectKey: "a", authorPseudonym: "me" }, { rawObjectKey: "b", authorPseudonym: "someone-else" }, { rawObjectKey: "c" }],
            new Set(["b", "d"]),
        );
        expect(Object.fromEntries(verdicts)).to.deep.equal({ a: "exclusive", b: "shared", c: "shared", d: "undetermined" });
    });

    it("hashes audit values with the key and by purpose, and dates the audit key", function () {
        const key = Buffer.alloc(32, 7);
        const signalHash = auditHash(key, "signal", "BTC#20261120\nsk");
        expect(signalHash).to.match(/^[0-9a-f]{64}$/);
        expect(auditHash(key, "raw-object", "BTC#20261120\nsk")).not.to.equal(signalHash);
        expect(auditHash(Buffer.alloc(32, 8), "signal", "BTC#20261120\nsk")).not.to.equal(signalHash);
        expect(erasureAuditKey("id-1", new Date("2026-11-23T23:59:59.999Z"))).to.equal("erasures/2026/11/23/id-1.json");
    });
});
