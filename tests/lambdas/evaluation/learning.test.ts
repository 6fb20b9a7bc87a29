import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { DynamoAgentConfigRepository } from "../../../lambdas/adapters/dynamo-agent-config-repository";
import { DynamoOutcomeRepository, outcomeIdFor } from "../../../lambdas/adapters/dynamo-outcome-repository";
import { DynamoProposalReader } from "../../../lambdas/adapters/dynamo-proposal-reader";
import { DynamoSignalRepository } from "../../../lambdas/adapters/dynamo-signal-repository";
import { agentMeans, createRecalibration, type LearningDeps } from "../../../lambdas/app/learning";
import { DEFAULT_LEARNING_PARAMETERS } from "../../../lambdas/domain/learning";
import type { Proposal } from "../../../lambdas/domain/proposals";
import type { AgentConfig, Signal } from "../../../lambdas/domain/signals";
import { recordingMetrics } from "../../../lambdas/shared/metrics";
import { startLocalAws } from "../../support/localAws";
import { makeSignal, uniqueName } from "../adapters/fixtures";
import { capturingLogger } from "../support";
import { makeProposal, putItems } from "./support";

const NOW = new Date("2026-11-16T03:00:00.000Z");

const initial = (agentId: string, weight: number): AgentConfig => ({
    agentId,
    version: 1,
    status: "active",
    weight,
    updatedAt: "2026-10-01T00:00:00.000Z",
    reason: "initial",
});

let signalNumber = 10_000;

function scored(agent: "social.reddit" | "news.rss", asset: string, score: number, confidence: number): Signal {
    const [channel, source] = agent.split(".") as ["social", "reddit"] | ["news", "rss"];
    const signal = makeSignal(++signalNumber, {
        asset,
        agent,
        channel,
        source,
        sourceId: `${source}:item-${signalNumber}`,
    } as Partial<Signal>);
    return {
        ...signal,
        score: {
            score,
            confidence,
            factors: { sentiment: score, credibility: 0.5, recency: 1, engagement: 0.1, novelty: 1 },
            evidence: [],
            scorer: "lexicon-v1",
            scoredAt: "2026-11-01T00:00:00.000Z",
        },
    };
}

describe("agent recalibration (DynamoDB Local)", function () {
    let db: DynamoDBDocumentClient;

    before(async function () {
        db = (await startLocalAws()).documentClient();
    });

    async function setup(agents: AgentConfig[]) {
        const tables = await (await startLocalAws()).createTables(uniqueName("learning"));
        const repo = new DynamoAgentConfigRepository(tables["agents-config"], db);
        for (const agent of agents) await repo.publishVersion(agent);
        const { logger, entries } = capturingLogger();
        const metrics = recordingMetrics();
        const deps: LearningDeps = {
            proposals: new DynamoProposalReader(tables.proposals, db, logger),
            outcomes: new DynamoOutcomeRepository(tables.outcomes, db),
            signals: new DynamoSignalRepository(tables.signals, db),
            agents: repo,
            metrics,
            now: () => NOW,
        };
        return { tables, repo, logger, entries, metrics, deps };
    }

    /** Stores the proposals and one outcome each with the given excess return. */
    async function evaluated(env: Awaited<ReturnType<typeof setup>>, proposals: Proposal[], excessReturn: number) {
        await putItems(db, env.tables.proposals, proposals);
        const outcomes = new DynamoOutcomeRepository(env.tables.outcomes, db);
        for (const proposal of proposals) {
            await outcomes.putOnce({
                outcomeId: outcomeIdFor(proposal.proposalId),
                proposalId: proposal.proposalId,
                asset: proposal.asset,
                side: proposal.side,
                decision: proposal.status as "APPROVED",
                assetReturn: excessReturn,
                benchmarkReturn: 0,
                excessReturn,
                hit: excessReturn > 0,
                evaluatedAt: "2026-11-15T02:00:00.000Z",
            });
        }
    }

    it("publishes a new version of each agent whose record moves its weight, within the step and range bounds", async function () {
        const env = await setup([initial("social.reddit", 0.5), initial("news.rss", 0.5), initial("regulatory.sec-edgar", 0.8)]);
        const signalRepo = new DynamoSignalRepository(env.tables.signals, db);
        const proposals: Proposal[] = [];
        for (let i = 0; i < 12; i++) {
            // Reddit was bullish, RSS bearish; the asset then beat the benchmark: Reddit was right 12 times, RSS never.
            const reddit = scored("social.reddit", "AAPL", 0.6, 0.8);
            const rss = scored("news.rss", "AAPL", -0.4, 0.5);
            await signalRepo.putManyIfNew([reddit, rss]);
            proposals.push(
                makeProposal({
                    decidedAt: new Date(Date.parse("2026-09-01T15:00:00.000Z") + i * 86_400_000).toISOString(),
                    signalKeys: [reddit, rss].map(({ pk, sk }) => ({ pk, sk })),
                    // The fused view says the opposite: the test fails if it were used instead of the signals.
                    contributions: [
                        { agent: "social.reddit", mean: -0.5 },
                        { agent: "news.rss", mean: 0.5 },
                    ],
                }),
            );
        }
        await evaluated(env, proposals, 0.05);

        const report = await createRecalibration(env.deps).run({ logger: env.logger });
        expect(report.outcomes).to.equal(12);
        expect(report.contributionSources).to.deep.equal({ signals: 12, fused: 0 });
        expect(report.updates.map(({ agentId, version, from, to }) => ({ agentId, version, from, to }))).to.deep.equal([
            { agentId: "news.rss", version: 2, from: 0.5, to: 0.45 },
            { agentId: "social.reddit", version: 2, from: 0.5, to: 0.55 },
        ]);
        for (const update of report.updates) {
            expect(Math.abs(update.to - update.from) / update.from).to.be.at.most(DEFAULT_LEARNING_PARAMETERS.maxRelativeStep + 1e-12);
            expect(update.to).to.be.within(DEFAULT_LEARNING_PARAMETERS.minWeight, DEFAULT_LEARNING_PARAMETERS.maxWeight);
        }
        const history = await env.repo.history("social.reddit");
        expect(history.map(({ version, status, weight }) => ({ version, status, weight }))).to.deep.equal([
            { version: 1, status: "retired", weight: 0.5 },
            { version: 2, status: "active", weight: 0.55 },
        ]);
        expect(history[1]!.reason).to.match(/^learning: hit rate 1\.000 \(12\/12\)/);
        expect(history[1]!.updatedAt).to.equal(NOW.toISOString());
        // No observation of sec-edgar: unchanged, still version 1.
        expect((await env.repo.history("regulatory.sec-edgar")).map((v) => v.version)).to.deep.equal([1]);
        expect(env.metrics.counts.map((count) => count.dimensions?.Agent).sort()).to.deep.equal(["news.rss", "social.reddit"]);

        // A retry the same week does not step again.
        const retry = await createRecalibration({ ...env.deps, now: () => new Date(NOW.getTime() + 3_600_000) }).run({
            logger: env.logger,
        });
        expect(retry.updates).to.deep.equal([]);
        expect(retry.recentlyUpdated.sort()).to.deep.equal(["news.rss", "social.reddit"]);
        expect((await env.repo.history("social.reddit")).map((v) => v.version)).to.deep.equal([1, 2]);
    });

    it("uses the fused view of a proposal when its signals have expired, and needs enough observations", async function () {
        const env = await setup([initial("social.reddit", 0.5), initial("news.rss", 0.5)]);
        const gone = { pk: "AAPL#20260901", sk: "2026-09-01T10:00:00.000Z#social.reddit#reddit:expired" };
        const redditOnly = Array.from({ length: 10 }, (_, i) =>
            makeProposal({
                decidedAt: new Date(Date.parse("2026-08-01T15:00:00.000Z") + i * 86_400_000).toISOString(),
                signalKeys: [gone],
                contributions: [{ agent: "social.reddit", mean: 0.3 }],
            }),
        );
        // Nine observations of RSS: below minSamples (10), so no step for it.
        const rssOnly = Array.from({ length: 9 }, (_, i) =>
            makeProposal({
                decidedAt: new Date(Date.parse("2026-08-15T15:00:00.000Z") + i * 86_400_000).toISOString(),
                contributions: [{ agent: "news.rss", mean: 0.3 }],
            }),
        );
        await evaluated(env, [...redditOnly, ...rssOnly], -0.02);
        const report = await createRecalibration(env.deps).run({ logger: env.logger });
        expect(report.contributionSources).to.deep.equal({ signals: 0, fused: 19 });
        expect(report.updates.map(({ agentId, to }) => ({ agentId, to }))).to.deep.equal([{ agentId: "social.reddit", to: 0.45 }]);
    });

    it("reports a version published concurrently as a conflict and keeps the other writer's version", async function () {
        const env = await setup([initial("social.reddit", 0.5)]);
        await evaluated(
            env,
            Array.from({ length: 10 }, (_, i) =>
                makeProposal({
                    decidedAt: new Date(Date.parse("2026-10-01T15:00:00.000Z") + i * 86_400_000).toISOString(),
                    contributions: [{ agent: "social.reddit", mean: 0.4 }],
                }),
            ),
            0.01,
        );
        const manual: AgentConfig = {
            ...initial("social.reddit", 0.3),
            version: 2,
            updatedAt: NOW.toISOString(),
            reason: "admin x: manual",
        };
        const racing = {
            latestActive: () => env.repo.latestActive(),
            publishVersion: async (next: AgentConfig) => {
                await env.repo.publishVersion(manual);
                return env.repo.publishVersion(next);
            },
        };
        const report = await createRecalibration({ ...env.deps, agents: racing }).run({ logger: env.logger });
        expect(report.updates).to.deep.equal([]);
        expect(report.conflicts).to.deep.equal([{ agentId: "social.reddit", version: 2, reason: "version-exists" }]);
        expect((await env.repo.latestActive())[0]).to.deep.equal(manual);
        expect(env.entries.some((entry) => entry["message"] === "agent weight not published: another version won")).to.equal(true);
    });

    it("averages an agent's scored signals by confidence, ignoring unscored ones", function () {
        const a = scored("social.reddit", "BTC", 0.8, 0.9);
        const b = scored("social.reddit", "BTC", -0.2, 0.1);
        const c = { ...scored("news.rss", "BTC", 0.5, 0), score: undefined };
        const means = agentMeans([a, b, c]);
        expect(means).to.have.length(1);
        expect(means[0]!.agent).to.equal("social.reddit");
        expect(means[0]!.mean).to.be.closeTo((0.8 * 0.9 - 0.2 * 0.1) / 1.0, 1e-12);
    });
});
