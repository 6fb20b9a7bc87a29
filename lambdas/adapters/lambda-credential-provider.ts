/**
 * Stand-in for `@aws-sdk/credential-provider-node` in the Lambda bundles (lib/bundle.ts aliases it here); source and
 * tests keep the SDK's full default chain.
 *
 * The default chain drags in SSO, SSO-OIDC, STS, sign-in, INI files, credential processes, web identity, the container
 * endpoint and IMDS (~100 KB minified with their nested clients), none of which applies to these functions: the Lambda
 * runtime puts the execution role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which
 * is the first link of the default chain anyway. Should a function ever run where credentials come from the container
 * endpoint instead (AWS_CONTAINER_CREDENTIALS_FULL_URI), add `fromHttp` of @aws-sdk/credential-provider-http (~3.7 KB)
 * to the chain below; the error names the variables it looked for.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { chain, CredentialsProviderError } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider, Logger } from "@smithy/types";

/** What the SDK clients pass to `credentialDefaultProvider` (their resolved config); only the logger is used here. */
export interface LambdaCredentialProviderInit {
    logger?: Logger;
}

/** Same export name and call shape as `@aws-sdk/credential-provider-node`, so that the clients' runtimeConfig uses it. */
export function defaultProvider(init: LambdaCredentialProviderInit = {}): AwsCredentialIdentityProvider {
    return chain(fromEnv(init), async () => {
        throw new CredentialsProviderError(
            "No AWS credentials: a Lambda bundle reads them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN only " +
                "(lambdas/adapters/lambda-credential-provider.ts)",
            { logger: init.logger },
        );
    });
}
