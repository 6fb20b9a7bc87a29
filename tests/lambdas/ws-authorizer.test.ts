import { expect } from "chai";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { cognitoTokenVerifier } from "../../lambdas/adapters/cognito-token-verifier";
import { createWebSocketAuthorizer } from "../../lambdas/shared/authorizer";
import { capturingLogger, fixture } from "./support";

const REGION = "eu-central-1";
const USER_POOL_ID = "eu-central-1_AbCdEf123";
const CLIENT_ID = "3n4b5urk1ft4fl3mg5e62d9ado";
const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${USER_POOL_ID}`;
const SUB = "5f3c1a2e-8b7d-4e6f-9a01-23456789abcd";
const KID = "test-key-1";
const METHOD_ARN = "arn:aws:execute-api:eu-central-1:123456789012:w9x8y7z6v5/v1/$connect";

describe("ws-authorizer", () => {
    let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
    let authorize: ReturnType<typeof createWebSocketAuthorizer>;
    let log: ReturnType<typeof capturingLogger>;

    before(async () => {
        const keys = await generateKeyPair("RS256", { extractable: true });
        privateKey = keys.privateKey;
        const jwk = { ...(await exportJWK(keys.publicKey)), kid: KID, alg: "RS256", use: "sig" };
        const verifier = cognitoTokenVerifier(USER_POOL_ID, CLIENT_ID);
        verifier.cacheJwks({ keys: [jwk] } as Parameters<typeof verifier.cacheJwks>[0]);
        log = capturingLogger();
        authorize = createWebSocketAuthorizer(verifier, log.logger);
    });

    /** A Cognito-shaped ID token; `claims` override any registered claim (aud, iss, exp). */
    function idToken(claims: JWTPayload = {}, expiresIn: string | number = "1h") {
        const registered = { sub: SUB, iss: ISSUER, aud: CLIENT_ID };
        return new SignJWT({ ...registered, token_use: "id", "cognito:groups": ["viewer", "analyst"], ...claims })
            .setProtectedHeader({ alg: "RS256", kid: KID })
            .setIssuedAt()
            .setExpirationTime(expiresIn)
            .sign(privateKey);
    }

    function connectEvent(token: string | undefined): APIGatewayRequestAuthorizerEvent {
        const event = fixture<APIGatewayRequestAuthorizerEvent>("ws-authorizer-event.json");
        event.queryStringParameters = token === undefined ? null : { token };
        event.multiValueQueryStringParameters = token === undefined ? null : { token: [token] };
        return event;
    }

    function expectDeny(result: Awaited<ReturnType<typeof authorize>>) {
        expect(result.principalId).to.equal("anonymous");
        expect(result.policyDocument.Statement).to.deep.equal([{ Action: "execute-api:Invoke", Effect: "Deny", Resource: METHOD_ARN }]);
        expect(result.context).to.equal(undefined);
    }

    it("allows a valid ID token: principal = sub, context carries sub and groups", async () => {
        const result = await authorize(connectEvent(await idToken()));
        expect(result).to.deep.equal({
            principalId: SUB,
            policyDocument: {
                Version: "2012-10-17",
                Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: METHOD_ARN }],
            },
            context: { sub: SUB, groups: "viewer,analyst" },
        });
    });

    it("allows a valid access token (client_id instead of aud)", async () => {
        const token = await new SignJWT({ token_use: "access", client_id: CLIENT_ID, scope: "aws.cognito.signin.user.admin" })
            .setProtectedHeader({ alg: "RS256", kid: KID })
            .setSubject(SUB)
            .setIssuer(ISSUER)
            .setIssuedAt()
            .setExpirationTime("1h")
            .sign(privateKey);
        const result = await authorize(connectEvent(token));
        expect(result.policyDocument.Statement[0]).to.include({ Effect: "Allow" });
        expect(result.context).to.deep.equal({ sub: SUB, groups: "" });
    });

    it("denies an expired token", async () => {
        const expired = await idToken({}, Math.floor(Date.now() / 1000) - 60);
        expectDeny(await authorize(connectEvent(expired)));
        expect(log.entries.at(-1)).to.include({ message: "connection refused: token rejected" });
        expect(String(log.entries.at(-1)!["reason"])).to.match(/expired/i);
    });

    it("denies a token for another app client", async () => {
        expectDeny(await authorize(connectEvent(await idToken({ aud: "someotherclientid" }))));
        expect(String(log.entries.at(-1)!["reason"])).to.match(/audience/i);
    });

    it("denies a token from another issuer", async () => {
        const otherPool = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Other999";
        expectDeny(await authorize(connectEvent(await idToken({ iss: otherPool }))));
        expect(String(log.entries.at(-1)!["reason"])).to.match(/issuer/i);
    });

    it("denies a token signed with another key", async () => {
        const { privateKey: otherKey } = await generateKeyPair("RS256");
        const forged = await new SignJWT({ token_use: "id" })
            .setProtectedHeader({ alg: "RS256", kid: KID })
            .setSubject(SUB)
            .setIssuer(ISSUER)
            .setAudience(CLIENT_ID)
            .setExpirationTime("1h")
            .sign(otherKey);
        expectDeny(await authorize(connectEvent(forged)));
    });

    it("throws Unauthorized (API Gateway's 401) when no token is given", async () => {
        for (const token of [undefined, ""]) {
            try {
                await authorize(connectEvent(token));
                expect.fail("expected Unauthorized");
            } catch (error) {
                expect((error as Error).message).to.equal("Unauthorized");
            }
        }
    });
});
