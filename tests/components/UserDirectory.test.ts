import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { UserDirectory } from "../../components/UserDirectory";

const POOL = "aws:cognito/userPool:UserPool";
const CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
const GROUP = "aws:cognito/userGroup:UserGroup";
const DOMAIN = "aws:cognito/userPoolDomain:UserPoolDomain";

// The composition passes an explicit regional provider; so do the tests.
const regional = () => ({ provider: new aws.Provider("eu-central-1", { region: "eu-central-1" }) });
const resolve = <T>(output: { apply<U>(f: (t: T) => U): unknown }) => new Promise<T>((done) => output.apply((value) => done(value)));

describe("UserDirectory", () => {
    let graph: ResourceGraph;
    let directory: UserDirectory;
    before(async () => {
        const { result, resources } = await runInline(
            () => new UserDirectory("users", { appOrigins: ["https://app.example.com", "http://localhost:5173"] }, regional()),
        );
        directory = result;
        graph = new ResourceGraph(resources);
    });

    it("enforces a password policy of at least 12 characters with every character class and 7-day temporary passwords", () => {
        const policy = graph.one(POOL, "users").inputs.passwordPolicy;
        expect(policy.minimumLength).to.be.at.least(12);
        expect(policy).to.include({
            requireLowercase: true,
            requireUppercase: true,
            requireNumbers: true,
            requireSymbols: true,
            temporaryPasswordValidityDays: 7,
        });
    });

    it("lets only admins create users, signs in by verified e-mail and recovers only by e-mail", () => {
        const pool = graph.one(POOL, "users").inputs;
        expect(pool.adminCreateUserConfig.allowAdminCreateUserOnly).to.equal(true);
        expect(pool.usernameAttributes).to.deep.equal(["email"]);
        expect(pool.autoVerifiedAttributes).to.deep.equal(["email"]);
        expect(pool.accountRecoverySetting.recoveryMechanisms).to.deep.equal([{ name: "verified_email", priority: 1 }]);
    });

    it("requires TOTP MFA for everyone", () => {
        const pool = graph.one(POOL, "users").inputs;
        expect(pool.mfaConfiguration).to.equal("ON");
        expect(pool.softwareTokenMfaConfiguration).to.deep.equal({ enabled: true });
    });

    it("uses the ESSENTIALS plan without deletion protection by default", () => {
        const pool = graph.one(POOL, "users").inputs;
        expect(pool.userPoolTier).to.equal("ESSENTIALS");
        expect(pool.userPoolAddOns).to.equal(undefined);
        expect(pool.deletionProtection).to.equal("INACTIVE");
    });

    it("creates the four groups with admin taking precedence", () => {
        const pool = graph.one(POOL, "users");
        const groups = graph.dependentsVia(pool, "userPoolId", GROUP).map((g) => g.inputs);
        expect(groups.map((g) => g.name).sort()).to.deep.equal(["admin", "analyst", "approver", "viewer"]);
        const precedence = Object.fromEntries(groups.map((g) => [g.name, g.precedence]));
        expect(precedence).to.deep.equal({ admin: 0, approver: 1, analyst: 2, viewer: 3 });
        for (const g of groups) expect(g.description, g.name).to.be.a("string").and.not.be.empty;
        expect(directory.groups).to.deep.equal(["viewer", "analyst", "approver", "admin"]);
    });

    it("gives the browser client the code grant only, no secret, SRP and refresh only", () => {
        const client = graph.one(CLIENT, "users-web-client").inputs;
        expect(client.generateSecret).to.equal(false);
        expect(client.allowedOauthFlowsUserPoolClient).to.equal(true);
        expect(client.allowedOauthFlows).to.deep.equal(["code"]);
        expect(client.allowedOauthScopes).to.deep.equal(["openid", "email", "profile"]);
        expect(client.explicitAuthFlows).to.deep.equal(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
        expect(client).to.include({ preventUserExistenceErrors: "ENABLED", enableTokenRevocation: true });
    });

    it("derives callback and logout URLs from the app origins", () => {
        const client = graph.one(CLIENT, "users-web-client").inputs;
        expect(client.callbackUrls).to.deep.equal(["https://app.example.com/auth/callback", "http://localhost:5173/auth/callback"]);
        expect(client.logoutUrls).to.deep.equal(["https://app.example.com/", "http://localhost:5173/"]);
    });

    it("issues access and ID tokens for 1 hour and refresh tokens for 30 days", () => {
        const client = graph.one(CLIENT, "users-web-client").inputs;
        expect(client).to.include({ accessTokenValidity: 1, idTokenValidity: 1, refreshTokenValidity: 30 });
        expect(client.tokenValidityUnits).to.deep.equal({ accessToken: "hours", idToken: "hours", refreshToken: "days" });
    });

    it("derives a valid hosted-UI domain prefix from project, stack and name", () => {
        expect(graph.one(DOMAIN, "users-domain").inputs.domain).to.equal("ai-investment-test-users");
    });

    it("reports the pool, client and issuer", async () => {
        const pool = graph.one(POOL, "users");
        expect(await resolve(directory.userPoolId)).to.equal(pool.id);
        expect(await resolve(directory.userPoolArn)).to.equal(pool.outputs.arn);
        expect(await resolve(directory.userPoolClientId)).to.equal(graph.one(CLIENT, "users-web-client").id);
        expect(await resolve(directory.issuerUrl)).to.equal(`https://cognito-idp.eu-central-1.amazonaws.com/${pool.id}`);
        expect(pool.id).to.match(/^eu-central-1_/);
    });

    it("parents every child to the component", () => {
        const component = graph.one("ai-investment:auth:UserDirectory", "users");
        expect(
            graph
                .children(component)
                .filter((r) => r.custom)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal([
            "users",
            "users-domain",
            "users-group-admin",
            "users-group-analyst",
            "users-group-approver",
            "users-group-viewer",
            "users-web-client",
        ]);
    });

    describe("prod variant", () => {
        let prod: ResourceGraph;
        before(async () => {
            const { resources } = await runInline(
                () =>
                    new UserDirectory(
                        "users",
                        { appOrigins: ["https://app.example.com"], deletionProtection: true, threatProtection: true },
                        regional(),
                    ),
                {
                    stack: "prod",
                },
            );
            prod = new ResourceGraph(resources);
        });

        it("protects the pool from deletion and enforces threat protection on the PLUS plan", () => {
            const pool = prod.one(POOL, "users").inputs;
            expect(pool.deletionProtection).to.equal("ACTIVE");
            expect(pool.userPoolTier).to.equal("PLUS");
            expect(pool.userPoolAddOns.advancedSecurityMode).to.equal("ENFORCED");
        });
    });

    describe("without app origins", () => {
        let bare: ResourceGraph;
        before(async () => {
            const { resources } = await runInline(() => new UserDirectory("users", { appOrigins: [] }, regional()));
            bare = new ResourceGraph(resources);
        });

        it("allows no OAuth flows but keeps SRP sign-in and refresh", () => {
            const client = bare.one(CLIENT, "users-web-client").inputs;
            expect(client.allowedOauthFlowsUserPoolClient).to.equal(false);
            expect(client.allowedOauthFlows ?? []).to.deep.equal([]);
            expect(client.allowedOauthScopes ?? []).to.deep.equal([]);
            expect(client.callbackUrls ?? []).to.deep.equal([]);
            expect(client.explicitAuthFlows).to.deep.equal(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]);
        });
    });

    it("refuses non-HTTPS origins, paths and reserved words in the domain prefix", () => {
        expect(() => new UserDirectory("bad-origin", { appOrigins: ["http://app.example.com"] })).to.throw(/must be https/);
        expect(() => new UserDirectory("bad-path", { appOrigins: ["https://app.example.com/"] })).to.throw(/without path/);
        expect(() => new UserDirectory("bad-domain", { appOrigins: [], domainPrefix: "my-aws-login" })).to.throw(/reserved word "aws"/);
    });
});
