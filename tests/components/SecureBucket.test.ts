import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { SecureBucket } from "../../components/SecureBucket";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

describe("SecureBucket", () => {
    let graph: ResourceGraph;
    before(async () => {
        const { resources } = await runInline(() => {
            const logs = new SecureBucket("access-logs", { receivesAccessLogs: true });
            new SecureBucket("raw-data", { kmsKeyArn: KEY_ARN, accessLogBucket: logs.name });
        });
        graph = new ResourceGraph(resources);
    });

    it("blocks every kind of public access", () => {
        const block = graph.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "raw-data-public-access-block");
        expect(block.inputs).to.include({
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        const bucket = graph.one("aws:s3/bucket:Bucket", "raw-data");
        expect(graph.dependentsVia(bucket, "bucket", block.type)).to.have.length(1);
    });

    it("encrypts with the customer-managed key and bucket keys", () => {
        const sse = graph.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "raw-data-encryption",
        );
        expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN });
        expect(sse.inputs.rules[0].bucketKeyEnabled).to.equal(true);
    });

    it("versions objects and enforces bucket-owner ownership", () => {
        expect(graph.one("aws:s3/bucketVersioning:BucketVersioning", "raw-data-versioning").inputs.versioningConfiguration.status).to.equal(
            "Enabled",
        );
        expect(
            graph.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "raw-data-ownership").inputs.rule.objectOwnership,
        ).to.equal("BucketOwnerEnforced");
    });

    it("denies requests that are not made over TLS", () => {
        const policy = JSON.parse(graph.one("aws:s3/bucketPolicy:BucketPolicy", "raw-data-policy").inputs.policy);
        const deny = policy.Statement.find((s: any) => s.Sid === "DenyInsecureTransport");
        expect(deny).to.deep.include({ Effect: "Deny", Principal: "*", Action: "s3:*" });
        expect(deny.Condition).to.deep.equal({ Bool: { "aws:SecureTransport": "false" } });
        const arn = graph.one("aws:s3/bucket:Bucket", "raw-data").outputs.arn;
        expect(deny.Resource).to.deep.equal([arn, `${arn}/*`]);
    });

    it("tiers, archives and expires noncurrent versions by default", () => {
        const rule = graph.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "raw-data-lifecycle").inputs.rules[0];
        expect(rule.transitions.map((t: any) => t.storageClass)).to.deep.equal(["INTELLIGENT_TIERING", "GLACIER", "DEEP_ARCHIVE"]);
        expect(rule.noncurrentVersionExpiration.noncurrentDays).to.equal(90);
    });

    it("expires every object after expireAfterDays, with its noncurrent versions, and does not archive it", async () => {
        const { resources } = await runInline(
            () => new SecureBucket("personal", { kmsKeyArn: KEY_ARN, expireAfterDays: 30, noncurrentVersionExpirationDays: 1 }),
        );
        const rules = new ResourceGraph(resources).one(
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "personal-lifecycle",
        ).inputs.rules;
        expect(rules).to.have.length(1);
        expect(rules[0]).to.deep.include({
            status: "Enabled",
            expiration: { days: 30 },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
        });
        expect(rules[0].transitions).to.equal(undefined);
    });

    it("logs access into the log bucket, which itself uses SSE-S3 because log delivery cannot use SSE-KMS", () => {
        const logging = graph.one("aws:s3/bucketLogging:BucketLogging", "raw-data-access-logging");
        expect(logging.inputs.targetBucket).to.equal(graph.one("aws:s3/bucket:Bucket", "access-logs").outputs.bucket);
        const logSse = graph.one(
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "access-logs-encryption",
        );
        expect(logSse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("AES256");
        expect(graph.ofType("aws:s3/bucketLogging:BucketLogging").map((r) => r.name)).to.deep.equal(["raw-data-access-logging"]);
        const delivery = JSON.parse(graph.one("aws:s3/bucketPolicy:BucketPolicy", "access-logs-policy").inputs.policy).Statement[1];
        expect(delivery.Principal).to.deep.equal({ Service: "logging.s3.amazonaws.com" });
        expect(delivery.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": "111122223333" } });
    });

    it("parents every child to the component", () => {
        const component = graph.one("ai-investment:data:SecureBucket", "raw-data");
        expect(
            graph
                .children(component)
                .map((r) => r.name)
                .sort(),
        ).to.deep.equal([
            "raw-data",
            "raw-data-access-logging",
            "raw-data-encryption",
            "raw-data-lifecycle",
            "raw-data-ownership",
            "raw-data-policy",
            "raw-data-public-access-block",
            "raw-data-versioning",
        ]);
    });

    it("refuses SSE-KMS without a key", () => {
        expect(() => new SecureBucket("no-key", {})).to.throw(/kmsKeyArn is required/);
    });
});
