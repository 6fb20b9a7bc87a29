import { createHash, createHmac } from "node:crypto";
import type { ServerResponse } from "node:http";
import { ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { expect } from "chai";
import { encodeKey, objectUrl, s3ErrorFields, S3Error, S3Http } from "../../../lambdas/adapters/s3-http";
import { S3ObjectEraser } from "../../../lambdas/adapters/s3-object-eraser";
import { S3RawStore } from "../../../lambdas/adapters/s3-raw-store";
import { stubAwsService } from "../../support/aws-stub";
import { LOCAL_REGION, startLocalAws } from "../../support/localAws";
import { rejectionOf, uniqueName } from "./fixtures";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token/+=" };

/** Keys S3 allows that need encoding: spaces, `+`, unicode, reserved and XML-special characters. */
const AWKWARD_KEYS = [
    "with space/and+plus.json",
    "ümlaut/日本語 ключ.json",
    "reserved/q?x#y&z=1;a,b@c$d:e'(f)*!~.json",
    'xml/<tag> & "quote".json',
    "percent/100%25 %.json",
];

function xmlAnswer(res: ServerResponse, status: number, xml: string): void {
    res.writeHead(status, { "content-type": "application/xml", "x-amz-request-id": "REQ123" });
    res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
    if (typeof data === "string") return data;
    return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** SHA-256 and HMAC for @smithy/signature-v4, on node:crypto. */
class NodeSha256 {
    private readonly hash;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void {
        this.hash.update(bytes(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
}

describe("S3Http", function () {
    describe("addressing", function () {
        it("encodes each key segment per RFC 3986 and keeps the slashes", function () {
            expect(encodeKey("a b/c+d/ü/x'(y)*!~.json")).to.equal("a%20b/c%2Bd/%C3%BC/x%27%28y%29%2A%21~.json");
            expect(encodeKey("percent%2F/q?#")).to.equal("percent%252F/q%3F%23");
            expect(() => encodeKey("a/../b")).to.throw(/"\." or "\.\." segment/);
            expect(() => encodeKey("")).to.throw(/empty/);
        });

        it("is virtual-hosted on AWS and on a named endpoint, path style on an IP endpoint or for a dotted bucket", function () {
            expect(objectUrl({ region: "eu-central-1" }, "raw-data-1", "a b.json")).to.equal(
                "https://raw-data-1.s3.eu-central-1.amazonaws.com/a%20b.json",
            );
            expect(objectUrl({ region: "eu-central-1" }, "raw-data-1")).to.equal("https://raw-data-1.s3.eu-central-1.amazonaws.com/");
            expect(objectUrl({ region: "eu-central-1" }, "my.dotted.bucket", "k")).to.equal(
                "https://s3.eu-central-1.amazonaws.com/my.dotted.bucket/k",
            );
            expect(objectUrl({ region: "eu-central-1", endpoint: "http://127.0.0.1:4566/" }, "raw", "k/1.json")).to.equal(
                "http://127.0.0.1:4566/raw/k/1.json",
            );
            expect(objectUrl({ region: "eu-central-1", endpoint: "http://127.0.0.1:4566" }, "raw")).to.equal("http://127.0.0.1:4566/raw");
            expect(objectUrl({ region: "eu-central-1", endpoint: "http://s3.localhost:4566" }, "raw", "k")).to.equal(
                "http://raw.s3.localhost:4566/k",
            );
        });

        it("reads region, endpoint and credentials from the Lambda environment, and says which are missing", async function () {
            const { endpoint, requests, server } = await stubAwsService((_request, res) => xmlAnswer(res, 200, "<ok/>"));
            try {
                const env = {
                    AWS_REGION: "eu-west-1",
                    AWS_ENDPOINT_URL_S3: endpoint,
                    AWS_ACCESS_KEY_ID: "AKID",
                    AWS_SECRET_ACCESS_KEY: "secret",
                    AWS_SESSION_TOKEN: "session",
                };
                await S3Http.fromEnvironment(env).putObject({ bucket: "b", key: "k", body: "x", contentType: "text/plain" });
                expect(requests[0]!.url).to.equal("/b/k");
                expect(requests[0]!.headers["authorization"]).to.match(
                    /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/s3\/aws4_request, /,
                );
                expect(requests[0]!.headers["x-amz-security-token"]).to.equal("session");

                const noCredentials = await rejectionOf(S3Http.fromEnvironment({ AWS_REGION: "eu-west-1" }).getObject("b", "k"));
                expect(noCredentials.message).to.contain("AWS_ACCESS_KEY_ID").and.contain("AWS_SECRET_ACCESS_KEY");
                const noRegion = await rejectionOf(
                    S3Http.fromEnvironment({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }).getObject("b", "k"),
                );
                expect(noRegion.message).to.contain("AWS_REGION");
            } finally {
                server.close();
            }
        });
    });

    describe("error documents", function () {
        it("reads Code, Message and RequestId of S3's <Error>, decoding XML's references", () => {
            const xml =
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>User &apos;a&apos; &amp; role &lt;r&gt; &#x2014; denied &#8364;</Message><RequestId>R1</RequestId><HostId>h</HostId></Error>';
            expect(s3ErrorFields(xml)).to.deep.equal({
                code: "AccessDenied",
                message: "User 'a' & role <r> \u2014 denied \u20ac",
                requestId: "R1",
            });
        });

        it("gives no fields for anything that is not S3's error document", () => {
            for (const text of ["", "<html><body>Bad gateway</body></html>", "<ErrorDocument><Code>X</Code></ErrorDocument>", "Code: X"])
                expect(s3ErrorFields(text), text).to.deep.equal({});
            // An out-of-range character reference stays as written.
            expect(s3ErrorFields("<Error><Message>a &#x110000; b</Message></Error>").message).to.equal("a &#x110000; b");
        });
    });

    describe("against fauxqs", function () {
        let s3: S3Client;
        let s3Http: S3Http;
        let bucket: string;

        before(async function () {
            const aws = await startLocalAws();
            s3 = aws.s3Client();
            s3Http = aws.s3Http();
            bucket = await aws.createBucket(uniqueName("s3http"));
        });

        it("puts and gets an object with its content type and metadata", async function () {
            const body = Buffer.from([0, 1, 2, 250, 255]);
            await s3Http.putObject({
                bucket,
                key: "roundtrip/a.bin",
                body,
                contentType: "application/octet-stream",
                metadata: { source: "reddit", "fetched-by": "ingest" },
                kms: { keyId: "alias/key" },
            });
            const got = await s3Http.getObject(bucket, "roundtrip/a.bin");
            expect(got.body.equals(body)).to.equal(true);
            expect(got.contentType).to.equal("application/octet-stream");
            expect(got.metadata).to.deep.equal({ source: "reddit", "fetched-by": "ingest" });
            await s3Http.putObject({ bucket, key: "roundtrip/b.json", body: '{"ü":1}', contentType: "application/json" });
            expect((await s3Http.getObject(bucket, "roundtrip/b.json")).body.toString("utf8")).to.equal('{"ü":1}');
        });

        it("names a missing key NoSuchKey with the operation, bucket, key and status; S3RawStore answers undefined", async function () {
            const error = await rejectionOf(s3Http.getObject(bucket, "missing/none.json"));
            expect(error).to.be.instanceOf(S3Error);
            expect(error.name).to.equal("NoSuchKey");
            expect((error as S3Error).statusCode).to.equal(404);
            expect(error.message).to.contain("GetObject").and.contain(`s3://${bucket}/missing/none.json`).and.contain("HTTP 404");
            expect(await new S3RawStore(bucket, s3Http).get("missing/none.json")).to.equal(undefined);
        });

        it("stores keys with spaces, unicode, + and reserved characters under exactly that key", async function () {
            for (const key of AWKWARD_KEYS) {
                await s3Http.putObject({ bucket, key, body: key, contentType: "text/plain" });
                expect((await s3Http.getObject(bucket, key)).body.toString("utf8"), key).to.equal(key);
            }
            const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
            const keys = (listed.Contents ?? []).map((o) => o.Key);
            for (const key of AWKWARD_KEYS) expect(keys, key).to.include(key);
            // An object the SDK wrote is read back under the same key.
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "sdk/a b+c ü.json", Body: "sdk" }));
            expect((await s3Http.getObject(bucket, "sdk/a b+c ü.json")).body.toString()).to.equal("sdk");

            expect(
                await s3Http.deleteObjects(
                    bucket,
                    AWKWARD_KEYS.map((key) => ({ key })),
                ),
            ).to.deep.equal([]);
            const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
            for (const key of AWKWARD_KEYS)
                expect(
                    (after.Contents ?? []).map((o) => o.Key),
                    key,
                ).not.to.include(key);
        });

        it("deletes more than 1000 keys through the stores in chunks, and refuses more than 1000 in one call", async function () {
            this.timeout(60_000);
            const keys = Array.from({ length: 1001 }, (_, i) => `many/${i}.json`);
            await Promise.all(keys.map((key) => s3Http.putObject({ bucket, key, body: "{}", contentType: "application/json" })));
            expect(await new S3ObjectEraser(bucket, s3Http, { purgeVersions: false }).erase(keys)).to.equal(1001);
            const left = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "many/" }));
            expect(left.Contents ?? []).to.deep.equal([]);
            const tooMany = await rejectionOf(
                s3Http.deleteObjects(
                    bucket,
                    keys.map((key) => ({ key })),
                ),
            );
            expect(tooMany.message).to.contain("at most 1000");
        });
    });

    describe("against a recorded S3 (behaviour fauxqs lacks)", function () {
        it("sends If-None-Match and turns S3's 412 into a PreconditionFailed error; S3ObjectEraser refuses to overwrite", async function () {
            const { endpoint, requests, server } = await stubAwsService((_request, res) =>
                xmlAnswer(
                    res,
                    412,
                    "<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Condition>If-None-Match</Condition><RequestId>R1</RequestId></Error>",
                ),
            );
            try {
                const s3 = new S3Http({ region: LOCAL_REGION, endpoint, credentials: CREDENTIALS });
                const error = await rejectionOf(
                    s3.putObject({ bucket: "eval", key: "erasures/x.json", body: "{}", contentType: "application/json", ifNoneMatch: "*" }),
                );
                expect(error.name).to.equal("PreconditionFailed");
                expect(error.message).to.equal(
                    "S3 PutObject s3://eval/erasures/x.json failed: HTTP 412 PreconditionFailed: At least one of the pre-conditions you specified did not hold",
                );
                expect((error as S3Error).requestId).to.equal("R1");
                expect(requests[0]!.headers["if-none-match"]).to.equal("*");
                const refused = await rejectionOf(new S3ObjectEraser("eval", s3).putOnce("erasures/x.json", {}));
                expect(refused.name).to.equal("ObjectExistsError");
            } finally {
                server.close();
            }
        });

        it("names errors by S3's Code, by the status when the body is not S3's XML, and retries 5xx and dropped connections", async function () {
            let calls = 0;
            const { endpoint, server } = await stubAwsService((request, res) => {
                calls++;
                if (request.url.startsWith("/b/denied")) {
                    xmlAnswer(res, 403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
                } else if (request.url.startsWith("/b/gone")) {
                    res.writeHead(404).end();
                } else if (request.url.startsWith("/b/flaky") && calls % 3 !== 0) {
                    if (calls % 3 === 1) res.writeHead(503, { "content-type": "text/html" }).end("<html>busy</html>");
                    else res.socket!.destroy();
                } else {
                    res.writeHead(200, { "content-type": "text/plain" }).end("ok");
                }
            });
            try {
                const s3 = new S3Http({ region: LOCAL_REGION, endpoint, credentials: CREDENTIALS });
                const denied = await rejectionOf(s3.getObject("b", "denied.json"));
                expect([denied.name, denied.message]).to.deep.equal([
                    "AccessDenied",
                    "S3 GetObject s3://b/denied.json failed: HTTP 403 AccessDenied: Access Denied",
                ]);
                const gone = await rejectionOf(s3.getObject("b", "gone.json"));
                expect([gone.name, gone.message]).to.deep.equal(["NotFound", "S3 GetObject s3://b/gone.json failed: HTTP 404 NotFound"]);

                calls = 0;
                expect((await s3.getObject("b", "flaky.json")).body.toString()).to.equal("ok");
                expect(calls).to.equal(3);
            } finally {
                server.close();
            }
        });

        it("signs requests as the SDK's SigV4 signer does, for awkward keys and queries", async function () {
            const { endpoint, requests, server } = await stubAwsService((request, res) =>
                request.url.includes("?versions")
                    ? xmlAnswer(res, 200, "<ListVersionsResult><IsTruncated>false</IsTruncated></ListVersionsResult>")
                    : res.writeHead(200).end(),
            );
            try {
                const s3 = new S3Http({ region: LOCAL_REGION, endpoint, credentials: CREDENTIALS });
                for (const key of AWKWARD_KEYS)
                    await s3.putObject({ bucket: "raw", key, body: `body of ${key}`, contentType: "text/plain", metadata: { a: "1" } });
                await s3.listObjectVersions("raw", { prefix: "a b+c/ü", keyMarker: "k'(*)", versionIdMarker: "v+/=" });
                const sdk = new SignatureV4({
                    service: "s3",
                    region: LOCAL_REGION,
                    credentials: CREDENTIALS,
                    sha256: NodeSha256,
                    uriEscapePath: false,
                });
                for (const request of requests) {
                    const authorization = String(request.headers["authorization"]);
                    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
                    const url = new URL(request.url, endpoint);
                    const query: Record<string, string> = {};
                    for (const [name, value] of url.searchParams) query[name] = value;
                    const headers = Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])]));
                    const amzDate = String(request.headers["x-amz-date"]);
                    const signingDate = new Date(
                        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
                    );
                    const signed = await sdk.sign(
                        {
                            method: request.method,
                            protocol: "http:",
                            hostname: url.hostname,
                            port: Number(url.port),
                            path: url.pathname,
                            query,
                            headers,
                        },
                        { signingDate },
                    );
                    const expected = /Signature=([0-9a-f]+)/.exec(String(signed.headers["authorization"]))![1];
                    expect(/Signature=([0-9a-f]+)/.exec(authorization)![1], `${request.method} ${request.url}`).to.equal(expected);
                    // The payload is signed: the header is the body's SHA-256.
                    expect(request.headers["x-amz-content-sha256"]).to.equal(createHash("sha256").update(request.body).digest("hex"));
                }
                expect(requests.at(-1)!.url).to.equal(
                    "/raw?versions&prefix=a%20b%2Bc%2F%C3%BC&key-marker=k%27%28%2A%29&version-id-marker=v%2B%2F%3D",
                );
            } finally {
                server.close();
            }
        });

        it("lists object versions page by page; the eraser deletes exactly the key's versions and reports S3's per-key errors", async function () {
            const pages = [
                `<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>raw</Name><Prefix>a.json</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>
                  <NextKeyMarker>a.json</NextKeyMarker><NextVersionIdMarker>v2</NextVersionIdMarker><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
                  <Version><Key>a.json</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest></Version>
                  <DeleteMarker><Key>a.json</Key><VersionId>m1</VersionId><IsLatest>false</IsLatest></DeleteMarker>
                  <Version><Key>a.json</Key><VersionId>v2</VersionId><IsLatest>false</IsLatest></Version></ListVersionsResult>`,
                `<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>raw</Name><IsTruncated>false</IsTruncated>
                  <Version><Key>a.json</Key><VersionId>v3</VersionId></Version><Version><Key>a.json.bak</Key><VersionId>x1</VersionId></Version></ListVersionsResult>`,
            ];
            const { endpoint, requests, server } = await stubAwsService((request, res) => {
                if (request.method === "GET") return xmlAnswer(res, 200, pages.shift()!);
                xmlAnswer(
                    res,
                    200,
                    `<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>a.json</Key><VersionId>v3</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`,
                );
            });
            try {
                const s3 = new S3Http({ region: LOCAL_REGION, endpoint, credentials: CREDENTIALS });
                const error = await rejectionOf(new S3ObjectEraser("raw", s3).erase(["a.json"]));
                expect(error.message).to.equal("Could not delete 1 object versions from raw: a.json@v3 (AccessDenied)");
                expect(requests.map((r) => `${r.method} ${r.url}`)).to.deep.equal([
                    "GET /raw?versions&prefix=a.json",
                    "GET /raw?versions&prefix=a.json&key-marker=a.json&version-id-marker=v2",
                    "POST /raw?delete",
                ]);
                const del = requests[2]!;
                expect(del.headers["content-md5"]).to.equal(createHash("md5").update(del.body).digest("base64"));
                expect(del.body.toString()).to.equal(
                    '<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>' +
                        ["v1", "v2", "m1", "v3"].map((v) => `<Object><Key>a.json</Key><VersionId>${v}</VersionId></Object>`).join("") +
                        "</Delete>",
                );
            } finally {
                server.close();
            }
        });

        it("escapes keys in the DeleteObjects body", async function () {
            const { endpoint, requests, server } = await stubAwsService((_request, res) => xmlAnswer(res, 200, "<DeleteResult/>"));
            try {
                const s3 = new S3Http({ region: LOCAL_REGION, endpoint, credentials: CREDENTIALS });
                expect(await s3.deleteObjects("raw", [{ key: `a<&>"'\nb.json` }])).to.deep.equal([]);
                expect(requests[0]!.body.toString()).to.contain(`<Key>a&lt;&amp;&gt;"'&#xA;b.json</Key>`);
            } finally {
                server.close();
            }
        });
    });
});
