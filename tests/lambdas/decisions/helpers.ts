/** Shared fixtures of the decision-half tests (risk-check, propose, decision, stream) on the local servers. */
import { randomUUID } from "node:crypto";
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import type { ProposalPolicy } from "../../../lambdas/domain/candidates";
import type { FusedSignal } from "../../../lambdas/domain/fusion";
import type { RiskMarketData } from "../../../lambdas/domain/market";
import { newProposal, type Proposal } from "../../../lambdas/domain/proposals";
import { assessRisk, type RiskAssessment, type RiskLimits, riskLimitsSchema } from "../../../lambdas/domain/risk";
import type { ProposalCandidate, SignalKey } from "../../../lambdas/domain/values";
import type { HttpEnv } from "../../../lambdas/shared/http";
import { recordingMetrics } from "../../../lambdas/shared/metrics";

export const HOUR_MS = 3_600_000;

/** ROUTE_ACCESS as the stacks grant it: approvers decide, analysts check and propose. */
export function httpTestEnv(access: Record<string, "public" | ("viewer" | "analyst" | "approver" | "admin")[]>): HttpEnv {
    return { ROUTE_ACCESS: access, CORS_ALLOWED_ORIGINS: [] };
}

export const LIMITS: RiskLimits = riskLimitsSchema.parse({
    baseCurrency: "EUR",
    maxPositionNotional: 50_000,
    maxConcentration: 0.1,
    targetPositionVolatility: 0.02,
    maxParticipation: 0.01,
    minAverageDailyValue: 1_000_000,
    blacklist: ["SCAM"],
    regulatoryFlags: [{ asset: "FLAG", flag: "BaFin short-selling ban", status: "open" }],
});

/** A fresh snapshot (asOf one hour before `now`) listing BTC, ETH, SCAM and FLAG. */
export function marketData(now: Date, overrides: Partial<RiskMarketData> = {}): RiskMarketData {
    const liquid = { price: 100, averageDailyVolume: 10_000_000, annualisedVolatility: 0.5 };
    return {
        asOf: new Date(now.getTime() - HOUR_MS).toISOString(),
        maxAgeHours: 24,
        portfolio: { value: 1_000_000, positions: {} },
        assets: { BTC: liquid, ETH: liquid, SCAM: liquid, FLAG: liquid },
        ...overrides,
    };
}

export const POLICY: ProposalPolicy = {
    threshold: 0.3,
    minCount: 3,
    minConfidence: 0.4,
    validForHours: 24,
    horizonDays: 5,
    horizons: { intraday: 1, swing: 10, position: 60 },
    maxViewAgeHours: 6,
};

export function candidate(asset: string, overrides: Partial<ProposalCandidate> = {}): ProposalCandidate {
    return { asset, side: "buy", size: { notional: 10_000, currency: "EUR" }, confidence: 0.7, ...overrides };
}

/** A fused view of `asset` whose window ended at `windowEnd`; score 0.6 over 6 signals clears POLICY. */
export function fused(asset: string, windowEnd: Date, overrides: Partial<FusedSignal> = {}): FusedSignal {
    return {
        asset,
        windowStart: new Date(windowEnd.getTime() - HOUR_MS).toISOString(),
        windowEnd: windowEnd.toISOString(),
        count: 6,
        weightedScore: 0.6,
        dispersion: 0.1,
        confidence: 0.55,
        contributions: [
            { agent: "social.reddit", count: 4, weight: 0.6, mean: 0.55 },
            { agent: "news.gdelt", count: 2, weight: 0.4, mean: 0.675 },
        ],
        baselineDelta: null,
        ...overrides,
    };
}

export function signalKeys(asset: string, n = 2): SignalKey[] {
    return Array.from({ length: n }, (_, i) => ({
        pk: `${asset}#20261123`,
        sk: `2026-11-23T10:0${i}:00.000Z#social.reddit#reddit:t3_${asset}${i}`,
    }));
}

/** A passed assessment of the candidate against LIMITS (nothing open, nothing held). */
export function passedAssessment(c: ProposalCandidate): RiskAssessment {
    const assessment = assessRisk(
        {
            candidate: c,
            market: { price: 100, averageDailyVolume: 10_000_000, annualisedVolatility: 0.5 },
            portfolio: { value: 1_000_000, assetExposure: 0, openProposalsExposure: 0 },
        },
        LIMITS,
    );
    if (!assessment.passed) throw new Error(`fixture candidate does not pass: ${assessment.reasons.join("; ")}`);
    return assessment;
}

/** A PENDING proposal of `asset` created at `createdAt`, proposed by `proposer`. */
export function pendingProposal(
    asset: string,
    createdAt: Date,
    options: { proposer?: string; validForHours?: number; side?: "buy" | "sell" } = {},
): Proposal {
    const c = candidate(asset, { side: options.side ?? "buy" });
    return newProposal({
        proposalId: randomUUID(),
        now: createdAt,
        candidate: c,
        risk: passedAssessment(c),
        rationale: {
            signalKeys: signalKeys(asset),
            fused: fused(asset, createdAt, options.side === "sell" ? { weightedScore: -0.6 } : {}),
        },
        proposer: options.proposer,
        validForHours: options.validForHours ?? 24,
        horizonDays: 5,
    });
}

let messageCounter = 0;
/** An SQS event as Lambda delivers it: one record per body (strings are sent as they are, objects as JSON). */
export function sqsEvent(bodies: readonly (string | object)[], queueName = "ai-investment-test-queue"): SQSEvent {
    return {
        Records: bodies.map((body): SQSRecord => ({
            messageId: `msg-${++messageCounter}`,
            receiptHandle: "handle",
            body: typeof body === "string" ? body : JSON.stringify(body),
            attributes: {
                ApproximateReceiveCount: "1",
                SentTimestamp: "1795433402000",
                SenderId: "AROAEXAMPLE",
                ApproximateFirstReceiveTimestamp: "1795433402010",
            },
            messageAttributes: {},
            md5OfBody: "",
            eventSource: "aws:sqs",
            eventSourceARN: `arn:aws:sqs:eu-central-1:123456789012:${queueName}`,
            awsRegion: "eu-central-1",
        })),
    };
}

/** Every message waiting in the queue, parsed; they are deleted, so the next call sees only newer ones. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<any[]> {
    const bodies: any[] = [];
    for (;;) {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        const messages = out.Messages ?? [];
        if (messages.length === 0) return bodies;
        bodies.push(...messages.map((m) => JSON.parse(m.Body!)));
        await sqs.send(
            new DeleteMessageBatchCommand({
                QueueUrl: queueUrl,
                Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
            }),
        );
    }
}

export function testMetrics() {
    return recordingMetrics();
}

/** The sum of one metric's counts with the given dimension value. */
export function counted(metrics: ReturnType<typeof recordingMetrics>, name: string, dimension?: [string, string]): number {
    return metrics.counts
        .filter(
            (c) => c.name === name && (!dimension || (c.dimensions as Record<string, string> | undefined)?.[dimension[0]] === dimension[1]),
        )
        .reduce((sum, c) => sum + c.value, 0);
}
