import { createHash } from "node:crypto";
import type * as z from "../zod";

/**
 * Pure helpers the source parsers share: markup to text, date formats to ISO 8601, cashtags, ids and zod issue paths.
 * No I/O.
 */

const NAMED_ENTITIES: Record<string, string> = {
    amp: "&",
    lt: "<",
    gt: ">",
    quot: '"',
    apos: "'",
    nbsp: " ",
    shy: "",
    ndash: "–",
    mdash: "—",
    hellip: "…",
    lsquo: "‘",
    rsquo: "’",
    sbquo: "‚",
    ldquo: "“",
    rdquo: "”",
    bdquo: "„",
    laquo: "«",
    raquo: "»",
    lsaquo: "‹",
    rsaquo: "›",
    bull: "•",
    middot: "·",
    euro: "€",
    pound: "£",
    yen: "¥",
    cent: "¢",
    copy: "©",
    reg: "®",
    trade: "™",
    sect: "§",
    para: "¶",
    deg: "°",
    plusmn: "±",
    times: "×",
    divide: "÷",
    frac12: "½",
    frac14: "¼",
    frac34: "¾",
    permil: "‰",
    auml: "ä",
    ouml: "ö",
    uuml: "ü",
    Auml: "Ä",
    Ouml: "Ö",
    Uuml: "Ü",
    szlig: "ß",
    eacute: "é",
    egrave: "è",
    ecirc: "ê",
    euml: "ë",
    Eacute: "É",
    Egrave: "È",
    aacute: "á",
    agrave: "à",
    acirc: "â",
    Agrave: "À",
    ccedil: "ç",
    Ccedil: "Ç",
    iacute: "í",
    igrave: "ì",
    icirc: "î",
    iuml: "ï",
    oacute: "ó",
    ograve: "ò",
    ocirc: "ô",
    uacute: "ú",
    ugrave: "ù",
    ucirc: "û",
    ntilde: "ñ",
    oslash: "ø",
    aring: "å",
    aelig: "æ",
    zwnj: "",
    zwj: "",
    thinsp: " ",
    ensp: " ",
    emsp: " ",
};

/** Decodes named (HTML) and numeric character references; unknown names stay as written. */
export function decodeEntities(text: string): string {
    return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/g, (whole, ref: string) => {
        if (ref.startsWith("#")) {
            const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
            // Surrogates, NUL and out-of-range code points are not characters: replace rather than emit broken text.
            if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return "\uFFFD";
            return String.fromCodePoint(code);
        }
        return NAMED_ENTITIES[ref] ?? whole;
    });
}

const BLOCK_END = /<\/(?:p|div|li|ul|ol|h[1-6]|tr|table|blockquote|pre|section|article)\s*>/gi;

/**
 * HTML (or plain text with entities) → readable text: scripts, styles and comments dropped, block ends and <br> become line
 * breaks, other tags vanish, entities are decoded AFTER stripping (so escaped markup stays text), whitespace collapsed.
 */
export function htmlToText(html: string): string {
    const stripped = html
        .replace(/<!--[\s\S]*?-->/g, " ")
        .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, " ")
        .replace(/<br\s*\/?>/gi, "\n")
        .replace(BLOCK_END, "\n")
        .replace(/<\/?[A-Za-z][^>]*>/g, "");
    return normalizeWhitespace(decodeEntities(stripped));
}

export function normalizeWhitespace(text: string): string {
    return text
        .replace(/\r\n?/g, "\n")
        .replace(/[^\S\n]+/g, " ")
        .split("\n")
        .map((line) => line.trim())
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
}

/** Cuts text to at most `max` UTF-16 units (zod's length) without splitting a surrogate pair. */
export function clip(text: string, max: number): string {
    if (text.length <= max) return text;
    let cut = text.slice(0, max);
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
    return cut;
}

/** An id that fits the contract's 256 characters: long ones (article URLs) become a digest so they stay stable. */
export function stableId(id: string): string {
    return id.length <= 256 ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}

// Cashtags: "$" + 1–6 capitals, optional class suffix ("$BRK.B"); not "$100", not "US$", not inside a word.
const CASHTAG = /(?<![A-Za-z0-9_$])\$([A-Z]{1,6}(?:\.[A-Z]{1,2})?)(?![A-Za-z0-9_])/g;

/** Cashtags the author wrote ("$AAPL"), upper case, deduplicated, at most 50 (the contract's limit). */
export function extractCashtags(text: string): string[] {
    const found = new Set<string>();
    for (const match of text.matchAll(CASHTAG)) found.add(match[1]!);
    return [...found].slice(0, 50);
}

// ---------------------------------------------------------------------------------------------------------------------
// Dates → ISO 8601 UTC ("2025-01-02T21:30:24.000Z"). Each parser returns undefined for anything it cannot read exactly.
// ---------------------------------------------------------------------------------------------------------------------

function utcIso(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number, offsetMinutes: number) {
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    if (day > daysInMonth) return undefined;
    const epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
    const date = new Date(epoch);
    return Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ISO 8601 / RFC 3339 date-time with a zone ("Z" or "±hh:mm"); any fraction length. A bare date is midnight UTC. */
export function isoFromIso8601(value: string): string | undefined {
    const text = value.trim();
    const dateOnly = ISO_DATE.exec(text);
    if (dateOnly) return utcIso(+dateOnly[1]!, +dateOnly[2]!, +dateOnly[3]!, 0, 0, 0, 0, 0);
    const m = ISO_DATE_TIME.exec(text);
    if (!m) return undefined;
    const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
    return utcIso(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, ms, zoneOffset(m[8]!));
}

function zoneOffset(zone: string): number {
    if (zone === "Z" || zone === "z") return 0;
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

// RFC 822 zones plus the central-European abbreviations German-language feeds write although RFC 822 has none.
const NAMED_ZONES: Record<string, number> = {
    UT: 0,
    UTC: 0,
    GMT: 0,
    Z: 0,
    EST: -300,
    EDT: -240,
    CST: -360,
    CDT: -300,
    MST: -420,
    MDT: -360,
    PST: -480,
    PDT: -420,
    CET: 60,
    CEST: 120,
    MEZ: 60,
    MESZ: 120,
};

const RFC_822 =
    /^(?:[A-Za-z]{2,9}\.?,?\s+)?(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4}|\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[A-Za-z]{1,5})$/;

/** RFC 822 / RFC 2822 date ("Wed, 01 Jan 2025 12:00:00 GMT", "1 Jan 2025 13:00:00 +0100"); the zone is required. */
export function isoFromRfc822(value: string): string | undefined {
    const m = RFC_822.exec(value.trim());
    if (!m) return undefined;
    const month = MONTHS.indexOf(m[2]!.slice(0, 3).toLowerCase()) + 1;
    if (month === 0) return undefined;
    let year = +m[3]!;
    if (m[3]!.length === 2) year += year < 50 ? 2000 : 1900; // RFC 2822 §4.3 two-digit years
    const zone = m[7]!;
    const offset = /^[+-]\d{4}$/.test(zone) ? zoneOffset(zone) : NAMED_ZONES[zone.toUpperCase()];
    if (offset === undefined) return undefined;
    return utcIso(year, month, +m[1]!, +m[4]!, +m[5]!, m[6] ? +m[6] : 0, 0, offset);
}

/** A feed date in either format (RSS uses RFC 822, Atom and dc:date ISO 8601). */
export function isoFromFeedDate(value: string): string | undefined {
    return isoFromIso8601(value) ?? isoFromRfc822(value);
}

/** GDELT's "20250101T120000Z". */
export function isoFromGdeltDate(value: string): string | undefined {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
    return m ? utcIso(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!, 0, 0) : undefined;
}

/** Unix seconds (Reddit's created_utc, a float). */
export function isoFromEpochSeconds(seconds: number): string | undefined {
    if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
    const date = new Date(Math.round(seconds * 1000));
    return Number.isFinite(date.getTime()) ? date.toISOString() : undefined;
}

// ---------------------------------------------------------------------------------------------------------------------
// Zod issues → reasons that name the field.
// ---------------------------------------------------------------------------------------------------------------------

/** ["data", "children", 2, "data", "title"] → "data.children[2].data.title". */
export function formatPath(path: readonly PropertyKey[]): string {
    let out = "";
    for (const segment of path) {
        if (typeof segment === "number") out += `[${segment}]`;
        else out += out ? `.${String(segment)}` : String(segment);
    }
    return out || "(root)";
}

/**
 * The first few issues as "path: message; …". `where` places each issue in the payload: a prefix (where the validated
 * value sits) or a function of the issue's own path.
 */
export function describeIssues(
    issues: readonly z.core.$ZodIssue[],
    where: readonly PropertyKey[] | ((path: readonly PropertyKey[]) => PropertyKey[]) = [],
): string {
    const place = typeof where === "function" ? where : (path: readonly PropertyKey[]) => [...where, ...path];
    const shown = issues.slice(0, 5).map((issue) => `${formatPath(place(issue.path))}: ${issue.message}`);
    if (issues.length > shown.length) shown.push(`and ${issues.length - shown.length} more`);
    return shown.join("; ");
}
