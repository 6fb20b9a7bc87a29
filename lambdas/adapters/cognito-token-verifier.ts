import { CognitoJwtVerifier } from "aws-jwt-verify";

/**
 * Verifies Cognito ID and access tokens (signature against the pool's JWKS, issuer, expiry, client id). The JWKS is
 * fetched once per container and cached; tests preload it with cacheJwks.
 */
export function cognitoTokenVerifier(userPoolId: string, clientId: string) {
    return CognitoJwtVerifier.create({ userPoolId, clientId, tokenUse: null });
}
