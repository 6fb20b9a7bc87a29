import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { SignalTable } from "../../components/SignalTable";
import { TABLE_DESIGNS } from "../../stacks/data";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TABLE = "aws:dynamodb/table:Table";

describe("SignalTable", () => {
    describe("on demand, as in dev and prod", () => {
        let graph: ResourceGraph;
        before(async () => {
            const { resources } = await runInline(() => {
                new SignalTable("signals", {
                    ...TABLE_DESIGNS.signals,
                    capacity: { mode: "on-demand" },
                    kmsKeyArn: KEY_ARN,
                    deletionProtection: true,
                });
            });
            graph = new ResourceGraph(resources);
        });

        it("uses seed 002's key schema and declares exactly the key attributes of table and indexes", () => {
            const table = graph.one(TABLE, "signals");
            expect(table.inputs).to.include({ hashKey: "pk", rangeKey: "sk", billingMode: "PAY_PER_REQUEST" });
            expect(table.inputs.attributes.map((a: any) => a.name).sort()).to.deep.equal([
                "agent",
                "authorPseudonym",
                "pk",
                "sk",
                "sourceId",
                "ts",
            ]);
            expect(table.inputs.globalSecondaryIndexes.map((i: any) => [i.name, i.hashKey, i.projectionType])).to.deep.equal([
                ["bySourceId", "sourceId", "KEYS_ONLY"],
                ["byAgent", "agent", "ALL"],
                ["byAuthor", "authorPseudonym", "KEYS_ONLY"],
            ]);
        });

        it("encrypts with the customer-managed key, keeps 35 days of PITR, protects against deletion and expires by TTL", () => {
            const table = graph.one(TABLE, "signals");
            expect(table.inputs.serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: KEY_ARN });
            expect(table.inputs.pointInTimeRecovery).to.deep.equal({ enabled: true, recoveryPeriodInDays: 35 });
            expect(table.inputs.deletionProtectionEnabled).to.equal(true);
            expect(table.inputs.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
            expect(table.inputs.streamEnabled).to.equal(false);
        });

        it("creates no auto scaling", () => {
            expect(graph.ofType("aws:appautoscaling/target:Target")).to.deep.equal([]);
        });
    });

    describe("provisioned, as in staging", () => {
        let graph: ResourceGraph;
        before(async () => {
            const { resources } = await runInline(() => {
                new SignalTable("proposals", {
                    ...TABLE_DESIGNS.proposals,
                    capacity: { mode: "provisioned", readCapacity: 5, writeCapacity: 5, maxCapacity: 50 },
                    kmsKeyArn: KEY_ARN,
                    deletionProtection: false,
                    stream: "NEW_AND_OLD_IMAGES",
                });
            });
            graph = new ResourceGraph(resources);
        });

        it("starts table and indexes at 5/5 and lets auto scaling own the numbers afterwards", () => {
            const table = graph.one(TABLE, "proposals");
            expect(table.inputs).to.include({ billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });
            for (const index of table.inputs.globalSecondaryIndexes) expect(index).to.include({ readCapacity: 5, writeCapacity: 5 });
        });

        it("scales reads and writes of the table and each index between 5 and the ceiling at 70 % utilisation", () => {
            const targets = graph.ofType("aws:appautoscaling/target:Target");
            expect(targets.map((t) => t.inputs.scalableDimension).sort()).to.deep.equal([
                "dynamodb:index:ReadCapacityUnits",
                "dynamodb:index:ReadCapacityUnits",
                "dynamodb:index:WriteCapacityUnits",
                "dynamodb:index:WriteCapacityUnits",
                "dynamodb:table:ReadCapacityUnits",
                "dynamodb:table:WriteCapacityUnits",
            ]);
            const tableName = graph.one(TABLE, "proposals").outputs.name;
            expect(targets.map((t) => t.inputs.resourceId)).to.include.members([
                `table/${tableName}`,
                `table/${tableName}/index/byStatus`,
                `table/${tableName}/index/byAsset`,
            ]);
            for (const target of targets)
                expect(target.inputs).to.include({ minCapacity: 5, maxCapacity: 50, serviceNamespace: "dynamodb" });
            const policies = graph.ofType("aws:appautoscaling/policy:Policy");
            expect(policies).to.have.length(6);
            for (const policy of policies) expect(policy.inputs.targetTrackingScalingPolicyConfiguration.targetValue).to.equal(70);
        });

        it("emits a stream when asked and exposes its ARN", () => {
            const table = graph.one(TABLE, "proposals");
            expect(table.inputs).to.include({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
            expect(table.outputs.streamArn).to.match(/^arn:aws:dynamodb:eu-central-1:111122223333:table\/proposals-[0-9a-f]{7}\/stream\//);
        });
    });

    it("refuses a global-table replica on provisioned capacity", () => {
        expect(
            () =>
                new SignalTable("replicated", {
                    ...TABLE_DESIGNS.proposals,
                    capacity: { mode: "provisioned" },
                    kmsKeyArn: KEY_ARN,
                    deletionProtection: true,
                    replica: { region: "eu-west-1", kmsKeyArn: KEY_ARN },
                }),
        ).to.throw("SignalTable replicated: a global-table replica needs on-demand capacity");
    });

    it("refuses an attribute declared with two types", () => {
        expect(
            () =>
                new SignalTable("broken", {
                    partitionKey: { name: "id", type: "S" },
                    globalSecondaryIndexes: [{ name: "byId", partitionKey: { name: "id", type: "N" } }],
                    capacity: { mode: "on-demand" },
                    kmsKeyArn: KEY_ARN,
                    deletionProtection: false,
                }),
        ).to.throw(/attribute id is declared as S and N/);
    });
});
