/**
 * Secrets Manager's GetSecretValue as one AWS JSON 1.1 request over the signed-fetch core of aws-http.ts, in place of
 * @aws-sdk/client-secrets-manager (~11.6 KB in each bundle that reads a secret).
 *
 * `POST /` with `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: secretsmanager.GetSecretValue` and
 * `{"SecretId": …}`, signed for the service `secretsmanager`; the endpoint is AWS_ENDPOINT_URL_SECRETS_MANAGER, else
 * AWS_ENDPOINT_URL, else `https://secretsmanager.<region>.amazonaws.com`. An error answer becomes an AwsServiceError
 * (aws-http.ts) named by the error type, as the SDK names its exceptions: `__type` (else a `code` field, else the x-amzn-errortype
 * header) without a `namespace#` prefix or `:`-suffix, e.g. ResourceNotFoundException, AccessDeniedException; "Unknown"
 * when the answer names none. Retried as aws-http.ts says, and also 400 answers whose type is one of the SDK's throttling
 * or transient error codes.
 */
import { AwsHttp, type AwsHttpOptions, awsEnvironment, errorTypeOf, jsonServiceError } from "./aws-http";
import type { SecretSource } from "./secrets";

/** The SDK's throttling and transient error codes (@smithy/service-error-classification) that can come as a 400 answer. */
const RETRYABLE_CODES = new Set([
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestTimeout",
    "RequestTimeoutException",
]);

interface GetSecretValueOutput {
    Name?: string;
    SecretString?: string;
    /** Base64 in the JSON answer. */
    SecretBinary?: string;
}

export class SecretsManagerHttp implements SecretSource {
    /** Configured from the environment (aws-http.ts), read at each request. */
    static fromEnvironment(env: NodeJS.ProcessEnv = process.env): SecretsManagerHttp {
        return new SecretsManagerHttp(awsEnvironment("SECRETS_MANAGER", env));
    }

    private readonly http: AwsHttp;

    constructor(options: AwsHttpOptions | (() => AwsHttpOptions)) {
        this.http = new AwsHttp({ signingName: "secretsmanager", label: "Secrets Manager" }, options);
    }

    /** The secret's SecretString; undefined for a binary secret (SecretBinary only). */
    async getSecretString(secretId: string): Promise<string | undefined> {
        const response = await this.http.send({
            what: "Secrets Manager GetSecretValue",
            method: "POST",
            url: ({ region, endpoint }) => endpoint ?? `https://secretsmanager.${region}.amazonaws.com/`,
            headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "secretsmanager.GetSecretValue" },
            body: JSON.stringify({ SecretId: secretId }),
            retryable: async (answer) =>
                answer.status === 400 && RETRYABLE_CODES.has(errorTypeOf(await answer.clone().text(), answer.headers).code),
        });
        const text = await response.text().catch(() => "");
        if (response.status < 200 || response.status >= 300) {
            throw jsonServiceError("Secrets Manager", "GetSecretValue", response, text);
        }
        let output: GetSecretValueOutput;
        try {
            output = JSON.parse(text) as GetSecretValueOutput;
        } catch {
            // The answer holds the secret: the parser's message (which quotes it) is not passed on.
            throw new Error("Secrets Manager GetSecretValue: the answer is not JSON");
        }
        return typeof output?.SecretString === "string" ? output.SecretString : undefined;
    }
}
