import { createHash } from "node:crypto";
import type { Channel } from "../domain/signals";
import type { SignalKey } from "../domain/values";

/**
 * S3 keys of what the pipeline writes besides raw payloads (those are `rawObjectKey` in domain/ingestion). Every key
 * starts with the prefix the function's grant is scoped to: `<channel>/` in the raw bucket, `signals/` in the features
 * bucket, `fused/` in the curated bucket. Time parts are UTC.
 */

/** Signal keys per queue message (the message contracts allow 1–100). */
export const MAX_KEYS_PER_MESSAGE = 100;

function pad(value: number, width = 2): string {
    return String(value).padStart(width, "0");
}

function datePath(instant: Date): string {
    if (Number.isNaN(instant.getTime())) throw new RangeError("not a valid date");
    return `${pad(instant.getUTCFullYear(), 4)}/${pad(instant.getUTCMonth() + 1)}/${pad(instant.getUTCDate())}`;
}

/** Characters outside [A-Za-z0-9._-] are replaced, so that an id never adds a '/' level. */
function safeSegment(id: string): string {
    const segment = id.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200);
    if (segment === "" || segment === "." || segment === "..") throw new RangeError(`unusable key segment ${JSON.stringify(id)}`);
    return segment;
}

/** `<channel>/rejected/yyyy/mm/dd/HH/<id>.json`: why payloads or entries were not ingested (the payload itself is raw). */
export function rejectionObjectKey(channel: Channel, now: Date, id: string): string {
    return `${channel}/rejected/${datePath(now)}/${pad(now.getUTCHours())}/${safeSegment(id)}.json`;
}

/** 32 hex characters of SHA-256 over `pk\nsk`: a stable, key-safe name for one signal. */
export function signalKeyHash(key: SignalKey): string {
    return createHash("sha256").update(`${key.pk}\n${key.sk}`, "utf8").digest("hex").slice(0, 32);
}

/** `signals/yyyy/mm/dd/<asset>/<hash>.json`, dated by the signal's publication: re-scoring overwrites the same object. */
export function featuresObjectKey(signal: SignalKey & { asset: string; ts: string }): string {
    return `signals/${datePath(new Date(signal.ts))}/${safeSegment(signal.asset)}/${signalKeyHash(signal)}.json`;
}

/** `fused/yyyy/mm/dd/<asset>/<windowEnd as yyyymmddTHHMMSSmmmZ>.json`. */
export function fusedObjectKey(asset: string, windowEnd: Date): string {
    const compact = windowEnd.toISOString().replace(/[-:]/g, "").replace(".", "");
    return `fused/${datePath(windowEnd)}/${safeSegment(asset)}/${compact}.json`;
}
