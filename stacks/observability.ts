/** Observability: alarms to the on-call topic, saved log queries, the four dashboards, the budget, backups and the audit trail. */
import type * as aws from "@pulumi/aws";
import { type FunctionName, PIPELINE_FUNCTION_NAMES, type StackConfig } from "../config/stackConfig";
import { AlarmSet } from "../components/AlarmSet";
import { AuditTrail } from "../components/AuditTrail";
import { BackupPlan } from "../components/BackupPlan";
import { CostBudget } from "../components/CostBudget";
import { Dashboards } from "../components/Dashboards";
import { LogQueries } from "../components/LogQueries";
import type { Api } from "./api";
import { type Compute, functionTimeoutSeconds, type QueueName } from "./compute";
import type { Data, TableName } from "./data";
import { ROUTES } from "./routes";
import type { Security } from "./security";

export interface Observability {
    alarms: AlarmSet;
    logQueries: LogQueries;
    dashboards: Dashboards;
    budget: CostBudget;
    backup: BackupPlan;
    trail: AuditTrail;
}

const PIPELINE_FUNCTIONS: ReadonlySet<FunctionName> = new Set(PIPELINE_FUNCTION_NAMES);

export function buildObservability(
    config: StackConfig,
    security: Security,
    data: Data,
    compute: Compute,
    api: Api,
    providers: { primary: aws.Provider; replica?: aws.Provider },
): Observability {
    const opts = { provider: providers.primary };
    const replica = providers.replica;
    const functions = (Object.keys(compute.functions) as FunctionName[]).map((name) => ({
        name,
        functionName: compute.functions[name].functionName,
        timeoutSeconds: functionTimeoutSeconds(config, name),
        pipeline: PIPELINE_FUNCTIONS.has(name),
        servesApi: ROUTES.some((route) => route.fn === name),
    }));
    const queues = (Object.keys(compute.queues) as QueueName[]).map((name) => ({
        name,
        queueName: compute.queues[name].queue.name,
        deadLetterQueueName: compute.queues[name].deadLetterQueue.name,
        collectsFailures: name === "invocation-failures",
    }));
    const restApis = [{ name: "api", apiName: api.rest.restApiName, stageName: api.rest.stageName }];
    const tables = (Object.keys(data.tables) as TableName[]).map((name) => ({ name, tableName: data.tables[name].name }));

    const alarms = new AlarmSet(
        "platform",
        {
            kmsKeyArn: security.key.arn,
            alertEmails: config.alertEmails,
            level: config.observability.alarmLevel,
            functions,
            queues,
            restApis,
            tables,
        },
        opts,
    );
    const logQueries = new LogQueries(
        "platform",
        {
            functionLogGroupNames: (Object.keys(compute.functions) as FunctionName[]).map((name) => compute.functions[name].logGroup.name),
            apiAccessLogGroupName: api.rest.accessLogGroupName,
        },
        opts,
    );
    const dashboards = new Dashboards(
        "platform",
        {
            region: config.region,
            functions,
            queues,
            restApis,
            tables,
            webAclName: api.rest.webAclName,
            userPoolId: undefined,
            kinds: config.observability.dashboards,
        },
        opts,
    );
    const budget = new CostBudget(
        "monthly",
        { monthlyBudgetUsd: config.monthlyBudgetUsd, alertEmails: config.alertEmails, topicArn: alarms.topicArn },
        opts,
    );
    const backup = new BackupPlan(
        "daily",
        {
            kmsKeyArn: security.key.arn,
            retentionDays: config.backupRetentionDays,
            resourceArns: Object.values(data.tables).map((table) => table.arn),
            vaultLock: config.environment === "prod",
            copyTo: replica && security.replicaKey ? { provider: replica, kmsKeyArn: security.replicaKey.arn } : undefined,
        },
        opts,
    );
    const trail = new AuditTrail(
        "audit",
        {
            kmsKeyArn: security.key.arn,
            accessLogBucket: data.accessLogs.name,
            logRetentionDays: config.logRetentionDays,
            dataBucketArns: Object.values(data.buckets).map((bucket) => bucket.arn),
            forceDestroy: config.environment === "dev",
        },
        opts,
    );
    return { alarms, logQueries, dashboards, budget, backup, trail };
}
