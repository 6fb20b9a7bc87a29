/**
 * Finance-aware lexicon sentiment for short social posts, headlines and regulatory notices.
 *
 * How a text is scored:
 * 1. `tokenise` lower-cases the text once and splits it in a single pass over its char codes: words (apostrophes
 *    dropped, "don't" → "dont"), cashtags (`$AAPL` → "$aapl", neutral but they count as tokens), known emojis
 *    (🚀📈📉🐻🐂 …) as tokens of their own, and clause breaks (. , ; : ! ? newline) that end the reach of a negation.
 *    URLs and @mentions are skipped so that a path like /tesla-crash or a handle @bullish_guy scores nothing.
 * 2. At each token the longest phrase of the phrase trie wins ("beat estimates", "short squeeze", "to the moon"),
 *    otherwise the single-token lexicon. Both are data tables below with weights in [-1, 1], in the spirit of the
 *    Loughran–McDonald finance word lists plus social-media slang and emojis; phrases override their parts
 *    ("short squeeze" is bullish although "short" alone is bearish).
 * 3. A negator ("not", "no", "never", "dont", …) up to NEGATION_WINDOW tokens before a term in the same clause flips
 *    and damps it (× NEGATION_FACTOR); an intensifier ("very", "strongly") or a downtoner ("slightly") up to
 *    INTENSIFIER_WINDOW tokens before scales it. A contribution is clamped to [-1, 1].
 * 4. Repeats of the same term are damped geometrically (the k-th "🚀" adds 1/2^(k-1) of its weight, so all repeats
 *    together count at most twice): spamming one emoji cannot push a post to the extreme.
 * 5. value = S / sqrt(T² + ALPHA), with S the sum and T the sum of absolute values of the contributions. For a text
 *    whose terms all agree this is the saturating S / sqrt(S² + ALPHA); mixed texts are pulled toward 0. |value| < 1.
 *
 * Everything is precomputed at module load (one Map for tokens, one trie for phrases): scoring a text does one Map
 * lookup per token and no regular expression.
 */

export interface SentimentResult {
    /** In [-1, 1]; 0 when no lexicon term matched. */
    value: number;
    /** The matched terms ("not " prefixed when negated), strongest absolute contribution first, at most MAX_EVIDENCE. */
    evidence: string[];
}

/** Saturation constant of the normalisation: one term of weight 0.6 gives 0.51, two give 0.77. */
export const ALPHA = 1;
export const NEGATION_WINDOW = 3;
/** A negated term counts for 3/4 of its weight with the opposite sign ("not bullish" is bearish, but less so than "bearish"). */
export const NEGATION_FACTOR = -0.75;
export const INTENSIFIER_WINDOW = 2;
export const MAX_EVIDENCE = 20;

/** Single tokens: [weight, space-separated words]. Inflections are listed explicitly, no stemming at run time. */
const WORD_TABLE: ReadonlyArray<readonly [number, string]> = [
    // strong positive
    [0.8, "bullish skyrocket skyrockets skyrocketed skyrocketing soar soars soared soaring blowout stellar"],
    [0.8, "upgrade upgrades upgraded outperformance mooning"],
    [0.7, "surge surges surged surging breakthrough breakthroughs excellent exceptional outstanding thriving"],
    [0.7, "rally rallies rallied rallying boom booming"],
    [0.6, "outperform outperforms outperformed outperforming exceed exceeds exceeded exceeding impressive strongest"],
    [0.6, "jump jumps jumped jumping breakout breakouts tendies upturn moon winner winners"],
    [0.6, "heraufstufung"],
    // moderate positive
    [0.5, "gain gains gained gaining climb climbs climbed climbing rebound rebounds rebounded rebounding"],
    [0.5, "strong stronger robust beat beats profitable lucrative optimistic optimism upbeat upside tailwind tailwinds"],
    [0.5, "success successful successfully boost boosts boosted favorable favourable favourably favorably uptrend"],
    [0.5, "undervalued great awesome amazing bull lfg rocket bargain thrive"],
    [0.4, "profit profits profitability rise rises rose rising grow grows grew growing growth recovery recover recovers"],
    [0.4, "recovered recovering improve improves improved improving improvement improvements solid positive"],
    [0.4, "buy accumulate accumulating overweight win wins won winning achieve achieves achieved achievement"],
    [0.4, "approval approved approves resilient best pops ripping bolster bolsters bolstered outpace outpaces topped"],
    [0.4, "bulls buyback buybacks advantageous confident gewinn gewinne wachstum"],
    // mild positive
    [0.3, "buying calls hodl squeeze innovation innovative momentum accelerate accelerates accelerating acceleration"],
    [0.3, "expansion expand expands expanded partnership advantage healthy good love repurchase resilience green"],
    [0.3, "spikes pop anstieg"],
    [0.2, "bought stable stability efficient efficiency nice confidence"],
    // mild negative (uncertainty and litigation words in the Loughran–McDonald sense)
    [-0.15, "risk risks volatility"],
    [-0.2, "uncertain volatile sold red fud charges exposure"],
    [-0.25, "uncertainty"],
    [-0.3, "decrease decreases decreased concern concerns concerned problem problems risky short shorted puts"],
    [-0.3, "delay delays delayed restructuring plaintiff plaintiffs overbought resign resigns resigned resignation"],
    [-0.3, "whistleblower fired lowers selling"],
    // moderate negative
    [-0.4, "drop drops dropped dropping fall falls fell falling decline declines declined declining lose loses losing lost"],
    [-0.4, "bear sell shorting worry worries worried fear fears slowdown headwind headwinds litigation sue"],
    [-0.4, "investigation investigations investigated probe probes alleged alleges warning warnings warn warns warned"],
    [-0.4, "deficit dilution dilutive downside underweight negative bad ugly poor poorly trouble troubled struggle"],
    [-0.4, "struggles struggled struggling hurt hurts damage damages damaged erode erodes eroded erosion shrink shrinks"],
    [-0.4, "shrinking shrank contraction dead ousted enforcement ban prohibited prohibition deficiency deficiencies"],
    [-0.4, "restated ermittlungen"],
    [-0.5, "loss losses miss misses missed weak weaker weakness disappoint disappointed lawsuit lawsuits sued sues"],
    [-0.5, "allegation allegations subpoena subpoenas subpoenaed charged penalty penalties violation violations violated"],
    [-0.5, "breach breaches breached hack hacked recall recalls recalled halt halted suspend suspended suspension"],
    [-0.5, "shortfall dump dumps dumped dumping overvalued bubble pessimistic pessimism layoff layoffs impairment"],
    [-0.5, "impairments writedown writedowns writeoff sink sinks sank sinking worse fail fails failed failing failure"],
    [-0.5, "failures adverse adversely unfavorable unfavourable deteriorate deteriorates deteriorated deteriorating"],
    [-0.5, "deterioration slash slashes slashed bleeding bagholder bagholders bagholding junk overleveraged downtrend"],
    [-0.5, "unauthorized unauthorised noncompliance warnung verlust verluste verbot"],
    [-0.6, "slump slumps slumped slumping tumble tumbles tumbled tumbling disappointing disappointment underperform"],
    [-0.6, "underperforms underperformed underperforming weakest worst terrible awful horrible turmoil recession"],
    [-0.6, "downturn selloff rekt panic doom capitulation fined sanction sanctions sanctioned misconduct manipulation"],
    [-0.6, "manipulated misleading mislead misled revoked revocation banned unlicensed illegal unlawful irregularities"],
    [-0.6, "restatement distress distressed default defaults bussgeld bußgeld sanktion sanktionen untersagung einbruch"],
    // strong negative
    [-0.7, "downgrade downgrades downgraded crisis scandal tank tanks tanked tanking gewinnwarnung marktmanipulation"],
    [-0.8, "bearish collapse collapses collapsed collapsing crash crashes crashed crashing plunge plunges plunged"],
    [-0.8, "plunging plummet plummets plummeted plummeting liquidation delisted delisting scam indicted indictment"],
    [-0.8, "defaulted bloodbath rugpull kurssturz"],
    [-0.9, "bankruptcy bankrupt insolvency insolvent fraud fraudulent ponzi embezzlement insolvenz betrug"],
];

/** Emojis common in finance posts; looked up by their UTF-16 string, variation selectors ignored. */
const EMOJI_TABLE: ReadonlyArray<readonly [number, string]> = [
    [0.7, "🚀"],
    [0.6, "📈"],
    [0.5, "🐂 🤑"],
    [0.4, "🌙 🎉 🥳"],
    [0.3, "💎 🔥 💰 🟢 👍 💪 🔺 ⬆"],
    [0.2, "🙌 ✅ ↑"],
    [-0.2, "↓"],
    [-0.3, "🔴 ❌ 🚨 ⚠ 💸 🧻 ⬇"],
    [-0.4, "😱 👎 🤡 😭 😡 🔻"],
    [-0.5, "🐻 💀 🩸"],
    [-0.6, "📉 💩"],
];

/** Phrases of 2–4 tokens: [weight, "|"-separated phrases]. Tokenised with `tokenise`, so "all-time high" = "all time high". */
const PHRASE_TABLE: ReadonlyArray<readonly [number, string]> = [
    [0.8, "to the moon|strong buy"],
    [0.7, "beat estimates|beats estimates|beat expectations|beats expectations|beat forecasts|beats forecasts"],
    [0.7, "topped estimates|tops estimates|topped expectations|above expectations|above estimates|better than expected"],
    [0.7, "ahead of expectations|ahead of estimates|earnings beat|revenue beat|beat and raise|record revenue|record profit"],
    [0.7, "record earnings|record quarter|record sales|fda approval|fda approves|fda approved|fda clearance"],
    [0.7, "raised guidance|raises guidance|guidance raised|raise guidance|strong guidance|guidance boosted|boosted guidance"],
    [0.7, "raised outlook|raises outlook"],
    [0.6, "price target raised|raises price target|raised price target|target raised|pt raised|credit upgrade|rating upgrade"],
    [0.6, "bull run|bull market"],
    [0.5, "short squeeze|gamma squeeze|all time high|all time highs|record high|record highs|new high|new highs"],
    [0.5, "52 week high|buy rating|insider buying|dividend increase|dividend hike|raises dividend|special dividend"],
    [0.5, "buy the dip|takeover bid|acquisition offer|buyout offer|takeover offer|tender offer|positive outlook"],
    [0.5, "outlook positive|outlook raised"],
    [0.4, "share buyback|stock buyback|buyback program|diamond hands"],
    [0.3, "rate cut|rate cuts|going private|not bad"],
    [-0.2, "paper hands|profit taking"],
    [-0.4, "rate hike|rate hikes|rate increase|hawkish fed|insider selling"],
    [-0.5, "sell rating|net loss|dead cat bounce|bag holder|bag holders|bag holding|short report|short seller|short sellers"],
    [-0.5, "job cuts|mass layoffs|write down|writes down|wrote down|write off|writes off|wrote off|all time low|record low"],
    [-0.5, "new low|new lows|52 week low"],
    [-0.6, "price target cut|cuts price target|lowers price target|lowered price target|target cut|pt cut|data breach"],
    [-0.6, "cyber attack|trading halt|trading halted|trading suspended|under investigation|sell off|margin call|margin calls"],
    [-0.6, "bear market"],
    [-0.7, "missed estimates|misses estimates|miss estimates|missed expectations|misses expectations|missed forecasts"],
    [-0.7, "below expectations|below estimates|worse than expected|fell short|falls short|earnings miss|revenue miss"],
    [-0.7, "profit warning|dividend cut|cuts dividend|dividend suspended|suspends dividend|record loss|cease and desist"],
    [-0.7, "material weakness|credit downgrade|rating downgrade|negative outlook|outlook negative|debt default|default risk"],
    [-0.8, "guidance cut|cut guidance|cuts guidance|lowered guidance|lowers guidance|guidance lowered|lower guidance"],
    [-0.8, "weak guidance|guidance slashed|slashed guidance|strong sell|wells notice|delisting notice|rug pull|pump and dump"],
    [-0.8, "accounting irregularities|fda rejects|fda rejection|complete response letter|clinical hold|class action"],
    [-0.8, "securities fraud|accounting fraud|wire fraud|insider trading|fraud allegations|downgraded to junk|bank run"],
    [-0.8, "sec sues|sec lawsuit|sec probe|sec investigation|doj probe|doj investigation"],
    [-0.9, "sec charges|sec charged|chapter 11|chapter 7|going concern|filed for bankruptcy|files for bankruptcy"],
];

const NEGATORS =
    "not no never neither nor without hardly barely nothing lack lacks lacking cannot dont doesnt didnt isnt arent wasnt " +
    "werent wont cant couldnt shouldnt wouldnt hasnt havent hadnt aint nicht kein keine";

/** Multipliers of the next term: intensifiers > 1, downtoners < 1. */
const INTENSIFIER_TABLE: ReadonlyArray<readonly [number, string]> = [
    [1.5, "strongly extremely massively"],
    [1.4, "hugely incredibly"],
    [1.3, "very highly super significantly sharply substantially deeply absolutely"],
    [1.2, "really seriously totally"],
    [0.7, "somewhat modestly"],
    [0.6, "slightly marginally mildly"],
];

interface PhraseNode {
    /** Canonical phrase when a phrase ends at this node. */
    term: string | undefined;
    weight: number;
    next: Map<string, PhraseNode> | undefined;
}

/** Everything known about one token, so that scoring does a single Map lookup per token. */
interface TokenEntry {
    weight: number;
    negator: boolean;
    /** 1 when the token is no intensifier. */
    intensity: number;
    /** Phrases starting with this token. */
    phrases: PhraseNode | undefined;
}

const TOKENS = new Map<string, TokenEntry>();

function entryFor(token: string): TokenEntry {
    let entry = TOKENS.get(token);
    if (entry === undefined) {
        entry = { weight: 0, negator: false, intensity: 1, phrases: undefined };
        TOKENS.set(token, entry);
    }
    return entry;
}

function addWeights(table: ReadonlyArray<readonly [number, string]>): void {
    for (const [weight, words] of table) {
        if (!(weight >= -1 && weight <= 1)) throw new Error(`lexicon weight ${weight} is outside [-1, 1]`);
        for (const word of words.split(" ")) {
            const entry = entryFor(word);
            if (entry.weight !== 0) throw new Error(`lexicon lists "${word}" twice`);
            entry.weight = weight;
        }
    }
}

addWeights(WORD_TABLE);
addWeights(EMOJI_TABLE);
for (const word of NEGATORS.split(" ")) entryFor(word).negator = true;
for (const [intensity, words] of INTENSIFIER_TABLE) for (const word of words.split(" ")) entryFor(word).intensity = intensity;

// ---------------------------------------------------------------------------------------------------------------------
// Tokeniser

/** Clause break marker in the token stream. */
const BREAK = "";

function isWordCode(code: number): boolean {
    return (
        (code >= 97 && code <= 122) ||
        (code >= 48 && code <= 57) ||
        (code >= 0xc0 && code < 0x2000 && code !== 0xd7 && code !== 0xf7) ||
        (code >= 0x3040 && code <= 0x9fff) ||
        (code >= 0xac00 && code <= 0xd7a3)
    );
}

function isDigitCode(code: number): boolean {
    return code >= 48 && code <= 57;
}

function isSpaceCode(code: number): boolean {
    return code === 32 || code === 9 || code === 10 || code === 13 || code === 0xa0;
}

function isBreakCode(code: number): boolean {
    // . , ; : ! ? newline …
    return code === 46 || code === 44 || code === 59 || code === 58 || code === 33 || code === 63 || code === 10 || code === 0x2026;
}

function isApostrophe(code: number): boolean {
    return code === 39 || code === 0x2019;
}

function pushBreak(out: string[]): void {
    if (out.length > 0 && out[out.length - 1] !== BREAK) out.push(BREAK);
}

/**
 * Splits an already lower-cased text into tokens, clause breaks as "" (see the module comment). Appends to `out`.
 */
function tokeniseLower(lower: string, out: string[]): void {
    const length = lower.length;
    let index = 0;
    while (index < length) {
        const code = lower.charCodeAt(index);
        if (isWordCode(code)) {
            const start = index;
            let hasApostrophe = false;
            index++;
            while (index < length) {
                const next = lower.charCodeAt(index);
                if (isWordCode(next)) index++;
                else if (isApostrophe(next) && index + 1 < length && isWordCode(lower.charCodeAt(index + 1))) {
                    hasApostrophe = true;
                    index++;
                } else if (
                    // 1,000 and 5.2 stay one token
                    (next === 46 || next === 44) &&
                    isDigitCode(lower.charCodeAt(index - 1)) &&
                    index + 1 < length &&
                    isDigitCode(lower.charCodeAt(index + 1))
                ) {
                    index++;
                } else break;
            }
            let word = lower.slice(start, index);
            if (hasApostrophe) word = word.replace(/['\u2019]/g, "");
            // URL: drop the scheme token and skip to the next white space
            if (
                index + 2 < length &&
                lower.charCodeAt(index) === 58 &&
                lower.charCodeAt(index + 1) === 47 &&
                lower.charCodeAt(index + 2) === 47
            ) {
                while (index < length && !isSpaceCode(lower.charCodeAt(index))) index++;
                continue;
            }
            if (word === "www" && lower.charCodeAt(index) === 46) {
                while (index < length && !isSpaceCode(lower.charCodeAt(index))) index++;
                continue;
            }
            out.push(word);
            continue;
        }
        if (code === 36 /* $ */ && index + 1 < length) {
            const next = lower.charCodeAt(index + 1);
            if (next >= 97 && next <= 122) {
                const start = index;
                index += 2;
                while (index < length) {
                    const c = lower.charCodeAt(index);
                    if ((c >= 97 && c <= 122) || isDigitCode(c)) index++;
                    else if (
                        (c === 46 || c === 45) &&
                        index + 1 < length &&
                        lower.charCodeAt(index + 1) >= 97 &&
                        lower.charCodeAt(index + 1) <= 122
                    )
                        index++;
                    else break;
                }
                out.push(lower.slice(start, index));
                continue;
            }
            index++;
            continue;
        }
        if (code === 64 /* @ mention: one neutral token */) {
            index++;
            while (
                index < length &&
                (isWordCode(lower.charCodeAt(index)) || lower.charCodeAt(index) === 95 || lower.charCodeAt(index) === 46)
            )
                index++;
            out.push("@");
            continue;
        }
        if (code >= 0xd800 && code <= 0xdbff && index + 1 < length) {
            const emoji = lower.slice(index, index + 2);
            if (TOKENS.has(emoji)) out.push(emoji);
            index += 2;
            continue;
        }
        if (code >= 0x2000 && code <= 0x2bff && code !== 0x2026) {
            const symbol = lower[index]!;
            if (TOKENS.has(symbol)) out.push(symbol);
            index++;
            continue;
        }
        if (isBreakCode(code)) pushBreak(out);
        index++;
    }
}

/** The tokens of a text as the scorer sees them (clause breaks left out); for tests and explanations. */
export function tokenise(text: string): string[] {
    const tokens: string[] = [];
    tokeniseLower(text.toLowerCase(), tokens);
    return tokens.filter((token) => token !== BREAK);
}

// Phrase trie, built with the same tokeniser that scores texts so that both always agree.
for (const [weight, phrases] of PHRASE_TABLE) {
    if (!(weight >= -1 && weight <= 1)) throw new Error(`phrase weight ${weight} is outside [-1, 1]`);
    for (const phrase of phrases.split("|")) {
        const words = tokenise(phrase);
        if (words.length < 2 || words.length > 4) throw new Error(`phrase "${phrase}" must have 2 to 4 tokens`);
        const first = entryFor(words[0]!);
        first.phrases ??= { term: undefined, weight: 0, next: undefined };
        let node = first.phrases;
        for (const word of words.slice(1)) {
            node.next ??= new Map();
            let child = node.next.get(word);
            if (child === undefined) {
                child = { term: undefined, weight: 0, next: undefined };
                node.next.set(word, child);
            }
            node = child;
        }
        if (node.term !== undefined) throw new Error(`phrase "${phrase}" is listed twice`);
        node.term = words.join(" ");
        node.weight = weight;
    }
}

/** Number of single-token entries and phrases, for the documentation and tests. */
export const LEXICON_SIZE = {
    tokens: [...TOKENS.values()].filter((entry) => entry.weight !== 0).length,
    phrases: PHRASE_TABLE.reduce((sum, [, phrases]) => sum + phrases.split("|").length, 0),
};

// ---------------------------------------------------------------------------------------------------------------------
// Scoring

// Scratch buffers reused across calls: scoring is synchronous, and not allocating them per text roughly doubles speed.
const tokenBuffer: string[] = [];
const hitTerms: string[] = [];
const hitSums: number[] = [];
/** Factor of the next repeat of each hit: 1/2, 1/4, … */
const hitRepeatFactors: number[] = [];
const hitOrder: number[] = [];

function addHit(term: string, contribution: number): number {
    for (let index = 0; index < hitTerms.length; index++) {
        if (hitTerms[index] === term) {
            const damped = contribution * hitRepeatFactors[index]!;
            hitRepeatFactors[index]! *= 0.5;
            hitSums[index]! += damped;
            return damped;
        }
    }
    hitTerms.push(term);
    hitSums.push(contribution);
    hitRepeatFactors.push(0.5);
    return contribution;
}

function scoreTokens(tokens: readonly string[]): { sum: number; mass: number } {
    let sum = 0;
    let mass = 0;
    let clauseStart = 0;
    let lastNegator = -1_000;
    let lastIntensifier = -1_000;
    let intensity = 1;
    const count = tokens.length;
    let index = 0;
    while (index < count) {
        const token = tokens[index]!;
        if (token === BREAK) {
            clauseStart = index + 1;
            index++;
            continue;
        }
        const entry = TOKENS.get(token);
        if (entry === undefined) {
            index++;
            continue;
        }
        let weight = entry.weight;
        let term = token;
        let span = 1;
        if (entry.phrases !== undefined) {
            let node: PhraseNode | undefined = entry.phrases;
            let next = index + 1;
            while (node?.next !== undefined && next < count) {
                node = node.next.get(tokens[next]!);
                if (node === undefined) break;
                next++;
                if (node.term !== undefined) {
                    weight = node.weight;
                    term = node.term;
                    span = next - index;
                }
            }
        }
        if (span === 1) {
            if (entry.negator) lastNegator = index;
            if (entry.intensity !== 1) {
                lastIntensifier = index;
                intensity = entry.intensity;
            }
        }
        if (weight !== 0) {
            let contribution = weight;
            if (lastIntensifier >= clauseStart && index - lastIntensifier <= INTENSIFIER_WINDOW) contribution *= intensity;
            if (lastNegator >= clauseStart && index - lastNegator <= NEGATION_WINDOW) {
                contribution *= NEGATION_FACTOR;
                term = "not " + term;
            }
            if (contribution > 1) contribution = 1;
            else if (contribution < -1) contribution = -1;
            const damped = addHit(term, contribution);
            sum += damped;
            mass += damped < 0 ? -damped : damped;
        }
        index += span;
    }
    return { sum, mass };
}

/**
 * Sentiment of a text, or of several parts of one item (title and body) scored as separate clauses.
 * Pure and synchronous; see the module comment for the rules.
 */
export function sentiment(text: string | readonly (string | undefined)[]): SentimentResult {
    tokenBuffer.length = 0;
    hitTerms.length = 0;
    hitSums.length = 0;
    hitRepeatFactors.length = 0;
    if (typeof text === "string") tokeniseLower(text.toLowerCase(), tokenBuffer);
    else {
        for (const part of text) {
            if (part === undefined || part === "") continue;
            tokeniseLower(part.toLowerCase(), tokenBuffer);
            pushBreak(tokenBuffer);
        }
    }
    const { sum, mass } = scoreTokens(tokenBuffer);
    if (mass === 0) return { value: 0, evidence: [] };
    const value = sum / Math.sqrt(mass * mass + ALPHA);

    hitOrder.length = 0;
    for (let index = 0; index < hitTerms.length; index++) hitOrder.push(index);
    // strongest first; ties keep the order of appearance (Array.prototype.sort is stable)
    hitOrder.sort((left, right) => Math.abs(hitSums[right]!) - Math.abs(hitSums[left]!));
    const evidenceCount = Math.min(hitOrder.length, MAX_EVIDENCE);
    const evidence = new Array<string>(evidenceCount);
    for (let index = 0; index < evidenceCount; index++) evidence[index] = hitTerms[hitOrder[index]!]!;
    return { value: Math.max(-1, Math.min(1, value)), evidence };
}
