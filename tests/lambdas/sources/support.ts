import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sourceItemSchema, type SourceItem } from "../../../lambdas/domain/signals";
import type { FetchContext, RawPayload } from "../../../lambdas/sources/connector";
import { createHttpClient, type FetchLike, type HttpClientOptions } from "../../../lambdas/sources/http";

/** Recorded-shape payloads of the sources, in tests/fixtures/sources/. */
export function fixtureText(name: string): string {
    return readFileSync(join(__dirname, "..", "..", "fixtures", "sources", name), "utf8");
}

export function fixtureJson<T = unknown>(name: string): T {
    return JSON.parse(fixtureText(name)) as T;
}

export function rawPayload(body: string, url: string, contentType = "application/json"): RawPayload {
    return { url, status: 200, contentType, body, fetchedAt: "2025-01-03T12:00:00.000Z" };
}

export function expectValidItems(items: readonly SourceItem[]): void {
    for (const item of items) {
        const checked = sourceItemSchema.safeParse(item);
        expect(checked.success, `${item.sourceItemId}: ${checked.error?.message ?? ""}`).to.equal(true);
    }
}

/** A clock whose sleep advances it, so waits are recorded instead of taken. */
export function fakeClock(start = Date.parse("2025-01-03T12:00:00.000Z")) {
    let current = start;
    const sleeps: number[] = [];
    return {
        now: () => current,
        sleep: async (ms: number) => {
            sleeps.push(ms);
            current += ms;
        },
        advance: (ms: number) => {
            current += ms;
        },
        sleeps,
        start,
    };
}

export interface RecordedCall {
    url: string;
    method: string;
    headers: Headers;
    body: string | undefined;
    at: number;
    signal: AbortSignal | undefined;
}

export type Responder = (call: RecordedCall) => Response | Promise<Response>;

/** A fetch that answers from `responder` and records every call with the fake clock's time. */
export function recordingFetch(responder: Responder, clock: { now: () => number } = { now: () => 0 }) {
    const calls: RecordedCall[] = [];
    const fetch: FetchLike = async (input, init) => {
        const call: RecordedCall = {
            url: String(input),
            method: init?.method ?? "GET",
            headers: new Headers(init?.headers),
            body: typeof init?.body === "string" ? init.body : undefined,
            at: clock.now(),
            signal: init?.signal ?? undefined,
        };
        calls.push(call);
        return responder(call);
    };
    return { fetch, calls };
}

/** Answers in order; the last answer repeats. */
export function sequence(...answers: (() => Response | Promise<Response>)[]): Responder {
    let index = 0;
    return () => answers[Math.min(index++, answers.length - 1)]!();
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
    return new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json; charset=utf-8", ...headers },
    });
}

export function text(body: string, status = 200, headers: Record<string, string> = {}): Response {
    return new Response(body, { status, headers: { "content-type": "text/plain", ...headers } });
}

export const TEST_USER_AGENT = "AI Investment Research ops@ai-investment.example";

/** An HTTP client over a recording fetch and a fake clock: no network, no real waiting. */
export function testContext(responder: Responder, options: Partial<HttpClientOptions> = {}) {
    const clock = fakeClock();
    const recorder = recordingFetch(responder, clock);
    const http = createHttpClient({
        userAgent: TEST_USER_AGENT,
        fetch: recorder.fetch,
        now: clock.now,
        sleep: clock.sleep,
        random: () => 0.5,
        ...options,
    });
    const ctx: FetchContext = { http };
    return { ctx, http, clock, calls: recorder.calls };
}
