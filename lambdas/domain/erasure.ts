import { createHmac } from "node:crypto";
import * as z from "../zod";
import { SOURCE_KINDS } from "./signals";

/**
 * GDPR erasure (Art. 17) of one author of one source: which raw payloads may go, and the audit record that proves
 * what was erased without containing the personal data itself. Pure: keys and clocks come in as arguments.
 *
 * Raw payloads are whole source responses (a subreddit listing, a tag timeline), so one payload usually holds items of
 * many people. A raw object is deleted only when no signal of anyone else references it ("exclusive"); a payload that
 * other people's signals come from stays ("shared") — deleting it would destroy their records — and so does one whose
 * references could not be checked completely ("undetermined"). Both kinds are listed (hashed) in the audit record and
 * leave with the raw-data bucket's lifecycle. The signals themselves (the stored, de-identified items) are always
 * deleted.
 */

export const ERASURE_AUDIT_PREFIX = "erasures/";

/** Days before the subject's earliest signal of a payload in which other signals of the same payload are looked for. */
export const RAW_REFERENCE_LOOKBACK_DAYS = 7;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export type RawObjectVerdict = "exclusive" | "shared" | "undetermined";

export interface SubjectSignal {
    pk: string;
    sk: string;
    agent: string;
    ts: string;
    rawObjectKey: string;
}

export interface OtherReference {
    rawObjectKey: string;
    authorPseudonym?: string;
}

/**
 * Exclusive, shared or undetermined per raw object of the subject's signals. `references` are signals found pointing at
 * the objects (the subject's own among them); `incompleteKeys` are the objects whose reference search stopped early.
 */
export function classifyRawObjects(
    subjectSignals: readonly SubjectSignal[],
    subjectPseudonym: string,
    references: readonly OtherReference[],
    incompleteKeys: ReadonlySet<string>,
): Map<string, RawObjectVerdict> {
    const sharedKeys = new Set(
        references.filter((reference) => reference.authorPseudonym !== subjectPseudonym).map((reference) => reference.rawObjectKey),
    );
    const verdicts = new Map<string, RawObjectVerdict>();
    for (const { rawObjectKey } of subjectSignals) {
        verdicts.set(
            rawObjectKey,
            sharedKeys.has(rawObjectKey) ? "shared" : incompleteKeys.has(rawObjectKey) ? "undetermined" : "exclusive",
        );
    }
    return verdicts;
}

/** The hour a raw object was fetched, from its key `<channel>/<source>/yyyy/mm/dd/HH/<id>.json` (undefined if not that shape). */
export function rawObjectHour(key: string): Date | undefined {
    const match = /^[a-z]+\/[a-z-]+\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\//.exec(key);
    if (!match) return undefined;
    const [, year, month, day, hour] = match.map(Number) as [number, number, number, number, number];
    const time = Date.UTC(year, month - 1, day, hour);
    return Number.isNaN(time) ? undefined : new Date(time);
}

export interface ReferenceWindow {
    agent: string;
    fromTs: string;
    toTs: string;
    rawObjectKeys: string[];
}

/**
 * Where to look, per agent, for other signals of the subject's raw objects (GSI byAgent is keyed by publication time):
 * from RAW_REFERENCE_LOOKBACK_DAYS before the subject's earliest signal of the object to the end of the hour the
 * object was fetched (items cannot be published after they were fetched; one more hour for clock skew).
 * Limitation: another signal of the same payload published more than the lookback before the subject's is not found,
 * and that payload counts as exclusive.
 */
export function referenceWindows(subjectSignals: readonly SubjectSignal[]): ReferenceWindow[] {
    // One window per signal, then overlapping windows of an agent merged: a subject active over months costs a few
    // short queries, not one reading the agent's whole history.
    const byAgent = new Map<string, { from: number; to: number; key: string }[]>();
    for (const signal of subjectSignals) {
        const ts = Date.parse(signal.ts);
        const fetched = rawObjectHour(signal.rawObjectKey);
        const from = ts - RAW_REFERENCE_LOOKBACK_DAYS * DAY_MS;
        const to = fetched === undefined ? ts + RAW_REFERENCE_LOOKBACK_DAYS * DAY_MS : Math.max(ts, fetched.getTime() + 2 * HOUR_MS);
        const list = byAgent.get(signal.agent) ?? [];
        list.push({ from, to, key: signal.rawObjectKey });
        byAgent.set(signal.agent, list);
    }
    const windows: ReferenceWindow[] = [];
    for (const [agent, list] of [...byAgent.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        list.sort((a, b) => a.from - b.from);
        let current: { from: number; to: number; keys: Set<string> } | undefined;
        const flush = () => {
            if (current === undefined) return;
            windows.push({
                agent,
                fromTs: new Date(current.from).toISOString(),
                toTs: new Date(current.to).toISOString(),
                rawObjectKeys: [...current.keys].sort(),
            });
        };
        for (const window of list) {
            if (current !== undefined && window.from <= current.to) {
                current.to = Math.max(current.to, window.to);
                current.keys.add(window.key);
            } else {
                flush();
                current = { from: window.from, to: window.to, keys: new Set([window.key]) };
            }
        }
        flush();
    }
    return windows;
}

/**
 * Keyed hash for the audit record: HMAC-SHA256 with the pseudonym key, separated by purpose. Whoever holds the key can
 * check whether a given signal key or object key was erased; the record alone reveals neither.
 */
export function auditHash(key: Uint8Array, purpose: "subject" | "signal" | "raw-object", value: string): string {
    return createHmac("sha256", key).update(`erasure-audit:${purpose}:${value}`, "utf8").digest("hex");
}

const hash = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const isoDateTime = z.iso.datetime({ offset: true });

/** A case or ticket number of the request; no spaces or "@", so that it cannot carry a name or an e-mail address. */
export const erasureReferenceSchema = z
    .string()
    .check(z.regex(/^[A-Za-z0-9._:/#-]{1,100}$/, { error: "must be a ticket reference: letters, digits and . _ : / # - only" }));

/** The immutable record of one erasure, written to the eval bucket under `erasures/yyyy/mm/dd/<erasureId>.json`. */
export const erasureAuditSchema = z.strictObject({
    recordType: z.literal("gdpr-erasure"),
    schemaVersion: z.literal(1),
    erasureId: z.uuid(),
    requestedAt: isoDateTime,
    completedAt: isoDateTime,
    /** Cognito sub of the admin who asked. */
    requestedBy: z.string().check(z.minLength(1), z.maxLength(256)),
    reference: z.optional(erasureReferenceSchema),
    subject: z.strictObject({ source: z.enum(SOURCE_KINDS), subjectRef: hash }),
    hashing: z.string(),
    signals: z.strictObject({ deleted: z.number().check(z.int(), z.nonnegative()), keyHashes: z.array(hash) }),
    rawObjects: z.strictObject({
        deleted: z.array(hash),
        versionsDeleted: z.number().check(z.int(), z.nonnegative()),
        retainedShared: z.array(hash),
        retainedUndetermined: z.array(hash),
    }),
    /** Versions of the signals' feature records (features bucket) deleted; the keys are the signals'. */
    featureRecords: z.strictObject({ versionsDeleted: z.number().check(z.int(), z.nonnegative()) }),
    policy: z.string(),
});
export type ErasureAudit = z.infer<typeof erasureAuditSchema>;

export const ERASURE_POLICY =
    "Signals of the subject and their feature records are deleted. A raw payload is deleted with all its versions only when no signal of anyone else " +
    "references it; shared payloads (and those whose references could not be checked completely) are kept for the other " +
    "people in them and leave with the raw-data bucket's lifecycle.";

export const AUDIT_HASHING = "HMAC-SHA256 with the pseudonym key over 'erasure-audit:<subject|signal|raw-object>:<value>'";

export function erasureAuditKey(erasureId: string, at: Date): string {
    const day = at.toISOString().slice(0, 10).replace(/-/g, "/");
    return `${ERASURE_AUDIT_PREFIX}${day}/${erasureId}.json`;
}
