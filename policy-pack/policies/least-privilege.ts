/**
 * Least privilege for IAM: no wildcard actions (IAM.1, IAM.21), no `Resource: "*"` beyond the actions AWS only
 * authorises on `*` (CKV_AWS_355, AwsSolutions-IAM5), no kms:Decrypt/ReEncrypt on all keys (KMS.1, KMS.2), no
 * iam:PassRole on `*`, no privileged AWS-managed policies (IAM.1, IAM.27, CKV_AWS_274), no IAM users or access keys
 * (IAM.2, IAM.3/.5/.8 proxy, CKV_AWS_273), and role trust policies naming exactly one service or account (CKV_AWS_60/61).
 */
import type { ResourceValidationArgs } from "@pulumi/policy";
import {
    T,
    UNKNOWN,
    actionsOf,
    asArray,
    grantsAny,
    isAllow,
    isType,
    onAllResources,
    peek,
    principalsOf,
    resourcePolicy,
    statementsOr,
    type Statement,
} from "./util";

/** Every identity-policy document of a resource, with a label for messages. Reading an unknown document throws. */
function identityDocuments(args: ResourceValidationArgs, report: (m: string) => void): { label: string; statements: Statement[] }[] {
    const documents: { label: string; statements: Statement[] }[] = [];
    const single = [...T.iamPolicy, ...T.iamRolePolicy, ...T.iamGroupPolicy, ...T.iamUserPolicy];
    if (isType(args.type, single) && "policy" in args.props) {
        documents.push({ label: "policy", statements: statementsOr(args.props.policy, (m) => report(`policy: ${m}`)) });
    }
    if (isType(args.type, T.iamRole) && "inlinePolicies" in args.props) {
        asArray(args.props.inlinePolicies as { name?: string; policy?: string }[]).forEach((inline, i) => {
            const label = `inline policy ${peek(inline, "name") ?? i}`;
            documents.push({ label, statements: statementsOr(inline.policy, (m) => report(`${label}: ${m}`)) });
        });
    }
    return documents;
}

const sidOf = (s: Statement, i: number) => (s.Sid ? `statement ${s.Sid}` : `statement #${i + 1}`);

export const iamNoWildcardActions = resourcePolicy({
    name: "iam-no-wildcard-actions",
    description: 'IAM policies (managed, inline, role inline) don\'t Allow Action "*" or "<service>:*", nor NotAction (IAM.1, IAM.21).',
    severity: "high",
    tags: ["least-privilege", "IAM.1", "IAM.21"],
    remediationSteps: "List the exact actions the principal needs (lib/grants.ts builds them from typed grants).",
    validateResource: (args, report) => {
        for (const { label, statements } of identityDocuments(args, report)) {
            statements.forEach((s, i) => {
                if (!isAllow(s)) return;
                if (s.NotAction !== undefined)
                    report(`${label} ${sidOf(s, i)} uses Allow with NotAction, which grants every other action.`);
                const wild = actionsOf(s).filter((a) => a === "*" || /^[\w-]+:\*$/.test(a));
                if (wild.length) report(`${label} ${sidOf(s, i)} allows wildcard actions ${wild.join(", ")}.`);
            });
        }
    },
});

/** Copied from lib/grants.ts RESOURCE_WILDCARD_ACTIONS: actions with no resource-level permissions. */
const DEFAULT_WILDCARD_RESOURCE_ACTIONS = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
];

export const iamNoWildcardResources = resourcePolicy({
    name: "iam-no-wildcard-resources",
    description:
        'IAM Allow statements on Resource "*" (or NotResource) contain only actions that AWS authorises on "*" alone (configurable allowlist; default the X-Ray and Lambda-VPC ENI actions) (CKV_AWS_355, AwsSolutions-IAM5).',
    severity: "high",
    tags: ["least-privilege", "CKV_AWS_355"],
    configSchema: {
        properties: {
            allowedActions: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_WILDCARD_RESOURCE_ACTIONS,
                description: 'Actions allowed on Resource "*" (exact names, compared case-insensitively).',
            },
        },
    },
    remediationSteps: "Scope the statement to the ARNs it acts on; move actions without resource-level permissions to their own statement.",
    validateResource: (args, report) => {
        const allowed = new Set(args.getConfig<{ allowedActions: string[] }>().allowedActions.map((a) => a.toLowerCase()));
        for (const { label, statements } of identityDocuments(args, report)) {
            statements.forEach((s, i) => {
                if (!isAllow(s) || !onAllResources(s)) return;
                const extra = actionsOf(s).filter((a) => !allowed.has(a.toLowerCase()));
                if (extra.length || s.NotAction !== undefined)
                    report(`${label} ${sidOf(s, i)} allows ${extra.length ? extra.join(", ") : "NotAction"} on Resource "*".`);
            });
        }
    },
});

const KMS_DECRYPT = ["kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo"];

export const iamNoKmsDecryptAllKeys = resourcePolicy({
    name: "iam-no-kms-decrypt-all-keys",
    description: "IAM policies don't allow kms:Decrypt or kms:ReEncrypt* on all keys (KMS.1 managed, KMS.2 inline).",
    severity: "medium",
    tags: ["least-privilege", "KMS.1", "KMS.2"],
    remediationSteps: "Name the key ARN in Resource (and keep the kms:ViaService condition).",
    validateResource: (args, report) => {
        for (const { label, statements } of identityDocuments(args, report)) {
            statements.forEach((s, i) => {
                if (isAllow(s) && onAllResources(s) && grantsAny(actionsOf(s), KMS_DECRYPT))
                    report(`${label} ${sidOf(s, i)} allows decryption with every KMS key (Resource "*").`);
            });
        }
    },
});

export const iamNoPassRoleWildcard = resourcePolicy({
    name: "iam-no-passrole-wildcard",
    description: 'IAM policies don\'t allow iam:PassRole on Resource "*" (privilege escalation, CKV_AWS_286).',
    severity: "high",
    tags: ["least-privilege", "CKV_AWS_286"],
    remediationSteps: "Allow iam:PassRole only on the role ARNs that must be passed, with an iam:PassedToService condition.",
    validateResource: (args, report) => {
        for (const { label, statements } of identityDocuments(args, report)) {
            statements.forEach((s, i) => {
                if (isAllow(s) && onAllResources(s) && grantsAny(actionsOf(s), ["iam:PassRole"]))
                    report(`${label} ${sidOf(s, i)} allows iam:PassRole on every role.`);
            });
        }
    },
});

const DEFAULT_PRIVILEGED = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSCloudShellFullAccess"];

export const iamNoPrivilegedManagedPolicies = resourcePolicy({
    name: "iam-no-privileged-managed-policies",
    description:
        "No AdministratorAccess, PowerUserAccess, IAMFullAccess or AWSCloudShellFullAccess attachments (RolePolicyAttachment, PolicyAttachment, Group/UserPolicyAttachment, Role.managedPolicyArns) (IAM.1, IAM.27, CKV_AWS_274, CKV2_AWS_56).",
    severity: "critical",
    tags: ["least-privilege", "IAM.1", "IAM.27"],
    configSchema: {
        properties: {
            deniedPolicies: {
                type: "array",
                items: { type: "string" },
                default: DEFAULT_PRIVILEGED,
                description: "AWS-managed policy names.",
            },
        },
    },
    remediationSteps: "Attach a customer-managed policy with the exact actions instead.",
    validateResource: (args, report) => {
        const denied = args.getConfig<{ deniedPolicies: string[] }>().deniedPolicies;
        const arns: unknown[] = [];
        if (
            isType(args.type, [
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                "aws:iam/policyAttachment:PolicyAttachment",
                "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
                "aws:iam/userPolicyAttachment:UserPolicyAttachment",
            ])
        )
            arns.push(peek(args.props, "policyArn"));
        if (isType(args.type, T.iamRole)) {
            const managed = peek(args.props, "managedPolicyArns");
            if (Array.isArray(managed)) arns.push(...managed);
        }
        for (const arn of arns) {
            if (typeof arn !== "string") continue;
            const name = arn.slice(arn.lastIndexOf("/") + 1);
            if (/^arn:aws[\w-]*:iam::aws:policy\//.test(arn) && denied.includes(name))
                report(`attaches the privileged AWS-managed policy ${name}.`);
        }
    },
});

const USER_TYPES = [
    "aws:iam/user:User",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/userGroupMembership:UserGroupMembership",
    "aws:iam/serviceSpecificCredential:ServiceSpecificCredential",
];

export const iamNoUsers = resourcePolicy({
    name: "iam-no-users",
    description:
        "Application stacks create no IAM users, access keys, login profiles or user policies; people sign in through SSO and workloads use roles (IAM.2; proxy for IAM.3, IAM.5, IAM.8; CKV_AWS_273).",
    severity: "medium",
    tags: ["least-privilege", "IAM.2", "IAM.3", "IAM.5", "IAM.8"],
    remediationSteps: "Use an IAM role (assumed by the workload or through IAM Identity Center) instead of a user and long-lived keys.",
    validateResource: (args, report) => {
        if (isType(args.type, USER_TYPES))
            report(`${args.type} is not allowed: no IAM users or long-lived credentials in application stacks.`);
        if (args.type === "aws:iam/policyAttachment:PolicyAttachment") {
            const users = peek(args.props, "users");
            if (users === UNKNOWN || (Array.isArray(users) && users.length)) report("policy attachment targets IAM users.");
        }
    },
});

export const iamRoleTrustRestricted = resourcePolicy({
    name: "iam-role-trust-restricted",
    description:
        'Role trust policies: every Allow statement names exactly one service, account/role ARN or federated provider; never "*" or {AWS:"*"} (CKV_AWS_60, CKV_AWS_61).',
    severity: "high",
    tags: ["least-privilege", "CKV_AWS_60", "CKV_AWS_61"],
    remediationSteps:
        "Give each principal its own statement with one named service or account, plus aws:SourceAccount/aws:SourceArn where the service supports it.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.iamRole) || !("assumeRolePolicy" in args.props)) return;
        const statements = statementsOr(args.props.assumeRolePolicy, (m) => report(`trust policy: ${m}`));
        if (statements.length === 0) return;
        statements.forEach((s, i) => {
            if (!isAllow(s)) return;
            if (s.NotPrincipal !== undefined) return report(`trust policy ${sidOf(s, i)} uses NotPrincipal.`);
            const p = principalsOf(s);
            if (p.anyone) return report(`trust policy ${sidOf(s, i)} lets anyone (Principal "*") assume the role.`);
            const all = [...p.service, ...p.aws, ...p.federated, ...p.canonicalUser];
            if (all.some((x) => x.includes("*"))) return report(`trust policy ${sidOf(s, i)} has a wildcard principal ${all.join(", ")}.`);
            if (all.length !== 1)
                report(
                    `trust policy ${sidOf(s, i)} names ${all.length} principals (${all.join(", ") || "none"}); exactly one service or account is allowed.`,
                );
        });
    },
});

export const leastPrivilegePolicies = [
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamNoKmsDecryptAllKeys,
    iamNoPassRoleWildcard,
    iamNoPrivilegedManagedPolicies,
    iamNoUsers,
    iamRoleTrustRestricted,
];
