/**
 * Bedrock Runtime's Converse as one REST JSON request over the signed-fetch core of aws-http.ts, in place of
 * @aws-sdk/client-bedrock-runtime, which put ~95 KB into the score-bedrock bundle (its restJson1 protocol, the
 * event-stream members of ConverseStream and InvokeModelWithResponseStream, and the shapes of the whole service) for
 * one operation.
 *
 * `POST /model/<modelId>/converse` — the model id, inference profile id or ARN URI-encoded as one path segment, as the
 * SDK sends it — with the request's other members as JSON, signed for the service `bedrock`. The endpoint is
 * AWS_ENDPOINT_URL_BEDROCK_RUNTIME, else AWS_ENDPOINT_URL, else `https://bedrock-runtime.<region>.amazonaws.com`.
 * An error answer becomes an AwsServiceError named by its error type (the x-amzn-errortype header or the body's
 * type, read as aws-http.ts' errorTypeOf reads them): ThrottlingException, ValidationException, AccessDeniedException, …. Retried as
 * aws-http.ts says, and also ThrottlingException and ModelNotReadyException answered with a 4xx (the SDK retries both).
 */
import { AwsHttp, type AwsHttpOptions, awsEnvironment, errorTypeOf, jsonServiceError, uriEncode } from "./aws-http";
import type { ConverseRequest, ConverseResponse } from "./bedrock-scorer";

const RETRYABLE_CODES = new Set(["ThrottlingException", "ModelNotReadyException"]);

export class BedrockRuntimeHttp {
    /** Configured from the environment (aws-http.ts), read at each request. */
    static fromEnvironment(env: NodeJS.ProcessEnv = process.env): BedrockRuntimeHttp {
        return new BedrockRuntimeHttp(awsEnvironment("BEDROCK_RUNTIME", env));
    }

    private readonly http: AwsHttp;

    constructor(options: AwsHttpOptions | (() => AwsHttpOptions)) {
        this.http = new AwsHttp({ signingName: "bedrock", label: "Bedrock Runtime" }, options);
    }

    async converse(request: ConverseRequest): Promise<ConverseResponse> {
        const { modelId, ...members } = request;
        const path = `/model/${uriEncode(modelId)}/converse`;
        const response = await this.http.send({
            what: `Bedrock Runtime Converse ${modelId}`,
            method: "POST",
            url: ({ region, endpoint }) => `${(endpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`).replace(/\/+$/, "")}${path}`,
            headers: { "content-type": "application/json" },
            body: JSON.stringify(members),
            retryable: async (answer) => RETRYABLE_CODES.has(errorTypeOf(await answer.clone().text(), answer.headers).code),
        });
        const text = await response.text().catch(() => "");
        if (response.status < 200 || response.status >= 300) {
            throw jsonServiceError("Bedrock Runtime", "Converse", response, text);
        }
        try {
            return JSON.parse(text) as ConverseResponse;
        } catch {
            throw new Error(`Bedrock Runtime Converse ${modelId}: the answer is not JSON (HTTP ${response.status}, ${text.length} bytes)`);
        }
    }
}
