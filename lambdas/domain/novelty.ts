import { createHash } from "node:crypto";
import type { Signal } from "./signals";

/**
 * Novelty input of scoring: how many earlier signals of the same asset, within a time window, carry the same text once
 * normalised (copies, cross-posts, syndicated wire stories). One hash per text and a Map lookup per signal: cheap enough
 * to run on every scoring batch. Near-duplicates with different wording are not caught, on purpose.
 */

const URL_PATTERN = /\bhttps?:\/\/\S+/giu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

/** Lower case, compatibility-normalised, links and punctuation dropped, words separated by one space. */
export function normalizeForSimilarity(text: string): string {
    return text.normalize("NFKC").toLowerCase().replace(URL_PATTERN, " ").replace(NON_WORD, " ").trim();
}

/** 32 hex characters of SHA-256 over the normalised text; undefined when nothing is left (a link or emojis only). */
export function textHash(text: string): string | undefined {
    const normalized = normalizeForSimilarity(text);
    if (normalized === "") return undefined;
    return createHash("sha256").update(normalized, "utf8").digest("hex").slice(0, 32);
}

export type NoveltySignal = Pick<Signal, "pk" | "sk" | "asset" | "ts" | "text">;

function keyId(signal: Pick<Signal, "pk" | "sk">): string {
    return `${signal.pk}\n${signal.sk}`;
}

/**
 * For each target: the number of other signals in `seen` of the same asset, with the same text hash, published in
 * [target.ts − windowMs, target.ts] and ordered before the target (by ts, then sort key). The first report of a story
 * counts 0 (fully novel), its copies 1, 2, … Keyed by `pk\nsk`.
 */
export function similarCounts(targets: readonly NoveltySignal[], seen: readonly NoveltySignal[], windowMs: number): Map<string, number> {
    if (!(windowMs >= 0)) throw new RangeError(`windowMs must be a non-negative number, got ${windowMs}`);
    interface Entry {
        id: string;
        tsMs: number;
        sk: string;
    }
    const byAssetAndHash = new Map<string, Entry[]>();
    const seenIds = new Set<string>();
    const hashes = new Map<string, string | undefined>();
    const hashOf = (signal: NoveltySignal) => {
        const id = keyId(signal);
        if (!hashes.has(id)) hashes.set(id, textHash(signal.text));
        return hashes.get(id);
    };
    for (const signal of seen) {
        const id = keyId(signal);
        if (seenIds.has(id)) continue;
        seenIds.add(id);
        const hash = hashOf(signal);
        const tsMs = Date.parse(signal.ts);
        if (hash === undefined || Number.isNaN(tsMs)) continue;
        const group = `${signal.asset}\n${hash}`;
        const list = byAssetAndHash.get(group) ?? [];
        list.push({ id, tsMs, sk: signal.sk });
        byAssetAndHash.set(group, list);
    }

    const counts = new Map<string, number>();
    for (const target of targets) {
        const id = keyId(target);
        const hash = hashOf(target);
        const tsMs = Date.parse(target.ts);
        if (hash === undefined || Number.isNaN(tsMs)) {
            counts.set(id, 0);
            continue;
        }
        let count = 0;
        for (const other of byAssetAndHash.get(`${target.asset}\n${hash}`) ?? []) {
            if (other.id === id || other.tsMs < tsMs - windowMs) continue;
            if (other.tsMs < tsMs || (other.tsMs === tsMs && other.sk < target.sk)) count++;
        }
        counts.set(id, count);
    }
    return counts;
}
