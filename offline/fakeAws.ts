/**
 * Realistic fake ids, ARNs and computed outputs for resources registered on the Pulumi mock runtime.
 *
 * The shapes follow what AWS returns (e.g. `arn:aws:dynamodb:eu-central-1:111122223333:table/<name>`) so that
 * policy documents, invoke ARNs and URLs built from outputs look exactly like they do after a real `pulumi up`.
 * Physical names imitate Pulumi's auto-naming (`<logical name>-<7 hex>`), derived from a hash so runs are repeatable.
 */
import { createHash } from "node:crypto";

export const FAKE_ACCOUNT_ID = "111122223333";

const hex = (seed: string, length: number) => createHash("sha256").update(seed).digest("hex").slice(0, length);
const alnum = (seed: string, length: number) =>
    createHash("sha256")
        .update(seed)
        .digest("base64")
        .replace(/[^A-Za-z0-9]/g, "")
        .slice(0, length);
const uuid = (seed: string) => {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export interface FakeResourceInput {
    type: string;
    name: string;
    inputs: Record<string, any>;
    region: string;
    /** Set for a read (`Resource.get`): the id of the existing resource. */
    id?: string;
}

/** Returns the id and the full state (inputs plus computed outputs) AWS would report for the resource. */
export function fakeResource({ type, name, inputs, region, id: readId }: FakeResourceInput): { id: string; state: Record<string, any> } {
    const seed = `${type}::${name}`;
    const autoName = (explicit?: string, maxLength = 64) => explicit ?? `${name}-${hex(seed, 7)}`.slice(-maxLength);
    const acct = FAKE_ACCOUNT_ID;
    const s = { ...inputs };
    const withArn = (id: string, arn: string, extra: Record<string, any> = {}) => ({ id, state: { ...s, arn, ...extra } });

    switch (type) {
        case "pulumi:providers:aws":
            return { id: uuid(seed), state: s };
        case "aws:kms/key:Key": {
            // A read (`Key.get`) may name the key by id or ARN, as DescribeKey accepts both.
            const keyId = readId?.startsWith("arn:") ? readId.split("/").pop()! : (readId ?? uuid(seed));
            return withArn(keyId, readId?.startsWith("arn:") ? readId : `arn:aws:kms:${region}:${acct}:key/${keyId}`, { keyId });
        }
        case "aws:kms/alias:Alias":
            return withArn(inputs.name, `arn:aws:kms:${region}:${acct}:${inputs.name}`, { targetKeyArn: inputs.targetKeyId });
        case "aws:s3/bucket:Bucket":
        case "aws:s3/bucketV2:BucketV2": {
            const bucket = inputs.bucket ?? `${inputs.bucketPrefix ?? `${name}-`}${hex(seed, 12)}`.toLowerCase().slice(0, 63);
            return withArn(bucket, `arn:aws:s3:::${bucket}`, {
                bucket,
                bucketDomainName: `${bucket}.s3.amazonaws.com`,
                bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
                region,
                hostedZoneId: "Z21DNDUVLTQW6Q",
            });
        }
        case "aws:dynamodb/table:Table": {
            const tableName = readId ?? autoName(inputs.name, 255);
            const arn = `arn:aws:dynamodb:${region}:${acct}:table/${tableName}`;
            return withArn(tableName, arn, {
                name: tableName,
                streamArn: inputs.streamEnabled ? `${arn}/stream/2026-11-23T00:00:00.000` : undefined,
                streamLabel: inputs.streamEnabled ? "2026-11-23T00:00:00.000" : undefined,
            });
        }
        case "aws:sqs/queue:Queue": {
            const queueName = autoName(inputs.name, 80);
            const url = `https://sqs.${region}.amazonaws.com/${acct}/${queueName}`;
            return withArn(url, `arn:aws:sqs:${region}:${acct}:${queueName}`, { name: queueName, url });
        }
        case "aws:sns/topic:Topic": {
            const topicName = autoName(inputs.name, 256);
            const arn = `arn:aws:sns:${region}:${acct}:${topicName}`;
            return withArn(arn, arn, { name: topicName });
        }
        case "aws:sns/topicSubscription:TopicSubscription": {
            const arn = `${inputs.topic}:${uuid(seed)}`;
            return withArn(arn, arn);
        }
        case "aws:secretsmanager/secret:Secret": {
            const secretName = autoName(inputs.name, 512);
            const arn = `arn:aws:secretsmanager:${region}:${acct}:secret:${secretName}-${alnum(seed, 6)}`;
            return withArn(arn, arn, { name: secretName });
        }
        case "aws:iam/role:Role": {
            const roleName = autoName(inputs.name, 64);
            return withArn(roleName, `arn:aws:iam::${acct}:role/${roleName}`, {
                name: roleName,
                uniqueId: `AROA${alnum(seed, 17).toUpperCase()}`,
            });
        }
        case "aws:iam/policy:Policy": {
            const policyName = autoName(inputs.name, 128);
            const arn = `arn:aws:iam::${acct}:policy/${policyName}`;
            return withArn(arn, arn, { name: policyName, policyId: `ANPA${alnum(seed, 17).toUpperCase()}` });
        }
        case "aws:cloudwatch/logGroup:LogGroup": {
            const groupName = autoName(inputs.name, 512);
            return withArn(groupName, `arn:aws:logs:${region}:${acct}:log-group:${groupName}`, { name: groupName });
        }
        case "aws:lambda/function:Function": {
            const functionName = autoName(inputs.name, 64);
            const arn = `arn:aws:lambda:${region}:${acct}:function:${functionName}`;
            return withArn(functionName, arn, {
                name: functionName,
                invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
                qualifiedArn: `${arn}:$LATEST`,
                version: "$LATEST",
            });
        }
        case "aws:lambda/eventSourceMapping:EventSourceMapping": {
            const id = uuid(seed);
            return withArn(id, `arn:aws:lambda:${region}:${acct}:event-source-mapping:${id}`, { uuid: id });
        }
        case "aws:scheduler/schedule:Schedule": {
            const scheduleName = autoName(inputs.name, 64);
            return withArn(scheduleName, `arn:aws:scheduler:${region}:${acct}:schedule/${inputs.groupName ?? "default"}/${scheduleName}`, {
                name: scheduleName,
            });
        }
        case "aws:apigateway/restApi:RestApi": {
            const id = alnum(seed, 10).toLowerCase();
            return withArn(id, `arn:aws:apigateway:${region}::/restapis/${id}`, {
                rootResourceId: alnum(`${seed}/root`, 10).toLowerCase(),
                executionArn: `arn:aws:execute-api:${region}:${acct}:${id}`,
            });
        }
        case "aws:apigateway/stage:Stage": {
            const apiId = String(inputs.restApi);
            return withArn(
                `ags-${apiId}-${inputs.stageName}`,
                `arn:aws:apigateway:${region}::/restapis/${apiId}/stages/${inputs.stageName}`,
                {
                    invokeUrl: `https://${apiId}.execute-api.${region}.amazonaws.com/${inputs.stageName}`,
                    executionArn: `arn:aws:execute-api:${region}:${acct}:${apiId}/${inputs.stageName}`,
                },
            );
        }
        case "aws:apigateway/apiKey:ApiKey":
        case "aws:apigateway/usagePlan:UsagePlan": {
            const id = alnum(seed, 10).toLowerCase();
            return withArn(id, `arn:aws:apigateway:${region}::/${type.includes("apiKey") ? "apikeys" : "usageplans"}/${id}`, {
                name: inputs.name ?? name,
            });
        }
        case "aws:apigatewayv2/api:Api": {
            const id = alnum(seed, 10).toLowerCase();
            const scheme = inputs.protocolType === "WEBSOCKET" ? "wss" : "https";
            return withArn(id, `arn:aws:apigateway:${region}::/apis/${id}`, {
                apiEndpoint: `${scheme}://${id}.execute-api.${region}.amazonaws.com`,
                executionArn: `arn:aws:execute-api:${region}:${acct}:${id}`,
            });
        }
        case "aws:apigatewayv2/stage:Stage": {
            const apiId = String(inputs.apiId);
            return withArn(`${apiId}-${inputs.name}`, `arn:aws:apigateway:${region}::/apis/${apiId}/stages/${inputs.name}`, {
                invokeUrl: `wss://${apiId}.execute-api.${region}.amazonaws.com/${inputs.name}`,
                executionArn: `arn:aws:execute-api:${region}:${acct}:${apiId}/${inputs.name}`,
            });
        }
        case "aws:cognito/userPool:UserPool": {
            const id = `${region}_${alnum(seed, 9)}`;
            return withArn(id, `arn:aws:cognito-idp:${region}:${acct}:userpool/${id}`, {
                endpoint: `cognito-idp.${region}.amazonaws.com/${id}`,
            });
        }
        case "aws:cognito/userPoolClient:UserPoolClient":
            return { id: alnum(seed, 26).toLowerCase(), state: s };
        case "aws:wafv2/webAcl:WebAcl": {
            const aclName = autoName(inputs.name, 128);
            const id = uuid(seed);
            return withArn(id, `arn:aws:wafv2:${region}:${acct}:regional/webacl/${aclName}/${id}`, { name: aclName, capacity: 800 });
        }
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
        case "aws:cloudwatch/compositeAlarm:CompositeAlarm": {
            const alarmName = autoName(inputs.alarmName ?? inputs.name, 255);
            return withArn(alarmName, `arn:aws:cloudwatch:${region}:${acct}:alarm:${alarmName}`, { alarmName });
        }
        case "aws:cloudwatch/dashboard:Dashboard":
            return {
                id: inputs.dashboardName,
                state: { ...s, dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${inputs.dashboardName}` },
            };
        case "aws:cloudtrail/trail:Trail": {
            const trailName = autoName(inputs.name, 128);
            const arn = `arn:aws:cloudtrail:${region}:${acct}:trail/${trailName}`;
            return withArn(arn, arn, { name: trailName, homeRegion: region });
        }
        case "aws:backup/vault:Vault": {
            const vaultName = autoName(inputs.name, 50);
            return withArn(vaultName, `arn:aws:backup:${region}:${acct}:backup-vault:${vaultName}`, { name: vaultName });
        }
        case "aws:backup/plan:Plan": {
            const id = uuid(seed);
            return withArn(id, `arn:aws:backup:${region}:${acct}:backup-plan:${id}`, { version: alnum(seed, 32) });
        }
        case "aws:budgets/budget:Budget": {
            const budgetName = autoName(inputs.name, 100);
            return withArn(`${acct}:${budgetName}`, `arn:aws:budgets::${acct}:budget/${budgetName}`, { name: budgetName });
        }
        case "aws:appautoscaling/target:Target":
            return withArn(
                `${inputs.serviceNamespace}/${inputs.resourceId}/${inputs.scalableDimension}`,
                `arn:aws:application-autoscaling:${region}:${acct}:scalable-target/${alnum(seed, 24)}`,
            );
        case "aws:ec2/securityGroup:SecurityGroup": {
            const id = `sg-${hex(seed, 17)}`;
            return withArn(id, `arn:aws:ec2:${region}:${acct}:security-group/${id}`);
        }
        case "aws:ec2/flowLog:FlowLog": {
            const id = `fl-${hex(seed, 17)}`;
            return withArn(id, `arn:aws:ec2:${region}:${acct}:vpc-flow-log/${id}`);
        }
        case "aws:ec2/vpcEndpoint:VpcEndpoint": {
            const id = `vpce-${hex(seed, 17)}`;
            return withArn(id, `arn:aws:ec2:${region}:${acct}:vpc-endpoint/${id}`, { prefixListId: `pl-${hex(seed, 8)}` });
        }
        case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
            // Adopts the group AWS created with the VPC: one per VPC, always named "default".
            const id = `sg-${hex(`${inputs.vpcId}/default`, 17)}`;
            return withArn(id, `arn:aws:ec2:${region}:${acct}:security-group/${id}`, { name: "default", ownerId: acct });
        }
        case "aws:backup/selection:Selection":
            return { id: uuid(seed), state: s };
        case "aws:backup/vaultLockConfiguration:VaultLockConfiguration":
            return {
                id: inputs.backupVaultName,
                state: { ...s, backupVaultArn: `arn:aws:backup:${region}:${acct}:backup-vault:${inputs.backupVaultName}` },
            };
        case "awsx:ec2:Vpc": {
            // A remote component: under mocks it is one opaque resource, so it reports the outputs the awsx plugin would.
            const vpcId = `vpc-${hex(seed, 17)}`;
            const subnets = (kind: string) => [0, 1].map((i) => `subnet-${hex(`${seed}/${kind}/${i}`, 17)}`);
            return {
                id: vpcId,
                state: {
                    ...s,
                    vpcId,
                    privateSubnetIds: subnets("private"),
                    publicSubnetIds: subnets("public"),
                    isolatedSubnetIds: [],
                    routeTables: [],
                    vpc: {
                        id: vpcId,
                        arn: `arn:aws:ec2:${region}:${acct}:vpc/${vpcId}`,
                        cidrBlock: inputs.cidrBlock,
                        defaultSecurityGroupId: `sg-${hex(`${seed}/default`, 17)}`,
                    },
                },
            };
        }
        default: {
            const id = `${name}-${hex(seed, 7)}`;
            const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
            return withArn(id, `arn:aws:${service}:${region}:${acct}:${id}`);
        }
    }
}

/** Answers the data-source calls the program makes; anything else is an error so a new invoke can't pass silently. */
export function fakeCall(token: string, inputs: Record<string, any>, region: string): Record<string, any> {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                accountId: FAKE_ACCOUNT_ID,
                arn: `arn:aws:iam::${FAKE_ACCOUNT_ID}:user/ci`,
                userId: "AIDAEXAMPLEUSERID",
                id: FAKE_ACCOUNT_ID,
            };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: [`${region}a`, `${region}b`, `${region}c`], zoneIds: ["euc1-az2", "euc1-az3", "euc1-az1"], id: region };
        default:
            throw new Error(`offline engine: no fake for data source ${token} (${JSON.stringify(inputs)}); add one to offline/fakeAws.ts`);
    }
}
