/**
 * Nothing is public: S3 block public access per bucket (S3.8) and at account/access-point level (S3.1 when declared,
 * S3.19, S3.24), no wildcard principals in bucket/queue/topic/key policies (S3.2, S3.3, SQS.3, SNS.4, KMS.5), no
 * cross-account bucket administration (S3.6), no ACLs (S3.12), no public Lambda invocation (Lambda.1), no
 * unauthenticated Cognito identities (Cognito.2) and a strong user-pool sign-in (Cognito.3, Cognito.5).
 */
import {
    T,
    UNKNOWN,
    asArray,
    actionsOf,
    childrenByParent,
    grantsAny,
    hasRestrictingCondition,
    isAllow,
    isType,
    ofType,
    peek,
    principalsOf,
    resourcePolicy,
    stackPolicy,
    statementsOr,
} from "./util";

const BPA_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3BucketPublicAccessBlock = stackPolicy({
    name: "s3-bucket-public-access-block",
    description: "Every S3 bucket has a BucketPublicAccessBlock with all four settings true (S3.8; makes S3.2/S3.3 pass).",
    severity: "high",
    tags: ["public-access", "S3.8", "S3.2", "S3.3"],
    remediationSteps:
        "Declare an aws.s3.BucketPublicAccessBlock with bucket = the bucket's id and blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true (SecureBucket does this).",
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const blocks = childrenByParent(args.resources, T.bucketPublicAccessBlock, "bucket", buckets, "bucket");
        for (const bucket of buckets) {
            const mine = blocks.get(bucket)!;
            if (mine.length === 0) {
                report(`bucket ${bucket.name} has no BucketPublicAccessBlock.`, bucket.urn);
                continue;
            }
            for (const block of mine) {
                const off = BPA_FLAGS.filter((flag) => {
                    const value = peek(block.props, flag);
                    return value !== true && value !== UNKNOWN;
                });
                if (off.length)
                    report(`bucket ${bucket.name}: public access block ${block.name} does not set ${off.join(", ")} to true.`, bucket.urn);
            }
        }
    },
});

export const s3AccountPublicAccessBlock = resourcePolicy({
    name: "s3-account-public-access-block",
    description:
        "An account-level S3 public access block declared in a stack sets all four settings (S3.1). Account settings managed outside the stack can't be seen here.",
    severity: "medium",
    tags: ["public-access", "S3.1"],
    remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.accountPublicAccessBlock)) return;
        const off = BPA_FLAGS.filter((flag) => peek(args.props, flag) !== true && peek(args.props, flag) !== UNKNOWN);
        if (off.length) report(`account public access block does not set ${off.join(", ")} to true.`);
    },
});

export const s3AccessPointPublicAccessBlock = resourcePolicy({
    name: "s3-access-point-public-access-block",
    description: "S3 access points and multi-region access points keep block public access on (S3.19, S3.24).",
    severity: "critical",
    tags: ["public-access", "S3.19", "S3.24"],
    remediationSteps: "Leave publicAccessBlockConfiguration unset (all true by default) or set every flag to true.",
    validateResource: (args, report) => {
        const path = isType(args.type, T.accessPoint)
            ? "publicAccessBlockConfiguration"
            : isType(args.type, T.multiRegionAccessPoint)
              ? "details.publicAccessBlock"
              : undefined;
        if (!path) return;
        const off = BPA_FLAGS.filter((flag) => peek(args.props, `${path}.${flag}`) === false);
        if (off.length) report(`access point turns off ${off.join(", ")}.`);
    },
});

/** Resource policies that must not open access to everyone. [token, property holding the document]. */
const RESOURCE_POLICY_INPUTS: [readonly string[], string, string][] = [
    [T.bucketPolicy, "policy", "bucket policy"],
    [T.bucket, "policy", "bucket policy"],
    [T.queuePolicy, "policy", "queue policy"],
    [T.queue, "policy", "queue policy"],
    [T.topicPolicy, "policy", "topic policy"],
    [T.topic, "policy", "topic policy"],
    [T.kmsKey, "policy", "key policy"],
    [T.kmsKeyPolicy, "policy", "key policy"],
];

export const noPublicResourcePolicies = resourcePolicy({
    name: "resource-policy-no-public-principal",
    description:
        'Bucket, queue, topic and key policies don\'t Allow Principal "*" / {AWS:"*"} unless a condition scopes the caller (aws:SourceAccount, aws:SourceArn, aws:PrincipalOrgID, kms:CallerAccount, …) (S3.2, S3.3, SQS.3, SNS.4, KMS.5).',
    severity: "critical",
    tags: ["public-access", "S3.2", "S3.3", "SQS.3", "SNS.4", "KMS.5"],
    remediationSteps:
        'Name the principal (an account root ARN, a role, or a service principal with aws:SourceAccount/aws:SourceArn) instead of "*", or add a restricting condition.',
    validateResource: (args, report) => {
        const entry = RESOURCE_POLICY_INPUTS.find(([types]) => isType(args.type, types));
        if (!entry) return;
        const [, property, what] = entry;
        if (isType(args.type, T.kmsKey) && peek(args.props, "bypassPolicyLockoutSafetyCheck") === true) {
            report("key sets bypassPolicyLockoutSafetyCheck: true (KMS.5).");
        }
        if (!(property in args.props)) return;
        statementsOr(args.props[property], (m) => report(`${what}: ${m}`)).forEach((s, i) => {
            if (!isAllow(s)) return;
            const principals = principalsOf(s);
            if (!principals.anyone && s.NotPrincipal === undefined) return;
            if (hasRestrictingCondition(s)) return;
            report(
                `${what} statement ${s.Sid ?? i} allows ${JSON.stringify(s.Principal ?? { NotPrincipal: s.NotPrincipal })} without a condition restricting the caller.`,
            );
        });
    },
});

/** S3.6: actions other accounts must never get on a bucket. */
const S3_ADMIN_ACTIONS = [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

export const s3NoCrossAccountAdmin = resourcePolicy({
    name: "s3-bucket-policy-no-cross-account-admin",
    description:
        "Bucket policies don't grant AWS-account principals outside `trustedAccountIds` s3:DeleteBucketPolicy, s3:PutBucketAcl, s3:PutBucketPolicy, s3:PutEncryptionConfiguration or s3:PutObjectAcl (S3.6).",
    severity: "high",
    tags: ["public-access", "S3.6"],
    configSchema: {
        properties: {
            trustedAccountIds: { type: "array", items: { type: "string" }, default: [], description: "Our own account ids." },
        },
    },
    remediationSteps: "Remove the administrative actions from statements for other accounts; administer the bucket from this account only.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.bucketPolicy) && !isType(args.type, T.bucket)) return;
        if (!("policy" in args.props)) return;
        const { trustedAccountIds } = args.getConfig<{ trustedAccountIds: string[] }>();
        statementsOr(args.props.policy, (m) => report(`bucket policy: ${m}`)).forEach((s, i) => {
            if (!isAllow(s) || !grantsAny(actionsOf(s), S3_ADMIN_ACTIONS)) return;
            const foreign = principalsOf(s).aws.filter((p) => {
                const account = /^\d{12}$/.test(p) ? p : /^arn:aws[\w-]*:iam::(\d{12}):/.exec(p)?.[1];
                return p === "*" || !account || !trustedAccountIds.includes(account);
            });
            if (foreign.length)
                report(`bucket policy statement ${s.Sid ?? i} grants ${foreign.join(", ")} bucket-administration actions (S3.6).`);
        });
    },
});

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

export const s3NoAcls = resourcePolicy({
    name: "s3-no-bucket-acls",
    description:
        "No S3 ACLs: no BucketAcl resources and no ACL or grants on buckets; public canned ACLs are the worst case (S3.12, S3.2, S3.3).",
    severity: "high",
    tags: ["public-access", "S3.12", "S3.2", "S3.3"],
    remediationSteps: "Delete the ACL and grant access with IAM or the bucket policy; keep BucketOwnershipControls at BucketOwnerEnforced.",
    validateResource: (args, report) => {
        if (isType(args.type, T.bucketAcl)) {
            const acl = peek(args.props, "acl");
            report(
                typeof acl === "string" && PUBLIC_ACLS.includes(acl)
                    ? `bucket ACL resource sets the public canned ACL ${acl}.`
                    : "bucket ACL resources are not allowed; ownership is BucketOwnerEnforced and access goes through IAM and bucket policies.",
            );
            return;
        }
        if (!isType(args.type, T.bucket)) return;
        const acl = peek(args.props, "acl");
        if (typeof acl === "string" && acl !== "private") report(`bucket sets the canned ACL ${acl}.`);
        const grants = peek(args.props, "grants");
        if (Array.isArray(grants) && grants.length) report("bucket sets ACL grants.");
    },
});

export const s3OwnershipEnforced = stackPolicy({
    name: "s3-bucket-ownership-enforced",
    description: "Every S3 bucket has BucketOwnershipControls with objectOwnership BucketOwnerEnforced, which disables ACLs (S3.12).",
    severity: "medium",
    tags: ["public-access", "S3.12"],
    remediationSteps: 'Declare aws.s3.BucketOwnershipControls for the bucket with rule.objectOwnership = "BucketOwnerEnforced".',
    validateStack: (args, report) => {
        const buckets = ofType(args.resources, T.bucket);
        const controls = childrenByParent(args.resources, T.bucketOwnership, "bucket", buckets, "bucket");
        for (const bucket of buckets) {
            const values = controls.get(bucket)!.map((c) => peek(c.props, "rule.objectOwnership"));
            if (!values.some((v) => v === "BucketOwnerEnforced" || v === UNKNOWN)) {
                report(
                    values.length
                        ? `bucket ${bucket.name} has objectOwnership ${values.map(String).join(", ")}; BucketOwnerEnforced is required.`
                        : `bucket ${bucket.name} has no BucketOwnershipControls with BucketOwnerEnforced.`,
                    bucket.urn,
                );
            }
        }
    },
});

export const lambdaPermissionRestricted = resourcePolicy({
    name: "lambda-permission-restricted",
    description:
        'Lambda resource policies are not public (Lambda.1, CKV_AWS_364): no principal "*", service principals carry sourceArn or sourceAccount (S3 needs sourceAccount), no function URL with auth NONE.',
    severity: "critical",
    tags: ["public-access", "Lambda.1"],
    remediationSteps:
        "Give the permission a specific principal and, for AWS services, sourceArn (e.g. `${api.executionArn}/*/GET/path`) or sourceAccount; use functionUrlAuthType AWS_IAM.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.lambdaPermission)) return;
        const principal = peek(args.props, "principal");
        const has = (key: string) => {
            const v = peek(args.props, key);
            return v === UNKNOWN || (typeof v === "string" && v !== "" && v !== "*");
        };
        if (peek(args.props, "functionUrlAuthType") === "NONE")
            report("permission allows an unauthenticated function URL (functionUrlAuthType NONE).");
        if (principal === UNKNOWN || typeof principal !== "string") return;
        if (principal === "*") {
            if (!has("principalOrgId") && !has("sourceAccount")) report('permission lets anyone (principal "*") invoke the function.');
        } else if (principal === "s3.amazonaws.com") {
            if (!has("sourceAccount")) report("S3 may invoke the function without sourceAccount: any account's bucket could trigger it.");
        } else if (/\.amazonaws\.com(\.cn)?$/.test(principal)) {
            if (!has("sourceArn") && !has("sourceAccount"))
                report(`service principal ${principal} may invoke the function without sourceArn or sourceAccount (confused deputy).`);
        }
    },
});

export const lambdaFunctionUrlAuth = resourcePolicy({
    name: "lambda-function-url-auth",
    description: "Lambda function URLs require IAM authorization (Lambda.1, CKV_AWS_258).",
    severity: "critical",
    tags: ["public-access", "Lambda.1"],
    remediationSteps: 'Set authorizationType: "AWS_IAM" on the aws.lambda.FunctionUrl, or put the function behind the API.',
    validateResource: (args, report) => {
        if (!isType(args.type, T.lambdaFunctionUrl)) return;
        if (peek(args.props, "authorizationType") === "NONE")
            report("function URL has authorizationType NONE: anyone on the internet can invoke it.");
        const origins = peek(args.props, "cors.allowOrigins");
        if (Array.isArray(origins) && origins.includes("*")) report("function URL allows CORS from any origin (*).");
    },
});

export const cognitoIdentityPoolNoUnauthenticated = resourcePolicy({
    name: "cognito-identity-pool-no-unauthenticated",
    description: "Cognito identity pools don't hand out AWS credentials to unauthenticated identities (Cognito.2, AwsSolutions-COG7).",
    severity: "high",
    tags: ["public-access", "Cognito.2"],
    remediationSteps: "Set allowUnauthenticatedIdentities: false.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.identityPool)) return;
        if (peek(args.props, "allowUnauthenticatedIdentities") === true) report("identity pool allows unauthenticated identities.");
    },
});

export const cognitoUserPoolPasswordPolicy = resourcePolicy({
    name: "cognito-user-pool-password-policy",
    description:
        "Cognito user pools require passwords of at least `minimumLength` characters with all four character classes and temporary passwords valid at most 7 days (Cognito.3).",
    severity: "medium",
    tags: ["identity", "Cognito.3"],
    configSchema: { properties: { minimumLength: { type: "integer", minimum: 8, maximum: 128, default: 8 } } },
    remediationSteps:
        "Set passwordPolicy { minimumLength ≥ 8, requireLowercase, requireUppercase, requireNumbers, requireSymbols: true, temporaryPasswordValidityDays ≤ 7 }.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.userPool)) return;
        const { minimumLength } = args.getConfig<{ minimumLength: number }>();
        const policy = peek(args.props, "passwordPolicy");
        if (policy === UNKNOWN) return;
        if (!policy) return report("user pool has no passwordPolicy (Cognito defaults are weaker than Cognito.3 requires).");
        const length = peek(policy, "minimumLength");
        if (typeof length !== "number" || length < minimumLength)
            report(`passwordPolicy.minimumLength is ${String(length)}; at least ${minimumLength} is required.`);
        const missing = ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"].filter(
            (k) => peek(policy, k) !== true,
        );
        if (missing.length) report(`passwordPolicy does not set ${missing.join(", ")}.`);
        const days = peek(policy, "temporaryPasswordValidityDays");
        if (typeof days === "number" && days > 7) report(`temporary passwords stay valid ${days} days; at most 7.`);
    },
});

export const cognitoUserPoolMfa = resourcePolicy({
    name: "cognito-user-pool-mfa",
    description: "Cognito user pools require or offer TOTP MFA (Cognito.5, AwsSolutions-COG2).",
    severity: "medium",
    tags: ["identity", "Cognito.5"],
    remediationSteps: 'Set mfaConfiguration "ON" with softwareTokenMfaConfiguration.enabled: true.',
    validateResource: (args, report) => {
        if (!isType(args.type, T.userPool)) return;
        const mfa = peek(args.props, "mfaConfiguration");
        if (mfa === UNKNOWN) return;
        if (mfa !== "ON" && mfa !== "OPTIONAL") report(`user pool MFA is ${String(mfa ?? "OFF")}; set mfaConfiguration "ON".`);
        else if (
            peek(args.props, "softwareTokenMfaConfiguration.enabled") !== true &&
            !asArray(peek(args.props, "smsConfiguration") as unknown[]).length
        )
            report("user pool enables MFA without any factor (softwareTokenMfaConfiguration.enabled).");
    },
});

export const publicAccessPolicies = [
    s3BucketPublicAccessBlock,
    s3AccountPublicAccessBlock,
    s3AccessPointPublicAccessBlock,
    noPublicResourcePolicies,
    s3NoCrossAccountAdmin,
    s3NoAcls,
    s3OwnershipEnforced,
    lambdaPermissionRestricted,
    lambdaFunctionUrlAuth,
    cognitoIdentityPoolNoUnauthenticated,
    cognitoUserPoolPasswordPolicy,
    cognitoUserPoolMfa,
];
