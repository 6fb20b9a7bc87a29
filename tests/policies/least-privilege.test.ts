import * as aws from "@pulumi/aws";
import { ACCOUNT, KEY_ARN, describePolicyCases, doc } from "./support";

const TABLE_ARN = `arn:aws:dynamodb:eu-central-1:${ACCOUNT}:table/signals`;
const lambdaTrust = doc([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
const policy = (name: string, statements: unknown[]) => new aws.iam.Policy(name, { policy: doc(statements) });

describe("policy pack: least privilege", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "iam-no-wildcard-actions",
            pass: () => void policy("scoped", [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:Query"], Resource: TABLE_ARN }]),
            fail: () => {
                policy("admin", [{ Effect: "Allow", Action: "*", Resource: "*" }]);
                new aws.iam.RolePolicy("s3-all", {
                    role: "r",
                    policy: doc([{ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::data/*" }]),
                });
                new aws.iam.Role("inline-all", {
                    assumeRolePolicy: lambdaTrust,
                    inlinePolicies: [
                        {
                            name: "everything-sqs",
                            policy: doc([{ Effect: "Allow", Action: ["sqs:*"], Resource: "arn:aws:sqs:eu-central-1:1:q" }]),
                        },
                    ],
                });
                // A Deny with wildcards is fine: only the Allow in "not-action" fails.
                policy("not-action", [
                    { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } },
                    { Effect: "Allow", NotAction: "iam:*", Resource: TABLE_ARN },
                ]);
            },
            failing: ["admin", "s3-all", "inline-all", "not-action"],
            message: /inline policy everything-sqs statement #1 allows wildcard actions sqs:\*/,
        },
        {
            policy: "iam-no-wildcard-resources",
            pass: () => {
                policy("xray", [{ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" }]);
                policy("enis", [
                    {
                        Effect: "Allow",
                        Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"],
                        Resource: "*",
                    },
                ]);
            },
            fail: () => {
                policy("any-table", [{ Effect: "Allow", Action: ["dynamodb:GetItem", "xray:PutTraceSegments"], Resource: "*" }]);
                new aws.iam.RolePolicy("any-bucket", {
                    role: "r",
                    policy: doc([{ Effect: "Allow", Action: "s3:GetObject", Resource: ["*"] }]),
                });
            },
            failing: ["any-table", "any-bucket"],
            message: /allows dynamodb:GetItem on Resource "\*"/,
        },
        {
            policy: "iam-no-kms-decrypt-all-keys",
            pass: () => void policy("one-key", [{ Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KEY_ARN }]),
            fail: () => {
                policy("all-keys", [{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }]);
                new aws.iam.RolePolicy("reencrypt-all", {
                    role: "r",
                    policy: doc([{ Effect: "Allow", Action: "kms:ReEncrypt*", Resource: "*" }]),
                });
            },
            failing: ["all-keys", "reencrypt-all"],
        },
        {
            policy: "iam-no-passrole-wildcard",
            pass: () =>
                void policy("pass-one", [{ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/scheduler` }]),
            fail: () => void policy("pass-any", [{ Effect: "Allow", Action: ["iam:PassRole"], Resource: "*" }]),
            failing: ["pass-any"],
        },
        {
            policy: "iam-no-privileged-managed-policies",
            pass: () =>
                void new aws.iam.RolePolicyAttachment("push-logs", {
                    role: "api",
                    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
                }),
            fail: () => {
                new aws.iam.RolePolicyAttachment("admin-attachment", {
                    role: "r",
                    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
                });
                new aws.iam.Role("power-user", {
                    assumeRolePolicy: lambdaTrust,
                    managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"],
                });
                new aws.iam.PolicyAttachment("iam-full", { policyArn: "arn:aws:iam::aws:policy/IAMFullAccess", roles: ["r"] });
            },
            failing: ["admin-attachment", "power-user", "iam-full"],
        },
        {
            policy: "iam-no-users",
            pass: () => void new aws.iam.Role("workload", { assumeRolePolicy: lambdaTrust }),
            fail: () => {
                const user = new aws.iam.User("person", {});
                new aws.iam.AccessKey("person-key", { user: user.name });
                new aws.iam.UserPolicy("person-policy", {
                    user: user.name,
                    policy: doc([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::d/*" }]),
                });
            },
            failing: ["person", "person-key", "person-policy"],
        },
        {
            policy: "iam-role-trust-restricted",
            pass: () => {
                new aws.iam.Role("lambda-role", { assumeRolePolicy: lambdaTrust });
                new aws.iam.Role("scheduler-role", {
                    assumeRolePolicy: doc([
                        {
                            Effect: "Allow",
                            Principal: { Service: "scheduler.amazonaws.com" },
                            Action: "sts:AssumeRole",
                            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
                        },
                    ]),
                });
            },
            fail: () => {
                new aws.iam.Role("anyone-role", {
                    assumeRolePolicy: doc([{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]),
                });
                new aws.iam.Role("two-services", {
                    assumeRolePolicy: doc([
                        {
                            Effect: "Allow",
                            Principal: { Service: ["lambda.amazonaws.com", "ec2.amazonaws.com"] },
                            Action: "sts:AssumeRole",
                        },
                    ]),
                });
            },
            failing: ["anyone-role", "two-services"],
            message: /names 2 principals/,
        },
    ]);
});
