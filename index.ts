/**
 * ai-investment — the AWS platform of the AI investment-signal system, one Pulumi stack per environment.
 * The config is validated before anything is declared: a bad stack file registers no resource at all.
 */
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/stackConfig";
import { buildPlatform } from "./stacks/platform";

const config = loadStackConfig();
const platform = buildPlatform(config);
const { api, auth, data, compute, observability, security } = platform;

const mapOf = <K extends string, V>(record: Record<K, V>, pick: (value: V) => pulumi.Output<string>) =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, pick(value as V)]));

export const environment = config.environment;
export const apiUrl = api.rest.url;
export const apiKeyId = api.rest.apiKeyId;
export const websocketUrl = api.websocket.url;
export const userPoolId = auth.userPoolId;
export const userPoolClientId = auth.userPoolClientId;
export const tableNames = mapOf(data.tables, (table) => table.name);
export const bucketNames = mapOf(data.buckets, (bucket) => bucket.name);
export const replicaBucketNames = mapOf(data.replicas as Record<string, (typeof data.buckets)["raw-data"]>, (bucket) => bucket.name);
export const queueUrls = mapOf(compute.queues, (pair) => pair.queue.url);
export const functionNames = mapOf(compute.functions, (fn) => fn.functionName);
export const providerSecretArns = security.secrets.arns;
export const dashboardNames = observability.dashboards.dashboardNames;
export const alarmTopicArn = observability.alarms.topicArn;
export const kmsKeyArn = security.key.arn;
/** The key of the replicas in the second region: a regional failover stack runs on it (docs/disaster-recovery.md). */
export const replicaKeyArn = security.replicaKey?.arn;
