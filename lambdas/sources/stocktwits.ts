import * as z from "../zod";
import {
    compact,
    defineConnector,
    parseEntries,
    parseEnvelope,
    parseJsonPayload,
    refOf,
    reject,
    toRawPayload,
    type ParseResult,
    type RawPayload,
    type SourceConnector,
} from "./connector";
import { clip, decodeEntities, isoFromIso8601 } from "./normalize";
import { STOCKTWITS_SYMBOL } from "./patterns";

/** StockTwits' public symbol stream (the 30 newest messages about one symbol). */

export const STOCKTWITS_API_URL = "https://api.stocktwits.com/api/2";
/** StockTwits symbols: "AAPL", "BRK.B", crypto as "BTC.X". */
export { STOCKTWITS_SYMBOL };

export interface StocktwitsConnectorOptions {
    symbol: string;
    apiBaseUrl?: string;
}

export function stocktwitsStreamUrl(symbol: string, apiBaseUrl = STOCKTWITS_API_URL): string {
    return `${apiBaseUrl}/streams/symbol/${encodeURIComponent(symbol)}.json`;
}

export function createStocktwitsConnector(options: StocktwitsConnectorOptions): SourceConnector {
    if (!STOCKTWITS_SYMBOL.test(options.symbol)) throw new Error(`not a StockTwits symbol: ${JSON.stringify(options.symbol)}`);
    const url = stocktwitsStreamUrl(options.symbol, options.apiBaseUrl);
    return defineConnector({
        kind: "stocktwits",
        channel: "social",
        id: `stocktwits $${options.symbol}`,
        async fetchRaw(ctx) {
            return [toRawPayload(await ctx.http.request({ url, headers: { accept: "application/json" }, signal: ctx.signal }))];
        },
        parse: parseStocktwitsStream,
    });
}

const messageSchema = z.object({
    id: z.number().check(z.int(), z.positive()),
    body: z.string(),
    created_at: z.string(),
    user: z.object({ username: z.string().check(z.minLength(1)) }),
    symbols: z.optional(z.array(z.object({ symbol: z.string().check(z.minLength(1)) }))),
    entities: z.optional(
        z.object({
            sentiment: z.optional(z.nullable(z.object({ basic: z.enum(["Bullish", "Bearish"]) }))),
        }),
    ),
    likes: z.optional(z.object({ total: z.number().check(z.int(), z.nonnegative()) })),
    conversation: z.optional(z.object({ replies: z.number().check(z.int(), z.nonnegative()) })),
});

/** A symbol stream → items with the symbols and the Bullish/Bearish label the author attached. */
export function parseStocktwitsStream(raw: RawPayload): ParseResult {
    const json = parseJsonPayload(raw);
    if (!json.ok) return { items: [], rejected: [json.rejection] };
    const envelope = parseEnvelope(z.object({ messages: z.array(z.unknown()) }), json.value);
    if (!envelope.ok) return { items: [], rejected: [envelope.rejection] };
    return parseEntries(envelope.value.messages, {
        path: ["messages"],
        schema: messageSchema,
        ref: (message) => refOf(message, "id"),
        map: (message) => {
            const publishedAt = isoFromIso8601(message.created_at);
            if (!publishedAt) return reject("created_at", `${JSON.stringify(message.created_at)} is not an ISO 8601 date-time`);
            const symbols = [...new Set((message.symbols ?? []).map((s) => s.symbol.toUpperCase()))]
                .filter((s) => s.length <= 20)
                .slice(0, 50);
            const sentiment = message.entities?.sentiment?.basic;
            return compact({
                channel: "social",
                source: "stocktwits",
                sourceItemId: String(message.id),
                url: `https://stocktwits.com/${encodeURIComponent(message.user.username)}/message/${message.id}`,
                publishedAt,
                // Bodies arrive with HTML entities ("&amp;", "&#39;") but no markup.
                text: clip(decodeEntities(message.body).trim(), 20_000),
                author: message.user.username,
                engagement: compact({ likes: message.likes?.total ?? 0, replies: message.conversation?.replies }),
                symbols: symbols.length > 0 ? symbols : undefined,
                declaredSentiment: sentiment === "Bullish" ? "bullish" : sentiment === "Bearish" ? "bearish" : undefined,
            });
        },
    });
}
