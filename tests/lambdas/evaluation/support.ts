/** Builders and test doubles of the evaluation, learning, dashboard and admin tests (test-only; nothing here ships). */
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type DailyClose, type MarketData, MarketDataError, type MarketDataErrorKind } from "../../../lambdas/adapters/market-data";
import type { Proposal } from "../../../lambdas/domain/proposals";
import type { SignalKey } from "../../../lambdas/domain/values";
import { withoutUndefined } from "../../../lambdas/adapters/dynamo-items";

let sequence = 0;

/** A proposal id unique in this process (uuid v4 shape). */
export function proposalId(): string {
    const n = (++sequence).toString(16).padStart(12, "0");
    return `0f0e0d0c-0b0a-4000-8000-${n}`;
}

export interface ProposalOptions {
    asset?: string;
    side?: "buy" | "sell";
    status?: Proposal["status"];
    createdAt?: string;
    decidedAt?: string;
    horizonDays?: number;
    signalKeys?: SignalKey[];
    contributions?: { agent: string; mean: number }[];
}

/** A valid proposal; decided (APPROVED by default) at `decidedAt`, created an hour before it. */
export function makeProposal(options: ProposalOptions = {}): Proposal {
    const status = options.status ?? "APPROVED";
    const decidedAt = options.decidedAt ?? "2026-11-02T15:00:00.000Z";
    const createdAt = options.createdAt ?? new Date(Date.parse(decidedAt) - 3_600_000).toISOString();
    const asset = options.asset ?? "AAPL";
    const contributions = options.contributions ?? [{ agent: "news.rss", mean: 0.5 }];
    const proposal: Proposal = {
        proposalId: proposalId(),
        createdAt,
        asset,
        side: options.side ?? "buy",
        size: { notional: 1000, currency: "EUR" },
        confidence: 0.7,
        status,
        proposer: "system:orchestrator",
        rationale: {
            signalKeys: options.signalKeys ?? [],
            fused: {
                asset,
                windowStart: new Date(Date.parse(createdAt) - 3_600_000).toISOString(),
                windowEnd: createdAt,
                count: contributions.length,
                weightedScore: 0.4,
                dispersion: 0.1,
                confidence: 0.6,
                contributions: contributions.map((contribution) => ({ ...contribution, count: 1, weight: 1 / contributions.length })),
                baselineDelta: null,
            },
        },
        risk: { passed: true, reasons: [], adjustedSize: { notional: 1000, currency: "EUR" }, checks: [] },
        expiresAt: new Date(Date.parse(createdAt) + 86_400_000).toISOString(),
        horizonDays: options.horizonDays ?? 7,
    };
    if (status === "APPROVED" || status === "REJECTED") {
        proposal.decidedBy = "approver-1";
        proposal.decidedAt = decidedAt;
    }
    return proposal;
}

export async function putItems(db: DynamoDBDocumentClient, table: string, items: readonly object[]): Promise<void> {
    for (const item of items) await db.send(new PutCommand({ TableName: table, Item: withoutUndefined(item as Record<string, unknown>) }));
}

/** Weekday closes from `from` to `to` (yyyy-mm-dd, inclusive), price(day index) per trading day. */
export function weekdayCloses(from: string, to: string, price: (index: number, date: string) => number): DailyClose[] {
    const closes: DailyClose[] = [];
    for (let time = Date.parse(`${from}T00:00:00Z`), index = 0; time <= Date.parse(`${to}T00:00:00Z`); time += 86_400_000) {
        const day = new Date(time).getUTCDay();
        if (day === 0 || day === 6) continue;
        const date = new Date(time).toISOString().slice(0, 10);
        closes.push({ date, close: price(index++, date) });
    }
    return closes;
}

/** A MarketData double: series per symbol, errors on demand, and a log of the symbols asked for. */
export class FakeMarketData implements MarketData {
    readonly calls: string[] = [];
    readonly failures = new Map<string, MarketDataErrorKind>();

    constructor(readonly series: Record<string, DailyClose[]> = {}) {}

    async closes(symbol: string, fromDate: string, toDate: string): Promise<DailyClose[]> {
        this.calls.push(symbol);
        const failure = this.failures.get(symbol);
        if (failure !== undefined) throw new MarketDataError(failure, "fake", symbol, `${failure} (test)`);
        const series = this.series[symbol];
        if (series === undefined) throw new MarketDataError("no-data", "fake", symbol, "no data for the symbol (test)");
        return series.filter((bar) => bar.date >= fromDate && bar.date <= toDate);
    }
}
