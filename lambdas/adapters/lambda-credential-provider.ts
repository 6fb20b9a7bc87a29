/**
 * Stand-in for `@aws-sdk/credential-provider-node` in the Lambda bundles (lib/bundle.ts aliases it here); source and
 * tests keep the SDK's full default chain.
 *
 * The default chain drags in SSO, SSO-OIDC, STS, sign-in, INI files, credential processes, web identity and IMDS (~100 KB
 * minified with their nested clients), none of which can apply in Lambda: the runtime puts the execution role's
 * credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, which is the first link of the default
 * chain anyway. The container-credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI, as set e.g. under SnapStart)
 * stays as a fallback, because it is small.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";
import { fromHttp, type FromHttpOptions } from "@aws-sdk/credential-provider-http";
import { chain, CredentialsProviderError } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider, Logger } from "@smithy/types";

/** What the SDK clients pass to `credentialDefaultProvider` (their resolved config); only the logger is used here. */
export type LambdaCredentialProviderInit = FromHttpOptions & { logger?: Logger };

/** Same export name and call shape as `@aws-sdk/credential-provider-node`, so that the clients' runtimeConfig uses it. */
export function defaultProvider(init: LambdaCredentialProviderInit = {}): AwsCredentialIdentityProvider {
    return chain(
        fromEnv(init),
        // fromHttp throws at once when no endpoint is configured; the clients build their provider in their constructor.
        async () => fromHttp(init)(),
        async () => {
            throw new CredentialsProviderError(
                "No AWS credentials: the Lambda bundle reads them from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN " +
                    "or the container credentials endpoint (lambdas/adapters/lambda-credential-provider.ts)",
                { logger: init.logger },
            );
        },
    );
}
