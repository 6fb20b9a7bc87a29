/**
 * The stack as the IAM simulation sees it: the roles under test with their resolved identity policies, the matrix
 * rows resolved to real ARNs, and the probe universe — every request the roles are asked about.
 */
import { FUNCTION_NAMES, type FunctionName } from "../../config/stackConfig";
import type { RecordedResource } from "../../offline/engine";
import type { ResourceGraph } from "../../offline/graph";
import { MATRIX, type Row, SCHEDULER_MATRIX, type Target } from "./matrix";
import { list, type NamedPolicy, type PolicyDocument, type Probe, probeKey } from "./simulate";

const T = {
    component: "ai-investment:compute:IngestFunction",
    role: "aws:iam/role:Role",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    inlinePolicy: "aws:iam/rolePolicy:RolePolicy",
    policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
    table: "aws:dynamodb/table:Table",
    bucket: "aws:s3/bucket:Bucket",
    queue: "aws:sqs/queue:Queue",
    secret: "aws:secretsmanager/secret:Secret",
    key: "aws:kms/key:Key",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    fn: "aws:lambda/function:Function",
    schedule: "aws:scheduler/schedule:Schedule",
    wsApi: "aws:apigatewayv2/api:Api",
    wsStage: "aws:apigatewayv2/stage:Stage",
    restApi: "aws:apigateway/restApi:RestApi",
} as const;

export type ProbeCategory =
    /** Data-plane actions on the stack's resources (and their twins in another region). */
    | "data"
    /** Objects outside the granted prefixes. */
    | "prefix"
    /** Deleting, reconfiguring, re-permissioning — and IAM/STS escalation. */
    | "destructive"
    /** KMS data keys: other keys, other or no kms:ViaService, schedule payloads. */
    | "kms"
    /** Account-wide actions on `*` (tracing, ENIs, listing). */
    | "account";

export interface UniverseProbe extends Probe {
    category: ProbeCategory;
    /** For schedule-payload probes: the schedule ARN in the encryption context. */
    scheduleArn?: string;
}

export interface RoleUnderTest {
    kind: "function" | "scheduler";
    fn: FunctionName;
    /** `score` or `evaluate (scheduler)`. */
    label: string;
    roleName: string;
    roleArn: string;
    /** The session the service uses: `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
    principal: string;
    policies: NamedPolicy[];
    /** Attached policies that cannot be read from the stack (AWS managed, unknown ARNs). */
    problems: string[];
    /** The matrix rows of this role, resolved to probes that must be Allowed. */
    expected: Probe[];
    /** Schedule ARNs the role's rows decrypt (scheduler roles). */
    ownSchedules: string[];
}

export interface StackModel {
    stack: string;
    graph: ResourceGraph;
    account: string;
    region: string;
    vpc: boolean;
    roles: RoleUnderTest[];
    /** Roles trusting lambda.amazonaws.com / scheduler.amazonaws.com that are not function or scheduler roles. */
    strayRoles: string[];
    universe: UniverseProbe[];
    /** Matrix rows that apply to this stack. */
    rowCount: number;
}

const OTHER_REGION = "us-east-1";
const FOREIGN_ACCOUNT = "444455556666";
const LOG_STREAM = "2026/11/23/[$LATEST]0123456789abcdef0123456789abcdef";
const CONNECTION_ID = "Lk3Xw0fGliACFuQ=";

const trusts = (role: RecordedResource, service: string): boolean =>
    JSON.stringify(JSON.parse(role.inputs.assumeRolePolicy ?? "{}")).includes(`"${service}"`);

function component(graph: ResourceGraph, fn: string): RecordedResource {
    return graph.one(T.component, fn);
}

/** Every identity policy of a role, wherever it is declared; what cannot be resolved is reported, never skipped. */
export function identityPoliciesOf(graph: ResourceGraph, role: RecordedResource): { policies: NamedPolicy[]; problems: string[] } {
    const policies: NamedPolicy[] = [];
    const problems: string[] = [];
    const roleName = role.outputs.name as string;
    const attachedArns = [
        ...graph
            .ofType(T.attachment)
            .filter((a) => a.inputs.role === roleName || a.inputs.role === role.outputs.arn)
            .map((a) => a.inputs.policyArn as string),
        ...graph
            .ofType(T.policyAttachment)
            .filter((a) => list(a.inputs.roles).includes(roleName))
            .map((a) => a.inputs.policyArn as string),
        ...list(role.inputs.managedPolicyArns),
    ];
    for (const arn of attachedArns) {
        const policy = graph.ofType(T.policy).find((p) => p.outputs.arn === arn);
        if (!policy)
            problems.push(`attached policy ${arn} is not a policy of this stack (AWS managed or foreign): cannot prove least privilege`);
        else policies.push({ name: policy.name, document: JSON.parse(policy.inputs.policy) as PolicyDocument });
    }
    for (const inline of graph.ofType(T.inlinePolicy).filter((p) => p.inputs.role === roleName || p.inputs.role === role.outputs.id)) {
        policies.push({ name: inline.name, document: JSON.parse(inline.inputs.policy) as PolicyDocument });
    }
    for (const [i, inline] of (role.inputs.inlinePolicies ?? []).entries()) {
        if (inline?.policy)
            policies.push({ name: `${role.name}-inline-${inline.name ?? i}`, document: JSON.parse(inline.policy) as PolicyDocument });
    }
    return { policies, problems };
}

export function buildModel(stack: string, graph: ResourceGraph, vpc: boolean): StackModel {
    const key = graph.one(T.key, "platform-key");
    const [, , , region, account] = (key.outputs.arn as string).split(":") as [string, string, string, string, string];
    const arn = (type: string, name: string) => graph.one(type, name).outputs.arn as string;
    const keyPolicy = (k: RecordedResource) => JSON.parse(k.inputs.policy);
    const liveApi = graph.one(T.wsApi, "live");
    const liveStage =
        graph.ofType(T.wsStage).find((s) => s.propertyDependencies.apiId?.includes(liveApi.urn)) ?? graph.ofType(T.wsStage)[0]!;
    const connectionsArn = (method: string, stage = liveStage.inputs.name as string, exec = liveApi.outputs.executionArn as string) =>
        `${exec}/${stage}/${method}/@connections/${CONNECTION_ID}`;

    /** A matrix target as a request on this stack's resources. */
    function resolve(target: Target, fn: FunctionName): Omit<Probe, "action"> {
        switch (target.kind) {
            case "table": {
                const table = graph.one(T.table, target.table);
                if (!target.index) return { resource: table.outputs.arn, what: `table ${target.table}` };
                const gsis = (table.inputs.globalSecondaryIndexes ?? []).map((g: { name: string }) => g.name);
                if (!gsis.includes(target.index))
                    throw new Error(`matrix: table ${target.table} has no GSI ${target.index} (has ${gsis.join(", ")})`);
                return { resource: `${table.outputs.arn}/index/${target.index}`, what: `table ${target.table} GSI ${target.index}` };
            }
            case "object":
                return { resource: `${arn(T.bucket, target.bucket)}/${target.key}`, what: `s3 ${target.bucket}/${target.key}` };
            case "bucket":
                return { resource: arn(T.bucket, target.bucket), what: `bucket ${target.bucket}` };
            case "queue":
                return { resource: arn(T.queue, target.queue), what: `queue ${target.queue}` };
            case "secret":
                return { resource: arn(T.secret, `providers-${target.secret}`), what: `secret ${target.secret}` };
            case "key": {
                const base = { resource: key.outputs.arn as string, resourcePolicy: keyPolicy(key) };
                if (target.via)
                    return {
                        ...base,
                        context: { "kms:ViaService": `${target.via}.${region}.amazonaws.com` },
                        what: `key via ${target.via}`,
                    };
                if (target.schedule) {
                    const scheduleArn = arn(T.schedule, target.schedule);
                    return {
                        ...base,
                        context: { "kms:EncryptionContext:aws:scheduler:schedule-arn": scheduleArn },
                        what: `key for schedule ${target.schedule}`,
                    };
                }
                return { ...base, what: "key (direct)" };
            }
            case "own-log-stream": {
                const logGroup = graph.children(component(graph, fn)).find((r) => r.type === T.logGroup)!;
                return { resource: `${logGroup.outputs.arn}:log-stream:${LOG_STREAM}`, what: `own log stream of ${fn}` };
            }
            case "all-resources":
                return { resource: "*", what: "*" };
            case "network-interface":
                return {
                    resource: `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`,
                    what: "a network interface",
                };
            case "connection":
                return { resource: connectionsArn(target.method), what: `live ${target.method} @connections` };
            case "function":
                return { resource: arn(T.fn, target.fn), what: `function ${target.fn}` };
        }
    }
    const rowsToProbes = (rows: { allow: string[]; on: Target }[], fn: FunctionName): Probe[] =>
        rows.flatMap((row) => {
            const target = resolve(row.on, fn);
            return row.allow.map((action) => ({ action, ...target }));
        });
    const applies = (row: Row) => row.when !== "vpc" || vpc;

    // ---- roles under test ---------------------------------------------------------------------------------------
    const roles: RoleUnderTest[] = [];
    const known = new Set<string>();
    for (const fn of FUNCTION_NAMES) {
        const children = graph.children(component(graph, fn)).filter((r) => r.type === T.role);
        const add = (kind: RoleUnderTest["kind"], role: RecordedResource, expected: Probe[], ownSchedules: string[] = []) => {
            known.add(role.urn);
            const { policies, problems } = identityPoliciesOf(graph, role);
            roles.push({
                kind,
                fn,
                label: kind === "function" ? fn : `${fn} (scheduler)`,
                roleName: role.outputs.name,
                roleArn: role.outputs.arn,
                principal: `arn:aws:sts::${account}:assumed-role/${role.outputs.name}/${kind === "function" ? fn : "scheduler"}`,
                policies,
                problems,
                expected,
                ownSchedules,
            });
        };
        const fnRole = children.find((r) => r.name === `${fn}-role`);
        if (fnRole)
            add(
                "function",
                fnRole,
                rowsToProbes(
                    MATRIX.filter((r) => r.fn === fn && applies(r)),
                    fn,
                ),
            );
        const schedulerRole = children.find((r) => r.name === `${fn}-scheduler-role`);
        if (schedulerRole) {
            const rows = SCHEDULER_MATRIX.filter((r) => r.scheduler === fn);
            const ownSchedules = rows.flatMap((r) => (r.on.kind === "key" && r.on.schedule ? [arn(T.schedule, r.on.schedule)] : []));
            add("scheduler", schedulerRole, rowsToProbes(rows, fn), ownSchedules);
        }
    }
    const strayRoles = graph
        .ofType(T.role)
        .filter((r) => !known.has(r.urn) && (trusts(r, "lambda.amazonaws.com") || trusts(r, "scheduler.amazonaws.com")))
        .map((r) => r.name);

    // ---- the probe universe -------------------------------------------------------------------------------------
    const universe = new Map<string, UniverseProbe>();
    const add = (category: ProbeCategory, actions: string[], probe: Omit<Probe, "action">, extra: Partial<UniverseProbe> = {}) => {
        for (const action of actions) {
            const p: UniverseProbe = { action, ...probe, category, ...extra };
            if (!universe.has(probeKey(p))) universe.set(probeKey(p), p);
        }
    };
    const otherRegion = (a: string) => a.replace(`:${region}:`, `:${OTHER_REGION}:`);
    /** A resource whose name starts with the real one's (catches `…name*` grants). */
    const lookalike = (a: string) => `${a}-shadow`;

    for (const t of graph.ofType(T.table)) {
        add(
            "data",
            ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem"],
            { resource: t.outputs.arn, what: `table ${t.name}` },
        );
        add(
            "data",
            [
                "dynamodb:DeleteItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:ConditionCheckItem",
                "dynamodb:PartiQLSelect",
                "dynamodb:DescribeTable",
            ],
            { resource: t.outputs.arn, what: `table ${t.name}` },
        );
        add(
            "destructive",
            [
                "dynamodb:DeleteTable",
                "dynamodb:UpdateTable",
                "dynamodb:CreateBackup",
                "dynamodb:ExportTableToPointInTime",
                "dynamodb:UpdateTimeToLive",
            ],
            { resource: t.outputs.arn, what: `table ${t.name}` },
        );
        for (const g of t.inputs.globalSecondaryIndexes ?? []) {
            add("data", ["dynamodb:Query", "dynamodb:Scan"], {
                resource: `${t.outputs.arn}/index/${g.name}`,
                what: `table ${t.name} GSI ${g.name}`,
            });
        }
        add("data", ["dynamodb:GetItem", "dynamodb:PutItem"], {
            resource: otherRegion(t.outputs.arn),
            what: `table ${t.name} in ${OTHER_REGION}`,
        });
        add("data", ["dynamodb:GetItem", "dynamodb:PutItem"], { resource: lookalike(t.outputs.arn), what: `table ${t.name}-shadow` });
    }

    const keysByBucket = new Map<string, Set<string>>();
    for (const row of MATRIX) {
        if (row.on.kind !== "object") continue;
        const keys = keysByBucket.get(row.on.bucket) ?? new Set<string>();
        const [first, ...rest] = row.on.key.split("/");
        const base = row.on.key.split("/").pop()!;
        // The key itself, a prefix lookalike (catches a grant without the trailing slash), the key below another
        // folder, and the object at the bucket root.
        for (const k of [row.on.key, `${first}-shadow/${rest.join("/")}`, `other/${row.on.key}`, base]) keys.add(k);
        keysByBucket.set(row.on.bucket, keys);
    }
    for (const b of graph.ofType(T.bucket)) {
        add(
            "destructive",
            [
                "s3:DeleteBucket",
                "s3:PutBucketPolicy",
                "s3:PutBucketAcl",
                "s3:PutLifecycleConfiguration",
                "s3:PutEncryptionConfiguration",
                "s3:PutBucketVersioning",
            ],
            { resource: b.outputs.arn, what: `bucket ${b.name}` },
        );
        add("data", ["s3:ListBucket", "s3:ListBucketVersions"], { resource: b.outputs.arn, what: `bucket ${b.name}` });
        const rowKeys = [...(keysByBucket.get(b.name) ?? [])];
        for (const k of ["probe/object.json", ...rowKeys]) {
            const inRows = MATRIX.some((r) => r.on.kind === "object" && r.on.bucket === b.name && r.on.key === k);
            const category: ProbeCategory = rowKeys.length && !inRows ? "prefix" : "data";
            add(category, ["s3:GetObject", "s3:PutObject", "s3:GetObjectVersion"], {
                resource: `${b.outputs.arn}/${k}`,
                what: `s3 ${b.name}/${k}`,
            });
            add("destructive", ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl"], {
                resource: `${b.outputs.arn}/${k}`,
                what: `s3 ${b.name}/${k}`,
            });
        }
    }

    for (const q of graph.ofType(T.queue)) {
        add(
            "data",
            ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
            { resource: q.outputs.arn, what: `queue ${q.name}` },
        );
        add("destructive", ["sqs:PurgeQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:AddPermission"], {
            resource: q.outputs.arn,
            what: `queue ${q.name}`,
        });
        add("data", ["sqs:SendMessage", "sqs:ReceiveMessage"], {
            resource: otherRegion(q.outputs.arn),
            what: `queue ${q.name} in ${OTHER_REGION}`,
        });
        add("data", ["sqs:SendMessage", "sqs:ReceiveMessage"], { resource: lookalike(q.outputs.arn), what: `queue ${q.name}-shadow` });
    }

    for (const s of graph.ofType(T.secret)) {
        add("data", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], {
            resource: s.outputs.arn,
            what: `secret ${s.name}`,
        });
        add(
            "destructive",
            [
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:PutResourcePolicy",
                "secretsmanager:RotateSecret",
            ],
            { resource: s.outputs.arn, what: `secret ${s.name}` },
        );
        add("data", ["secretsmanager:GetSecretValue"], {
            resource: otherRegion(s.outputs.arn),
            what: `secret ${s.name} in ${OTHER_REGION}`,
        });
        add("data", ["secretsmanager:GetSecretValue"], { resource: lookalike(s.outputs.arn), what: `secret ${s.name}-shadow` });
    }

    // Keys: the stack's keys plus another key of the account, each with a key policy that delegates to IAM.
    const delegating = {
        Version: "2012-10-17",
        Statement: [{ Sid: "Iam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }],
    };
    const keys = [
        ...graph.ofType(T.key).map((k) => ({ arn: k.outputs.arn as string, policy: keyPolicy(k), what: `key ${k.name}` })),
        {
            arn: `arn:aws:kms:${region}:${account}:key/00000000-1111-2222-3333-444444444444`,
            policy: delegating,
            what: "another key of the account",
        },
    ];
    const viaServices = ["dynamodb", "s3", "sqs", "secretsmanager", "lambda", "sns", "logs", "ssm"];
    const schedules = graph.ofType(T.schedule).map((s) => s.outputs.arn as string);
    for (const k of keys) {
        const contexts: { context?: Record<string, string>; what: string }[] = [
            { what: "directly (no kms:ViaService)" },
            ...viaServices.map((s) => ({ context: { "kms:ViaService": `${s}.${region}.amazonaws.com` }, what: `via ${s}` })),
            { context: { "kms:ViaService": `sqs.${OTHER_REGION}.amazonaws.com` }, what: `via sqs in ${OTHER_REGION}` },
        ];
        for (const c of contexts) {
            add("kms", ["kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:ReEncryptFrom", "kms:DescribeKey"], {
                resource: k.arn,
                resourcePolicy: k.policy,
                what: `${k.what} ${c.what}`,
                ...(c.context ? { context: c.context } : {}),
            });
        }
        for (const scheduleArn of [
            ...schedules,
            schedules[0]!.replace(`:${account}:`, `:${FOREIGN_ACCOUNT}:`),
            `arn:aws:scheduler:${region}:${account}:schedule-group/default`,
        ]) {
            add(
                "kms",
                ["kms:Decrypt"],
                {
                    resource: k.arn,
                    resourcePolicy: k.policy,
                    context: { "kms:EncryptionContext:aws:scheduler:schedule-arn": scheduleArn },
                    what: `${k.what} for ${scheduleArn.split(":").pop()}`,
                },
                { scheduleArn },
            );
        }
        add("destructive", ["kms:ScheduleKeyDeletion", "kms:PutKeyPolicy", "kms:DisableKey", "kms:CreateGrant"], {
            resource: k.arn,
            resourcePolicy: k.policy,
            what: k.what,
        });
    }

    for (const g of graph.ofType(T.logGroup)) {
        add("data", ["logs:CreateLogStream", "logs:PutLogEvents"], {
            resource: `${g.outputs.arn}:log-stream:${LOG_STREAM}`,
            what: `log group ${g.outputs.name}`,
        });
        add("destructive", ["logs:DeleteLogGroup", "logs:PutRetentionPolicy"], {
            resource: g.outputs.arn,
            what: `log group ${g.outputs.name}`,
        });
        add("data", ["logs:PutLogEvents"], {
            resource: `${lookalike(g.outputs.arn)}:log-stream:${LOG_STREAM}`,
            what: `log group ${g.outputs.name}-shadow`,
        });
    }
    const someLogGroup = graph.ofType(T.logGroup)[0]!.outputs.arn as string;
    add("data", ["logs:PutLogEvents"], {
        resource: `${otherRegion(someLogGroup)}:log-stream:${LOG_STREAM}`,
        what: `a log group in ${OTHER_REGION}`,
    });

    for (const f of graph.ofType(T.fn)) {
        add("data", ["lambda:InvokeFunction"], { resource: f.outputs.arn, what: `function ${f.name}` });
        add("data", ["lambda:InvokeFunction"], { resource: lookalike(f.outputs.arn), what: `function ${f.name}-shadow` });
        add(
            "destructive",
            ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:AddPermission", "lambda:DeleteFunction"],
            { resource: f.outputs.arn, what: `function ${f.name}` },
        );
    }
    add("data", ["lambda:InvokeFunction"], {
        resource: otherRegion(graph.ofType(T.fn)[0]!.outputs.arn),
        what: `a function in ${OTHER_REGION}`,
    });

    // Escalation: every role of the stack (including the caller's own) and a new one; the stack's managed policies.
    const trustAccount = {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "sts:AssumeRole" }],
    };
    const roleArns = [
        ...graph.ofType(T.role).map((r) => ({ arn: r.outputs.arn as string, what: `role ${r.name}` })),
        { arn: `arn:aws:iam::${account}:role/admin`, what: "role admin" },
    ];
    for (const r of roleArns) {
        add("destructive", ["iam:PassRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"], {
            resource: r.arn,
            what: r.what,
        });
        // The target trusts the whole account, so only the caller's identity policy stands between it and the role.
        add("destructive", ["sts:AssumeRole"], { resource: r.arn, resourcePolicy: trustAccount, what: `${r.what} (trusting the account)` });
    }
    add("destructive", ["iam:CreateRole"], { resource: `arn:aws:iam::${account}:role/escalated`, what: "a new role" });
    add("destructive", ["iam:CreateUser"], { resource: `arn:aws:iam::${account}:user/escalated`, what: "a new user" });
    for (const p of graph.ofType(T.policy)) {
        add("destructive", ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"], {
            resource: p.outputs.arn,
            what: `policy ${p.name}`,
        });
    }

    // WebSocket connections: the live stage's methods, another stage, another API; invoking the REST API.
    for (const method of ["POST", "GET", "DELETE", "PATCH"])
        add("data", ["execute-api:ManageConnections"], { resource: connectionsArn(method), what: `live ${method} @connections` });
    add("data", ["execute-api:ManageConnections"], {
        resource: connectionsArn("POST", "other-stage"),
        what: "live other-stage POST @connections",
    });
    add("data", ["execute-api:ManageConnections"], {
        resource: connectionsArn("POST", liveStage.inputs.name, `arn:aws:execute-api:${region}:${account}:otherapi01`),
        what: "another API's @connections",
    });
    for (const api of graph.ofType(T.restApi))
        add("data", ["execute-api:Invoke"], {
            resource: `${api.outputs.executionArn}/v1/GET/health`,
            what: `REST ${api.name} GET /health`,
        });

    add("account", ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetTraceSummaries", "ec2:DescribeNetworkInterfaces"], {
        resource: "*",
        what: "*",
    });
    add(
        "account",
        [
            "s3:ListAllMyBuckets",
            "dynamodb:ListTables",
            "sqs:ListQueues",
            "secretsmanager:ListSecrets",
            "kms:ListKeys",
            "iam:ListRoles",
            "lambda:ListFunctions",
        ],
        { resource: "*", what: "*" },
    );
    const eni = `arn:aws:ec2:${region}:${account}:network-interface/eni-0123456789abcdef0`;
    add(
        "account",
        ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"],
        { resource: eni, what: "a network interface" },
    );

    // Every matrix row is asked of every role as well.
    for (const role of roles) {
        for (const p of role.expected) if (!universe.has(probeKey(p))) universe.set(probeKey(p), { ...p, category: "data" });
    }

    return {
        stack,
        graph,
        account,
        region,
        vpc,
        roles,
        strayRoles,
        universe: [...universe.values()],
        rowCount: MATRIX.filter(applies).length + SCHEDULER_MATRIX.length,
    };
}
