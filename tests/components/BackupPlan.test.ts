import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import * as aws from "@pulumi/aws";
import { BackupPlan } from "../../components/BackupPlan";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const TABLES = ["arn:aws:dynamodb:eu-central-1:111122223333:table/signals", "arn:aws:dynamodb:eu-central-1:111122223333:table/proposals"];
const REPLICA_KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/5678abcd-12ab-34cd-56ef-1234567890ab";
const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";

describe("BackupPlan", () => {
    let graph: ResourceGraph;
    before(async () => {
        const { resources } = await runInline(() => {
            new BackupPlan("backup", {
                kmsKeyArn: KEY_ARN,
                resourceArns: TABLES,
                retentionDays: 35,
                vaultLock: true,
                copyTo: { provider: new aws.Provider("eu-west-1", { region: "eu-west-1" }), kmsKeyArn: REPLICA_KEY_ARN },
            });
            new BackupPlan("plain", { kmsKeyArn: KEY_ARN, resourceArns: TABLES.slice(0, 1), retentionDays: 7 });
        });
        graph = new ResourceGraph(resources);
    });

    it("encrypts the vault with the customer-managed key", () => {
        expect(graph.one("aws:backup/vault:Vault", "backup-vault").inputs.kmsKeyArn).to.equal(KEY_ARN);
    });

    it("backs up daily at 03:00 and keeps each recovery point for the retention", () => {
        const [rule] = graph.one("aws:backup/plan:Plan", "backup-plan").inputs.rules;
        expect(rule).to.deep.include({ schedule: "cron(0 3 * * ? *)", startWindow: 60, completionWindow: 180 });
        expect(rule.lifecycle.deleteAfter).to.equal(35);
        expect(rule.targetVaultName).to.equal(graph.one("aws:backup/vault:Vault", "backup-vault").outputs.name);
        expect(graph.one("aws:backup/plan:Plan", "plain-plan").inputs.rules[0].lifecycle.deleteAfter).to.equal(7);
    });

    it("copies to a locked vault in the other region, under that region's key, only when asked", () => {
        const copyVault = graph.one("aws:backup/vault:Vault", "backup-copy-vault");
        expect(copyVault.inputs.kmsKeyArn).to.equal(REPLICA_KEY_ARN);
        expect(copyVault.outputs.arn).to.match(/^arn:aws:backup:eu-west-1:/);
        const [rule] = graph.one("aws:backup/plan:Plan", "backup-plan").inputs.rules;
        expect(rule.copyActions).to.deep.equal([{ destinationVaultArn: copyVault.outputs.arn, lifecycle: { deleteAfter: 35 } }]);
        expect(graph.one(LOCK, "backup-copy-vault-lock").inputs.backupVaultName).to.equal(copyVault.outputs.name);
        expect(graph.one("aws:backup/plan:Plan", "plain-plan").inputs.rules[0].copyActions).to.equal(undefined);
    });

    it("selects exactly the table ARNs, with the backup role, into the plan", () => {
        const selection = graph.one("aws:backup/selection:Selection", "backup-selection");
        expect(selection.inputs.resources).to.deep.equal(TABLES);
        expect(selection.inputs.planId).to.equal(graph.one("aws:backup/plan:Plan", "backup-plan").id);
        expect(selection.inputs.iamRoleArn).to.equal(graph.one("aws:iam/role:Role", "backup-role").outputs.arn);
    });

    it("lets only AWS Backup assume its role, with the AWS managed backup and restore policies", () => {
        const trust = JSON.parse(graph.one("aws:iam/role:Role", "backup-role").inputs.assumeRolePolicy);
        expect(trust.Statement.map((s: any) => s.Principal)).to.deep.equal([{ Service: "backup.amazonaws.com" }]);
        const role = graph.one("aws:iam/role:Role", "backup-role");
        const attached = graph
            .dependentsVia(role, "role", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((a) => a.inputs.policyArn)
            .sort();
        expect(attached).to.deep.equal([
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
    });

    it("locks the vault only when asked, with the retention inside the bounds", () => {
        const locks = graph.ofType(LOCK);
        expect(locks.map((l) => l.name)).to.deep.equal(["backup-vault-lock", "backup-copy-vault-lock"]);
        expect(locks[0]!.inputs).to.include({
            minRetentionDays: 35,
            maxRetentionDays: 365,
            backupVaultName: graph.one("aws:backup/vault:Vault", "backup-vault").outputs.name,
        });
        expect(locks[0]!.inputs.changeableForDays).to.equal(undefined);
    });

    it("refuses a retention outside the vault lock bounds", () => {
        expect(
            () =>
                new BackupPlan("bad", {
                    kmsKeyArn: KEY_ARN,
                    resourceArns: TABLES,
                    retentionDays: 7,
                    vaultLock: true,
                    vaultLockRetention: { minDays: 14 },
                }),
        ).to.throw(/outside the vault lock bounds/);
    });
});
