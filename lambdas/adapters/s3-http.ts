/**
 * The S3 calls of the Lambda functions as plain REST requests over the signed-fetch core of aws-http.ts — in place of
 * @aws-sdk/client-s3, which put ~117 KB into every bundle that touched S3 (flexible checksums, S3 Express, the endpoint
 * rules, the restXml protocol, stream utilities) for four operations: PutObject, GetObject, DeleteObjects and
 * ListObjectVersions. (aws4fetch, tried first, signs as well but added 7.4 KB of its own.)
 *
 * Each operation is a function over an S3Core (configuration, URL building, error mapping), so that a bundle carries only
 * the operations its handler calls: S3Http (all four, as methods) is what admin and the tests use; the writers of
 * aws-clients.ts hold PutObject alone (class methods could not be left out by esbuild).
 *
 * Configuration (aws-http.ts): region, credentials, and the endpoint AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else
 * `https://<bucket>.s3.<region>.amazonaws.com`. A configured endpoint is addressed as the SDK addresses it: path style
 * (`<endpoint>/<bucket>/<key>`) when its host is an IP address (the tests' fauxqs on 127.0.0.1) or the bucket name is not
 * a DNS label, else virtual-hosted (`<bucket>.<endpoint host>`: the pipeline tests and the bench point
 * AWS_ENDPOINT_URL_S3 at `http://s3.localhost:<port>`, and fauxqs takes the first label of any dotted host name as the
 * bucket).
 *
 * Payloads are signed (x-amz-content-sha256 is the body's SHA-256); DeleteObjects carries Content-MD5 as S3 requires.
 * Retries as aws-http.ts (5xx, 429, no answer). A non-2xx answer becomes an S3Error named by S3's error `<Code>`
 * (NoSuchKey, PreconditionFailed, AccessDenied, …), as the SDK names its exceptions; without an S3 error body, by the
 * status (NotFound, Forbidden, …).
 */
import { createHash } from "node:crypto";
import { type AwsCredentials, AwsHttp, type AwsHttpOptions, awsEnvironment, uriEncode } from "./aws-http";
import { childElements, childText, readXml, type XmlElement } from "../shared/xml";

export type S3Credentials = AwsCredentials;
export type S3HttpOptions = AwsHttpOptions;

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

/** One S3 request, as the operation functions describe it to S3Core.send. */
export interface S3Request {
    operation: string;
    bucket: string;
    key?: string;
    method: "GET" | "PUT" | "POST";
    /** Query string without "?", e.g. "delete". */
    query?: string;
    headers?: Record<string, string>;
    body?: string | Uint8Array;
}

/** Configuration, URLs and errors of the S3 requests; the operations are the functions below. */
export class S3Core {
    /** Configured from the environment (aws-http.ts), read at each request. */
    static fromEnvironment<T>(this: new (options: () => S3HttpOptions) => T, env: NodeJS.ProcessEnv = process.env): T {
        return new this(awsEnvironment("S3", env));
    }

    private readonly http: AwsHttp;

    constructor(options: S3HttpOptions | (() => S3HttpOptions)) {
        this.http = new AwsHttp({ signingName: "s3", label: "S3", uriEscapePath: false }, options);
    }

    /** A 2xx answer; any other becomes an S3Error. For the operation functions of this module. */
    async send(request: S3Request): Promise<Response> {
        const body = request.body ?? "";
        const response = await this.http.send({
            what: `S3 ${request.operation} ${target(request.bucket, request.key)}`,
            method: request.method,
            url: (options) => objectUrl(options, request.bucket, request.key) + (request.query ? `?${request.query}` : ""),
            headers: { ...request.headers, "x-amz-content-sha256": createHash("sha256").update(body).digest("hex") },
            ...(request.body !== undefined ? { body: request.body } : {}),
        });
        if (response.status >= 200 && response.status < 300) return response;
        const text = await response.text().catch(() => "");
        throw errorOf(
            s3ErrorFields(text),
            request.operation,
            request.bucket,
            request.key,
            response.status,
            response.headers.get("x-amz-request-id") ?? undefined,
        );
    }
}

/**
 * Code, Message and RequestId of S3's error document (`<Error><Code>…</Code><Message>…</Message>…</Error>`), read
 * without the XML parser, so that the bundles that only put objects do not carry it (~14.5 KB): S3 writes these as
 * plain text elements, escaped only with XML's predefined and numeric references, which are decoded here. Any other
 * text (an empty HEAD answer, a proxy's HTML page) gives no fields, and the error is named by its HTTP status.
 */
export function s3ErrorFields(text: string): { code?: string; message?: string; requestId?: string } {
    if (!/^\s*(?:<\?xml[^>]*\?>\s*)?<Error>/.test(text)) return {};
    const field = (name: string): string | undefined => {
        const value = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
        return value ? decodeXmlText(value) : undefined;
    };
    const code = field("Code");
    const message = field("Message");
    const requestId = field("RequestId");
    return { ...(code ? { code } : {}), ...(message ? { message } : {}), ...(requestId ? { requestId } : {}) };
}

const PREDEFINED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
    return text.replace(
        /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(amp|lt|gt|quot|apos));/g,
        (reference, hex?: string, decimal?: string, name?: string) => {
            if (name) return PREDEFINED_ENTITIES[name]!;
            const codePoint = hex ? parseInt(hex, 16) : Number(decimal);
            return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : reference;
        },
    );
}

function errorOf(
    fields: { code?: string; message?: string; requestId?: string },
    operation: string,
    bucket: string,
    key: string | undefined,
    status: number,
    requestId?: string,
): S3Error {
    const code = fields.code || STATUS_CODES[status] || `Http${status}`;
    return new S3Error(operation, bucket, key, status, code, fields.message, fields.requestId || requestId);
}

/** The root element of a 200 answer's XML, which must be `rootName`. */
async function readResult(response: Response, operation: string, bucket: string, rootName: string): Promise<XmlElement> {
    const text = await response.text();
    const xml = readXml(text);
    if (!xml.ok) throw new Error(`S3 ${operation} ${target(bucket, undefined)}: unreadable XML answer: ${xml.error.message}`);
    if (xml.root.name === "Error") throw errorOf(s3ErrorFields(text), operation, bucket, undefined, response.status);
    if (xml.root.name !== rootName)
        throw new Error(`S3 ${operation} ${target(bucket, undefined)}: expected ${rootName}, got ${xml.root.name}`);
    return xml.root;
}

export async function putObject(s3: S3Core, input: PutObjectInput): Promise<void> {
    const headers: Record<string, string> = { "content-type": input.contentType };
    for (const [name, value] of Object.entries(input.metadata ?? {})) headers[`x-amz-meta-${name}`] = value;
    if (input.kms) {
        headers["x-amz-server-side-encryption"] = "aws:kms";
        if (input.kms.keyId) headers["x-amz-server-side-encryption-aws-kms-key-id"] = input.kms.keyId;
    }
    if (input.ifNoneMatch) headers["if-none-match"] = input.ifNoneMatch;
    const response = await s3.send({
        operation: "PutObject",
        bucket: input.bucket,
        key: input.key,
        method: "PUT",
        headers,
        body: input.body,
    });
    await response.body?.cancel();
}

/** Throws an S3Error named NoSuchKey when the key does not exist. */
export async function getObject(s3: S3Core, bucket: string, key: string): Promise<S3Object> {
    const response = await s3.send({ operation: "GetObject", bucket, key, method: "GET" });
    const body = Buffer.from(await response.arrayBuffer());
    const metadata: Record<string, string> = {};
    for (const [name, value] of response.headers) if (name.startsWith("x-amz-meta-")) metadata[name.slice("x-amz-meta-".length)] = value;
    return { body, contentType: response.headers.get("content-type") ?? undefined, metadata };
}

/** Quiet mode: only the keys S3 could not delete come back. At most 1000 objects. */
export async function deleteObjects(s3: S3Core, bucket: string, objects: readonly ObjectIdentifier[]): Promise<DeleteError[]> {
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
    const response = await s3.send({
        operation: "DeleteObjects",
        bucket,
        method: "POST",
        query: "delete",
        headers: { "content-type": "application/xml", "content-md5": createHash("md5").update(body).digest("base64") },
        body,
    });
    const result = await readResult(response, "DeleteObjects", bucket, "DeleteResult");
    return childElements(result, "Error").map((error) => ({
        key: childText(error, "Key") ?? "",
        ...(childText(error, "VersionId") ? { versionId: childText(error, "VersionId") } : {}),
        code: childText(error, "Code") ?? "UnknownError",
        ...(childText(error, "Message") ? { message: childText(error, "Message") } : {}),
    }));
}

export async function listObjectVersions(
    s3: S3Core,
    bucket: string,
    input: { prefix?: string; keyMarker?: string; versionIdMarker?: string },
): Promise<ObjectVersionPage> {
    const response = await s3.send({
        operation: "ListObjectVersions",
        bucket,
        method: "GET",
        query: query({ versions: "", prefix: input.prefix, "key-marker": input.keyMarker, "version-id-marker": input.versionIdMarker }),
    });
    const result = await readResult(response, "ListObjectVersions", bucket, "ListVersionsResult");
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

/** Every operation, as methods: for admin (erasure) and the tests. A bundle with this class carries all four. */
export class S3Http extends S3Core implements S3Api {
    putObject(input: PutObjectInput): Promise<void> {
        return putObject(this, input);
    }
    getObject(bucket: string, key: string): Promise<S3Object> {
        return getObject(this, bucket, key);
    }
    deleteObjects(bucket: string, objects: readonly ObjectIdentifier[]): Promise<DeleteError[]> {
        return deleteObjects(this, bucket, objects);
    }
    listObjectVersions(
        bucket: string,
        input: { prefix?: string; keyMarker?: string; versionIdMarker?: string },
    ): Promise<ObjectVersionPage> {
        return listObjectVersions(this, bucket, input);
    }
}

/** PutObject alone, for the functions that only write (ingest, score, fuse, evaluate): GetObject, DeleteObjects and ListObjectVersions stay out of their bundles. */
export function s3Writer(s3: S3Core): Pick<S3Api, "putObject"> {
    return { putObject: (input) => putObject(s3, input) };
}
