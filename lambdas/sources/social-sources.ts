import { BlueskySession, createBlueskyConnector } from "./bluesky";
import { SourcesConfigError, type ChannelSources } from "./config";
import type { SourceConnector } from "./connector";
import { createMastodonConnector } from "./mastodon";
import { createRedditConnector, RedditTokenProvider } from "./reddit";
import { createStocktwitsConnector } from "./stocktwits";

/** The social channel's connectors: Reddit, Mastodon, Bluesky, StockTwits. */
export const socialSources: ChannelSources = {
    channel: "social",
    build(config, secrets = {}) {
        const connectors: SourceConnector[] = [];
        const { reddit, mastodon, bluesky, stocktwits } = config.social;
        if (reddit) {
            if (!secrets.reddit) throw new SourcesConfigError(["social.reddit: configured, but no Reddit client credentials were passed"]);
            // One token provider for all subreddits: one token request per run, not one per subreddit.
            const tokens = new RedditTokenProvider(secrets.reddit, { userAgent: reddit.userAgent });
            for (const subreddit of reddit.subreddits) {
                connectors.push(createRedditConnector({ subreddit, tokens, limit: reddit.limit, userAgent: reddit.userAgent }));
            }
        }
        if (mastodon) {
            for (const hashtag of mastodon.hashtags)
                connectors.push(createMastodonConnector({ instance: mastodon.instance, hashtag, limit: mastodon.limit }));
        }
        if (bluesky) {
            const session = secrets.bluesky ? new BlueskySession(secrets.bluesky) : undefined;
            for (const query of bluesky.queries) {
                connectors.push(createBlueskyConnector({ query, limit: bluesky.limit, session, appViewUrl: bluesky.appViewUrl }));
            }
        }
        if (stocktwits) for (const symbol of stocktwits.symbols) connectors.push(createStocktwitsConnector({ symbol }));
        return connectors;
    },
};
