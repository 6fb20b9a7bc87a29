import { expect } from "chai";
import { AppError } from "../../lambdas/shared/errors";
import { createHttpHandler, pendingRoute, type HttpEnv, type RouteTable } from "../../lambdas/shared/http";
import { ALLOWED_ORIGIN, bodyOf, capturingLogger, ISO_TIMESTAMP, restEvent } from "./support";
import { validBodies } from "./fixtures/request-bodies";

const env: HttpEnv = {
    ROUTE_ACCESS: {
        "POST /decision": ["approver", "admin"],
        "GET /dashboard/summary": ["viewer", "analyst", "approver", "admin"],
        "POST /score": ["analyst", "admin"],
        "GET /health": "public",
    },
    CORS_ALLOWED_ORIGINS: [ALLOWED_ORIGIN],
};

describe("lambdas/shared/http", () => {
    const received: unknown[] = [];
    const routes: RouteTable = {
        "POST /decision": async ({ body, caller }) => {
            received.push({ body, caller });
            return { data: { recorded: body.proposalId }, meta: { source: "test" }, statusCode: 201 };
        },
        "GET /dashboard/summary": async () => {
            throw new Error("connection string postgres://admin:hunter2@db:5432 refused");
        },
        "POST /score": pendingRoute("signal-scoring"),
        "GET /health": async () => ({ data: { status: "ok" } }),
    };
    const { logger, entries } = capturingLogger();
    const handler = createHttpHandler(routes, env, logger);

    beforeEach(() => {
        received.length = 0;
        entries.length = 0;
    });

    it("validates the body, passes the parsed body and caller on, and wraps the reply in the envelope", async () => {
        const result = await handler(restEvent("POST /decision"));
        expect(result.statusCode).to.equal(201);
        const body = bodyOf(result);
        expect(body).to.include({ success: true });
        expect(body.data).to.deep.equal({ recorded: "3b241101-e2bb-4255-8caf-4136c566a962" });
        expect(body.meta).to.deep.equal({ source: "test" });
        expect(body.timestamp).to.match(ISO_TIMESTAMP);
        expect(received).to.deep.equal([
            {
                body: {
                    proposalId: "3b241101-e2bb-4255-8caf-4136c566a962",
                    decision: "approve",
                    reason: "Risk within limits, fused confidence 0.81",
                },
                caller: {
                    sub: "5f3c1a2e-8b7d-4e6f-9a01-23456789abcd",
                    username: "5f3c1a2e-8b7d-4e6f-9a01-23456789abcd",
                    groups: ["approver", "analyst"],
                },
            },
        ]);
    });

    it("sets CORS only for an allowed Origin and echoes the correlation id", async () => {
        const allowed = await handler(restEvent("POST /decision", { headers: { "X-Correlation-Id": "ui-42" } }));
        expect(allowed.headers).to.include({ "Access-Control-Allow-Origin": ALLOWED_ORIGIN, "X-Correlation-Id": "ui-42" });
        const foreign = await handler(restEvent("POST /decision", { headers: { origin: "https://evil.example" } }));
        expect(foreign.headers).not.to.have.property("Access-Control-Allow-Origin");
        expect(foreign.headers).to.include({ "X-Correlation-Id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" });
    });

    it("answers 400 VALIDATION_FAILED naming each invalid field", async () => {
        const result = await handler(
            restEvent("POST /decision", { body: { proposalId: "3b241101-e2bb-4255-8caf-4136c566a962", decision: "maybe", note: "x" } }),
        );
        expect(result.statusCode).to.equal(400);
        const { error } = bodyOf(result);
        expect(error.code).to.equal("VALIDATION_FAILED");
        expect(error.message).to.equal("The request body is invalid at: decision, reason, note.");
        expect(error.details.issues.map((issue: { path: string }) => issue.path)).to.deep.equal(["decision", "reason", "note"]);
        expect(received).to.be.empty;
    });

    it("names nested fields with their index", async () => {
        const body = structuredClone(validBodies["POST /score"]) as { signalKeys: { pk: string }[] };
        body.signalKeys[0]!.pk = "btc-2026";
        const { error } = bodyOf(await handler(restEvent("POST /score", { groups: "analyst", body })));
        expect(error.details.issues[0].path).to.equal("signalKeys[0].pk");
        expect(error.details.issues[0].message).to.equal("must look like ASSET#yyyymmdd");
    });

    it("answers 400 for a missing or non-JSON body and decodes base64 bodies", async () => {
        const missing = bodyOf(await handler(restEvent("POST /decision", { body: undefined })));
        expect(missing.error).to.include({ code: "VALIDATION_FAILED", message: "A JSON request body is required." });
        const garbled = bodyOf(await handler(restEvent("POST /decision", { body: "{decision:" })));
        expect(garbled.error).to.include({ code: "VALIDATION_FAILED", message: "The request body is not valid JSON." });

        const event = restEvent("POST /decision");
        event.body = Buffer.from(event.body!, "utf8").toString("base64");
        event.isBase64Encoded = true;
        expect((await handler(event)).statusCode).to.equal(201);
    });

    it("answers 501 NOT_IMPLEMENTED naming the route and the capability, after validation", async () => {
        const result = await handler(restEvent("POST /score", { groups: "analyst", body: validBodies["POST /score"] }));
        expect(result.statusCode).to.equal(501);
        const { error, success } = bodyOf(result);
        expect(success).to.equal(false);
        expect(error.code).to.equal("NOT_IMPLEMENTED");
        expect(error.message).to.equal("POST /score is not implemented yet; it will be provided by the signal-scoring capability.");
        expect(error.details).to.deep.equal({ capability: "signal-scoring" });
        expect(bodyOf(await handler(restEvent("POST /score", { groups: "analyst", body: {} }))).error.code).to.equal("VALIDATION_FAILED");
    });

    it("answers 500 INTERNAL without leaking the error, and logs it", async () => {
        const result = await handler(restEvent("GET /dashboard/summary", { groups: "viewer" }));
        expect(result.statusCode).to.equal(500);
        const { error } = bodyOf(result);
        expect(error.code).to.equal("INTERNAL");
        expect(result.body).not.to.include("hunter2");
        expect(error.details).to.deep.equal({ correlationId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" });
        const logged = entries.find((entry) => entry["message"] === "unhandled error");
        expect(JSON.stringify(logged)).to.include("hunter2");
    });

    it("passes AppErrors thrown by a route through with their code", async () => {
        const conflict = createHttpHandler(
            {
                "GET /health": async () => {
                    throw new AppError("FORBIDDEN", "proposal already decided");
                },
            },
            env,
            logger,
        );
        const { error } = bodyOf(await conflict(restEvent("GET /health", { body: undefined })));
        expect(error).to.deep.equal({ code: "FORBIDDEN", message: "proposal already decided" });
    });

    it("answers 404 for an unknown route and 405 with Allow for a known path with another method", async () => {
        const notFound = await handler(restEvent("GET /unknown"));
        expect(notFound.statusCode).to.equal(404);
        expect(bodyOf(notFound).error.code).to.equal("NOT_FOUND");
        const wrongMethod = await handler(restEvent("GET /decision"));
        expect(wrongMethod.statusCode).to.equal(405);
        expect(wrongMethod.headers).to.include({ Allow: "POST" });
        expect(bodyOf(wrongMethod).error.code).to.equal("METHOD_NOT_ALLOWED");
    });

    it("logs one line per request with route, status and correlation id", async () => {
        await handler(restEvent("GET /health", { body: undefined }));
        const line = entries.find((entry) => entry["message"] === "request handled");
        expect(line).to.include({ routeKey: "GET /health", statusCode: 200, correlationId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef" });
    });

    it("refuses to build when a served route has no ROUTE_ACCESS rule", () => {
        expect(() => createHttpHandler({ "POST /propose": pendingRoute("proposal-generation") }, env, logger)).to.throw(
            "ROUTE_ACCESS: has no rule for POST /propose",
        );
    });
});
