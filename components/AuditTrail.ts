/**
 * AuditTrail — a multi-region CloudTrail trail (CloudTrail.1/.2/.4/.5): management events of every region and the
 * S3 data events of the data buckets, written with log file validation to a SecureBucket under the stack's key and
 * streamed to an encrypted CloudWatch Logs group for metric filters and Logs Insights.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Grant } from "../lib/grants";
import { policyDocument } from "../lib/grants";
import { serviceTrustPolicy } from "./IngestFunction";
import { SecureBucket } from "./SecureBucket";

export interface AuditTrailArgs {
    /** The stack's customer-managed key: trail log files and the log group. Its policy admits cloudtrail.amazonaws.com. */
    kmsKeyArn: pulumi.Input<string>;
    /** Bucket (name) receiving the trail bucket's server access logs (CloudTrail.7). */
    accessLogBucket: pulumi.Input<string>;
    /** Buckets whose object-level reads and writes are recorded as S3 data events, e.g. the raw and curated data. */
    dataBucketArns?: pulumi.Input<string>[];
    /** Retention of the CloudWatch Logs copy. Default 365 days (CloudWatch.16); the S3 copy follows the bucket lifecycle. */
    logRetentionDays?: number;
    /** Let `pulumi destroy` empty the trail bucket (dev only). Default false. */
    forceDestroy?: boolean;
}

export class AuditTrail extends pulumi.ComponentResource {
    readonly trail: aws.cloudtrail.Trail;
    readonly bucket: SecureBucket;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly trailArn: pulumi.Output<string>;
    readonly bucketName: pulumi.Output<string>;

    constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:security:AuditTrail", name, {}, opts);
        const parent = { parent: this };
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const region = aws.getRegionOutput({}, parent).region;

        // The bucket policy must name the trail, and CloudTrail checks that policy when the trail is created. With an
        // explicit trail name the ARN is known up front, so the policy needn't wait for the trail (no cycle).
        const trailName = `${pulumi.getProject()}-${pulumi.getStack()}-audit`;
        const trailArn = pulumi.interpolate`arn:aws:cloudtrail:${region}:${account}:trail/${trailName}`;
        this.bucket = new SecureBucket(
            `${name}-bucket`,
            {
                kmsKeyArn: args.kmsKeyArn,
                accessLogBucket: args.accessLogBucket,
                forceDestroy: args.forceDestroy,
                policyStatements: (bucketArn) => [
                    pulumi.all([bucketArn, trailArn]).apply(([arn, sourceArn]) => ({
                        Sid: "CloudTrailAclCheck",
                        Effect: "Allow" as const,
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: ["s3:GetBucketAcl"],
                        Resource: arn,
                        Condition: { StringEquals: { "aws:SourceArn": sourceArn } },
                    })),
                    pulumi.all([bucketArn, trailArn, account]).apply(([arn, sourceArn, accountId]) => ({
                        Sid: "CloudTrailWrite",
                        Effect: "Allow" as const,
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: ["s3:PutObject"],
                        Resource: `${arn}/AWSLogs/${accountId}/*`,
                        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": sourceArn } },
                    })),
                ],
            },
            parent,
        );
        this.bucketName = this.bucket.name;

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-log-group`,
            { name: `/aws/cloudtrail/${trailName}`, retentionInDays: args.logRetentionDays ?? 365, kmsKeyId: args.kmsKeyArn },
            parent,
        );
        const role = new aws.iam.Role(
            `${name}-logs-role`,
            {
                description: `CloudTrail delivers ${trailName} to its CloudWatch Logs group`,
                // As in CloudTrail's documented CloudTrail_CloudWatchLogs_Role: no source condition on the trust.
                assumeRolePolicy: serviceTrustPolicy("cloudtrail.amazonaws.com"),
            },
            parent,
        );
        const grants: Grant[] = [{ kind: "log-group", label: "trail", logGroupArn: this.logGroup.arn }];
        const policy = new aws.iam.Policy(
            `${name}-logs-policy`,
            { description: `CloudTrail writes only to ${trailName}'s log group`, policy: policyDocument(grants) },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-logs-policy-attachment`,
            { role: role.name, policyArn: policy.arn },
            parent,
        );

        this.trail = new aws.cloudtrail.Trail(
            name,
            {
                name: trailName,
                s3BucketName: this.bucket.name,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                kmsKeyId: args.kmsKeyArn,
                cloudWatchLogsGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
                cloudWatchLogsRoleArn: role.arn,
                eventSelectors: [
                    {
                        readWriteType: "All",
                        includeManagementEvents: true,
                        dataResources: args.dataBucketArns?.length
                            ? [{ type: "AWS::S3::Object", values: args.dataBucketArns.map((arn) => pulumi.interpolate`${arn}/`) }]
                            : undefined,
                    },
                ],
            },
            // CloudTrail refuses a bucket it cannot write to and a role it cannot use yet; depending on the SecureBucket
            // component waits for all its children, the bucket policy included.
            { parent: this, dependsOn: [this.bucket, attachment] },
        );
        this.trailArn = this.trail.arn;

        this.registerOutputs({ trailArn: this.trailArn, bucketName: this.bucketName });
    }
}
