/**
 * The shapes of source targets that the stack's source configuration accepts (config.ts). Kept apart from the
 * connectors, so that validating a configuration does not load every connector (and its parsers) into a bundle.
 */

export const SUBREDDIT_NAME = /^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/;

export const MASTODON_INSTANCE = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
export const MASTODON_HASHTAG = /^[\p{L}\p{N}_]{1,100}$/u;

export const STOCKTWITS_SYMBOL = /^[A-Z0-9][A-Z0-9.=-]{0,19}$/;

/** Form types as EDGAR writes them: "8-K", "10-K/A", "SC 13D", "S-1". */
export const SEC_FORM = /^[A-Z0-9][A-Z0-9 ./-]{0,19}$/;

/** "320193", 320193 or "0000320193" → "0000320193"; undefined when it is not a CIK. */
export function normalizeCik(cik: string | number): string | undefined {
    const digits = typeof cik === "number" ? (Number.isInteger(cik) && cik > 0 ? String(cik) : "") : cik.trim();
    return /^\d{1,10}$/.test(digits) && Number(digits) > 0 ? digits.padStart(10, "0") : undefined;
}
