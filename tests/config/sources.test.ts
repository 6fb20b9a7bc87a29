import { expect } from "chai";
import { sourcesOfChannel, fetchesPerRun, sourcesFromLists } from "../../config/sources";

const UA = "Example AG ops@example.com";

describe("config/sources: the stack's source lists as connector configuration", () => {
    it("maps every entry kind to its connector, per channel", () => {
        const { config, problems } = sourcesFromLists({
            social: [
                "reddit:stocks",
                "r/investing",
                "mastodon:mastodon.social#stocks",
                "mastodon:mastodon.social#aktien",
                "bluesky:$AAPL",
                "stocktwits:AAPL",
            ],
            news: ["https://feeds.example.com/markets.rss", "gdelt:(earnings OR guidance) sourcelang:english"],
            regulatory: [
                "sec-edgar:8-K",
                "sec-edgar:4",
                "sec-cik:320193",
                "bafin:https://www.bafin.de/DE/service/rss/_function/rssnewsfeed.xml?nn=150166",
                "finma:https://www.finma.ch/en/rss/news/",
            ],
            secEdgarUserAgent: UA,
        });
        expect(problems).to.deep.equal([]);
        expect(config.social).to.deep.equal({
            reddit: { subreddits: ["stocks", "investing"] },
            mastodon: { instance: "mastodon.social", hashtags: ["stocks", "aktien"] },
            bluesky: { queries: ["$AAPL"] },
            stocktwits: { symbols: ["AAPL"] },
        });
        expect(config.news).to.deep.equal({
            rss: { feeds: ["https://feeds.example.com/markets.rss"] },
            gdelt: { queries: ["(earnings OR guidance) sourcelang:english"] },
        });
        expect(config.regulatory.secEdgar).to.deep.include({ userAgent: UA, forms: ["8-K", "4"], ciks: ["320193"] });
        expect(config.regulatory.bafin!.feeds).to.have.length(1);
        expect(config.regulatory.finma!.feeds).to.deep.equal(["https://www.finma.ch/en/rss/news/"]);
        // One fetch per subreddit, hashtag, query, symbol, feed, form and CIK.
        expect(fetchesPerRun(config, "social")).to.equal(6);
        expect(fetchesPerRun(config, "news")).to.equal(2);
        expect(fetchesPerRun(config, "regulatory")).to.equal(5);
    });

    it("gives each ingest function only its own channel", () => {
        const { config } = sourcesFromLists({ social: ["stocktwits:MSFT"], news: ["https://feeds.example.com/a.rss"], regulatory: [] });
        expect(sourcesOfChannel(config, "social")).to.deep.equal({ social: { stocktwits: { symbols: ["MSFT"] } } });
        expect(Object.keys(sourcesOfChannel(config, "news"))).to.deep.equal(["news"]);
    });

    it("names every entry it cannot read, with its key and position", () => {
        const { problems } = sourcesFromLists({
            social: ["twitter:elon", "mastodon:mastodon.social", "mastodon:a.example#x", "mastodon:b.example#y"],
            news: ["http://insecure.example.com/feed", "ftp://x"],
            regulatory: ["sec:8-K"],
        });
        expect(problems).to.include.members([
            'socialSources[0]: expected reddit:<subreddit>, mastodon:<instance>#<hashtag>, bluesky:<query> or stocktwits:<SYMBOL>, got "twitter:elon"',
            'socialSources[1]: expected "mastodon:<instance>#<hashtag>", got "mastodon:mastodon.social"',
            "socialSources[3]: all Mastodon hashtags are read from one instance (a.example), got b.example",
            'newsFeeds[0]: expected an https:// RSS/Atom feed or gdelt:<query>, got "http://insecure.example.com/feed"',
            'newsFeeds[1]: expected an https:// RSS/Atom feed or gdelt:<query>, got "ftp://x"',
            'regulatoryFeeds[0]: expected sec-edgar:<form>, sec-cik:<CIK>, bafin:https://… or finma:https://…, got "sec:8-K"',
        ]);
    });

    it("requires the SEC's declared User-Agent with EDGAR entries, and reports the connectors' own checks by path", () => {
        expect(sourcesFromLists({ social: [], news: [], regulatory: ["sec-edgar:8-K"] }).problems).to.include(
            'secEdgarUserAgent: required when regulatoryFeeds reads SEC EDGAR ("Company Name admin@company.com", SEC fair-access policy)',
        );
        const { problems } = sourcesFromLists({ social: ["reddit:x", "stocktwits:aapl"], news: [], regulatory: [] });
        expect(problems.join("\n"))
            .to.match(/^sources: social\.reddit\.subreddits\[0\]: /m)
            .and.match(/^sources: social\.stocktwits\.symbols\[0\]: /m);
    });
});
