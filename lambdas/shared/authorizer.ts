import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import type { Logger } from "./logger";
import { parseGroupsClaim } from "./rbac";

/**
 * REQUEST authorizer of the WebSocket API's $connect. Browsers cannot set headers on a WebSocket handshake, so the
 * Cognito ID or access token arrives in the `token` query string parameter.
 */

export interface VerifiedClaims {
    sub: string;
    [claim: string]: unknown;
}

/** Port to token verification; adapters/cognito-token-verifier.ts builds the Cognito one. */
export interface TokenVerifier {
    verify(token: string): Promise<VerifiedClaims>;
}

export function createWebSocketAuthorizer(verifier: TokenVerifier, logger: Logger) {
    return async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
        const token = event.queryStringParameters?.["token"];
        if (!token) {
            logger.warn("connection refused: no token");
            // API Gateway maps exactly this message to 401.
            throw new Error("Unauthorized");
        }
        let claims: VerifiedClaims;
        try {
            claims = await verifier.verify(token);
        } catch (error) {
            logger.warn("connection refused: token rejected", { reason: error instanceof Error ? error.message : error });
            return policy("anonymous", "Deny", event.methodArn);
        }
        const groups = parseGroupsClaim(claims["cognito:groups"]);
        logger.info("connection authorised", { sub: claims.sub, groups });
        // Context values must be scalars: groups travel comma-separated and parseGroupsClaim reads them back.
        return { ...policy(claims.sub, "Allow", event.methodArn), context: { sub: claims.sub, groups: groups.join(",") } };
    };
}

function policy(principalId: string, effect: "Allow" | "Deny", methodArn: string): APIGatewayAuthorizerResult {
    return {
        principalId,
        policyDocument: {
            Version: "2012-10-17",
            Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: methodArn }],
        },
    };
}
