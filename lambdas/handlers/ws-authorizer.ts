import { cognitoTokenVerifier } from "../adapters/cognito-token-verifier";
import { createWebSocketAuthorizer } from "../shared/authorizer";
import { baseEnv, envVars, loadEnv } from "../shared/env";
import { loggerFromEnv } from "../shared/logger";

const env = loadEnv({
    ...baseEnv,
    USER_POOL_ID: envVars.USER_POOL_ID,
    USER_POOL_CLIENT_ID: envVars.USER_POOL_CLIENT_ID,
});

// Invoked by API Gateway directly as the REQUEST authorizer of $connect, not through handleTriggers.
export const handler = createWebSocketAuthorizer(cognitoTokenVerifier(env.USER_POOL_ID, env.USER_POOL_CLIENT_ID), loggerFromEnv(env));
