import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { APIGatewayProxyResult, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { FUNCTION_NAMES } from "../../config/stackConfig";
import { apiRoutes } from "../../lambdas/shared/api-schemas";
import { validBodies } from "./fixtures/request-bodies";
import { bodyOf, fixture, rejectionOf, restEvent } from "./support";

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
};

type Handler = (event: unknown, context?: unknown) => Promise<unknown>;

/** Runs `action` while collecting what the handler logs to stdout (one JSON object per line). */
async function capturingStdout<T>(action: () => Promise<T>): Promise<{ result: T; logs: Record<string, unknown>[] }> {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => lines.push(...chunk.split("\n").filter(Boolean)) > 0) as typeof write;
    try {
        return { result: await action(), logs: lines.map((line) => JSON.parse(line)) };
    } finally {
        process.stdout.write = write;
    }
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

    it("has exactly the 13 handler files, each exporting a handler function", () => {
        const files = readdirSync(join(__dirname, "../../lambdas/handlers")).map((file) => file.replace(/\.ts$/, ""));
        expect(files).to.have.members(HANDLER_NAMES);
        for (const name of HANDLER_NAMES) expect(handlers.get(name), name).to.be.a("function");
    });

    it("serves every REST route from the function apiRoutes names", async () => {
        for (const [route, name] of Object.entries(apiRoutes)) {
            const event = restEvent(route, { groups: "analyst", body: (validBodies as Record<string, unknown>)[route] });
            const { result } = await capturingStdout(() => handlers.get(name)!(event) as Promise<APIGatewayProxyResult>);
            expect(result.statusCode, route).to.equal(route === "GET /health" ? 200 : 501);
        }
    });

    it("health answers 200 with service, environment, version, runtime and status", async () => {
        const { result, logs } = await capturingStdout(
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

    it("score answers 501 naming the route, and keeps every queued message for the DLQ", async () => {
        const http = await capturingStdout(
            () =>
                handlers.get("score")!(
                    restEvent("POST /score", { groups: "analyst", body: validBodies["POST /score"] }),
                ) as Promise<APIGatewayProxyResult>,
        );
        expect(http.result.statusCode).to.equal(501);
        expect(bodyOf(http.result).error.message).to.include("POST /score").and.include("signal-scoring");

        const sqs = await capturingStdout(() => handlers.get("score")!(fixture<SQSEvent>("sqs-event.json")) as Promise<SQSBatchResponse>);
        expect(sqs.result.batchItemFailures).to.have.length(2);
        expect(sqs.logs.map((entry) => entry["code"])).to.deep.equal(["NOT_IMPLEMENTED", "INVALID_MESSAGE"]);
    });

    it("ingest-social rejects its pending schedule and a schedule meant for another source", async () => {
        const ingestSocial = handlers.get("ingest-social")!;
        const { result: pending } = await capturingStdout(() => rejectionOf(ingestSocial({ task: "ingest", source: "social" })));
        expect(pending.message).to.include("ingest:social").and.include("social-ingestion");
        const { result: misrouted } = await capturingStdout(() => rejectionOf(ingestSocial({ task: "ingest", source: "news" })));
        expect(misrouted.message).to.include("does not run scheduled task ingest:news");
    });

    it("fuse refuses a REST event: it is wired to its queue only", async () => {
        const rejection = await rejectionOf(handlers.get("fuse")!(fixture("rest-event-health.json")));
        expect(rejection.message).to.equal("This function does not handle http events; check its trigger wiring.");
    });
});
