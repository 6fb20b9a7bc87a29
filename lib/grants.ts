/**
 * Typed IAM grants and the policy documents built from them.
 *
 * A function says what it touches ("this table: read-write", "this queue: send") and gets exactly the actions that
 * use needs on exactly those ARNs. No `*` actions; `Resource: "*"` only for the actions AWS offers no resource-level
 * permissions for (listed in RESOURCE_WILDCARD_ACTIONS, which the policy pack reads too).
 */
import * as pulumi from "@pulumi/pulumi";

export type TableAccess = "read" | "write" | "read-write";
export type QueueAccess = "send" | "consume";
export type BucketAccess = "get" | "put" | "get-put";

export type Grant =
    | {
          kind: "table";
          label: string;
          tableArn: pulumi.Input<string>;
          access: TableAccess;
          /** The GSIs the function queries; queries on any other index are denied. */
          indexes?: string[];
      }
    | { kind: "queue"; label: string; queueArn: pulumi.Input<string>; access: QueueAccess }
    | { kind: "bucket"; label: string; bucketArn: pulumi.Input<string>; prefix: string; access: BucketAccess }
    /** dynamodb:Scan of a whole (small) table, e.g. the live WebSocket connections; never on an index. */
    | { kind: "table-scan"; label: string; tableArn: pulumi.Input<string> }
    /** Deletes objects under a prefix with all their versions (GDPR erasure on a versioned bucket). */
    | { kind: "bucket-erase"; label: string; bucketArn: pulumi.Input<string>; prefixes: string[] }
    | { kind: "secret"; label: string; secretArn: pulumi.Input<string> }
    | { kind: "websocket-connections"; label: string; executionArn: pulumi.Input<string>; stage: string }
    | { kind: "log-group"; label: string; logGroupArn: pulumi.Input<string> }
    | { kind: "invoke-function"; label: string; functionArn: pulumi.Input<string> }
    | {
          kind: "kms";
          label: string;
          keyArn: pulumi.Input<string>;
          actions: KmsAction[];
          /** Only when the call comes through these services (`sqs.eu-central-1.amazonaws.com`). */
          viaServices?: pulumi.Input<string[]>;
          /** Only for data whose encryption context names a matching ARN, e.g. `aws:scheduler:schedule-arn`. */
          encryptionContext?: { key: string; arnLike: pulumi.Input<string | string[]> };
      }
    /**
     * Converse/InvokeModel on one Bedrock model. A cross-region inference profile id (`eu.…`, `us.…`, `apac.…`,
     * `global.…`) needs the profile and its foundation model in every region the profile routes to.
     */
    | { kind: "bedrock-model"; label: string; modelId: string; region: string; account: pulumi.Input<string> }
    | { kind: "xray"; label: string }
    | { kind: "vpc-network-interfaces"; label: string };

export type KmsAction = "kms:Decrypt" | "kms:GenerateDataKey" | "kms:DescribeKey" | "kms:Encrypt";

/** Actions AWS only authorises on `Resource: "*"` — the one allowlist for wildcard resources. */
export const RESOURCE_WILDCARD_ACTIONS = [
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
] as const;

export const TABLE_ACTIONS: Record<TableAccess, string[]> = {
    read: ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"],
    // ConditionCheckItem is part of transactional writes.
    write: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"],
    "read-write": [
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
    ],
};
// Exactly what the Lambda SQS poller needs (the same set SST's queue subscriber grants).
export const QUEUE_ACTIONS: Record<QueueAccess, string[]> = {
    send: ["sqs:SendMessage", "sqs:GetQueueAttributes"],
    consume: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
};
export const BUCKET_ACTIONS: Record<BucketAccess, string[]> = {
    get: ["s3:GetObject"],
    put: ["s3:PutObject"],
    "get-put": ["s3:GetObject", "s3:PutObject"],
};

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow" | "Deny";
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

const sid = (...parts: string[]) =>
    parts
        .join("-")
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("");

/** One statement per grant, resolved to plain JSON once every ARN is known. */
export function statementFor(grant: Grant): pulumi.Output<PolicyStatement> {
    switch (grant.kind) {
        case "table":
            return pulumi.output(grant.tableArn).apply((arn) => ({
                Sid: sid("Table", grant.label, grant.access),
                Effect: "Allow" as const,
                Action: TABLE_ACTIONS[grant.access],
                // Queries on GSIs are authorised on the index ARNs: name each one instead of `index/*`.
                Resource: [arn, ...(grant.indexes ?? []).map((index) => `${arn}/index/${index}`)],
            }));
        case "queue":
            return pulumi.output(grant.queueArn).apply((arn) => ({
                Sid: sid("Queue", grant.label, grant.access),
                Effect: "Allow" as const,
                Action: QUEUE_ACTIONS[grant.access],
                Resource: arn,
            }));
        case "bucket":
            return pulumi.output(grant.bucketArn).apply((arn) => ({
                Sid: sid("Bucket", grant.label, grant.access),
                Effect: "Allow" as const,
                Action: BUCKET_ACTIONS[grant.access],
                Resource: `${arn}/${grant.prefix}*`,
            }));
        case "table-scan":
            return pulumi.output(grant.tableArn).apply((arn) => ({
                Sid: sid("Table", grant.label, "scan"),
                Effect: "Allow" as const,
                Action: ["dynamodb:Scan"],
                Resource: arn,
            }));
        case "bucket-erase":
            return pulumi.output(grant.bucketArn).apply((arn) => ({
                Sid: sid("Bucket", grant.label, "erase"),
                Effect: "Allow" as const,
                // ListObjectVersions finds every version of a key (on the bucket ARN); the deletes act on the objects.
                Action: ["s3:ListBucketVersions", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                Resource: [arn, ...grant.prefixes.map((prefix) => `${arn}/${prefix}*`)],
            }));
        case "secret":
            return pulumi.output(grant.secretArn).apply((arn) => ({
                Sid: sid("Secret", grant.label, "read"),
                Effect: "Allow" as const,
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: arn,
            }));
        case "websocket-connections":
            return pulumi.output(grant.executionArn).apply((arn) => ({
                Sid: sid("WebSocket", grant.label, "manage-connections"),
                Effect: "Allow" as const,
                Action: ["execute-api:ManageConnections"],
                // POST sends a message, GET reads a connection's state, DELETE closes a stale one.
                Resource: ["POST", "GET", "DELETE"].map((method) => `${arn}/${grant.stage}/${method}/@connections/*`),
            }));
        case "log-group":
            return pulumi.output(grant.logGroupArn).apply((arn) => ({
                Sid: sid("Logs", grant.label, "write"),
                Effect: "Allow" as const,
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${arn}:log-stream:*`,
            }));
        case "invoke-function":
            return pulumi.output(grant.functionArn).apply((arn) => ({
                Sid: sid("Invoke", grant.label),
                Effect: "Allow" as const,
                Action: ["lambda:InvokeFunction"],
                Resource: arn,
            }));
        case "kms":
            return pulumi
                .all([grant.keyArn, grant.viaServices ?? [], grant.encryptionContext?.arnLike ?? ""])
                .apply(([arn, via, contextArn]) => {
                    const condition: Record<string, Record<string, string | string[]>> = {};
                    if (via.length) condition.StringEquals = { "kms:ViaService": via };
                    if (grant.encryptionContext)
                        condition.ArnLike = { [`kms:EncryptionContext:${grant.encryptionContext.key}`]: contextArn };
                    return {
                        Sid: sid("Kms", grant.label),
                        Effect: "Allow" as const,
                        Action: [...grant.actions],
                        Resource: arn,
                        ...(Object.keys(condition).length ? { Condition: condition } : {}),
                    };
                });
        case "bedrock-model":
            return pulumi.output(grant.account).apply((account) => {
                const profile = /^(eu|us|apac|global)\.(.+)$/.exec(grant.modelId);
                return {
                    Sid: sid("Bedrock", grant.label, "invoke"),
                    Effect: "Allow" as const,
                    Action: ["bedrock:InvokeModel"],
                    Resource: profile
                        ? [
                              `arn:aws:bedrock:${grant.region}:${account}:inference-profile/${grant.modelId}`,
                              `arn:aws:bedrock:*::foundation-model/${profile[2]}`,
                          ]
                        : `arn:aws:bedrock:${grant.region}::foundation-model/${grant.modelId}`,
                };
            });
        case "xray":
            return pulumi.output({
                Sid: sid("XRay", grant.label),
                Effect: "Allow" as const,
                Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                Resource: "*",
            });
        case "vpc-network-interfaces":
            return pulumi.output({
                Sid: sid("VpcEni", grant.label),
                Effect: "Allow" as const,
                Action: RESOURCE_WILDCARD_ACTIONS.filter((a) => a.startsWith("ec2:")),
                Resource: "*",
            });
    }
}

export function policyDocument(grants: Grant[]): pulumi.Output<string> {
    const sids = grants.map((g) => statementFor(g).apply((s) => s.Sid));
    return pulumi.all([pulumi.all(grants.map(statementFor)), pulumi.all(sids)]).apply(([statements, names]) => {
        const duplicate = names.find((n, i) => names.indexOf(n) !== i);
        if (duplicate) throw new Error(`two grants produce the statement ${duplicate}; give them distinct labels`);
        return JSON.stringify({ Version: "2012-10-17", Statement: statements } satisfies PolicyDocument);
    });
}

/**
 * The customer-managed key statements a set of grants needs, each limited to the services that hold the data:
 * reading anything needs Decrypt; writing S3 objects or SQS messages also generates data keys. DynamoDB, Secrets
 * Manager and Lambda (for the function's environment, `extraServices`) only ever need Decrypt from the caller.
 */
export function kmsGrantsFor(
    grants: Grant[],
    keyArn: pulumi.Input<string>,
    region: pulumi.Input<string>,
    extraServices: string[] = [],
): Grant[] {
    const decrypt = new Set<string>(extraServices);
    const encrypt = new Set<string>();
    for (const g of grants) {
        if (g.kind === "table" || g.kind === "table-scan") decrypt.add("dynamodb");
        else if (g.kind === "secret") decrypt.add("secretsmanager");
        else if (g.kind === "queue") (g.access === "send" ? encrypt : decrypt).add("sqs");
        else if (g.kind === "bucket") (g.access === "get" ? decrypt : encrypt).add("s3");
    }
    for (const service of encrypt) decrypt.delete(service);
    const via = (services: Set<string>) => pulumi.output(region).apply((r) => [...services].sort().map((s) => `${s}.${r}.amazonaws.com`));
    const result: Grant[] = [];
    if (decrypt.size) result.push({ kind: "kms", label: "decrypt", keyArn, actions: ["kms:Decrypt"], viaServices: via(decrypt) });
    if (encrypt.size)
        result.push({ kind: "kms", label: "encrypt", keyArn, actions: ["kms:Decrypt", "kms:GenerateDataKey"], viaServices: via(encrypt) });
    return result;
}
