import { expect } from "chai";
import * as z from "zod";
import { SecretError, SecretReader, type SecretSource } from "../../../lambdas/adapters/secrets";
import { rejectionOf } from "./fixtures";

const VALUE = "s3cr3t-Pa55w0rd-never-shown";

/** A Secrets Manager stand-in: secrets by id, a call log, and failures on demand. */
function fakeSecretsManager(secrets: Record<string, string | undefined>) {
    const calls: string[] = [];
    const client: SecretSource = {
        async getSecretString(id) {
            calls.push(id);
            if (!(id in secrets)) {
                const error = new Error("Secrets Manager can't find the specified secret.");
                error.name = "ResourceNotFoundException";
                throw error;
            }
            return secrets[id];
        },
    };
    return { client, calls, secrets };
}

const credentials = z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(8) });

describe("SecretReader", function () {
    let now: number;
    const clock = () => now;

    beforeEach(function () {
        now = 1_000_000;
    });

    it("parses and validates a JSON secret", async function () {
        const { client } = fakeSecretsManager({ "prod/reddit": JSON.stringify({ clientId: "app", clientSecret: VALUE }) });
        expect(await new SecretReader(client).read("prod/reddit", credentials)).to.deep.equal({ clientId: "app", clientSecret: VALUE });
    });

    it("reuses a secret for the TTL and fetches it again after", async function () {
        const fake = fakeSecretsManager({ "prod/reddit": JSON.stringify({ clientId: "v1", clientSecret: VALUE }) });
        const reader = new SecretReader(fake.client, { ttlMs: 60_000, now: clock });
        await Promise.all([reader.read("prod/reddit", credentials), reader.read("prod/reddit", credentials)]);
        fake.secrets["prod/reddit"] = JSON.stringify({ clientId: "v2", clientSecret: VALUE });
        now += 59_999;
        expect((await reader.read("prod/reddit", credentials)).clientId).to.equal("v1");
        expect(fake.calls).to.have.length(1);
        now += 1;
        expect((await reader.read("prod/reddit", credentials)).clientId).to.equal("v2");
        expect(fake.calls).to.have.length(2);
    });

    it("caches for 5 minutes by default", async function () {
        const fake = fakeSecretsManager({ s: JSON.stringify({ clientId: "a", clientSecret: VALUE }) });
        const reader = new SecretReader(fake.client, { now: clock });
        await reader.read("s", credentials);
        now += 5 * 60 * 1000 - 1;
        await reader.read("s", credentials);
        expect(fake.calls).to.have.length(1);
        now += 1;
        await reader.read("s", credentials);
        expect(fake.calls).to.have.length(2);
    });

    it("fetches again after invalidate", async function () {
        const fake = fakeSecretsManager({ s: JSON.stringify({ clientId: "a", clientSecret: VALUE }) });
        const reader = new SecretReader(fake.client, { now: clock });
        await reader.read("s", credentials);
        reader.invalidate("s");
        await reader.read("s", credentials);
        expect(fake.calls).to.have.length(2);
    });

    it("names the secret and the field of an invalid secret, never its value", async function () {
        const { client } = fakeSecretsManager({ "prod/reddit": JSON.stringify({ clientId: "", clientSecret: VALUE, extra: VALUE }) });
        const error = await rejectionOf(new SecretReader(client).read("prod/reddit", credentials));
        expect(error).to.be.instanceOf(SecretError);
        expect(error.message).to.contain('"prod/reddit"').and.contain("clientId").and.not.contain(VALUE);
        expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).to.not.contain(VALUE);
        expect(error.cause).to.equal(undefined);
    });

    it("does not quote a secret that is not JSON", async function () {
        const { client } = fakeSecretsManager({ plain: VALUE });
        const error = await rejectionOf(new SecretReader(client).read("plain", credentials));
        expect(error.message).to.equal('Secret "plain" is not valid JSON');
    });

    it("does not quote values checked by a refinement", async function () {
        const { client } = fakeSecretsManager({ s: JSON.stringify({ clientId: "a", clientSecret: VALUE }) });
        const strict = credentials.refine((c) => c.clientSecret.length > 100, {
            error: (issue) => `bad secret ${JSON.stringify(issue.input)}`,
        });
        const error = await rejectionOf(new SecretReader(client).read("s", strict));
        expect(error.message).to.contain('"s"').and.not.contain(VALUE);
    });

    it("reports a missing secret by name and does not cache the failure", async function () {
        const fake = fakeSecretsManager({});
        const reader = new SecretReader(fake.client, { now: clock });
        const error = await rejectionOf(reader.read("prod/missing", credentials));
        expect(error.message).to.equal('Secret "prod/missing" could not be read: ResourceNotFoundException');
        fake.secrets["prod/missing"] = JSON.stringify({ clientId: "a", clientSecret: VALUE });
        expect((await reader.read("prod/missing", credentials)).clientId).to.equal("a");
    });

    it("refuses a binary secret", async function () {
        const { client } = fakeSecretsManager({ bin: undefined });
        const error = await rejectionOf(new SecretReader(client).read("bin", credentials));
        expect(error.message).to.contain('"bin"').and.contain("SecretString");
    });
});
