/**
 * The sources a stack reads, written as short lists in the stack file and turned into the connectors' configuration
 * (lambdas/sources/registry.ts). Project config has no map type, so each source is one string:
 *
 * - social:     `reddit:<subreddit>` (or `r/<subreddit>`), `mastodon:<instance>#<hashtag>`, `bluesky:<search query>`,
 *               `stocktwits:<SYMBOL>`
 * - news:       `https://…` (an RSS or Atom feed), `gdelt:<DOC API query>`
 * - regulatory: `sec-edgar:<form>` (EDGAR current filings of that form, e.g. `sec-edgar:8-K`), `sec-cik:<CIK>` (a
 *               company's submissions), `bafin:https://…`, `finma:https://…` (their RSS feeds)
 *
 * The result is validated with the connectors' own schema, so `pulumi preview` stops on a source the functions would
 * refuse at run time, naming the entry.
 */
import type { Channel as SourceChannel } from "../lambdas/domain/signals";
import { parseSourcesConfig, SourcesConfigError, type SourcesConfig, type SourcesConfigInput } from "../lambdas/sources/config";

/** The ingest channels, one function each (the domain's CHANNELS). */
export { CHANNELS as SOURCE_CHANNELS, type Channel as SourceChannel } from "../lambdas/domain/signals";

export interface SourceLists {
    social: string[];
    news: string[];
    regulatory: string[];
    /** "Company Name admin@company.com": the SEC's fair-access policy requires it on every EDGAR request. */
    secEdgarUserAgent?: string;
}

/** Problems name the config key and the entry, e.g. `socialSources[2]: "mastodon:foo" …`. */
export function sourcesFromLists(lists: SourceLists): { config: SourcesConfig; problems: string[] } {
    const problems: string[] = [];
    const input: Required<Pick<SourcesConfigInput, "social" | "news" | "regulatory">> = { social: {}, news: {}, regulatory: {} };
    const social = input.social!;
    const news = input.news!;
    const regulatory = input.regulatory!;
    const push = <T>(list: T[] | undefined, value: T): T[] => [...(list ?? []), value];

    lists.social.forEach((entry, i) => {
        const [kind, value] = split(entry);
        if (entry.startsWith("r/")) social.reddit = { ...social.reddit, subreddits: push(social.reddit?.subreddits, entry.slice(2)) };
        else if (kind === "reddit") social.reddit = { ...social.reddit, subreddits: push(social.reddit?.subreddits, value) };
        else if (kind === "bluesky") social.bluesky = { ...social.bluesky, queries: push(social.bluesky?.queries, value) };
        else if (kind === "stocktwits") social.stocktwits = { symbols: push(social.stocktwits?.symbols, value) };
        else if (kind === "mastodon") {
            const [instance, hashtag] = value.split("#");
            if (!instance || !hashtag)
                problems.push(`socialSources[${i}]: expected "mastodon:<instance>#<hashtag>", got ${JSON.stringify(entry)}`);
            else if (social.mastodon && social.mastodon.instance !== instance) {
                problems.push(
                    `socialSources[${i}]: all Mastodon hashtags are read from one instance (${social.mastodon.instance}), got ${instance}`,
                );
            } else social.mastodon = { instance, hashtags: push(social.mastodon?.hashtags, hashtag) };
        } else {
            problems.push(
                `socialSources[${i}]: expected reddit:<subreddit>, mastodon:<instance>#<hashtag>, bluesky:<query> or stocktwits:<SYMBOL>, got ${JSON.stringify(entry)}`,
            );
        }
    });

    lists.news.forEach((entry, i) => {
        const [kind, value] = split(entry);
        if (entry.startsWith("https://")) news.rss = { feeds: push(news.rss?.feeds, entry) };
        else if (kind === "gdelt") news.gdelt = { ...news.gdelt, queries: push(news.gdelt?.queries, value) };
        else problems.push(`newsFeeds[${i}]: expected an https:// RSS/Atom feed or gdelt:<query>, got ${JSON.stringify(entry)}`);
    });

    lists.regulatory.forEach((entry, i) => {
        const [kind, value] = split(entry);
        const edgar = () => regulatory.secEdgar ?? { userAgent: lists.secEdgarUserAgent ?? "" };
        if (kind === "sec-edgar") regulatory.secEdgar = { ...edgar(), forms: push(regulatory.secEdgar?.forms, value) };
        else if (kind === "sec-cik") regulatory.secEdgar = { ...edgar(), ciks: push(regulatory.secEdgar?.ciks, value) };
        else if (kind === "bafin") regulatory.bafin = { feeds: push(regulatory.bafin?.feeds, value) };
        else if (kind === "finma") regulatory.finma = { feeds: push(regulatory.finma?.feeds, value) };
        else {
            problems.push(
                `regulatoryFeeds[${i}]: expected sec-edgar:<form>, sec-cik:<CIK>, bafin:https://… or finma:https://…, got ${JSON.stringify(entry)}`,
            );
        }
    });
    if (regulatory.secEdgar && !lists.secEdgarUserAgent) {
        problems.push(
            'secEdgarUserAgent: required when regulatoryFeeds reads SEC EDGAR ("Company Name admin@company.com", SEC fair-access policy)',
        );
    }

    try {
        return { config: parseSourcesConfig(input), problems };
    } catch (error) {
        if (!(error instanceof SourcesConfigError)) throw error;
        // Paths such as "social.reddit.subreddits.1: …" map back to the config keys operators edit.
        return { config: parseSourcesConfig({}), problems: [...problems, ...error.problems.map((problem) => `sources: ${problem}`)] };
    }
}

/** The part of the configuration one ingest function reads (its SOURCES_CONFIG). */
export function sourcesOfChannel(config: SourcesConfig, channel: SourceChannel): SourcesConfigInput {
    return { [channel]: config[channel] };
}

/** How many fetches one scheduled run of a channel makes (one per subreddit, hashtag, query, symbol, feed, form, CIK). */
export function fetchesPerRun(config: SourcesConfig, channel: SourceChannel): number {
    const lengths = Object.values(config[channel]).flatMap((source) =>
        Object.values(source as Record<string, unknown>)
            .filter(Array.isArray)
            .map((list) => (list as unknown[]).length),
    );
    return lengths.reduce((sum, n) => sum + n, 0);
}

function split(entry: string): [string, string] {
    const at = entry.indexOf(":");
    return at < 0 ? ["", entry] : [entry.slice(0, at), entry.slice(at + 1)];
}
