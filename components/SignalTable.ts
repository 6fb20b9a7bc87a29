/**
 * SignalTable — a DynamoDB table from a key schema, GSIs and a TTL attribute, encrypted with the stack's key,
 * with point-in-time recovery, optional streams and deletion protection, on-demand or provisioned with auto scaling.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export type AttributeType = "S" | "N" | "B";

export interface KeySchema {
    partitionKey: { name: string; type: AttributeType };
    sortKey?: { name: string; type: AttributeType };
}

export interface GlobalSecondaryIndex extends KeySchema {
    name: string;
    /** Default "ALL"; "KEYS_ONLY" or "INCLUDE" with `nonKeyAttributes` keep the index small. */
    projection?: "ALL" | "KEYS_ONLY" | "INCLUDE";
    nonKeyAttributes?: string[];
}

export interface Capacity {
    mode: "on-demand" | "provisioned";
    /** Provisioned only: the auto-scaling floor and starting capacity. */
    readCapacity?: number;
    writeCapacity?: number;
    /** Provisioned only: the auto-scaling ceiling. */
    maxCapacity?: number;
    /** Provisioned only: target utilisation in percent. Default 70. */
    targetUtilization?: number;
}

export interface SignalTableArgs extends KeySchema {
    globalSecondaryIndexes?: GlobalSecondaryIndex[];
    /** Attribute holding the expiry epoch seconds; items vanish after it. */
    ttlAttribute?: string;
    capacity: Capacity;
    kmsKeyArn: pulumi.Input<string>;
    /** Point-in-time recovery (35 days). Default true. */
    pointInTimeRecovery?: boolean;
    deletionProtection: boolean;
    /** Emit a stream (NEW_AND_OLD_IMAGES by default) for change consumers. */
    stream?: "NEW_IMAGE" | "NEW_AND_OLD_IMAGES" | "KEYS_ONLY";
    /**
     * A global-table replica in a second region, encrypted with a key of that region. Replication lag is seconds,
     * which is what an RPO of 15 minutes after a regional outage needs (snapshot copies are hourly at best).
     */
    replica?: { region: string; kmsKeyArn: pulumi.Input<string> };
}

export class SignalTable extends pulumi.ComponentResource {
    readonly table: aws.dynamodb.Table;
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    readonly streamArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: SignalTableArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:data:SignalTable", name, {}, opts);
        const provisioned = args.capacity.mode === "provisioned";
        const read = args.capacity.readCapacity ?? 5;
        const write = args.capacity.writeCapacity ?? 5;
        if (provisioned && args.replica) {
            throw new Error(`SignalTable ${name}: a global-table replica needs on-demand capacity (auto scaling is per region)`);
        }

        const attributes = new Map<string, AttributeType>();
        for (const key of [args, ...(args.globalSecondaryIndexes ?? [])]) {
            for (const attr of [key.partitionKey, key.sortKey]) {
                if (!attr) continue;
                const seen = attributes.get(attr.name);
                if (seen && seen !== attr.type)
                    throw new Error(`SignalTable ${name}: attribute ${attr.name} is declared as ${seen} and ${attr.type}`);
                attributes.set(attr.name, attr.type);
            }
        }

        this.table = new aws.dynamodb.Table(
            name,
            {
                billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
                hashKey: args.partitionKey.name,
                rangeKey: args.sortKey?.name,
                attributes: [...attributes].map(([attrName, type]) => ({ name: attrName, type })),
                readCapacity: provisioned ? read : undefined,
                writeCapacity: provisioned ? write : undefined,
                globalSecondaryIndexes: args.globalSecondaryIndexes?.map((index) => ({
                    name: index.name,
                    hashKey: index.partitionKey.name,
                    rangeKey: index.sortKey?.name,
                    projectionType: index.projection ?? "ALL",
                    nonKeyAttributes: index.nonKeyAttributes,
                    readCapacity: provisioned ? read : undefined,
                    writeCapacity: provisioned ? write : undefined,
                })),
                ttl: args.ttlAttribute ? { attributeName: args.ttlAttribute, enabled: true } : undefined,
                pointInTimeRecovery: (args.pointInTimeRecovery ?? true) ? { enabled: true, recoveryPeriodInDays: 35 } : { enabled: false },
                serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
                deletionProtectionEnabled: args.deletionProtection,
                // Global tables replicate through the stream, and it must carry new and old images.
                streamEnabled: args.stream !== undefined || args.replica !== undefined,
                streamViewType: args.replica ? "NEW_AND_OLD_IMAGES" : args.stream,
                replicas: args.replica
                    ? [
                          {
                              regionName: args.replica.region,
                              kmsKeyArn: args.replica.kmsKeyArn,
                              // The replica region must be able to rewind after a failover too.
                              pointInTimeRecovery: args.pointInTimeRecovery ?? true,
                              deletionProtectionEnabled: args.deletionProtection,
                              propagateTags: true,
                          },
                      ]
                    : undefined,
            },
            // Auto scaling owns the provisioned numbers once the table exists.
            {
                parent: this,
                ignoreChanges: provisioned
                    ? ["readCapacity", "writeCapacity", "globalSecondaryIndexes[*].readCapacity", "globalSecondaryIndexes[*].writeCapacity"]
                    : [],
            },
        );
        this.arn = this.table.arn;
        this.name = this.table.name;
        this.streamArn = this.table.streamArn.apply((arn) => arn || undefined);

        if (provisioned) {
            const targets = [{ resourceSuffix: "", label: "table", dimensionPrefix: "dynamodb:table" }].concat(
                (args.globalSecondaryIndexes ?? []).map((index) => ({
                    resourceSuffix: `/index/${index.name}`,
                    label: index.name,
                    dimensionPrefix: "dynamodb:index",
                })),
            );
            for (const target of targets) {
                for (const [unit, metric] of [
                    ["Read", "DynamoDBReadCapacityUtilization"],
                    ["Write", "DynamoDBWriteCapacityUtilization"],
                ] as const) {
                    const scalable = new aws.appautoscaling.Target(
                        `${name}-${target.label}-${unit.toLowerCase()}-target`,
                        {
                            serviceNamespace: "dynamodb",
                            resourceId: pulumi.interpolate`table/${this.table.name}${target.resourceSuffix}`,
                            scalableDimension: `${target.dimensionPrefix}:${unit}CapacityUnits`,
                            minCapacity: unit === "Read" ? read : write,
                            maxCapacity: args.capacity.maxCapacity ?? 100,
                        },
                        { parent: this },
                    );
                    new aws.appautoscaling.Policy(
                        `${name}-${target.label}-${unit.toLowerCase()}-scaling`,
                        {
                            policyType: "TargetTrackingScaling",
                            serviceNamespace: scalable.serviceNamespace,
                            resourceId: scalable.resourceId,
                            scalableDimension: scalable.scalableDimension,
                            targetTrackingScalingPolicyConfiguration: {
                                predefinedMetricSpecification: { predefinedMetricType: metric },
                                targetValue: args.capacity.targetUtilization ?? 70,
                            },
                        },
                        { parent: this },
                    );
                }
            }
        }

        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
