import { createHmac } from "node:crypto";
import type { SourceItem, SourceKind } from "./signals";

/**
 * Author pseudonyms. An author handle is personal data: ingestion keeps only HMAC-SHA256(key, "<source>:<handle>") and
 * takes every other trace of the handle out of what it stores (see `deidentify`). The key comes from Secrets Manager;
 * without it a pseudonym cannot be linked back to a handle, and with it an erasure request ("delete everything of
 * u/someone on Reddit") finds the signals through the byAuthor index: `authorPseudonym(key, "reddit", "someone")`.
 * Pure: the key comes in as an argument.
 */

/** HMAC keys shorter than the hash output weaken it; Secrets Manager should hold ≥ 32 random bytes. */
export const PSEUDONYM_KEY_MIN_BYTES = 32;

/** Handles compare case-insensitively on every source we read; "@", "u/" and surrounding blanks are not part of them. */
export function normalizeHandle(handle: string): string {
    return handle
        .normalize("NFC")
        .trim()
        .replace(/^(?:@|u\/|\/u\/)/i, "")
        .toLowerCase();
}

/** 64 lower-case hex characters; the same handle on another source gets another pseudonym. */
export function authorPseudonym(key: Uint8Array, source: SourceKind, handle: string): string {
    if (key.byteLength < PSEUDONYM_KEY_MIN_BYTES) {
        throw new RangeError(`the pseudonym key must have at least ${PSEUDONYM_KEY_MIN_BYTES} bytes, got ${key.byteLength}`);
    }
    const normalized = normalizeHandle(handle);
    if (normalized === "") throw new RangeError("cannot pseudonymise an empty handle");
    return createHmac("sha256", key).update(`${source}:${normalized}`, "utf8").digest("hex");
}

/** What replaces the author's identifiers in ids, links and text: short, URL-safe, stable per author. */
export function pseudonymToken(pseudonym: string): string {
    return `anon-${pseudonym.slice(0, 16)}`;
}

const BLUESKY_DID = /^at:\/\/(did:[a-z]+:[A-Za-z0-9._:%-]+)\//;

/**
 * The strings that identify the item's author: the handle as published, the local part of a Mastodon `user@instance`
 * acct (instance URLs carry only that), and the DID of a Bluesky post (inside its at:// id, and resolvable to the handle).
 */
export function authorIdentifiers(item: Pick<SourceItem, "author" | "source" | "sourceItemId">): string[] {
    if (item.author === undefined) return [];
    const handle = item.author.trim().replace(/^@/, "");
    const identifiers = new Set<string>([handle]);
    const at = handle.indexOf("@");
    if (at > 0) identifiers.add(handle.slice(0, at));
    if (item.source === "bluesky") {
        const did = BLUESKY_DID.exec(item.sourceItemId)?.[1];
        if (did !== undefined) identifiers.add(did);
    }
    // Longest first, so that "user@host" is replaced before "user" could split it.
    return [...identifiers].filter((identifier) => identifier !== "").sort((left, right) => right.length - left.length);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces whole-word occurrences (not inside a longer handle-like word), case-insensitively. */
function replaceIdentifiers(text: string, identifiers: readonly string[], token: string): string {
    let result = text;
    for (const identifier of identifiers) {
        const pattern = new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(identifier)}(?![A-Za-z0-9_-])`, "gi");
        result = result.replace(pattern, token);
    }
    return result;
}

/** In an http(s) URL only path, query and fragment are rewritten: a handle that equals a host label stays a host. */
function replaceInUrl(value: string, identifiers: readonly string[], token: string): string {
    if (!/^https?:\/\//i.test(value)) return replaceIdentifiers(value, identifiers, token);
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        return replaceIdentifiers(value, identifiers, token);
    }
    // The URL's parts are percent-encoded: look for the identifiers in both spellings ("user@host" and "user%40host").
    const spellings = [...new Set(identifiers.flatMap((identifier) => [encodeURIComponent(identifier), identifier]))].sort(
        (left, right) => right.length - left.length,
    );
    const rest = `${url.pathname}${url.search}${url.hash}`;
    const replaced = replaceIdentifiers(rest, spellings, token);
    return replaced === rest ? value : `${url.protocol}//${url.host}${replaced}`;
}

/**
 * The item without its author: `author` dropped, and the author's identifiers (see `authorIdentifiers`) replaced by
 * `pseudonymToken(pseudonym)` in the source item id, the link, the title and the text. The result is deterministic, so
 * the same post read twice still gets the same id (deduplication holds). The link then no longer opens the post: the
 * original is in the raw payload (`rawObjectKey`), which only auditors read.
 */
export function deidentify(item: SourceItem, pseudonym: string): SourceItem {
    const identifiers = authorIdentifiers(item);
    const token = pseudonymToken(pseudonym);
    const { author: _author, ...rest } = item;
    const result: SourceItem = {
        ...rest,
        sourceItemId: replaceInUrl(item.sourceItemId, identifiers, token),
        url: replaceInUrl(item.url, identifiers, token),
        text: replaceIdentifiers(item.text, identifiers, token),
    };
    if (item.title !== undefined) result.title = replaceIdentifiers(item.title, identifiers, token);
    return result;
}
