import type { ServerResponse } from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import { expect } from "chai";
import * as z from "zod";
import { AwsServiceError, NodeSha256 } from "../../../lambdas/adapters/aws-http";
import { SecretReader } from "../../../lambdas/adapters/secrets";
import { SecretsManagerHttp } from "../../../lambdas/adapters/secrets-http";
import { jsonAnswer as answer, type RecordedRequest as Recorded, stubAwsService as stubSecretsManager } from "../../support/aws-stub";
import { rejectionOf } from "./fixtures";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token/+=" };
const REGION = "eu-central-1";
const VALUE = "s3cr3t-Pa55w0rd-never-shown";
const ARN = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:prod/reddit-AbCdEf";

function jsonAnswer(res: ServerResponse, status: number, body: unknown): void {
    answer(res, status, body, { "content-type": "application/x-amz-json-1.1" });
}

/** Answers like Secrets Manager for `secrets` (ARN → SecretString, or `{binary}` for a SecretBinary-only secret). */
function secretsManagerLike(secrets: Record<string, string | { binary: string }>) {
    return (request: Recorded, res: ServerResponse) => {
        if (request.headers["x-amz-target"] !== "secretsmanager.GetSecretValue")
            return jsonAnswer(res, 400, { __type: "InvalidRequestException", message: "bad target" });
        const { SecretId } = JSON.parse(request.text) as { SecretId: string };
        const secret = secrets[SecretId];
        if (secret === undefined)
            return jsonAnswer(res, 400, {
                __type: "com.amazonaws.secretsmanager#ResourceNotFoundException",
                Message: "Secrets Manager can't find the specified secret.",
            });
        const value = typeof secret === "string" ? { SecretString: secret } : { SecretBinary: secret.binary };
        jsonAnswer(res, 200, {
            ARN: SecretId,
            Name: "prod/reddit",
            VersionId: "v1",
            VersionStages: ["AWSCURRENT"],
            CreatedDate: 1.7e9,
            ...value,
        });
    };
}

const credentials = z.strictObject({ clientId: z.string(), clientSecret: z.string() });

describe("SecretsManagerHttp", function () {
    it("reads a secret string, POSTing GetSecretValue as AWS JSON 1.1 signed for secretsmanager", async function () {
        const { endpoint, requests, server } = await stubSecretsManager(
            secretsManagerLike({ [ARN]: JSON.stringify({ clientId: "app", clientSecret: VALUE }) }),
        );
        try {
            const client = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS });
            expect(await new SecretReader(client).read(ARN, credentials)).to.deep.equal({ clientId: "app", clientSecret: VALUE });
            expect(requests).to.have.length(1);
            const request = requests[0]!;
            expect([request.method, request.url]).to.deep.equal(["POST", "/"]);
            expect(request.headers["content-type"]).to.equal("application/x-amz-json-1.1");
            expect(request.headers["x-amz-target"]).to.equal("secretsmanager.GetSecretValue");
            expect(JSON.parse(request.text)).to.deep.equal({ SecretId: ARN });
            expect(request.headers["x-amz-security-token"]).to.equal(CREDENTIALS.sessionToken);
            const authorization = String(request.headers["authorization"]);
            expect(authorization).to.match(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-central-1\/secretsmanager\/aws4_request, /);
            const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
            expect(signedHeaders).to.include.members(["content-type", "host", "x-amz-date", "x-amz-security-token", "x-amz-target"]);

            // The signature is the SDK signer's for the same request (payload hashed into it, no x-amz-content-sha256 header).
            expect(request.headers["x-amz-content-sha256"]).to.equal(undefined);
            const amzDate = String(request.headers["x-amz-date"]);
            const signingDate = new Date(
                `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
            );
            const url = new URL(endpoint);
            const sdk = new SignatureV4({
                service: "secretsmanager",
                region: REGION,
                credentials: CREDENTIALS,
                sha256: NodeSha256,
                applyChecksum: false,
            });
            const signed = await sdk.sign(
                {
                    method: "POST",
                    protocol: "http:",
                    hostname: url.hostname,
                    port: Number(url.port),
                    path: "/",
                    query: {},
                    headers: Object.fromEntries(signedHeaders.map((name) => [name, String(request.headers[name])])),
                    body: request.text,
                },
                { signingDate },
            );
            expect(/Signature=([0-9a-f]+)/.exec(authorization)![1]).to.equal(
                /Signature=([0-9a-f]+)/.exec(String(signed.headers["authorization"]))![1],
            );
        } finally {
            server.close();
        }
    });

    it("names errors by their type without the namespace prefix; SecretReader reports the name only", async function () {
        const { endpoint, server } = await stubSecretsManager((request, res) => {
            const { SecretId } = JSON.parse(request.text) as { SecretId: string };
            if (SecretId === "denied")
                return jsonAnswer(res, 400, {
                    __type: "AccessDeniedException:http://internal.amazon.com/coral/",
                    message: `User is not authorized to read ${VALUE.length} chars`,
                });
            secretsManagerLike({})(request, res);
        });
        try {
            const client = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS });
            const missing = await rejectionOf(client.getSecretString("prod/missing"));
            expect(missing).to.be.instanceOf(AwsServiceError);
            expect([missing.name, missing.message]).to.deep.equal([
                "ResourceNotFoundException",
                "Secrets Manager GetSecretValue failed: HTTP 400 ResourceNotFoundException: Secrets Manager can't find the specified secret.",
            ]);
            expect((missing as AwsServiceError).requestId).to.equal("REQ-1");
            const denied = await rejectionOf(client.getSecretString("denied"));
            expect(denied.name).to.equal("AccessDeniedException");

            const reader = new SecretReader(client);
            expect((await rejectionOf(reader.read("prod/missing", credentials))).message).to.equal(
                'Secret "prod/missing" could not be read: ResourceNotFoundException',
            );
            expect((await rejectionOf(reader.read("denied", credentials))).message).to.equal(
                'Secret "denied" could not be read: AccessDeniedException',
            );
        } finally {
            server.close();
        }
    });

    it("retries a 500 and a throttled answer, then reads the secret", async function () {
        let calls = 0;
        const { endpoint, server } = await stubSecretsManager((request, res) => {
            calls++;
            if (calls === 1) return jsonAnswer(res, 500, { __type: "InternalServiceError", message: "try again" });
            if (calls === 2) return jsonAnswer(res, 400, { __type: "ThrottlingException", message: "Rate exceeded" });
            secretsManagerLike({ [ARN]: JSON.stringify({ clientId: "app", clientSecret: VALUE }) })(request, res);
        });
        try {
            const client = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS });
            expect(await client.getSecretString(ARN)).to.equal(JSON.stringify({ clientId: "app", clientSecret: VALUE }));
            expect(calls).to.equal(3);

            calls = 0;
            const exhausted = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS, retries: 1 });
            const error = await rejectionOf(exhausted.getSecretString(ARN));
            expect([error.name, calls]).to.deep.equal(["ThrottlingException", 2]);
        } finally {
            server.close();
        }
    });

    it("does not retry a client error such as ResourceNotFoundException", async function () {
        const { endpoint, requests, server } = await stubSecretsManager(secretsManagerLike({}));
        try {
            const client = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS });
            expect((await rejectionOf(client.getSecretString(ARN))).name).to.equal("ResourceNotFoundException");
            expect(requests).to.have.length(1);
        } finally {
            server.close();
        }
    });

    it("gives undefined for a SecretBinary-only secret, which SecretReader refuses", async function () {
        const { endpoint, server } = await stubSecretsManager(
            secretsManagerLike({ [ARN]: { binary: Buffer.from(VALUE).toString("base64") } }),
        );
        try {
            const client = new SecretsManagerHttp({ region: REGION, endpoint, credentials: CREDENTIALS });
            expect(await client.getSecretString(ARN)).to.equal(undefined);
            const error = await rejectionOf(new SecretReader(client).read(ARN, credentials));
            expect(error.message).to.equal(`Secret ${JSON.stringify(ARN)} has no SecretString (binary secrets are not supported)`);
        } finally {
            server.close();
        }
    });

    it("reads region, endpoint and credentials from the Lambda environment, and defaults to the regional endpoint", async function () {
        const { endpoint, requests, server } = await stubSecretsManager(secretsManagerLike({ [ARN]: "{}" }));
        try {
            const env = {
                AWS_REGION: "eu-west-1",
                AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
                AWS_ENDPOINT_URL: "http://127.0.0.1:1",
                AWS_ACCESS_KEY_ID: "AKID",
                AWS_SECRET_ACCESS_KEY: "secret",
            };
            expect(await SecretsManagerHttp.fromEnvironment(env).getSecretString(ARN)).to.equal("{}");
            expect(String(requests[0]!.headers["authorization"])).to.match(
                /Credential=AKID\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/,
            );
            const { AWS_ENDPOINT_URL_SECRETS_MANAGER: _specific, ...generic } = { ...env, AWS_ENDPOINT_URL: endpoint };
            expect(await SecretsManagerHttp.fromEnvironment(generic).getSecretString(ARN)).to.equal("{}");
            expect(requests).to.have.length(2);

            const noRegion = await rejectionOf(
                SecretsManagerHttp.fromEnvironment({ AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }).getSecretString(ARN),
            );
            expect(noRegion.message).to.equal("Secrets Manager: region is missing (AWS_REGION)");
            const noCredentials = await rejectionOf(SecretsManagerHttp.fromEnvironment({ AWS_REGION: "eu-west-1" }).getSecretString(ARN));
            expect(noCredentials.message).to.contain("AWS_ACCESS_KEY_ID");
        } finally {
            server.close();
        }
    });

    it("sends to https://secretsmanager.<region>.amazonaws.com without an endpoint", async function () {
        const seen: string[] = [];
        const original = globalThis.fetch;
        globalThis.fetch = (async (input: string | URL | Request) => {
            seen.push(String(input));
            return new Response(JSON.stringify({ SecretString: "x" }), { status: 200 });
        }) as typeof fetch;
        try {
            expect(await new SecretsManagerHttp({ region: "eu-central-2", credentials: CREDENTIALS }).getSecretString(ARN)).to.equal("x");
        } finally {
            globalThis.fetch = original;
        }
        expect(seen).to.deep.equal(["https://secretsmanager.eu-central-2.amazonaws.com/"]);
    });
});
