import type { ChannelSources } from "./config";
import type { SourceConnector } from "./connector";
import { createGdeltConnector } from "./gdelt";
import { createRssConnector } from "./rss";

/** The news channel's connectors: RSS/Atom feeds and GDELT queries. */
export const newsSources: ChannelSources = {
    channel: "news",
    build(config) {
        const connectors: SourceConnector[] = [];
        const { rss, gdelt } = config.news;
        if (rss) for (const url of rss.feeds) connectors.push(createRssConnector({ url, kind: "rss", channel: "news" }));
        if (gdelt) {
            for (const query of gdelt.queries) {
                connectors.push(createGdeltConnector({ query, maxRecords: gdelt.maxRecords, timespan: gdelt.timespan }));
            }
        }
        return connectors;
    },
};
