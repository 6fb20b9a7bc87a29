import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { FUNCTION_NAMES } from "../../config/stackConfig";
import { apiRoutes } from "../../lambdas/shared/api-schemas";
import { validBodies } from "./fixtures/request-bodies";
import { bodyOf, fixture, rejectionOf, restEvent } from "./support";
import { capturingOutput } from "../support/output";

/** The real handler modules, loaded the way Lambda loads them: environment first, then import. */

const HANDLER_NAMES = [...FUNCTION_NAMES];

const TEST_ENV: Record<string, string> = {
    ENVIRONMENT: "staging",
    LOG_LEVEL: "INFO",
    POWERTOOLS_SERVICE_NAME: "ai-investment-staging",
    SERVICE_VERSION: "1.2.3",
    ROUTE_ACCESS: JSON.stringify({
        ...Object.fromEntries(Object.keys(apiRoutes).map((route) => [route, ["analyst", "admin"]])),
        "GET /health": "public",
    }),
    CORS_ALLOWED_ORIGINS: '["https://app.ai-investment.example"]',
    CONNECTIONS_TABLE: "ai-investment-staging-connections",
    USER_POOL_ID: "eu-central-1_AbCdEf123",
    USER_POOL_CLIENT_ID: "3n4b5urk1ft4fl3mg5e62d9ado",
    AWS_REGION: "eu-central-1",
    // evaluate, dashboard, admin
    OUTCOMES_TABLE: "ai-investment-staging-outcomes",
    SIGNALS_TABLE: "ai-investment-staging-signals",
    AGENTS_CONFIG_TABLE: "ai-investment-staging-agents-config",
    TRACKED_ENTITIES_TABLE: "ai-investment-staging-tracked-entities",
    RAW_DATA_BUCKET: "ai-investment-staging-raw-data",
    EVAL_BUCKET: "ai-investment-staging-eval",
    BENCHMARK_SYMBOL: "SPY",
    MARKET_DATA_SECRET_ARN: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ai-investment-staging/market-data-api-AbCdEf",
    PSEUDONYM_SECRET_ARN: "arn:aws:secretsmanager:eu-central-1:123456789012:secret:ai-investment-staging/pseudonym-key-AbCdEf",
    // ingest-*, score, fuse (no sources configured: a schedule then reads nothing and reaches no AWS service)
    SOURCES_CONFIG: "{}",
    FEATURES_BUCKET: "ai-investment-staging-features",
    CURATED_DATA_BUCKET: "ai-investment-staging-curated-data",
    // risk-check, propose, decision
    PROPOSALS_TABLE: "ai-investment-staging-proposals",
    NEXT_QUEUE_URL: "https://sqs.eu-central-1.amazonaws.com/123456789012/ai-investment-staging-risk-checked",
    DASHBOARD_UPDATES_QUEUE_URL: "https://sqs.eu-central-1.amazonaws.com/123456789012/ai-investment-staging-dashboard-updates",
    RISK_LIMITS: JSON.stringify({
        baseCurrency: "EUR",
        maxPositionNotional: 50000,
        maxConcentration: 0.1,
        targetPositionVolatility: 0.02,
        maxParticipation: 0.01,
    }),
    // No asset listed: a risk check fails closed without reading the proposals table.
    RISK_MARKET_DATA: JSON.stringify({ asOf: new Date().toISOString(), maxAgeHours: 24, portfolio: { value: 1000000 }, assets: {} }),
    PROPOSAL_POLICY: JSON.stringify({
        threshold: 0.3,
        minCount: 3,
        minConfidence: 0.4,
        validForHours: 24,
        horizonDays: 5,
        horizons: { intraday: 1, swing: 10, position: 60 },
        maxViewAgeHours: 6,
    }),
};

/**
 * What each implemented route answers to an analyst with a valid body, without reaching AWS: risk-check fails closed
 * (no market data), decision refuses analysts in the use case. Routes that would call AWS are probed with a viewer,
 * whom ROUTE_ACCESS refuses (403 proves the function serves the route; another function would answer 404).
 */
const IMPLEMENTED_STATUS: Record<string, number> = { "GET /health": 200, "POST /risk/check": 200, "POST /decision": 403 };
const PROBED_AS_VIEWER = new Set([
    // ingest-social, ingest-news, score
    "POST /ingest/social",
    "POST /ingest/news",
    "POST /score",
    "POST /propose",
    // evaluate, dashboard, admin
    "POST /evaluate",
    "GET /metrics",
    "GET /dashboard/summary",
    ...Object.keys(apiRoutes).filter((route) => route.includes(" /admin/")),
]);

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Runs `action` while collecting what the handler logs (one JSON object per line). */
async function capturingLogs<T>(action: () => Promise<T>): Promise<{ result: T; logs: Record<string, unknown>[] }> {
    const { result, lines } = await capturingOutput(action);
    return { result, logs: lines.map((line) => JSON.parse(line)) };
}

describe("lambdas/handlers", () => {
    const handlers = new Map<string, Handler>();
    const savedEnv = { ...process.env };

    before(async () => {
        Object.assign(process.env, TEST_ENV);
        for (const name of HANDLER_NAMES) {
            const module = (await import(`../../lambdas/handlers/${name}`)) as { handler: Handler };
            handlers.set(name, module.handler);
        }
    });

    after(() => {
        for (const name of Object.keys(TEST_ENV)) {
            if (savedEnv[name] === undefined) delete process.env[name];
            else process.env[name] = savedEnv[name];
        }
    });

    it("has one handler file per function (plus the Bedrock build of score), each exporting a handler function", () => {
        const files = readdirSync(join(__dirname, "../../lambdas/handlers")).map((file) => file.replace(/\.ts$/, ""));
        expect(files).to.have.members([...HANDLER_NAMES, "score-bedrock"]);
        for (const name of HANDLER_NAMES) expect(handlers.get(name), name).to.be.a("function");
    });

    it("serves every REST route from the function apiRoutes names", async () => {
        for (const [route, name] of Object.entries(apiRoutes)) {
            const groups = PROBED_AS_VIEWER.has(route) ? "viewer" : "analyst";
            const event = restEvent(route, { groups, body: (validBodies as Record<string, unknown>)[route] });
            const { result } = await capturingLogs(() => handlers.get(name)!(event) as Promise<APIGatewayProxyResult>);
            expect(result.statusCode, route).to.equal(PROBED_AS_VIEWER.has(route) ? 403 : (IMPLEMENTED_STATUS[route] ?? 501));
        }
    });

    it("health answers 200 with service, environment, version, runtime and status", async () => {
        const { result, logs } = await capturingLogs(
            () => handlers.get("health")!(fixture("rest-event-health.json")) as Promise<APIGatewayProxyResult>,
        );
        expect(result.statusCode).to.equal(200);
        expect(result.headers).to.include({ "Content-Type": "application/json; charset=utf-8" });
        const body = bodyOf(result);
        expect(body.success).to.equal(true);
        expect(body.data).to.deep.equal({
            status: "ok",
            service: "ai-investment-staging",
            environment: "staging",
            version: "1.2.3",
            runtime: `nodejs ${process.version}`,
        });
        expect(logs[0]).to.include({
            level: "INFO",
            service: "ai-investment-staging",
            environment: "staging",
            correlationId: "d7b0ab17-7b61-11e6-9a41-93e8deadbeef",
            statusCode: 200,
        });
    });

    it("score reports a queued message that breaks its contract as a batch item failure", async () => {
        // Only the malformed record: the valid one would make the function read DynamoDB (tests/lambdas/pipeline/ does).
        const event = fixture<SQSEvent>("sqs-event.json");
        event.Records = event.Records.slice(1);
        const sqs = await capturingLogs(() => handlers.get("score")!(event) as Promise<SQSBatchResponse>);
        expect(sqs.result.batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0]!.messageId }]);
        expect(sqs.logs.map((entry) => entry["code"])).to.deep.equal(["INVALID_MESSAGE"]);
    });

    it("ingest-social runs its schedule (no sources configured: nothing read) and rejects a schedule meant for another source", async () => {
        const ingestSocial = handlers.get("ingest-social")!;
        const { result, logs } = await capturingLogs(() => ingestSocial({ task: "ingest", source: "social" }));
        expect(result).to.equal(undefined);
        expect(logs.map((entry) => entry["message"])).to.include.members(["no sources configured for this channel", "ingest finished"]);
        const { result: misrouted } = await capturingLogs(() => rejectionOf(ingestSocial({ task: "ingest", source: "news" })));
        expect(misrouted.message).to.include("does not run scheduled task ingest:news");
    });

    it("fuse refuses a REST event: it is wired to its queue only", async () => {
        const rejection = await rejectionOf(handlers.get("fuse")!(fixture("rest-event-health.json")));
        expect(rejection.message).to.equal("This function does not handle http events; check its trigger wiring.");
    });
});
