/**
 * The S3 calls of the Lambda functions as plain REST requests over Node's fetch, signed (SigV4) by the SDK's own
 * @smithy/signature-v4 — in place of @aws-sdk/client-s3, which put ~117 KB into every bundle that touched S3 (flexible
 * checksums, S3 Express, the endpoint rules, the restXml protocol, stream utilities) for four operations: PutObject,
 * GetObject, DeleteObjects and ListObjectVersions. The signer costs nothing extra: every function that uses S3 also has
 * an SDK client (DynamoDB), which bundles it. (aws4fetch, tried first, signs as well but added 7.4 KB of its own.)
 *
 * Configuration is the Lambda environment's, read when a request is made:
 * - credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (what the runtime sets from the execution
 *   role; the same source as lambda-credential-provider.ts gives the SDK clients);
 * - region: AWS_REGION (else AWS_DEFAULT_REGION);
 * - endpoint: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else `https://<bucket>.s3.<region>.amazonaws.com`. A configured
 *   endpoint is addressed as the SDK addresses it: path style (`<endpoint>/<bucket>/<key>`) when its host is an IP
 *   address (the tests' fauxqs on 127.0.0.1) or the bucket name is not a DNS label, else virtual-hosted
 *   (`<bucket>.<endpoint host>`: the pipeline tests and the bench point AWS_ENDPOINT_URL_S3 at
 *   `http://s3.localhost:<port>`, and fauxqs takes the first label of any dotted host name as the bucket).
 *
 * Payloads are signed (x-amz-content-sha256 is the body's SHA-256); DeleteObjects carries Content-MD5 as S3 requires.
 * A 5xx or 429 answer, and a request that got no answer at all (fetch's TypeError: refused, reset — e.g. a kept-alive
 * socket S3 closed while the function was frozen —, DNS), is retried up to RETRIES times with exponential backoff and
 * full jitter, like the SDK's standard retry strategy. A non-2xx answer becomes an S3Error named by S3's error `<Code>`
 * (NoSuchKey, PreconditionFailed, AccessDenied, …), as the SDK names its exceptions; without an S3 error body, by the
 * status (NotFound, Forbidden, …).
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { childElements, childText, readXml, type XmlElement } from "../shared/xml";

export interface S3Credentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

export interface S3HttpOptions {
    region?: string;
    /** A custom endpoint (local stand-ins), e.g. `http://127.0.0.1:4566`; default AWS's regional S3 endpoint. */
    endpoint?: string;
    credentials?: S3Credentials;
    /** Retries of a 5xx/429 answer or of a request that got no answer. Default RETRIES. */
    retries?: number;
}

export interface PutObjectInput {
    bucket: string;
    key: string;
    body: string | Uint8Array;
    contentType: string;
    /** User metadata, sent as `x-amz-meta-<name>` headers. */
    metadata?: Record<string, string>;
    /** `x-amz-server-side-encryption: aws:kms`, with the key id when given. */
    kms?: { keyId?: string };
    /** `If-None-Match: *`: S3 refuses with PreconditionFailed (412) when the key exists. */
    ifNoneMatch?: "*";
}

export interface S3Object {
    body: Buffer;
    contentType?: string;
    /** User metadata, names lower-case as S3 returns them. */
    metadata: Record<string, string>;
}

export interface ObjectIdentifier {
    key: string;
    versionId?: string;
}

/** One key DeleteObjects did not delete (it reports them per key, in a 200 answer). */
export interface DeleteError extends ObjectIdentifier {
    code: string;
    message?: string;
}

export interface ObjectVersionPage {
    /** The page's versions, then its delete markers (as the SDK's Versions and DeleteMarkers lists). */
    versions: (ObjectIdentifier & { deleteMarker: boolean })[];
    isTruncated: boolean;
    nextKeyMarker?: string;
    nextVersionIdMarker?: string;
}

/** What the stores (s3-raw-store.ts, s3-object-eraser.ts) need from S3. */
export interface S3Api {
    putObject(input: PutObjectInput): Promise<void>;
    /** Throws an S3Error named NoSuchKey when the key does not exist. */
    getObject(bucket: string, key: string): Promise<S3Object>;
    /** Quiet mode: only the keys S3 could not delete come back. At most 1000 objects. */
    deleteObjects(bucket: string, objects: readonly ObjectIdentifier[]): Promise<DeleteError[]>;
    listObjectVersions(
        bucket: string,
        input: { prefix?: string; keyMarker?: string; versionIdMarker?: string },
    ): Promise<ObjectVersionPage>;
}

/** A non-2xx answer of S3: `name` is S3's error code. */
export class S3Error extends Error {
    constructor(
        readonly operation: string,
        readonly bucket: string,
        readonly key: string | undefined,
        readonly statusCode: number,
        readonly code: string,
        readonly s3Message: string | undefined,
        readonly requestId?: string,
    ) {
        super(`S3 ${operation} ${target(bucket, key)} failed: HTTP ${statusCode} ${code}${s3Message ? `: ${s3Message}` : ""}`);
        this.name = code;
    }
}

const RETRIES = 3;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 20_000;
const DELETE_LIMIT = 1000;
/** The code of an error answer without a readable body (HEAD, a proxy's HTML page), as the SDK names them. */
const STATUS_CODES: Record<number, string> = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    412: "PreconditionFailed",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
};

function target(bucket: string, key: string | undefined): string {
    return `s3://${bucket}/${key ?? ""}`;
}

/** RFC 3986 encoding of one path segment or query value, as SigV4 and S3 expect (`encodeURIComponent` leaves !'()*). */
function uriEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The URL path of an object key: each `/`-separated segment encoded, the slashes kept. A segment "." or ".." would be
 * resolved away by URL parsing (fetch's too), so such keys are refused rather than sent to another key.
 */
export function encodeKey(key: string): string {
    if (key === "") throw new Error("S3 object key is empty");
    const segments = key.split("/");
    if (segments.some((segment) => segment === "." || segment === ".."))
        throw new Error(`S3 object key ${JSON.stringify(key)} has a "." or ".." segment, which URLs cannot carry`);
    return segments.map(uriEncode).join("/");
}

const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/i;
const DNS_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** The URL of a bucket (key undefined) or object, without query. */
export function objectUrl(options: { region: string; endpoint?: string }, bucket: string, key?: string): string {
    const path = key === undefined ? "" : encodeKey(key);
    if (options.endpoint) {
        const endpoint = new URL(options.endpoint);
        const base = endpoint.pathname.replace(/\/+$/, "");
        if (IP_HOST.test(endpoint.hostname) || !DNS_BUCKET.test(bucket)) {
            return `${endpoint.protocol}//${endpoint.host}${base}/${uriEncode(bucket)}${key === undefined ? "" : `/${path}`}`;
        }
        return `${endpoint.protocol}//${bucket}.${endpoint.host}${base}/${path}`;
    }
    if (!DNS_BUCKET.test(bucket))
        return `https://s3.${options.region}.amazonaws.com/${uriEncode(bucket)}${key === undefined ? "" : `/${path}`}`;
    return `https://${bucket}.s3.${options.region}.amazonaws.com/${path}`;
}

function query(params: Record<string, string | undefined>): string {
    return Object.entries(params)
        .filter((entry): entry is [string, string] => entry[1] !== undefined)
        .map(([name, value]) => (value === "" ? name : `${name}=${uriEncode(value)}`))
        .join("&");
}

/** XML element text, escaped as the SDK's XML builder does: &, <, > by name, line breaks as references (parsing would normalise them). */
function escapeXml(text: string): string {
    return text
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/[\r\n\u0085\u2028]/g, (c) => `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`);
}

function sha256Hex(body: string | Uint8Array): string {
    return createHash("sha256").update(body).digest("hex");
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytesOf(data: SourceData): string | Uint8Array {
    if (typeof data === "string") return data;
    return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** SHA-256 and HMAC-SHA256 for the signer, on node:crypto. */
class NodeSha256 {
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

interface Request {
    operation: string;
    bucket: string;
    key?: string;
    method: "GET" | "PUT" | "POST";
    /** Query string without "?", e.g. "delete". */
    query?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
}

export class S3Http implements S3Api {
    private signer: { signer: SignatureV4; credentials: S3Credentials; region: string } | undefined;

    /** Configured from the environment (see the file comment), read at each request. */
    static fromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Http {
        return new S3Http(() => ({
            region: env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"],
            endpoint: env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"],
            credentials:
                env["AWS_ACCESS_KEY_ID"] && env["AWS_SECRET_ACCESS_KEY"]
                    ? {
                          accessKeyId: env["AWS_ACCESS_KEY_ID"],
                          secretAccessKey: env["AWS_SECRET_ACCESS_KEY"],
                          sessionToken: env["AWS_SESSION_TOKEN"] || undefined,
                      }
                    : undefined,
        }));
    }

    private readonly options: () => S3HttpOptions;

    constructor(options: S3HttpOptions | (() => S3HttpOptions)) {
        this.options = typeof options === "function" ? options : () => options;
    }

    async putObject(input: PutObjectInput): Promise<void> {
        const headers: Record<string, string> = { "content-type": input.contentType };
        for (const [name, value] of Object.entries(input.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
        if (input.kms) {
            headers["x-amz-server-side-encryption"] = "aws:kms";
            if (input.kms.keyId) headers["x-amz-server-side-encryption-aws-kms-key-id"] = input.kms.keyId;
        }
        if (input.ifNoneMatch) headers["if-none-match"] = input.ifNoneMatch;
        const response = await this.send({
            operation: "PutObject",
            bucket: input.bucket,
            key: input.key,
            method: "PUT",
            headers,
            body: input.body,
        });
        await response.body?.cancel();
    }

    async getObject(bucket: string, key: string): Promise<S3Object> {
        const response = await this.send({ operation: "GetObject", bucket, key, method: "GET" });
        const body = Buffer.from(await response.arrayBuffer());
        const metadata: Record<string, string> = {};
        for (const [name, value] of response.headers)
            if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
        return { body, contentType: response.headers.get("content-type") ?? undefined, metadata };
    }

    async deleteObjects(bucket: string, objects: readonly ObjectIdentifier[]): Promise<DeleteError[]> {
        if (objects.length === 0) return [];
        if (objects.length > DELETE_LIMIT) throw new Error(`S3 DeleteObjects takes at most ${DELETE_LIMIT} objects, got ${objects.length}`);
        const body =
            '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>' +
            objects
                .map(
                    (o) =>
                        `<Object><Key>${escapeXml(o.key)}</Key>${o.versionId !== undefined ? `<VersionId>${escapeXml(o.versionId)}</VersionId>` : ""}</Object>`,
                )
                .join("") +
            "</Delete>";
        const response = await this.send({
            operation: "DeleteObjects",
            bucket,
            method: "POST",
            query: "delete",
            headers: { "content-type": "application/xml", "content-md5": createHash("md5").update(body).digest("base64") },
            body,
        });
        const result = await this.readResult(response, "DeleteObjects", bucket, "DeleteResult");
        return childElements(result, "Error").map((error) => ({
            key: childText(error, "Key") ?? "",
            ...(childText(error, "VersionId") ? { versionId: childText(error, "VersionId") } : {}),
            code: childText(error, "Code") ?? "UnknownError",
            ...(childText(error, "Message") ? { message: childText(error, "Message") } : {}),
        }));
    }

    async listObjectVersions(
        bucket: string,
        input: { prefix?: string; keyMarker?: string; versionIdMarker?: string },
    ): Promise<ObjectVersionPage> {
        const response = await this.send({
            operation: "ListObjectVersions",
            bucket,
            method: "GET",
            query: query({ versions: "", prefix: input.prefix, "key-marker": input.keyMarker, "version-id-marker": input.versionIdMarker }),
        });
        const result = await this.readResult(response, "ListObjectVersions", bucket, "ListVersionsResult");
        const versions: ObjectVersionPage["versions"] = [];
        for (const entry of [...childElements(result, "Version"), ...childElements(result, "DeleteMarker")]) {
            const key = childText(entry, "Key");
            const versionId = childText(entry, "VersionId");
            if (key !== undefined)
                versions.push({ key, ...(versionId !== undefined ? { versionId } : {}), deleteMarker: entry.name === "DeleteMarker" });
        }
        const nextKeyMarker = childText(result, "NextKeyMarker");
        const nextVersionIdMarker = childText(result, "NextVersionIdMarker");
        return {
            versions,
            isTruncated: childText(result, "IsTruncated") === "true",
            ...(nextKeyMarker !== undefined ? { nextKeyMarker } : {}),
            ...(nextVersionIdMarker !== undefined ? { nextVersionIdMarker } : {}),
        };
    }

    /** The root element of a 200 answer's XML, which must be `rootName`. */
    private async readResult(response: Response, operation: string, bucket: string, rootName: string) {
        const text = await response.text();
        const xml = readXml(text);
        if (!xml.ok) throw new Error(`S3 ${operation} ${target(bucket, undefined)}: unreadable XML answer: ${xml.error.message}`);
        if (xml.root.name === "Error") throw this.errorOf(xml.root, operation, bucket, undefined, response.status);
        if (xml.root.name !== rootName)
            throw new Error(`S3 ${operation} ${target(bucket, undefined)}: expected ${rootName}, got ${xml.root.name}`);
        return xml.root;
    }

    private errorOf(
        error: XmlElement | undefined,
        operation: string,
        bucket: string,
        key: string | undefined,
        status: number,
        requestId?: string,
    ): S3Error {
        const code = (error && childText(error, "Code")) || STATUS_CODES[status] || `Http${status}`;
        const message = (error && childText(error, "Message")) || undefined;
        return new S3Error(operation, bucket, key, status, code, message, (error && childText(error, "RequestId")) || requestId);
    }

    private async send(request: Request): Promise<Response> {
        const options = this.options();
        const region = options.region;
        if (!region) throw new Error("S3: region is missing (AWS_REGION)");
        const credentials = options.credentials;
        if (!credentials)
            throw new Error("S3: no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN) are not set");
        const signer = this.signerFor(credentials, region);
        const url = new URL(
            objectUrl({ region, endpoint: options.endpoint }, request.bucket, request.key) + (request.query ? `?${request.query}` : ""),
        );
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
                // Already encoded once (encodeKey), as S3 signs it: the signer must not encode it again (uriEscapePath).
                path: url.pathname,
                query,
                headers: { ...request.headers, host: url.host, "x-amz-content-sha256": sha256Hex(request.body ?? "") },
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
                    // A redirect (bucket in another region) is S3's answer to report, not a URL to send the signed request to.
                    redirect: "manual",
                });
            } catch (error) {
                // fetch rejects with a TypeError when no answer came (connection refused or reset, DNS): retried.
                if (!(error instanceof TypeError)) throw error;
                failure = error;
            }
            const retryable = response === undefined || response.status >= 500 || response.status === 429;
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
                throw new Error(
                    `S3 ${request.operation} ${target(request.bucket, request.key)}: request failed: ${error.message}${cause}`,
                    {
                        cause: error,
                    },
                );
            }
            if (response.status >= 200 && response.status < 300) return response;
            const text = await response.text().catch(() => "");
            const xml = text ? readXml(text) : undefined;
            throw this.errorOf(
                xml?.ok && xml.root.name === "Error" ? xml.root : undefined,
                request.operation,
                request.bucket,
                request.key,
                response.status,
                response.headers.get("x-amz-request-id") ?? undefined,
            );
        }
    }

    /** One signer per credentials and region (it caches the derived signing key per day). */
    private signerFor(credentials: S3Credentials, region: string): SignatureV4 {
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
            service: "s3",
            region,
            credentials,
            sha256: NodeSha256,
            uriEscapePath: false,
            applyChecksum: false,
        });
        this.signer = { signer, credentials, region };
        return signer;
    }
}
