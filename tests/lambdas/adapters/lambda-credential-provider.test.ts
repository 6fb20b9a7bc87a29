import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { defaultProvider } from "../../../lambdas/adapters/lambda-credential-provider";
import { rejectionOf } from "./fixtures";

/** The provider the bundles use in place of the SDK's default chain (lib/bundle.ts aliases it). */
describe("lambda credential provider (bundles only)", function () {
    const NAMES = [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_PROFILE",
    ];
    const saved: Record<string, string | undefined> = {};
    let server: Server | undefined;

    beforeEach(() => {
        for (const name of NAMES) {
            saved[name] = process.env[name];
            delete process.env[name];
        }
    });
    afterEach(async () => {
        for (const name of NAMES) {
            if (saved[name] === undefined) delete process.env[name];
            else process.env[name] = saved[name];
        }
        if (server !== undefined) await new Promise<void>((resolve) => server!.close(() => resolve()));
        server = undefined;
    });

    it("builds without any credentials configured (the clients create it in their constructor) and reads Lambda's variables per call", async () => {
        const provider = defaultProvider({});
        Object.assign(process.env, { AWS_ACCESS_KEY_ID: "ASIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" });
        expect(await provider()).to.include({ accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" });
        // Lambda's values are read per call, like the default chain's fromEnv does.
        process.env["AWS_SESSION_TOKEN"] = "token-2";
        expect(await provider()).to.include({ sessionToken: "token-2" });
    });

    it("does not look at the container credentials endpoint (Lambda does not use it for these functions)", async () => {
        let requests = 0;
        server = createServer((_request, response) => {
            requests++;
            response.writeHead(200, { "content-type": "application/json" });
            response.end(
                JSON.stringify({ AccessKeyId: "ASIACONTAINER", SecretAccessKey: "s", Token: "t", Expiration: "2099-01-01T00:00:00Z" }),
            );
        });
        await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
        process.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`;
        const error = await rejectionOf(defaultProvider({})());
        expect(error.name).to.equal("CredentialsProviderError");
        expect(requests).to.equal(0);
    });

    it("fails naming where a bundle looks for credentials when there are none", async () => {
        const error = await rejectionOf(defaultProvider({})());
        expect(error.name).to.equal("CredentialsProviderError");
        expect(error.message).to.include("AWS_ACCESS_KEY_ID").and.include("lambda-credential-provider.ts");
    });
});
