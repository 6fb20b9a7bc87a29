import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { ACCOUNT, describePolicyCases, doc, docOf, evaluate, violationsOf } from "./support";

const FN_ARN = `arn:aws:lambda:eu-central-1:${ACCOUNT}:function:f`;

function bucketWithBlock(
    name: string,
    flags: Partial<Record<"blockPublicAcls" | "blockPublicPolicy" | "ignorePublicAcls" | "restrictPublicBuckets", boolean>> = {},
) {
    const bucket = new aws.s3.Bucket(name, {});
    new aws.s3.BucketPublicAccessBlock(`${name}-pab`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
        ...flags,
    });
    return bucket;
}

describe("policy pack: public access", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "s3-bucket-public-access-block",
            pass: () => void bucketWithBlock("blocked"),
            fail: () => {
                new aws.s3.Bucket("no-pab", {});
                bucketWithBlock("partial", { blockPublicPolicy: false });
                bucketWithBlock("fine");
            },
            failing: ["no-pab", "partial"],
            message: /partial-pab does not set blockPublicPolicy to true/,
        },
        {
            policy: "s3-account-public-access-block",
            pass: () =>
                void new aws.s3.AccountPublicAccessBlock("account", {
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                }),
            fail: () => void new aws.s3.AccountPublicAccessBlock("account-open", { blockPublicAcls: true }),
            failing: ["account-open"],
        },
        {
            policy: "s3-access-point-public-access-block",
            pass: () => void new aws.s3.AccessPoint("ap", { bucket: "data" }),
            fail: () =>
                void new aws.s3.AccessPoint("ap-open", { bucket: "data", publicAccessBlockConfiguration: { blockPublicPolicy: false } }),
            failing: ["ap-open"],
        },
        {
            policy: "resource-policy-no-public-principal",
            pass: () => {
                const queue = new aws.sqs.Queue("events", {});
                new aws.sqs.QueuePolicy("events-policy", {
                    queueUrl: queue.url,
                    policy: docOf(queue.arn, (arn) => [
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sqs:SendMessage",
                            Resource: arn,
                            Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:eu-central-1:${ACCOUNT}:t` } },
                        },
                    ]),
                });
                new aws.kms.Key("key", {
                    enableKeyRotation: true,
                    policy: doc([{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }]),
                });
            },
            fail: () => {
                const bucket = new aws.s3.Bucket("site", {});
                new aws.s3.BucketPolicy("site-policy", {
                    bucket: bucket.id,
                    policy: docOf(bucket.arn, (arn) => [
                        { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `${arn}/*` },
                    ]),
                });
                new aws.kms.Key("open-key", {
                    enableKeyRotation: true,
                    policy: doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" }]),
                });
                const topic = new aws.sns.Topic("topic", {});
                new aws.sns.TopicPolicy("topic-policy", {
                    arn: topic.arn,
                    policy: docOf(topic.arn, (arn) => [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sns:Publish", Resource: arn }]),
                });
            },
            failing: ["site-policy", "open-key", "topic-policy"],
            message: /statement PublicRead allows "\*" without a condition/,
        },
        {
            policy: "s3-bucket-policy-no-cross-account-admin",
            config: { "s3-bucket-policy-no-cross-account-admin": { trustedAccountIds: [ACCOUNT] } },
            pass: () =>
                void new aws.s3.BucketPolicy("own-admin", {
                    bucket: "data",
                    policy: doc([
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                            Action: "s3:PutBucketPolicy",
                            Resource: "arn:aws:s3:::data",
                        },
                    ]),
                }),
            fail: () =>
                void new aws.s3.BucketPolicy("foreign-admin", {
                    bucket: "data",
                    policy: doc([
                        {
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::444455556666:root" },
                            Action: ["s3:PutObjectAcl"],
                            Resource: "arn:aws:s3:::data/*",
                        },
                    ]),
                }),
            failing: ["foreign-admin"],
        },
        {
            policy: "s3-no-bucket-acls",
            pass: () => void new aws.s3.Bucket("no-acl", {}),
            fail: () => {
                new aws.s3.BucketAcl("public-acl", { bucket: "data", acl: "public-read" });
                new aws.s3.BucketAclV2("legacy-acl", { bucket: "data", acl: "private" });
            },
            failing: ["public-acl", "legacy-acl"],
            message: /public canned ACL public-read/,
        },
        {
            policy: "s3-bucket-ownership-enforced",
            pass: () => {
                const bucket = new aws.s3.Bucket("enforced", {});
                new aws.s3.BucketOwnershipControls("enforced-ownership", {
                    bucket: bucket.id,
                    rule: { objectOwnership: "BucketOwnerEnforced" },
                });
            },
            fail: () => {
                const bucket = new aws.s3.Bucket("preferred", {});
                new aws.s3.BucketOwnershipControls("preferred-ownership", {
                    bucket: bucket.id,
                    rule: { objectOwnership: "BucketOwnerPreferred" },
                });
                new aws.s3.Bucket("no-controls", {});
            },
            failing: ["preferred", "no-controls"],
        },
        {
            policy: "lambda-permission-restricted",
            pass: () => {
                new aws.lambda.Permission("api", {
                    action: "lambda:InvokeFunction",
                    function: FN_ARN,
                    principal: "apigateway.amazonaws.com",
                    sourceArn: `arn:aws:execute-api:eu-central-1:${ACCOUNT}:abc/*/GET/health`,
                });
                new aws.lambda.Permission("s3-events", {
                    action: "lambda:InvokeFunction",
                    function: FN_ARN,
                    principal: "s3.amazonaws.com",
                    sourceAccount: ACCOUNT,
                    sourceArn: "arn:aws:s3:::data",
                });
                new aws.lambda.Permission("other-account", {
                    action: "lambda:InvokeFunction",
                    function: FN_ARN,
                    principal: "444455556666",
                });
            },
            fail: () => {
                new aws.lambda.Permission("anyone", { action: "lambda:InvokeFunction", function: FN_ARN, principal: "*" });
                new aws.lambda.Permission("s3-any-account", {
                    action: "lambda:InvokeFunction",
                    function: FN_ARN,
                    principal: "s3.amazonaws.com",
                    sourceArn: "arn:aws:s3:::data",
                });
                new aws.lambda.Permission("sns-unscoped", {
                    action: "lambda:InvokeFunction",
                    function: FN_ARN,
                    principal: "sns.amazonaws.com",
                });
                new aws.lambda.Permission("public-url", {
                    action: "lambda:InvokeFunctionUrl",
                    function: FN_ARN,
                    principal: "*",
                    functionUrlAuthType: "NONE",
                });
            },
            failing: ["anyone", "s3-any-account", "sns-unscoped", "public-url"],
            message: /sns.amazonaws.com may invoke the function without sourceArn or sourceAccount/,
        },
        {
            policy: "lambda-function-url-auth",
            pass: () => void new aws.lambda.FunctionUrl("iam-url", { functionName: "f", authorizationType: "AWS_IAM" }),
            fail: () => void new aws.lambda.FunctionUrl("open-url", { functionName: "f", authorizationType: "NONE" }),
            failing: ["open-url"],
        },
        {
            policy: "cognito-identity-pool-no-unauthenticated",
            pass: () =>
                void new aws.cognito.IdentityPool("authenticated", {
                    identityPoolName: "authenticated",
                    allowUnauthenticatedIdentities: false,
                }),
            fail: () => void new aws.cognito.IdentityPool("guests", { identityPoolName: "guests", allowUnauthenticatedIdentities: true }),
            failing: ["guests"],
        },
        {
            policy: "cognito-user-pool-password-policy",
            pass: () =>
                void new aws.cognito.UserPool("strong", {
                    passwordPolicy: {
                        minimumLength: 12,
                        requireLowercase: true,
                        requireUppercase: true,
                        requireNumbers: true,
                        requireSymbols: true,
                        temporaryPasswordValidityDays: 7,
                    },
                    mfaConfiguration: "ON",
                    softwareTokenMfaConfiguration: { enabled: true },
                }),
            fail: () => {
                new aws.cognito.UserPool("short", {
                    passwordPolicy: {
                        minimumLength: 6,
                        requireLowercase: true,
                        requireUppercase: true,
                        requireNumbers: true,
                        requireSymbols: true,
                    },
                });
                new aws.cognito.UserPool("default-policy", {});
            },
            failing: ["short", "default-policy"],
            message: /minimumLength is 6; at least 8/,
        },
        {
            policy: "cognito-user-pool-mfa",
            pass: () => void new aws.cognito.UserPool("totp", { mfaConfiguration: "ON", softwareTokenMfaConfiguration: { enabled: true } }),
            fail: () => void new aws.cognito.UserPool("no-mfa", { mfaConfiguration: "OFF" }),
            failing: ["no-mfa"],
        },
    ]);

    it("in preview (unknown ids) still joins each public access block to its bucket through property dependencies", async () => {
        const { resources, evaluation } = await evaluate(
            () => {
                bucketWithBlock("known-later");
                new aws.s3.Bucket("unblocked", {});
            },
            { preview: true },
        );
        const bucket = resources.find((r) => r.name === "known-later")!;
        const block = resources.find((r) => r.name === "known-later-pab")!;
        expect(bucket.id, "bucket id unknown in preview").to.equal(undefined);
        expect(block.propertyDependencies.bucket).to.deep.equal([bucket.urn]);
        const hits = violationsOf(evaluation, "s3-bucket-public-access-block");
        expect(hits.map((v) => `${v.enforcementLevel} ${v.resourceName}`)).to.deep.equal(["mandatory unblocked"]);
    });
});
