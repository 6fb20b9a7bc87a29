import { expect } from "chai";
import { baseEnv, envVars, loadEnv } from "../../lambdas/shared/env";
import { ConfigurationError } from "../../lambdas/shared/errors";
import { httpEnv } from "../../lambdas/shared/http";

const validBase = { ENVIRONMENT: "dev", LOG_LEVEL: "INFO", POWERTOOLS_SERVICE_NAME: "ai-investment-score" };

function configurationErrorOf(action: () => unknown): ConfigurationError {
    try {
        action();
    } catch (error) {
        expect(error).to.be.instanceOf(ConfigurationError);
        return error as ConfigurationError;
    }
    throw new Error("expected a ConfigurationError");
}

describe("lambdas/shared/env", () => {
    it("parses a valid environment, including JSON variables", () => {
        const env = loadEnv(
            { ...baseEnv, ...httpEnv(["POST /score"]), SIGNALS_TABLE: envVars.SIGNALS_TABLE },
            {
                ...validBase,
                SERVICE_VERSION: "1.4.0",
                ROUTE_ACCESS: '{"POST /score":["analyst","admin"]}',
                CORS_ALLOWED_ORIGINS: '["https://app.ai-investment.example"]',
                SIGNALS_TABLE: "ai-investment-dev-signals",
            },
        );
        expect(env.ROUTE_ACCESS).to.deep.equal({ "POST /score": ["analyst", "admin"] });
        expect(env.CORS_ALLOWED_ORIGINS).to.deep.equal(["https://app.ai-investment.example"]);
        expect(env.SERVICE_VERSION).to.equal("1.4.0");
        expect(env.SIGNALS_TABLE).to.equal("ai-investment-dev-signals");
    });

    it("fails once, listing every missing variable", () => {
        const error = configurationErrorOf(() =>
            loadEnv({ ...baseEnv, ...httpEnv(["POST /score"]), SIGNALS_TABLE: envVars.SIGNALS_TABLE }, {}),
        );
        const missing = ["ENVIRONMENT", "LOG_LEVEL", "POWERTOOLS_SERVICE_NAME", "ROUTE_ACCESS", "CORS_ALLOWED_ORIGINS", "SIGNALS_TABLE"];
        expect(error.problems).to.have.length(missing.length);
        for (const name of missing) expect(error.message).to.include(`${name}: is required but not set`);
        expect(error.message).not.to.include("SERVICE_VERSION");
    });

    it("reports bad values next to missing ones, without echoing them", () => {
        const error = configurationErrorOf(() =>
            loadEnv(
                { ...baseEnv, PROVIDER_SECRET_ARN: envVars.PROVIDER_SECRET_ARN, NEXT_QUEUE_URL: envVars.NEXT_QUEUE_URL },
                {
                    ENVIRONMENT: "production",
                    LOG_LEVEL: "TRACE",
                    POWERTOOLS_SERVICE_NAME: "svc",
                    PROVIDER_SECRET_ARN: "sk-live-very-secret-value",
                },
            ),
        );
        expect(error.problems.map((problem) => problem.split(":")[0])).to.have.members([
            "ENVIRONMENT",
            "LOG_LEVEL",
            "PROVIDER_SECRET_ARN",
            "NEXT_QUEUE_URL",
        ]);
        expect(error.message).to.include("PROVIDER_SECRET_ARN: must be the ARN of a Secrets Manager secret");
        expect(error.message).not.to.include("sk-live-very-secret-value");
    });

    it("rejects malformed JSON and a ROUTE_ACCESS without a rule for a served route", () => {
        const error = configurationErrorOf(() =>
            loadEnv(
                { ...baseEnv, ...httpEnv(["POST /score", "GET /health"]) },
                { ...validBase, ROUTE_ACCESS: '{"GET /health":"public","POST /score":["trader"]}', CORS_ALLOWED_ORIGINS: "[https://x" },
            ),
        );
        expect(error.message).to.include("CORS_ALLOWED_ORIGINS: must be valid JSON");
        expect(error.message).to.include(
            'ROUTE_ACCESS at POST /score: must be "public" or a non-empty list of the groups viewer, analyst, approver, admin',
        );

        const uncovered = configurationErrorOf(() =>
            loadEnv(
                { ...baseEnv, ...httpEnv(["POST /score", "GET /health"]) },
                { ...validBase, ROUTE_ACCESS: '{"GET /health":"public"}', CORS_ALLOWED_ORIGINS: "[]" },
            ),
        );
        expect(uncovered.message).to.include("ROUTE_ACCESS: has no rule for POST /score");
    });

    it("accepts only origins without a path in CORS_ALLOWED_ORIGINS", () => {
        const error = configurationErrorOf(() =>
            loadEnv({ CORS_ALLOWED_ORIGINS: envVars.CORS_ALLOWED_ORIGINS }, { CORS_ALLOWED_ORIGINS: '["https://app.example/"]' }),
        );
        expect(error.message).to.include("CORS_ALLOWED_ORIGINS at 0");
    });
});
