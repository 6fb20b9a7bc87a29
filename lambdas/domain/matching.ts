import type { SourceItem, TrackedEntity } from "./signals";

/**
 * Which tracked entities a source item is about. Evidence, strongest first:
 * - `cik`: the filing's SEC Central Index Key equals the entity's;
 * - `symbol`: the source attached the symbol itself (StockTwits symbols, EDGAR/GDELT tickers), `$` prefix tolerated;
 * - `cashtag`: `$TSLA` in the title or text, any case;
 * - `ticker`: a bare ticker in the text, only when it has ≥ 2 characters, is written in upper case, is not one of
 *   AMBIGUOUS_TICKERS (ordinary words and acronyms such as IT, ALL, NOW, CEO), and the text is not shouted in capitals
 *   (see SHOUTING_*);
 * - `name` / `alias`: the entity's name or one of its aliases as whole words, case-insensitive, punctuation-insensitive
 *   ("Tesla, Inc." matches "tesla inc"). Names are not shortened: stripping "Corporation" from "Target Corporation"
 *   would match every "price target".
 * Inactive entities are left out of the index and never match.
 */

export type MatchKind = "cik" | "symbol" | "cashtag" | "ticker" | "name" | "alias";

export interface MatchReason {
    kind: MatchKind;
    /** What matched: the CIK, symbol, cashtag or ticker as written in the item; for names and aliases the words in lower case. */
    term: string;
}

export interface EntityMatch {
    entity: TrackedEntity;
    /** Deduplicated, in the order found (cik, source symbols, then per title and text: cashtags, tickers, names). */
    reasons: MatchReason[];
}

/** Tickers that are also ordinary words or acronyms: matched only as a cashtag or a source-attached symbol. */
export const AMBIGUOUS_TICKERS: ReadonlySet<string> = new Set(
    (
        "AI ALL AM AN AND ANY ARE AS AT ATH BE BIG BY CAN CEO CFO CPI DD DO EPS ETF EU EV FDA FED FOR FUD GDP GO HAS HE " +
        "HOLD IF IMO IN IPO IRS IS IT ME MY NEW NO NOT NOW NYSE OF OK ON ONE OR OTC OUT PE PM SEC SO THE TO TV UK UP US " +
        "USA USD WE YOLO FOMO"
    ).split(" "),
);

/** A text with at least this many letters… */
export const SHOUTING_MIN_LETTERS = 20;
/** …of which at least this share is upper case is shouted: bare upper-case words are no evidence of a ticker there. */
export const SHOUTING_UPPER_SHARE = 0.7;

interface NameCandidate {
    /** Lower-case word tokens after the first. */
    rest: readonly string[];
    entityIndex: number;
    kind: "name" | "alias";
}

export interface EntityIndex {
    readonly entities: readonly TrackedEntity[];
    readonly bySymbol: ReadonlyMap<string, readonly number[]>;
    readonly byCik: ReadonlyMap<string, readonly number[]>;
    /** First lower-case word of a name or alias → candidates. */
    readonly byFirstWord: ReadonlyMap<string, readonly NameCandidate[]>;
}

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['\u2019][\p{L}\p{N}]+)*/gu;
const CASHTAG_PATTERN = /(?<![A-Za-z0-9])\$([A-Za-z][A-Za-z0-9]*(?:[.-][A-Za-z0-9]+)*)/g;
const TICKER_PATTERN = /(?<![A-Za-z0-9$.-])[A-Z][A-Z0-9]*(?:[.-][A-Z0-9]+)*(?![A-Za-z0-9])/g;

/** Lower-case whole words, apostrophes dropped ("McDonald's" → "mcdonalds"). */
function words(text: string): string[] {
    const found = text.toLowerCase().match(WORD_PATTERN);
    if (found === null) return [];
    return found.map((word) => (word.includes("'") || word.includes("\u2019") ? word.replace(/['\u2019]/g, "") : word));
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
    const list = map.get(key);
    if (list === undefined) map.set(key, [value]);
    else if (!list.includes(value)) list.push(value);
}

/** Builds the lookup tables once per entity list; `matchEntities` then costs a few Map lookups per word. */
export function buildEntityIndex(entities: readonly TrackedEntity[]): EntityIndex {
    const active = entities.filter((entity) => entity.active !== false);
    const bySymbol = new Map<string, number[]>();
    const byCik = new Map<string, number[]>();
    const byFirstWord = new Map<string, NameCandidate[]>();
    active.forEach((entity, entityIndex) => {
        push(bySymbol, entity.symbol.toUpperCase(), entityIndex);
        if (entity.cik !== undefined) push(byCik, entity.cik, entityIndex);
        const phrases: [string, "name" | "alias"][] = [
            [entity.name, "name"],
            ...(entity.aliases ?? []).map((alias): [string, "alias"] => [alias, "alias"]),
        ];
        for (const [phrase, kind] of phrases) {
            const [first, ...rest] = words(phrase);
            if (first === undefined) continue;
            const candidates = byFirstWord.get(first) ?? [];
            if (!candidates.some((candidate) => candidate.entityIndex === entityIndex && candidate.rest.join(" ") === rest.join(" "))) {
                candidates.push({ rest, entityIndex, kind });
            }
            byFirstWord.set(first, candidates);
        }
    });
    return { entities: active, bySymbol, byCik, byFirstWord };
}

function isShouted(text: string): boolean {
    let upper = 0;
    let letters = 0;
    for (let index = 0; index < text.length; index++) {
        const code = text.charCodeAt(index);
        if (code >= 65 && code <= 90) {
            upper++;
            letters++;
        } else if (code >= 97 && code <= 122) letters++;
    }
    return letters >= SHOUTING_MIN_LETTERS && upper >= SHOUTING_UPPER_SHARE * letters;
}

/** The entities the item is about, each once, in index order, with every reason found. */
export function matchEntities(item: Pick<SourceItem, "text" | "title" | "symbols" | "cik">, index: EntityIndex): EntityMatch[] {
    const reasons = new Map<number, MatchReason[]>();
    const add = (entityIndexes: readonly number[] | undefined, kind: MatchKind, term: string) => {
        if (entityIndexes === undefined) return;
        for (const entityIndex of entityIndexes) {
            const list = reasons.get(entityIndex);
            if (list === undefined) reasons.set(entityIndex, [{ kind, term }]);
            else if (!list.some((reason) => reason.kind === kind && reason.term === term)) list.push({ kind, term });
        }
    };

    if (item.cik !== undefined) add(index.byCik.get(item.cik), "cik", item.cik);
    for (const symbol of item.symbols ?? []) {
        const normalised = symbol.trim().replace(/^\$/, "").toUpperCase();
        add(index.bySymbol.get(normalised), "symbol", symbol);
    }

    const texts = item.title === undefined ? [item.text] : [item.title, item.text];
    for (const text of texts) {
        for (const match of text.matchAll(CASHTAG_PATTERN)) add(index.bySymbol.get(match[1]!.toUpperCase()), "cashtag", match[0]);
        if (!isShouted(text)) {
            for (const match of text.matchAll(TICKER_PATTERN)) {
                const ticker = match[0];
                if (ticker.length < 2 || AMBIGUOUS_TICKERS.has(ticker)) continue;
                add(index.bySymbol.get(ticker), "ticker", ticker);
            }
        }
        const tokens = words(text);
        for (let position = 0; position < tokens.length; position++) {
            const candidates = index.byFirstWord.get(tokens[position]!);
            if (candidates === undefined) continue;
            for (const candidate of candidates) {
                const { rest } = candidate;
                let matches = position + rest.length < tokens.length;
                for (let offset = 0; matches && offset < rest.length; offset++) matches = tokens[position + 1 + offset] === rest[offset];
                if (matches) add([candidate.entityIndex], candidate.kind, [tokens[position]!, ...rest].join(" "));
            }
        }
    }

    return [...reasons.keys()]
        .sort((left, right) => left - right)
        .map((entityIndex) => ({ entity: index.entities[entityIndex]!, reasons: reasons.get(entityIndex)! }));
}
