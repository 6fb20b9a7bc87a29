import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { AuditTrail } from "../../components/AuditTrail";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DATA_BUCKETS = ["arn:aws:s3:::ai-investment-test-raw", "arn:aws:s3:::ai-investment-test-curated"];
const TRAIL = "aws:cloudtrail/trail:Trail";

describe("AuditTrail", () => {
    let graph: ResourceGraph;
    const trail = () => graph.one(TRAIL, "audit");
    before(async () => {
        const { resources } = await runInline(() => {
            // An explicit regional provider, as stacks/platform.ts passes one: the trail ARN embeds its region.
            const provider = new aws.Provider("aws", { region: "eu-central-1" });
            return new AuditTrail(
                "audit",
                { kmsKeyArn: KEY_ARN, accessLogBucket: "access-logs-bucket", dataBucketArns: DATA_BUCKETS },
                { providers: [provider] },
            );
        });
        graph = new ResourceGraph(resources);
    });

    it("records management events of every region, global services included, with log file validation", () => {
        expect(trail().inputs).to.include({
            name: "ai-investment-test-audit",
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
            enableLogging: true,
        });
        const [selector] = trail().inputs.eventSelectors;
        expect(selector).to.include({ readWriteType: "All", includeManagementEvents: true });
    });

    it("records S3 object-level events of the data buckets", () => {
        const [selector] = trail().inputs.eventSelectors;
        expect(selector.dataResources).to.deep.equal([{ type: "AWS::S3::Object", values: DATA_BUCKETS.map((arn) => `${arn}/`) }]);
    });

    it("encrypts log files with the customer-managed key and writes them to the SecureBucket", () => {
        expect(trail().inputs.kmsKeyId).to.equal(KEY_ARN);
        const bucket = graph.one("aws:s3/bucket:Bucket", "audit-bucket");
        expect(trail().inputs.s3BucketName).to.equal(bucket.outputs.bucket);
        expect(graph.parentOf(bucket)!.type).to.equal("ai-investment:data:SecureBucket");
        const sse = graph.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "audit-bucket-encryption",
        );
        expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId).to.equal(KEY_ARN);
        expect(graph.one("aws:s3/bucketLogging:BucketLogging", "audit-bucket-access-logging").inputs.targetBucket).to.equal(
            "access-logs-bucket",
        );
    });

    it("lets CloudTrail check the ACL and write owner-controlled objects, only for this trail", () => {
        const arn = graph.one("aws:s3/bucket:Bucket", "audit-bucket").outputs.arn;
        const policy = JSON.parse(graph.one("aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy").inputs.policy);
        const acl = policy.Statement.find((s: any) => s.Action.includes?.("s3:GetBucketAcl"));
        const write = policy.Statement.find(
            (s: any) => s.Action.includes?.("s3:PutObject") && s.Principal?.Service === "cloudtrail.amazonaws.com",
        );
        const trailArn = trail().outputs.arn;
        expect(trailArn).to.equal("arn:aws:cloudtrail:eu-central-1:111122223333:trail/ai-investment-test-audit");
        expect(acl).to.deep.include({ Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Resource: arn });
        expect(acl.Condition).to.deep.equal({ StringEquals: { "aws:SourceArn": trailArn } });
        expect(write).to.deep.include({ Effect: "Allow", Resource: `${arn}/AWSLogs/111122223333/*` });
        expect(write.Condition).to.deep.equal({ StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } });
        expect(policy.Statement.find((s: any) => s.Sid === "DenyInsecureTransport")).to.not.equal(undefined);
    });

    it("creates the trail only after the bucket policy and the log role's policy", () => {
        const policy = graph.one("aws:s3/bucketPolicy:BucketPolicy", "audit-bucket-policy");
        const attachment = graph.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "audit-logs-policy-attachment");
        // Depending on the SecureBucket component expands to all its children, the policy among them.
        expect(trail().dependencies).to.include.members([attachment.urn, policy.urn]);
    });

    it("streams to an encrypted log group with retention through a role that may only write there", () => {
        const group = graph.one("aws:cloudwatch/logGroup:LogGroup", "audit-log-group");
        expect(group.inputs).to.include({ kmsKeyId: KEY_ARN, retentionInDays: 365 });
        expect(trail().inputs.cloudWatchLogsGroupArn).to.equal(`${group.outputs.arn}:*`);
        const role = graph.one("aws:iam/role:Role", "audit-logs-role");
        expect(trail().inputs.cloudWatchLogsRoleArn).to.equal(role.outputs.arn);
        expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "cloudtrail.amazonaws.com" });
        const doc = JSON.parse(graph.one("aws:iam/policy:Policy", "audit-logs-policy").inputs.policy);
        expect(doc.Statement).to.have.length(1);
        expect(doc.Statement[0].Action).to.deep.equal(["logs:CreateLogStream", "logs:PutLogEvents"]);
        expect(doc.Statement[0].Resource).to.equal(`${group.outputs.arn}:log-stream:*`);
    });
});
