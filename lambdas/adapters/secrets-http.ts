/**
 * Secrets Manager's GetSecretValue as one AWS JSON 1.1 request over the signed-fetch core of aws-http.ts, in place of
 * @aws-sdk/client-secrets-manager (~11.6 KB in each bundle that reads a secret).
 *
 * `POST /` with `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target: secretsmanager.GetSecretValue` and
 * `{"SecretId": …}`, signed for the service `secretsmanager`; the endpoint is AWS_ENDPOINT_URL_SECRETS_MANAGER, else
 * AWS_ENDPOINT_URL, else `https://secretsmanager.<region>.amazonaws.com`. An error answer becomes a SecretsManagerError
 * named by the error type, as the SDK names its exceptions: `__type` (else a `code` field, else the x-amzn-errortype
 * header) without a `namespace#` prefix or `:`-suffix, e.g. ResourceNotFoundException, AccessDeniedException; "Unknown"
 * when the answer names none. Retried as aws-http.ts says, and also 400 answers whose type is one of the SDK's throttling
 * or transient error codes.
 */
import { AwsHttp, type AwsHttpOptions, awsEnvironment } from "./aws-http";
import type { SecretSource } from "./secrets";

/** A Secrets Manager error answer: `name` is its error type. The message never carries a secret's value. */
export class SecretsManagerError extends Error {
    constructor(
        readonly operation: string,
        readonly statusCode: number,
        readonly code: string,
        readonly awsMessage: string | undefined,
        readonly requestId?: string,
    ) {
        super(`Secrets Manager ${operation} failed: HTTP ${statusCode} ${code}${awsMessage ? `: ${awsMessage}` : ""}`);
        this.name = code;
    }
}

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

/** The error type of a JSON 1.1 error answer, as the SDK reads it (`__type`, `code`, then the header), and its message. */
export function errorTypeOf(text: string, headers: Headers): { code: string; message?: string } {
    let body: Record<string, unknown> = {};
    try {
        const parsed: unknown = JSON.parse(text);
        if (parsed !== null && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {
        // Not JSON (a proxy's page): named by the header, if any.
    }
    const codeKey = Object.keys(body).find((key) => key.toLowerCase() === "code");
    const raw = body["__type"] ?? (codeKey === undefined ? undefined : body[codeKey]) ?? headers.get("x-amzn-errortype") ?? undefined;
    const message = body["message"] ?? body["Message"];
    return {
        code: raw === undefined || raw === null ? "Unknown" : sanitize(String(raw)),
        ...(typeof message === "string" ? { message } : {}),
    };
}

/** As the SDK's sanitizeErrorCode: `a,b` → a, `Type:http://…` → Type, `namespace#Type` → Type. */
function sanitize(value: string): string {
    let code = value.split(",")[0]!.split(":")[0]!;
    if (code.includes("#")) code = code.split("#")[1]!;
    return code;
}

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
            const { code, message } = errorTypeOf(text, response.headers);
            throw new SecretsManagerError(
                "GetSecretValue",
                response.status,
                code,
                message,
                response.headers.get("x-amzn-requestid") ?? undefined,
            );
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
