/**
 * UserDirectory — the Cognito user pool people sign in with: admin-created accounts only, e-mail as username, a strong
 * password policy, mandatory TOTP MFA, the four RBAC groups of seed 002, a hosted-UI domain and one public app client
 * for the browser UI that may only use the authorization-code grant with PKCE.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The groups of seed 002, lowest privilege first. */
export const USER_GROUPS = ["viewer", "analyst", "approver", "admin"] as const;
export type UserGroup = (typeof USER_GROUPS)[number];

const GROUP_DESCRIPTIONS: Record<UserGroup, string> = {
    viewer: "Read-only access to signals, proposals and dashboards",
    analyst: "Runs ingestion, scoring, proposals and risk checks",
    approver: "Decides on proposals (four-eyes principle)",
    admin: "System administration",
};

/** Seed 003: access and ID tokens live 1 hour, refresh tokens 30 days. */
export const TOKEN_VALIDITY = { accessHours: 1, idHours: 1, refreshDays: 30 } as const;

export interface UserDirectoryArgs {
    /**
     * Origins of the browser UI, e.g. `["https://app.example.com"]`. Each gets the callback `<origin>/auth/callback` and
     * the logout URL `<origin>/`. Empty: no hosted-UI OAuth flows (SRP sign-in and refresh still work). HTTPS only,
     * except `http://localhost:<port>` for local development.
     */
    appOrigins: string[];
    /** Cognito refuses to delete the pool while set (Cognito.6). Default false; set it for prod. */
    deletionProtection?: boolean;
    /**
     * Threat protection: the PLUS feature plan with advanced security ENFORCED (Cognito.1, Cognito.4). Default false,
     * which uses the ESSENTIALS plan (PLUS is billed per monthly active user).
     */
    threatProtection?: boolean;
    /**
     * Prefix of the hosted-UI domain `<prefix>.auth.<region>.amazoncognito.com`. Default `<project>-<stack>-<name>`,
     * lowercased and cut to 63 characters. Prefixes are unique per region across all AWS accounts.
     */
    domainPrefix?: string;
}

export class UserDirectory extends pulumi.ComponentResource {
    readonly userPool: aws.cognito.UserPool;
    readonly client: aws.cognito.UserPoolClient;
    readonly userPoolId: pulumi.Output<string>;
    readonly userPoolArn: pulumi.Output<string>;
    readonly userPoolClientId: pulumi.Output<string>;
    /** Token issuer, `https://cognito-idp.<region>.amazonaws.com/<poolId>` — what JWT verifiers check `iss` against. */
    readonly issuerUrl: pulumi.Output<string>;
    /** Base URL of the hosted UI (`/oauth2/authorize`, `/oauth2/token`, `/logout` live under it). */
    readonly hostedUiUrl: pulumi.Output<string>;
    /** Group names, lowest privilege first. */
    readonly groups: UserGroup[];

    constructor(name: string, args: UserDirectoryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:auth:UserDirectory", name, {}, opts);
        args.appOrigins.forEach((origin) => assertOrigin(name, origin));
        const domainPrefix = args.domainPrefix ?? defaultDomainPrefix(name);
        assertDomainPrefix(name, domainPrefix);
        const parent = { parent: this };
        const region = aws.getRegionOutput({}, parent).region;
        const plus = args.threatProtection ?? false;

        this.userPool = new aws.cognito.UserPool(
            name,
            {
                usernameAttributes: ["email"],
                usernameConfiguration: { caseSensitive: false },
                autoVerifiedAttributes: ["email"],
                // Keeps the old, verified address until the new one is confirmed: an unverified change can't take over recovery.
                userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
                // Accounts are handed out by an admin; nobody signs themselves up to a system that moves money.
                adminCreateUserConfig: { allowAdminCreateUserOnly: true },
                passwordPolicy: {
                    minimumLength: 12,
                    requireLowercase: true,
                    requireUppercase: true,
                    requireNumbers: true,
                    requireSymbols: true,
                    temporaryPasswordValidityDays: 7,
                },
                // TOTP for everyone; SMS is weaker (SIM swap) and needs an SNS role.
                mfaConfiguration: "ON",
                softwareTokenMfaConfiguration: { enabled: true },
                accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
                deletionProtection: args.deletionProtection ? "ACTIVE" : "INACTIVE",
                userPoolTier: plus ? "PLUS" : "ESSENTIALS",
                // Advanced security is a PLUS feature; on ESSENTIALS the add-on must be absent.
                userPoolAddOns: plus
                    ? { advancedSecurityMode: "ENFORCED", advancedSecurityAdditionalFlows: { customAuthMode: "ENFORCED" } }
                    : undefined,
            },
            parent,
        );
        this.userPoolId = this.userPool.id;
        this.userPoolArn = this.userPool.arn;
        this.issuerUrl = pulumi.interpolate`https://cognito-idp.${region}.amazonaws.com/${this.userPool.id}`;

        this.groups = [...USER_GROUPS];
        USER_GROUPS.forEach((group, index) => {
            new aws.cognito.UserGroup(
                `${name}-group-${group}`,
                {
                    userPoolId: this.userPool.id,
                    name: group,
                    description: GROUP_DESCRIPTIONS[group],
                    // Lower precedence wins when a user is in several groups: admin 0 … viewer 3.
                    precedence: USER_GROUPS.length - 1 - index,
                },
                parent,
            );
        });

        const domain = new aws.cognito.UserPoolDomain(`${name}-domain`, { domain: domainPrefix, userPoolId: this.userPool.id }, parent);
        this.hostedUiUrl = pulumi.interpolate`https://${domain.domain}.auth.${region}.amazoncognito.com`;

        const oauth = args.appOrigins.length > 0;
        this.client = new aws.cognito.UserPoolClient(
            `${name}-web-client`,
            {
                userPoolId: this.userPool.id,
                // A browser can't keep a secret: a public client, protected by PKCE instead.
                generateSecret: false,
                explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                preventUserExistenceErrors: "ENABLED",
                enableTokenRevocation: true,
                accessTokenValidity: TOKEN_VALIDITY.accessHours,
                idTokenValidity: TOKEN_VALIDITY.idHours,
                refreshTokenValidity: TOKEN_VALIDITY.refreshDays,
                tokenValidityUnits: { accessToken: "hours", idToken: "hours", refreshToken: "days" },
                supportedIdentityProviders: ["COGNITO"],
                allowedOauthFlowsUserPoolClient: oauth,
                // Authorization code only: the implicit grant puts tokens in the URL and is deprecated by OAuth 2.1 and the
                // OAuth 2.0 Security BCP (RFC 9700). Cognito has no switch to require PKCE; the UI's client library sends
                // code_challenge, and without a client secret a stolen code is useless without the verifier.
                allowedOauthFlows: oauth ? ["code"] : [],
                allowedOauthScopes: oauth ? ["openid", "email", "profile"] : [],
                callbackUrls: args.appOrigins.map((origin) => `${origin}/auth/callback`),
                logoutUrls: args.appOrigins.map((origin) => `${origin}/`),
            },
            { parent: this, dependsOn: [domain] },
        );
        this.userPoolClientId = this.client.id;

        this.registerOutputs({
            userPoolId: this.userPoolId,
            userPoolArn: this.userPoolArn,
            userPoolClientId: this.userPoolClientId,
            issuerUrl: this.issuerUrl,
            hostedUiUrl: this.hostedUiUrl,
            groups: this.groups,
        });
    }
}

function defaultDomainPrefix(name: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${name}`
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .slice(0, 63)
        .replace(/^-+|-+$/g, "");
}

function assertDomainPrefix(name: string, prefix: string): void {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) {
        throw new Error(`UserDirectory ${name}: domain prefix "${prefix}" must be 1–63 lowercase letters, digits and inner hyphens`);
    }
    // Cognito rejects prefixes containing these words.
    const reserved = ["aws", "amazon", "cognito"].find((word) => prefix.includes(word));
    if (reserved)
        throw new Error(`UserDirectory ${name}: domain prefix "${prefix}" contains the reserved word "${reserved}"; set domainPrefix`);
}

/** Cognito accepts HTTPS redirect URLs, and plain HTTP only for localhost. */
function assertOrigin(name: string, origin: string): void {
    if (!/^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/.test(origin)) {
        throw new Error(
            `UserDirectory ${name}: app origin "${origin}" must be https://<host>[:port] (or http://localhost[:port]) without path or trailing slash`,
        );
    }
}
