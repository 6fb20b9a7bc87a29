/**
 * SecureBucket — an S3 bucket that meets the S3 controls on its own: owner-enforced ownership (no ACLs), all four
 * public-access blocks, SSE-KMS with the stack's key and bucket keys, versioning, lifecycle, server access logging,
 * a policy that denies non-TLS requests, and optional cross-region replication.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../lib/grants";

export type BucketPolicyStatement = Omit<PolicyStatement, "Sid"> & { Sid: string; Principal: unknown };

export interface SecureBucketArgs {
    /**
     * This bucket is the server-access-log target: it uses SSE-S3, because S3 log delivery cannot write into SSE-KMS
     * buckets, and its policy lets the S3 logging service write into it on behalf of this account only.
     */
    receivesAccessLogs?: boolean;
    /** Customer-managed key for SSE-KMS (with S3 bucket keys); required unless `receivesAccessLogs`. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Bucket (name) receiving this bucket's server access logs. Omit only for the access-log bucket itself. */
    accessLogBucket?: pulumi.Input<string>;
    /**
     * Lifecycle rules. Default: everything moves to Intelligent-Tiering at once, to Glacier Flexible Retrieval after
     * 90 days and Deep Archive after 365; noncurrent versions expire after `noncurrentVersionExpirationDays`.
     */
    lifecycleRules?: pulumi.Input<aws.types.input.s3.BucketLifecycleConfigurationRule>[];
    /** Days a noncurrent object version is kept by the default lifecycle. Default 90. */
    noncurrentVersionExpirationDays?: number;
    /**
     * Days after which the default lifecycle deletes every object (a delete marker; the data goes with the noncurrent
     * version `noncurrentVersionExpirationDays` later). For personal data kept only as long as it is needed; such a
     * bucket is not tiered to the archive classes (their minimum storage durations outlast it).
     */
    expireAfterDays?: number;
    /** Statements added to the bucket policy after the TLS deny (e.g. for CloudTrail), given the bucket's ARN. */
    policyStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<BucketPolicyStatement>[];
    /** Replicate every object to a bucket in another region, re-encrypted with a key of that region. */
    replication?: {
        destinationBucketArn: pulumi.Input<string>;
        destinationKmsKeyArn: pulumi.Input<string>;
        destinationRegion: string;
        /** The destination bucket's resources: S3 rejects replication to a bucket that isn't versioned yet. */
        destination: pulumi.Resource;
    };
    /** Allow `pulumi destroy` to delete a non-empty bucket. Default false. */
    forceDestroy?: boolean;
}

export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly arn: pulumi.Output<string>;
    /** The bucket name. */
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:data:SecureBucket", name, {}, opts);
        const encryption = args.receivesAccessLogs ? "s3-managed" : "kms";
        if (encryption === "kms" && !args.kmsKeyArn) {
            throw new Error(`SecureBucket ${name}: kmsKeyArn is required for SSE-KMS (only the access-log bucket may go without)`);
        }
        const parent = { parent: this };

        this.bucket = new aws.s3.Bucket(name, { forceDestroy: args.forceDestroy ?? false }, parent);
        this.arn = this.bucket.arn;
        this.name = this.bucket.bucket;
        const bucket = this.bucket.id;

        const ownership = new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
            parent,
        );
        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access-block`,
            { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            parent,
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket,
                rules: [
                    encryption === "kms"
                        ? {
                              applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                              bucketKeyEnabled: true,
                          }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            parent,
        );
        const versioning = new aws.s3.BucketVersioning(
            `${name}-versioning`,
            { bucket, versioningConfiguration: { status: "Enabled" } },
            parent,
        );

        const noncurrentDays = args.noncurrentVersionExpirationDays ?? 90;
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket,
                rules: args.lifecycleRules ?? [
                    args.expireAfterDays !== undefined
                        ? {
                              id: "expire",
                              status: "Enabled",
                              filter: {},
                              expiration: { days: args.expireAfterDays },
                              noncurrentVersionExpiration: { noncurrentDays },
                              abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
                          }
                        : {
                              id: "tiering-then-archive",
                              status: "Enabled",
                              filter: {},
                              transitions: [
                                  { days: 0, storageClass: "INTELLIGENT_TIERING" },
                                  { days: 90, storageClass: "GLACIER" },
                                  { days: 365, storageClass: "DEEP_ARCHIVE" },
                              ],
                              noncurrentVersionExpiration: { noncurrentDays },
                              abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                          },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        if (args.accessLogBucket) {
            new aws.s3.BucketLogging(
                `${name}-access-logging`,
                {
                    bucket,
                    targetBucket: args.accessLogBucket,
                    targetPrefix: `${name}/`,
                    targetObjectKeyFormat: { partitionedPrefix: { partitionDateSource: "EventTime" } },
                },
                parent,
            );
        }

        const extraStatements: pulumi.Input<BucketPolicyStatement>[] = args.policyStatements?.(this.bucket.arn) ?? [];
        if (args.receivesAccessLogs) {
            const account = aws.getCallerIdentityOutput({}, parent).accountId;
            extraStatements.push(
                pulumi.all([this.bucket.arn, account]).apply(([arn, accountId]) => ({
                    Sid: "AllowServerAccessLogDelivery",
                    Effect: "Allow" as const,
                    Principal: { Service: "logging.s3.amazonaws.com" },
                    Action: ["s3:PutObject"],
                    Resource: `${arn}/*`,
                    Condition: { StringEquals: { "aws:SourceAccount": accountId } },
                })),
            );
        }
        const policy = pulumi.all([this.bucket.arn, pulumi.all(extraStatements)]).apply(([arn, extra]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: [arn, `${arn}/*`],
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    },
                    ...extra,
                ],
            }),
        );
        // After the public-access block: S3 rejects policies while the block is being applied.
        new aws.s3.BucketPolicy(`${name}-policy`, { bucket, policy }, { parent: this, dependsOn: [publicAccessBlock, ownership] });

        if (args.replication) this.replicate(name, args.replication, args.kmsKeyArn!, [versioning]);

        this.registerOutputs({ arn: this.arn, name: this.name });
    }

    private replicate(
        name: string,
        replication: NonNullable<SecureBucketArgs["replication"]>,
        sourceKmsKeyArn: pulumi.Input<string>,
        dependsOn: pulumi.Resource[],
    ): void {
        const parent = { parent: this };
        const identity = aws.getCallerIdentityOutput({}, parent);
        const region = aws.getRegionOutput({}, parent);
        const role = new aws.iam.Role(
            `${name}-replication-role`,
            {
                description: `S3 replicates ${name} to ${replication.destinationRegion}`,
                assumeRolePolicy: identity.accountId.apply((account) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Principal: { Service: "s3.amazonaws.com" },
                                Action: "sts:AssumeRole",
                                Condition: { StringEquals: { "aws:SourceAccount": account } },
                            },
                        ],
                    }),
                ),
            },
            parent,
        );
        const policy = new aws.iam.Policy(
            `${name}-replication-policy`,
            {
                description: `Replication of ${name}: read source versions, write replicas, re-encrypt`,
                policy: pulumi
                    .all([
                        this.bucket.arn,
                        replication.destinationBucketArn,
                        sourceKmsKeyArn,
                        replication.destinationKmsKeyArn,
                        region.region,
                    ])
                    .apply(([source, destination, sourceKey, destinationKey, sourceRegion]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                {
                                    Sid: "ReadReplicationConfiguration",
                                    Effect: "Allow",
                                    Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                                    Resource: source,
                                },
                                {
                                    Sid: "ReadSourceVersions",
                                    Effect: "Allow",
                                    Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                                    Resource: `${source}/*`,
                                },
                                {
                                    Sid: "WriteReplicas",
                                    Effect: "Allow",
                                    Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                                    Resource: `${destination}/*`,
                                },
                                {
                                    Sid: "DecryptSource",
                                    Effect: "Allow",
                                    Action: ["kms:Decrypt"],
                                    Resource: sourceKey,
                                    Condition: { StringEquals: { "kms:ViaService": `s3.${sourceRegion}.amazonaws.com` } },
                                },
                                {
                                    Sid: "EncryptReplicas",
                                    Effect: "Allow",
                                    Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                                    Resource: destinationKey,
                                    Condition: { StringEquals: { "kms:ViaService": `s3.${replication.destinationRegion}.amazonaws.com` } },
                                },
                            ],
                        }),
                    ),
            },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-replication-attachment`,
            { role: role.name, policyArn: policy.arn },
            parent,
        );
        new aws.s3.BucketReplicationConfig(
            `${name}-replication`,
            {
                bucket: this.bucket.id,
                role: role.arn,
                rules: [
                    {
                        id: "replicate-everything",
                        status: "Enabled",
                        priority: 1,
                        filter: {},
                        deleteMarkerReplication: { status: "Enabled" },
                        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                        destination: {
                            bucket: replication.destinationBucketArn,
                            storageClass: "STANDARD_IA",
                            encryptionConfiguration: { replicaKmsKeyId: replication.destinationKmsKeyArn },
                        },
                    },
                ],
            },
            { parent: this, dependsOn: [...dependsOn, attachment, replication.destination] },
        );
    }
}
