import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import { expect } from "chai";
import { AwsServiceError, NodeSha256 } from "../../../lambdas/adapters/aws-http";
import { BedrockRuntimeHttp } from "../../../lambdas/adapters/bedrock-http";
import type { ConverseRequest } from "../../../lambdas/adapters/bedrock-scorer";
import { jsonAnswer, type RecordedRequest, stubAwsService } from "../../support/aws-stub";
import { rejectionOf } from "./fixtures";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "token/+=" };
const REGION = "eu-central-1";
const PROFILE_ID = "eu.anthropic.claude-3-haiku-20240307-v1:0";
const PROFILE_ARN = `arn:aws:bedrock:eu-central-1:123456789012:inference-profile/${PROFILE_ID}`;
/** A Converse answer in the shape the service returns. */
const ANSWER = {
    output: { message: { role: "assistant", content: [{ text: '{"sentiment": 0.4, "evidence": ["beat estimates"]}' }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 120, outputTokens: 18, totalTokens: 138 },
    metrics: { latencyMs: 412 },
};

function request(modelId: string): ConverseRequest {
    return {
        modelId,
        system: [{ text: "Rate the sentiment." }],
        messages: [{ role: "user", content: [{ text: '{"asset":"AAPL","item":"Apple beat estimates: 100% (Q3)"}' }] }],
        inferenceConfig: { maxTokens: 300, temperature: 0 },
    };
}

/** x-amz-date → the signing date it stands for. */
function signingDateOf(recorded: RecordedRequest): Date {
    const d = String(recorded.headers["x-amz-date"]);
    return new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
}

describe("BedrockRuntimeHttp", function () {
    for (const modelId of [PROFILE_ID, PROFILE_ARN]) {
        it(`sends Converse for ${modelId.startsWith("arn:") ? "an inference profile ARN" : "an inference profile id"} as the SDK client does`, async function () {
            const { endpoint, requests, server } = await stubAwsService((_request, res) => jsonAnswer(res, 200, ANSWER));
            try {
                const ours = await new BedrockRuntimeHttp({ region: REGION, endpoint, credentials: CREDENTIALS }).converse(
                    request(modelId),
                );
                const sdk = await new BedrockRuntimeClient({
                    region: REGION,
                    endpoint,
                    credentials: CREDENTIALS,
                    // HTTP/1.1 like the stand-in (the client's default handler speaks HTTP/2, for its streaming operations).
                    requestHandler: new NodeHttpHandler(),
                }).send(new ConverseCommand(request(modelId)));
                expect(requests).to.have.length(2);
                const [mine, theirs] = requests as [RecordedRequest, RecordedRequest];
                // The model id is one encoded path segment (":" and "/" of an ARN included), the rest of the input the JSON body.
                expect(mine.url).to.equal(`/model/${encodeURIComponent(modelId)}/converse`);
                expect([mine.method, mine.url]).to.deep.equal([theirs.method, theirs.url]);
                expect(JSON.parse(mine.text)).to.deep.equal(JSON.parse(theirs.text));
                expect(mine.headers["content-type"]).to.equal(theirs.headers["content-type"]);
                const scope = (recorded: RecordedRequest) =>
                    /Credential=([^,]+)/.exec(String(recorded.headers["authorization"]))![1]!.split("/").slice(2);
                expect(scope(mine)).to.deep.equal(["eu-central-1", "bedrock", "aws4_request"]);
                expect(scope(mine)).to.deep.equal(scope(theirs));
                // The same answer for the scorer: the model's text and the stop reason.
                expect(ours.output).to.deep.equal(sdk.output);
                expect(ours.stopReason).to.equal(sdk.stopReason);

                // The signature is the SDK signer's over the same request: the path signed URI-encoded once more, as for
                // every service but S3.
                const authorization = String(mine.headers["authorization"]);
                const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(";");
                const url = new URL(endpoint);
                const signed = await new SignatureV4({
                    service: "bedrock",
                    region: REGION,
                    credentials: CREDENTIALS,
                    sha256: NodeSha256,
                    applyChecksum: false,
                }).sign(
                    {
                        method: "POST",
                        protocol: "http:",
                        hostname: url.hostname,
                        port: Number(url.port),
                        path: mine.url,
                        query: {},
                        headers: Object.fromEntries(signedHeaders.map((name) => [name, String(mine.headers[name])])),
                        body: mine.text,
                    },
                    { signingDate: signingDateOf(mine) },
                );
                expect(/Signature=([0-9a-f]+)/.exec(authorization)![1]).to.equal(
                    /Signature=([0-9a-f]+)/.exec(String(signed.headers["authorization"]))![1],
                );
            } finally {
                server.close();
            }
        });
    }

    it("names an error by its type and says what the service said; retries throttling answered with a 400", async function () {
        let calls = 0;
        const { endpoint, requests, server } = await stubAwsService((_request, res) => {
            calls++;
            if (calls === 1) return jsonAnswer(res, 400, { message: "Too many requests" }, { "x-amzn-errortype": "ThrottlingException" });
            return jsonAnswer(
                res,
                400,
                { message: "The provided model identifier is invalid." },
                { "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/" },
            );
        });
        try {
            const client = new BedrockRuntimeHttp({ region: REGION, endpoint, credentials: CREDENTIALS, retries: 2 });
            const error = await rejectionOf(client.converse(request("no-such-model")));
            expect(error).to.be.instanceOf(AwsServiceError);
            expect(error.name).to.equal("ValidationException");
            expect(error.message).to.equal(
                "Bedrock Runtime Converse failed: HTTP 400 ValidationException: The provided model identifier is invalid.",
            );
            // The throttled attempt was retried, the validation error was not.
            expect(requests).to.have.length(2);
        } finally {
            server.close();
        }
    });

    it("retries a 5xx and returns the answer that follows", async function () {
        let calls = 0;
        const { endpoint, requests, server } = await stubAwsService((_request, res) =>
            ++calls === 1
                ? jsonAnswer(res, 503, { message: "Service unavailable" }, { "x-amzn-errortype": "ServiceUnavailableException" })
                : jsonAnswer(res, 200, ANSWER),
        );
        try {
            const answer = await new BedrockRuntimeHttp({ region: REGION, endpoint, credentials: CREDENTIALS }).converse(
                request(PROFILE_ID),
            );
            expect(answer.stopReason).to.equal("end_turn");
            expect(requests).to.have.length(2);
        } finally {
            server.close();
        }
    });
});
