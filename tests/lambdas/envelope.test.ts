import { expect } from "chai";
import { corsHeaders, ERROR_STATUS, errorEnvelope, errorResponse, jsonResponse, successEnvelope } from "../../lambdas/shared/envelope";
import { ISO_TIMESTAMP } from "./support";

describe("lambdas/shared/envelope", () => {
    const context = { origin: undefined, allowedOrigins: [], correlationId: "corr-1" };

    it("builds the success envelope {success, data, meta, timestamp}", () => {
        const envelope = successEnvelope({ id: 1 }, { page: 1 }, new Date("2026-11-23T10:15:00Z"));
        expect(envelope).to.deep.equal({
            success: true,
            data: { id: 1 },
            meta: { page: 1 },
            timestamp: "2026-11-23T10:15:00.000Z",
        });
        expect(successEnvelope(null).meta).to.deep.equal({});
        expect(successEnvelope(null).timestamp).to.match(ISO_TIMESTAMP);
    });

    it("builds the error envelope and leaves details out when there are none", () => {
        expect(errorEnvelope("FORBIDDEN", "no", undefined, new Date("2026-11-23T10:15:00Z"))).to.deep.equal({
            success: false,
            error: { code: "FORBIDDEN", message: "no" },
            timestamp: "2026-11-23T10:15:00.000Z",
        });
        expect(errorEnvelope("VALIDATION_FAILED", "bad", { field: "x" }).error).to.deep.equal({
            code: "VALIDATION_FAILED",
            message: "bad",
            details: { field: "x" },
        });
    });

    it("maps error codes to HTTP status codes", () => {
        expect(ERROR_STATUS).to.include({
            VALIDATION_FAILED: 400,
            UNAUTHENTICATED: 401,
            FORBIDDEN: 403,
            NOT_FOUND: 404,
            METHOD_NOT_ALLOWED: 405,
            INTERNAL: 500,
            NOT_IMPLEMENTED: 501,
        });
        const response = errorResponse("NOT_IMPLEMENTED", "later", context);
        expect(response.statusCode).to.equal(501);
        expect(JSON.parse(response.body).error.code).to.equal("NOT_IMPLEMENTED");
    });

    it("answers JSON with the correlation id", () => {
        const response = jsonResponse(200, successEnvelope("ok"), context);
        expect(response.headers["Content-Type"]).to.equal("application/json; charset=utf-8");
        expect(response.headers["X-Correlation-Id"]).to.equal("corr-1");
        expect(JSON.parse(response.body).data).to.equal("ok");
    });

    it("sends the CORS header only for an allowed origin", () => {
        const allowed = ["https://app.ai-investment.example"];
        expect(corsHeaders("https://app.ai-investment.example", allowed)).to.deep.equal({
            "Access-Control-Allow-Origin": "https://app.ai-investment.example",
            Vary: "Origin",
        });
        expect(corsHeaders("https://evil.example", allowed)).to.deep.equal({});
        expect(corsHeaders(undefined, allowed)).to.deep.equal({});
        expect(corsHeaders("https://app.ai-investment.example", [])).to.deep.equal({});
    });
});
