import { expect } from "chai";
import { createHttpHandler, type HttpEnv } from "../../lambdas/shared/http";
import { isAllowed, parseGroupsClaim } from "../../lambdas/shared/rbac";
import { bodyOf, capturingLogger, restEvent } from "./support";

describe("lambdas/shared/rbac", () => {
    describe("parseGroupsClaim", () => {
        const shapes: [string, unknown, string[]][] = [
            ["REST Cognito authorizer, one group", "approver", ["approver"]],
            ["REST Cognito authorizer, several groups", "approver,analyst", ["approver", "analyst"]],
            ["HTTP API JWT authorizer", "[approver analyst]", ["approver", "analyst"]],
            ["JSON-ish list", '["approver", "analyst"]', ["approver", "analyst"]],
            ["decoded JWT array", ["approver", "analyst"], ["approver", "analyst"]],
            ["space-separated", "approver analyst", ["approver", "analyst"]],
            ["empty string", "", []],
            ["empty brackets", "[]", []],
            ["absent", undefined, []],
            ["not a string", 42, []],
        ];
        for (const [shape, claim, groups] of shapes) {
            it(`reads ${shape}`, () => expect(parseGroupsClaim(claim)).to.deep.equal(groups));
        }
    });

    it("isAllowed: public for everyone, otherwise any listed group", () => {
        expect(isAllowed("public", [])).to.equal(true);
        expect(isAllowed(["approver", "admin"], ["viewer", "admin"])).to.equal(true);
        expect(isAllowed(["approver", "admin"], ["viewer", "analyst"])).to.equal(false);
        expect(isAllowed(["approver"], [])).to.equal(false);
    });

    describe("through the HTTP wrapper", () => {
        const env: HttpEnv = {
            ROUTE_ACCESS: { "POST /decision": ["approver", "admin"], "GET /health": "public" },
            CORS_ALLOWED_ORIGINS: [],
        };
        const handler = createHttpHandler(
            {
                "POST /decision": async ({ caller }) => ({ data: caller.groups }),
                "GET /health": async ({ caller }) => ({ data: caller }),
            },
            env,
            capturingLogger().logger,
        );

        const allowedShapes: [string, unknown][] = [
            ["single group", "approver"],
            ["comma-separated", "viewer,admin"],
            ["bracketed", "[viewer admin]"],
            ["array", ["viewer", "approver"]],
        ];
        for (const [shape, groups] of allowedShapes) {
            it(`allows an approver/admin given as ${shape}`, async () => {
                const result = await handler(restEvent("POST /decision", { groups }));
                expect(result.statusCode).to.equal(200);
            });
        }

        const deniedShapes: [string, unknown][] = [
            ["single group", "viewer"],
            ["comma-separated", "viewer,analyst"],
            ["bracketed", "[viewer analyst]"],
            ["a group whose name only contains 'admin'", "administrators"],
            ["no group claim", undefined],
        ];
        for (const [shape, groups] of deniedShapes) {
            it(`answers 403 FORBIDDEN for ${shape}`, async () => {
                const result = await handler(restEvent("POST /decision", { groups }));
                expect(result.statusCode).to.equal(403);
                expect(bodyOf(result).error).to.deep.equal({
                    code: "FORBIDDEN",
                    message: "POST /decision requires membership in one of the groups: approver, admin.",
                });
            });
        }

        it("answers 401 UNAUTHENTICATED for a protected route without authorizer claims", async () => {
            const result = await handler(restEvent("POST /decision", { claims: null }));
            expect(result.statusCode).to.equal(401);
            expect(bodyOf(result).error.code).to.equal("UNAUTHENTICATED");
        });

        it("serves a public route without claims", async () => {
            const result = await handler(restEvent("GET /health", { claims: null, body: undefined }));
            expect(result.statusCode).to.equal(200);
            expect(bodyOf(result).data).to.deep.equal({ groups: [] });
        });
    });
});
