import type { SourceConnector } from "./connector";
import { createRssConnector } from "./rss";

/**
 * BaFin (German federal financial supervisor) publications as RSS. The site runs on the federal Government Site Builder,
 * whose feeds live at `https://www.bafin.de/<LANG>/service/rss/_function/<feed>.xml?nn=<navigation node>` (older ones
 * under `/SiteGlobals/Functions/RSSFeed/<LANG>/…`). The stack config passes the URLs; these are the defaults it may use.
 * BaFin items carry no guid, so the link without its query (the `nn` node, tracking, jsessionid) is the id.
 */
export const BAFIN_DEFAULT_FEEDS = [
    /** All publications, including consumer warnings ("BaFin warnt …"). */
    "https://www.bafin.de/DE/service/rss/_function/rssnewsfeed.xml?nn=150166",
    /** Measures and sanctions against supervised firms. */
    "https://www.bafin.de/DE/service/rss/_function/RSS_Massnahmen.xml?nn=150166",
] as const;

export function createBafinConnector(url: string): SourceConnector {
    return createRssConnector({ url, kind: "bafin", channel: "regulatory", linkId: "strip-query" });
}

export function createBafinConnectors(urls: readonly string[] = BAFIN_DEFAULT_FEEDS): SourceConnector[] {
    return urls.map(createBafinConnector);
}
