/**
 * A loopback stand-in for one AWS service's HTTP API, for the signed-fetch adapters (lambdas/adapters/*-http.ts):
 * `respond` answers each request, and every request is recorded (method, URL, headers, body).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
    method: string;
    url: string;
    headers: IncomingMessage["headers"];
    body: Buffer;
    /** The body as UTF-8 text. */
    text: string;
}

export async function stubAwsService(
    respond: (request: RecordedRequest, res: ServerResponse) => void,
): Promise<{ endpoint: string; requests: RecordedRequest[]; server: Server }> {
    const requests: RecordedRequest[] = [];
    const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", () => {
            const body = Buffer.concat(chunks);
            const recorded = { method: req.method!, url: req.url!, headers: req.headers, body, text: body.toString("utf8") };
            requests.push(recorded);
            respond(recorded, res);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

/** A JSON answer with the request id header AWS services send. */
export function jsonAnswer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": "REQ-1", ...headers });
    res.end(JSON.stringify(body));
}
