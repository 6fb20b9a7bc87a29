import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { EncryptionKey } from "../../components/EncryptionKey";
import { ProviderSecrets } from "../../components/ProviderSecrets";

describe("EncryptionKey and ProviderSecrets", () => {
    let graph: ResourceGraph;
    before(async () => {
        const { resources } = await runInline(() => {
            const key = new EncryptionKey("platform", { description: "test data", alias: "ai-investment-test" });
            new ProviderSecrets("providers", { kmsKeyArn: key.arn, secrets: [{ name: "reddit-api", description: "Reddit OAuth app" }] });
        });
        graph = new ResourceGraph(resources);
    });
    const keyPolicy = () => JSON.parse(graph.one("aws:kms/key:Key", "platform-key").inputs.policy);

    it("rotates yearly and waits the maximum 30 days before a deletion", () => {
        expect(graph.one("aws:kms/key:Key", "platform-key").inputs).to.include({
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
        });
        expect(graph.one("aws:kms/alias:Alias", "platform-alias").inputs.name).to.equal("alias/ai-investment-test");
    });

    it("delegates to IAM and lets only this account's service uses encrypt with it", () => {
        const statements = keyPolicy().Statement;
        expect(statements[0]).to.deep.include({ Principal: { AWS: "arn:aws:iam::111122223333:root" } });
        for (const statement of statements.slice(1)) {
            expect(statement.Principal.Service, statement.Sid).to.exist;
            expect(statement.Condition, statement.Sid).to.exist;
        }
        const logs = statements.find((s: any) => s.Sid === "CloudWatchLogsEncryptsThisAccountsLogGroups");
        expect(logs.Principal.Service).to.equal("logs.eu-central-1.amazonaws.com");
        expect(logs.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).to.equal("arn:aws:logs:eu-central-1:111122223333:log-group:*");
    });

    it("creates provider secrets encrypted with the key, without any value", () => {
        const secret = graph.one("aws:secretsmanager/secret:Secret", "providers-reddit-api");
        expect(secret.inputs).to.include({ kmsKeyId: graph.one("aws:kms/key:Key", "platform-key").outputs.arn, recoveryWindowInDays: 30 });
        expect(secret.inputs.namePrefix).to.equal("ai-investment/test/reddit-api-");
        expect(graph.ofType("aws:secretsmanager/secretVersion:SecretVersion")).to.deep.equal([]);
    });
});
