import type { SourceConnector } from "./connector";
import { createRssConnector } from "./rss";

/**
 * FINMA (Swiss financial market supervisor) news as RSS: `https://www.finma.ch/<lang>/rss/<feed>/` with lang de, fr, it
 * or en and feed `news` (press releases, enforcement, sanctions notices) or `sanktionen` (international sanctions). The
 * English news feed still carries German sanctions notices. The stack config passes the URLs; these are the defaults.
 */
export const FINMA_DEFAULT_FEEDS = ["https://www.finma.ch/en/rss/news/"] as const;

export function createFinmaConnector(url: string): SourceConnector {
    return createRssConnector({ url, kind: "finma", channel: "regulatory", linkId: "as-is" });
}

export function createFinmaConnectors(urls: readonly string[] = FINMA_DEFAULT_FEEDS): SourceConnector[] {
    return urls.map(createFinmaConnector);
}
