import { expect } from "chai";
import * as z from "zod";
import { apiRoutes, requestBodySchemas, type RouteWithBody } from "../../lambdas/shared/api-schemas";
import { validBodies } from "./fixtures/request-bodies";

describe("lambdas/shared/api-schemas", () => {
    const routes = Object.keys(requestBodySchemas) as RouteWithBody[];

    it("has a schema for every POST route of the API and keys shaped 'METHOD /path'", () => {
        const postRoutes = Object.keys(apiRoutes).filter((route) => route.startsWith("POST "));
        expect(routes).to.have.members(postRoutes);
        for (const route of routes) expect(route).to.match(/^POST \/[a-z/]+$/);
    });

    for (const route of Object.keys(requestBodySchemas) as RouteWithBody[]) {
        it(`${route}: converts to a draft-4 object schema that forbids unknown fields`, () => {
            const jsonSchema = z.toJSONSchema(requestBodySchemas[route], { target: "draft-4" }) as Record<string, any>;
            expect(jsonSchema["$schema"]).to.equal("http://json-schema.org/draft-04/schema#");
            expect(jsonSchema["type"]).to.equal("object");
            expect(jsonSchema["additionalProperties"]).to.equal(false);
            expect(jsonSchema["required"]).to.be.an("array").that.is.not.empty;
            for (const field of jsonSchema["required"]) expect(jsonSchema["properties"]).to.have.property(field);
            // draft-4 has boolean exclusiveMinimum; a numeric one would be rejected by API Gateway.
            expect(JSON.stringify(jsonSchema)).not.to.match(/"exclusiveMinimum":\d/);
        });

        it(`${route}: accepts the documented example body`, () => {
            const result = requestBodySchemas[route].safeParse(validBodies[route]);
            expect(result.success, JSON.stringify(result.error?.issues)).to.equal(true);
        });
    }

    it("rejects a bad decision body with issues naming the fields", () => {
        const result = requestBodySchemas["POST /decision"].safeParse({
            proposalId: "not-a-uuid",
            decision: "maybe",
            reason: "",
        });
        expect(result.success).to.equal(false);
        const paths = result.error!.issues.map((issue) => issue.path.join("."));
        expect(paths).to.have.members(["proposalId", "decision", "reason"]);
    });

    it("rejects a risk candidate that gives both quantity and notional", () => {
        const body = {
            candidate: { asset: "ETH", side: "buy", size: { quantity: 1, notional: 2500, currency: "EUR" }, confidence: 0.5 },
        };
        expect(requestBodySchemas["POST /risk/check"].safeParse(body).success).to.equal(false);
    });

    it("bounds manual ingestion batches", () => {
        const item = (validBodies["POST /ingest/social"] as { items: unknown[] }).items[0];
        const tooMany = { items: Array.from({ length: 51 }, () => item) };
        const result = requestBodySchemas["POST /ingest/social"].safeParse(tooMany);
        expect(result.success).to.equal(false);
        expect(result.error!.issues[0]!.path).to.deep.equal(["items"]);
    });
});
