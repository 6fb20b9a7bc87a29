/**
 * Shared helpers of the ai-investment-controls pack: resource token sets, safe reads of possibly-unknown inputs,
 * IAM policy documents (parsing, statements, principals, action/resource matching), tags (provider defaultTags ∪
 * resource tags), joins of child resources to their parents through property dependencies, and per-resource
 * exemptions (`excludeFor`).
 *
 * The pack depends on @pulumi/policy only: resources are matched by their type tokens, never by @pulumi/aws classes.
 */
import type {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";

// ---------------------------------------------------------------------------------------------------------------
// Type tokens. @pulumi/aws 7 still ships the deprecated …V2 S3 resources: match both spellings.
// ---------------------------------------------------------------------------------------------------------------

const s3 = (resource: string): string[] => {
    const lower = resource.charAt(0).toLowerCase() + resource.slice(1);
    return [`aws:s3/${lower}:${resource}`, `aws:s3/${lower}V2:${resource}V2`];
};

export const T = {
    bucket: s3("Bucket"),
    bucketSse: s3("BucketServerSideEncryptionConfiguration"),
    bucketLogging: s3("BucketLogging"),
    bucketAcl: s3("BucketAcl"),
    bucketLifecycle: s3("BucketLifecycleConfiguration"),
    bucketVersioning: s3("BucketVersioning"),
    bucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
    bucketOwnership: ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"],
    bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
    accountPublicAccessBlock: ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    accessPoint: ["aws:s3/accessPoint:AccessPoint"],
    multiRegionAccessPoint: ["aws:s3control/multiRegionAccessPoint:MultiRegionAccessPoint"],
    queue: ["aws:sqs/queue:Queue"],
    queuePolicy: ["aws:sqs/queuePolicy:QueuePolicy"],
    queueRedrivePolicy: ["aws:sqs/redrivePolicy:RedrivePolicy"],
    topic: ["aws:sns/topic:Topic"],
    topicPolicy: ["aws:sns/topicPolicy:TopicPolicy"],
    kmsKey: ["aws:kms/key:Key"],
    kmsKeyPolicy: ["aws:kms/keyPolicy:KeyPolicy"],
    table: ["aws:dynamodb/table:Table"],
    autoscalingTarget: ["aws:appautoscaling/target:Target"],
    backupSelection: ["aws:backup/selection:Selection"],
    daxCluster: ["aws:dax/cluster:Cluster"],
    lambdaFunction: ["aws:lambda/function:Function"],
    lambdaPermission: ["aws:lambda/permission:Permission"],
    lambdaFunctionUrl: ["aws:lambda/functionUrl:FunctionUrl"],
    lambdaEventInvokeConfig: ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"],
    logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
    metricAlarm: ["aws:cloudwatch/metricAlarm:MetricAlarm"],
    eventBus: ["aws:cloudwatch/eventBus:EventBus"],
    eventBusPolicy: ["aws:cloudwatch/eventBusPolicy:EventBusPolicy"],
    secret: ["aws:secretsmanager/secret:Secret"],
    secretRotation: ["aws:secretsmanager/secretRotation:SecretRotation"],
    trail: ["aws:cloudtrail/trail:Trail"],
    backupVault: ["aws:backup/vault:Vault"],
    schedule: ["aws:scheduler/schedule:Schedule"],
    iamPolicy: ["aws:iam/policy:Policy"],
    iamRolePolicy: ["aws:iam/rolePolicy:RolePolicy"],
    iamGroupPolicy: ["aws:iam/groupPolicy:GroupPolicy"],
    iamUserPolicy: ["aws:iam/userPolicy:UserPolicy"],
    iamRole: ["aws:iam/role:Role"],
    restApi: ["aws:apigateway/restApi:RestApi"],
    restResource: ["aws:apigateway/resource:Resource"],
    restMethod: ["aws:apigateway/method:Method"],
    restIntegration: ["aws:apigateway/integration:Integration"],
    restStage: ["aws:apigateway/stage:Stage"],
    restMethodSettings: ["aws:apigateway/methodSettings:MethodSettings"],
    restDomainName: ["aws:apigateway/domainName:DomainName"],
    v2Api: ["aws:apigatewayv2/api:Api"],
    v2Route: ["aws:apigatewayv2/route:Route"],
    v2Stage: ["aws:apigatewayv2/stage:Stage"],
    v2DomainName: ["aws:apigatewayv2/domainName:DomainName"],
    webAcl: ["aws:wafv2/webAcl:WebAcl"],
    webAclAssociation: ["aws:wafv2/webAclAssociation:WebAclAssociation"],
    webAclLogging: ["aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"],
    wafRuleGroup: ["aws:wafv2/ruleGroup:RuleGroup"],
    identityPool: ["aws:cognito/identityPool:IdentityPool"],
    userPool: ["aws:cognito/userPool:UserPool"],
    vpc: ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"],
    subnet: ["aws:ec2/subnet:Subnet"],
    defaultSecurityGroup: ["aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"],
    flowLog: ["aws:ec2/flowLog:FlowLog"],
    securityGroup: ["aws:ec2/securityGroup:SecurityGroup"],
    securityGroupRule: ["aws:ec2/securityGroupRule:SecurityGroupRule"],
    securityGroupIngressRule: ["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"],
    networkAcl: ["aws:ec2/networkAcl:NetworkAcl"],
    networkAclRule: ["aws:ec2/networkAclRule:NetworkAclRule"],
} as const;

export const isType = (type: string, tokens: readonly string[]): boolean => tokens.includes(type);

export const ofType = (resources: PolicyResource[], tokens: readonly string[]): PolicyResource[] =>
    resources.filter((r) => tokens.includes(r.type));

// ---------------------------------------------------------------------------------------------------------------
// Unknown values. Props are wrapped by the engine's unknownCheckingProxy: reading an unknown value throws
// UnknownValueError. `peek` turns that into the UNKNOWN marker where "it will be set" is all a check needs.
// ---------------------------------------------------------------------------------------------------------------

export const UNKNOWN: unique symbol = Symbol("unknown");
export type Peeked = unknown | typeof UNKNOWN;

/** Reads `obj[key]` (dotted path allowed); an unknown value (preview) becomes UNKNOWN instead of throwing. */
export function peek(obj: unknown, path: string): Peeked {
    let current: unknown = obj;
    for (const key of path.split(".")) {
        if (current === undefined || current === null || typeof current !== "object") return undefined;
        try {
            current = (current as Record<string, unknown>)[key];
        } catch (e) {
            if (e instanceof UnknownValueError) return UNKNOWN;
            throw e;
        }
    }
    return current;
}

/** Set means present and non-empty; an unknown value counts as set (it is computed from another resource). */
export const isSet = (value: Peeked): boolean =>
    value === UNKNOWN || (value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0));

export const asArray = <V>(value: V | V[] | undefined | null): V[] =>
    value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];

/** The last segment of a URN: the resource's logical name. */
export const nameOfUrn = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

// ---------------------------------------------------------------------------------------------------------------
// IAM / resource policy documents
// ---------------------------------------------------------------------------------------------------------------

export interface Statement {
    Sid?: string;
    Effect?: string;
    Principal?: unknown;
    NotPrincipal?: unknown;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

export class PolicyDocumentError extends Error {}

/**
 * Parses a policy document given as a JSON string (how Pulumi passes `policy` inputs) or an object. An unknown
 * document (preview) throws UnknownValueError on read, which the pack reports as "can't run during preview".
 */
export function parsePolicyDocument(document: unknown): Statement[] {
    if (document === undefined || document === null || document === "") return [];
    let parsed: unknown = document;
    if (typeof document === "string") {
        try {
            parsed = JSON.parse(document);
        } catch {
            throw new PolicyDocumentError("the policy document is not valid JSON");
        }
    }
    // Copy out of the unknown-checking proxy into plain data.
    const plain = JSON.parse(JSON.stringify(parsed)) as { Statement?: Statement | Statement[] };
    return asArray(plain?.Statement);
}

/** Statements of a document, or a violation message when it can't be read. */
export function statementsOr(document: unknown, report: (message: string) => void): Statement[] {
    try {
        return parsePolicyDocument(document);
    } catch (e) {
        if (e instanceof PolicyDocumentError) {
            report(e.message);
            return [];
        }
        throw e;
    }
}

export const isAllow = (s: Statement): boolean => (s.Effect ?? "Allow") === "Allow";
export const isDeny = (s: Statement): boolean => s.Effect === "Deny";
export const actionsOf = (s: Statement): string[] => asArray(s.Action);
export const resourcesOf = (s: Statement): string[] => asArray(s.Resource);

export interface Principals {
    /** `"*"` or `{ AWS: "*" }` (or `*` among the AWS principals). */
    anyone: boolean;
    aws: string[];
    service: string[];
    federated: string[];
    canonicalUser: string[];
}

export function principalsOf(s: Statement): Principals {
    const p = s.Principal;
    const result: Principals = { anyone: false, aws: [], service: [], federated: [], canonicalUser: [] };
    if (p === undefined) return result;
    if (p === "*") return { ...result, anyone: true };
    if (typeof p === "object" && p !== null) {
        const record = p as Record<string, string | string[]>;
        result.aws = asArray(record.AWS);
        result.service = asArray(record.Service);
        result.federated = asArray(record.Federated);
        result.canonicalUser = asArray(record.CanonicalUser);
        result.anyone = result.aws.includes("*") || result.canonicalUser.includes("*");
    }
    return result;
}

/** Condition keys that scope a statement with a wildcard principal to a known account, org or source. */
export const RESTRICTING_CONDITION_KEYS = [
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOwner",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:PrincipalOrgID",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:ResourceOrgID",
    "aws:ResourceAccount",
    "kms:CallerAccount",
];

/** True when the statement has a condition on one of `keys` whose value is not a bare wildcard. */
export function hasRestrictingCondition(s: Statement, keys: readonly string[] = RESTRICTING_CONDITION_KEYS): boolean {
    const wanted = new Set(keys.map((k) => k.toLowerCase()));
    for (const block of Object.values(s.Condition ?? {})) {
        for (const [key, value] of Object.entries(block ?? {})) {
            if (!wanted.has(key.toLowerCase())) continue;
            const values = asArray(value as string | string[]).map(String);
            if (values.length > 0 && values.every((v) => v !== "*" && v !== "")) return true;
        }
    }
    return false;
}

/** IAM wildcard match (`*` any run, `?` one character), case-insensitive like IAM action names. */
export function wildcardMatch(pattern: string, value: string): boolean {
    const regex = new RegExp(
        "^" +
            pattern
                .split("")
                .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
                .join("") +
            "$",
        "i",
    );
    return regex.test(value);
}

/** Does an action pattern of a statement grant any of `actions`? (`kms:*` grants `kms:Decrypt`.) */
export const grantsAny = (statementActions: string[], actions: readonly string[]): boolean =>
    statementActions.some((pattern) => actions.some((action) => wildcardMatch(pattern, action)));

/** A statement whose Resource is `*` (or uses NotResource, which is as broad). */
export const onAllResources = (s: Statement): boolean => resourcesOf(s).includes("*") || s.NotResource !== undefined;

// ---------------------------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------------------------

/** The provider's `defaultTags.tags`; provider props arrive JSON-encoded (`defaultTags` is a string). */
export function providerDefaultTags(provider: { props: Record<string, unknown> } | undefined): Record<string, string> {
    if (!provider) return {};
    let defaultTags = peek(provider.props, "defaultTags");
    if (defaultTags === UNKNOWN || defaultTags === undefined || defaultTags === null) return {};
    if (typeof defaultTags === "string") {
        try {
            defaultTags = JSON.parse(defaultTags);
        } catch {
            return {};
        }
    }
    const tags = (defaultTags as { tags?: unknown })?.tags;
    return tags && typeof tags === "object" ? (JSON.parse(JSON.stringify(tags)) as Record<string, string>) : {};
}

/**
 * Effective tags: provider defaultTags merged with the resource's own `tags` (resource wins). A tag whose value is
 * unknown in preview still counts as present.
 */
export function effectiveTags(props: Record<string, unknown>, provider: { props: Record<string, unknown> } | undefined): Set<string> {
    const keys = new Set(Object.keys(providerDefaultTags(provider)));
    const own = peek(props, "tags");
    if (own && own !== UNKNOWN && typeof own === "object") for (const key of Object.keys(own)) keys.add(key);
    return keys;
}

// ---------------------------------------------------------------------------------------------------------------
// Joins (stack policies). Ids are unknown in preview: follow property dependencies, never compare id strings.
// ---------------------------------------------------------------------------------------------------------------

/**
 * The resources among `candidates` that `child`'s input `property` was built from: its property dependencies, or
 * (when the engine sent none for that property) its plain dependencies, or — for a literal value such as a bucket
 * name typed by hand — a candidate whose `nameProperty` input has that same literal value.
 */
export function linked(child: PolicyResource, property: string, candidates: PolicyResource[], nameProperty?: string): PolicyResource[] {
    const set = new Set(candidates);
    const viaProperty = (child.propertyDependencies[property] ?? []).filter((r) => set.has(r));
    if (viaProperty.length) return viaProperty;
    if (!(property in child.propertyDependencies)) {
        const viaDependencies = child.dependencies.filter((r) => set.has(r));
        if (viaDependencies.length === 1) return viaDependencies;
    }
    if (nameProperty) {
        const literal = peek(child.props, property);
        if (typeof literal === "string" && literal) {
            return candidates.filter((c) => {
                const name = peek(c.props, nameProperty);
                return typeof name === "string" && (name === literal || literal.endsWith(`:::${name}`));
            });
        }
    }
    return [];
}

/** Children of `parents` of the given types, indexed by parent. */
export function childrenByParent(
    resources: PolicyResource[],
    childTypes: readonly string[],
    property: string,
    parents: PolicyResource[],
    nameProperty?: string,
): Map<PolicyResource, PolicyResource[]> {
    const result = new Map<PolicyResource, PolicyResource[]>(parents.map((p) => [p, []]));
    for (const child of ofType(resources, childTypes)) {
        for (const parent of linked(child, property, parents, nameProperty)) result.get(parent)!.push(child);
    }
    return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy definitions with exemptions (compliance-policies style `excludeFor`)
// ---------------------------------------------------------------------------------------------------------------

export interface ExemptionConfig {
    /** Logical resource names (glob, `*` wildcard) this policy does not apply to. */
    excludeFor?: string[];
}

const EXEMPTION_SCHEMA = {
    excludeFor: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Logical resource names (glob with *) exempt from this policy; document the reason next to the entry.",
    },
} as const;

const exempt = (name: string, config: ExemptionConfig): boolean => (config.excludeFor ?? []).some((p) => wildcardMatch(p, name));

type Common = Omit<ResourceValidationPolicy, "validateResource" | "configSchema" | "enforcementLevel"> & {
    enforcementLevel?: ResourceValidationPolicy["enforcementLevel"];
    configSchema?: PolicyConfigSchema;
    severity: NonNullable<ResourceValidationPolicy["severity"]>;
    remediationSteps: string;
};

/** A resource policy, mandatory unless stated, with `excludeFor` added to its config schema. */
export function resourcePolicy(
    definition: Common & {
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>;
    },
): ResourceValidationPolicy {
    const { validateResource, configSchema, ...rest } = definition;
    return {
        enforcementLevel: "mandatory",
        ...rest,
        configSchema: { ...configSchema, properties: { ...EXEMPTION_SCHEMA, ...configSchema?.properties } },
        validateResource: (args, report) => {
            if (exempt(args.name, args.getConfig<ExemptionConfig>())) return;
            return validateResource(args, report);
        },
    };
}

/** A stack policy, mandatory unless stated; violations on exempt resources (`excludeFor`) are dropped. */
export function stackPolicy(
    definition: Common & {
        validateStack: (args: StackValidationArgs, report: ReportViolation) => void | Promise<void>;
    },
): StackValidationPolicy {
    const { validateStack, configSchema, ...rest } = definition;
    return {
        enforcementLevel: "mandatory",
        ...rest,
        configSchema: { ...configSchema, properties: { ...EXEMPTION_SCHEMA, ...configSchema?.properties } },
        validateStack: (args, report) => {
            const config = args.getConfig<ExemptionConfig>();
            return validateStack(args, (message, urn) => {
                if (urn && exempt(nameOfUrn(urn), config)) return;
                report(message, urn);
            });
        },
    };
}

/**
 * Stack policies read many resources: an unknown value in one of them shouldn't hide the verdicts on the others.
 * `Deferred` collects reads that hit an unknown value; `rethrow()` (call it last) re-reads the first one, so the pack
 * still reports the engine's advisory "can't run during preview" after every known violation was reported.
 */
export class Deferred {
    private readonly reads: (() => unknown)[] = [];
    /** Reads `obj[key]`, or records the read and returns UNKNOWN. */
    read(obj: Record<string, unknown>, key: string): unknown {
        const value = peek(obj, key);
        if (value === UNKNOWN) this.reads.push(() => obj[key]);
        return value;
    }
    rethrow(): void {
        this.reads[0]?.();
    }
}
