/**
 * The service-independent core of the REST adapters (s3-http.ts, secrets-http.ts): AWS requests as plain fetch calls,
 * signed (SigV4) by the SDK's own @smithy/signature-v4 — which every function that uses them bundles anyway with its
 * DynamoDB client — in place of the SDK's service clients (@aws-sdk/client-s3 ~117 KB, client-secrets-manager ~11.6 KB a
 * bundle). The service modules build URLs, bodies and errors; this module signs, sends and retries.
 *
 * Configuration is the Lambda environment's, read when a request is made (awsEnvironment):
 * - credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (what the runtime sets from the execution
 *   role; the same source as lambda-credential-provider.ts gives the SDK clients);
 * - region: AWS_REGION (else AWS_DEFAULT_REGION);
 * - endpoint: AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_SECRETS_MANAGER), else
 *   AWS_ENDPOINT_URL, else the service's public regional endpoint (the service module's default).
 *
 * A 5xx or 429 answer, an answer the service module calls retryable (e.g. a JSON service's 400 ThrottlingException),
 * and a request that got no answer at all (fetch's TypeError: refused, reset — e.g. a kept-alive socket the service
 * closed while the function was frozen —, DNS) are retried up to RETRIES times with exponential backoff and full
 * jitter, like the SDK's standard retry strategy (without its retry quota). Each attempt is signed anew.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

export interface AwsCredentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface AwsHttpOptions {
    region?: string;
    /** A custom endpoint (local stand-ins), e.g. `http://127.0.0.1:4566`; default the service's public endpoint. */
    endpoint?: string;
    credentials?: AwsCredentials;
    /** Retries of a retryable answer or of a request that got no answer. Default RETRIES. */
    retries?: number;
}

/** The options of one service from the Lambda environment, read at each call. `service` names AWS_ENDPOINT_URL_<service>. */
export function awsEnvironment(service: string, env: NodeJS.ProcessEnv = process.env): () => AwsHttpOptions {
    return () => ({
        region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"],
        endpoint: env[`AWS_ENDPOINT_URL_${service}`] ?? env["AWS_ENDPOINT_URL"],
        credentials:
            env["AWS_ACCESS_KEY_ID"] && env["AWS_SECRET_ACCESS_KEY"]
                ? {
                      accessKeyId: env["AWS_ACCESS_KEY_ID"],
                      secretAccessKey: env["AWS_SECRET_ACCESS_KEY"],
                      sessionToken: env["AWS_SESSION_TOKEN"] || undefined,
                  }
                : undefined,
    });
}

export interface AwsRequest {
    /** For error messages, e.g. `S3 PutObject s3://bucket/key`. */
    what: string;
    method: "GET" | "PUT" | "POST";
    /** The request URL from the region and the configured endpoint (undefined: the service's public endpoint). */
    url(target: { region: string; endpoint?: string }): string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
    /** Whether an answer the core does not retry by itself (5xx, 429) should be (read it from a clone). */
    retryable?(response: Response): Promise<boolean>;
}

export interface AwsHttpService {
    /** The SigV4 signing name, e.g. `s3`, `secretsmanager`. */
    signingName: string;
    /** For error messages, e.g. `S3`, `Secrets Manager`. */
    label: string;
    /** false for S3, whose paths come encoded once (the signer must not encode them again). Default true. */
    uriEscapePath?: boolean;
}

/** RFC 3986 encoding of one path segment or query value, as SigV4 and the services expect (`encodeURIComponent` leaves !'()*). */
export function uriEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const RETRIES = 3;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 20_000;

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): string | Uint8Array {
    if (typeof data === "string") return data;
    return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** SHA-256 and HMAC-SHA256 for the signer, on node:crypto. */
export class NodeSha256 {
    private readonly hash: Hash | Hmac;
    constructor(secret?: SourceData) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
    }
    update(data: SourceData): void {
        this.hash.update(bytesOf(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
}

/** Signed requests to one AWS service. */
export class AwsHttp {
    private signer: { signer: SignatureV4; credentials: AwsCredentials; region: string } | undefined;
    private readonly options: () => AwsHttpOptions;

    constructor(
        readonly service: AwsHttpService,
        options: AwsHttpOptions | (() => AwsHttpOptions),
    ) {
        this.options = typeof options === "function" ? options : () => options;
    }

    /** The final answer, whatever its status (retries spent); throws only when no answer came. */
    async send(request: AwsRequest): Promise<Response> {
        const options = this.options();
        const { label } = this.service;
        const region = options.region;
        if (!region) throw new Error(`${label}: region is missing (AWS_REGION)`);
        const credentials = options.credentials;
        if (!credentials)
            throw new Error(
                `${label}: no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN) are not set`,
            );
        const signer = this.signerFor(credentials, region);
        const url = new URL(request.url({ region, ...(options.endpoint ? { endpoint: options.endpoint } : {}) }));
        const query: Record<string, string> = {};
        for (const [name, value] of url.searchParams) query[name] = value;
        const retries = options.retries ?? RETRIES;
        for (let attempt = 0; ; attempt++) {
            // Signed anew for each attempt: the signature covers the time.
            const signed = await signer.sign({
                method: request.method,
                protocol: url.protocol,
                hostname: url.hostname,
                ...(url.port ? { port: Number(url.port) } : {}),
                path: url.pathname,
                query,
                headers: { ...request.headers, host: url.host },
                // Hashed into the signature unless the headers carry x-amz-content-sha256 (S3).
                ...(request.body !== undefined ? { body: request.body } : {}),
            });
            // fetch sets Host itself, from the same URL.
            const { host: _host, ...headers } = signed.headers;
            let response: Response | undefined;
            let failure: unknown;
            try {
                response = await fetch(url, {
                    method: request.method,
                    headers,
                    ...(request.body !== undefined ? { body: request.body } : {}),
                    // A redirect (an S3 bucket in another region) is the service's answer to report, not a URL to send the signed request to.
                    redirect: "manual",
                });
            } catch (error) {
                // fetch rejects with a TypeError when no answer came (connection refused or reset, DNS): retried.
                if (!(error instanceof TypeError)) throw error;
                failure = error;
            }
            const retryable =
                response === undefined ||
                response.status >= 500 ||
                response.status === 429 ||
                (response.status >= 400 && request.retryable !== undefined && (await request.retryable(response)));
            if (retryable && attempt < retries) {
                await response?.body?.cancel();
                // Exponential backoff with full jitter, as the SDK's standard retry strategy.
                await new Promise((resolve) =>
                    setTimeout(resolve, Math.random() * Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt)),
                );
                continue;
            }
            if (response === undefined) {
                const error = failure as TypeError;
                const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
                throw new Error(`${request.what}: request failed: ${error.message}${cause}`, { cause: error });
            }
            return response;
        }
    }

    /** One signer per credentials and region (it caches the derived signing key per day). */
    private signerFor(credentials: AwsCredentials, region: string): SignatureV4 {
        const current = this.signer;
        if (
            current &&
            current.region === region &&
            current.credentials.accessKeyId === credentials.accessKeyId &&
            current.credentials.secretAccessKey === credentials.secretAccessKey &&
            current.credentials.sessionToken === credentials.sessionToken
        ) {
            return current.signer;
        }
        const signer = new SignatureV4({
            service: this.service.signingName,
            region,
            credentials,
            sha256: NodeSha256,
            uriEscapePath: this.service.uriEscapePath ?? true,
            applyChecksum: false,
        });
        this.signer = { signer, credentials, region };
        return signer;
    }
}

/** An error answer of a JSON service (Secrets Manager, Bedrock Runtime): `name` is its error type, as the SDK names its exceptions. */
export class AwsServiceError extends Error {
    constructor(
        readonly service: string,
        readonly operation: string,
        readonly statusCode: number,
        readonly code: string,
        readonly awsMessage: string | undefined,
        readonly requestId?: string,
    ) {
        super(`${service} ${operation} failed: HTTP ${statusCode} ${code}${awsMessage ? `: ${awsMessage}` : ""}`);
        this.name = code;
    }
}

/** The AwsServiceError of a JSON service's error answer, whose body was read as `text`. */
export function jsonServiceError(service: string, operation: string, response: Response, text: string): AwsServiceError {
    const { code, message } = errorTypeOf(text, response.headers);
    return new AwsServiceError(service, operation, response.status, code, message, response.headers.get("x-amzn-requestid") ?? undefined);
}

/**
 * The error type of a JSON service's error answer and its message: `__type`, `code`, then the x-amzn-errortype header, the
 * SDK's order for AWS JSON 1.1 (restJson1 services such as Bedrock Runtime send the type in the header).
 */
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
