import * as aws from "@pulumi/aws";
import { expect } from "chai";
import { z } from "zod";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import { ApiWithAuth, type ApiHandler, type ApiRoute, type ApiWithAuthArgs } from "../../components/ApiWithAuth";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const USER_POOL_ARN = "arn:aws:cognito-idp:eu-central-1:111122223333:userpool/eu-central-1_AbCdEf123";
const T = {
    api: "aws:apigateway/restApi:RestApi",
    resource: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    integration: "aws:apigateway/integration:Integration",
    integrationResponse: "aws:apigateway/integrationResponse:IntegrationResponse",
    model: "aws:apigateway/model:Model",
    authorizer: "aws:apigateway/authorizer:Authorizer",
    permission: "aws:lambda/permission:Permission",
    deployment: "aws:apigateway/deployment:Deployment",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    account: "aws:apigateway/account:Account",
    usagePlan: "aws:apigateway/usagePlan:UsagePlan",
    response: "aws:apigateway/response:Response",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    webAcl: "aws:wafv2/webAcl:WebAcl",
    webAclAssociation: "aws:wafv2/webAclAssociation:WebAclAssociation",
    webAclLogging: "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
};

function fakeHandler(name: string): ApiHandler & { arn: string; invokeArn: string } {
    const arn = `arn:aws:lambda:eu-central-1:111122223333:function:${name}-abc1234`;
    return { arn, invokeArn: `arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/${arn}/invocations` };
}

const riskCheckBody = z.strictObject({
    asset: z.string().min(1).max(12),
    quantity: z.number().positive(),
    side: z.enum(["buy", "sell"]),
    note: z.string().max(500).optional(),
});

const ANALYSTS = { groups: ["analyst", "admin"] };
const BASE_ROUTES: ApiRoute[] = [
    { method: "GET", path: "/health", handler: fakeHandler("health"), access: "public" },
    { method: "POST", path: "/risk/check", handler: fakeHandler("risk-check"), access: ANALYSTS, requestSchema: riskCheckBody },
    { method: "POST", path: "/decision", handler: fakeHandler("decision"), access: { groups: ["approver", "admin"] } },
    {
        method: "GET",
        path: "/dashboard/summary",
        handler: fakeHandler("dashboard"),
        access: { groups: ["viewer", "analyst", "approver", "admin"] },
    },
];
const ORIGINS = ["https://app.example.com", "https://admin.example.com"];

function argsWith(overrides: Partial<ApiWithAuthArgs> = {}): ApiWithAuthArgs {
    return {
        routes: BASE_ROUTES,
        userPoolArn: USER_POOL_ARN,
        kmsKeyArn: KEY_ARN,
        logRetentionDays: 365,
        corsOrigins: ORIGINS,
        throttle: { rateLimit: 50, burstLimit: 100 },
        quotaPerDay: 20_000,
        waf: { rateLimitPer5Min: 2000 },
        ...overrides,
    };
}

async function build(args: ApiWithAuthArgs): Promise<{ graph: ResourceGraph; api: ApiWithAuth }> {
    const { result, resources } = await runInline(() => {
        // The composition passes an explicit regional provider; so do the tests.
        const provider = new aws.Provider("eu-central-1", { region: "eu-central-1" });
        return new ApiWithAuth("api", args, { provider });
    });
    return { graph: new ResourceGraph(resources), api: result };
}

const resolve = <T>(output: { apply<U>(f: (t: T) => U): unknown }) => new Promise<T>((done) => output.apply((value) => done(value)));
const trigger = (graph: ResourceGraph): string => graph.one(T.deployment, "api-deployment").inputs.triggers.redeployment;

describe("ApiWithAuth", () => {
    let graph: ResourceGraph;
    let api: ApiWithAuth;
    before(async () => {
        ({ graph, api } = await build(argsWith()));
    });

    describe("methods", () => {
        it("puts the Cognito authorizer and an API key on every non-public method", () => {
            const authorizer = graph.one(T.authorizer, "api-cognito-authorizer");
            expect(authorizer.inputs).to.deep.include({
                type: "COGNITO_USER_POOLS",
                providerArns: [USER_POOL_ARN],
                identitySource: "method.request.header.Authorization",
            });
            const guarded = graph.ofType(T.method).filter((m) => !["api-get-health"].includes(m.name) && m.inputs.httpMethod !== "OPTIONS");
            expect(guarded.map((m) => m.name).sort()).to.deep.equal([
                "api-get-dashboard-summary",
                "api-post-decision",
                "api-post-risk-check",
            ]);
            for (const method of guarded) {
                expect(method.inputs, method.name).to.include({
                    authorization: "COGNITO_USER_POOLS",
                    authorizerId: authorizer.id,
                    apiKeyRequired: true,
                });
            }
        });

        it("leaves only /health and the CORS preflights without authorization", () => {
            const open = graph.ofType(T.method).filter((m) => m.inputs.authorization === "NONE");
            const health = graph.one(T.method, "api-get-health");
            expect(open.filter((m) => m.inputs.httpMethod !== "OPTIONS").map((m) => m.name)).to.deep.equal(["api-get-health"]);
            expect(health.inputs.apiKeyRequired).to.equal(false);
            expect(open.filter((m) => m.inputs.httpMethod === "OPTIONS")).to.have.length(4);
        });

        it("builds nested resources for /risk/check under /risk under the root", () => {
            const rootId = graph.one(T.api, "api").outputs.rootResourceId;
            const risk = graph.one(T.resource, "api-resource-risk");
            const check = graph.one(T.resource, "api-resource-risk-check");
            expect(risk.inputs).to.include({ pathPart: "risk", parentId: rootId });
            expect(check.inputs).to.include({ pathPart: "check", parentId: risk.id });
            expect(graph.one(T.method, "api-post-risk-check").inputs.resourceId).to.equal(check.id);
            expect(
                graph
                    .ofType(T.resource)
                    .map((r) => r.name)
                    .sort(),
            ).to.deep.equal([
                "api-resource-dashboard",
                "api-resource-dashboard-summary",
                "api-resource-decision",
                "api-resource-health",
                "api-resource-risk",
                "api-resource-risk-check",
            ]);
        });

        it("proxies every route to its own function with POST", () => {
            const integration = graph.one(T.integration, "api-post-risk-check-integration").inputs;
            expect(integration).to.include({
                type: "AWS_PROXY",
                integrationHttpMethod: "POST",
                uri: fakeHandler("risk-check").invokeArn,
                httpMethod: "POST",
            });
            expect(graph.one(T.integration, "api-get-health-integration").inputs.uri).to.equal(fakeHandler("health").invokeArn);
        });

        it("keeps the route table's access for the functions", () => {
            expect(api.routeAccess).to.deep.equal({
                "GET /health": "public",
                "POST /risk/check": ["analyst", "admin"],
                "POST /decision": ["approver", "admin"],
                "GET /dashboard/summary": ["viewer", "analyst", "approver", "admin"],
            });
        });
    });

    describe("request validation", () => {
        it("validates the body against a draft-4 model generated from the zod schema", () => {
            const model = graph.one(T.model, "api-post-risk-check-model");
            expect(model.inputs).to.include({ name: "PostRiskCheckRequest", contentType: "application/json" });
            const schema = JSON.parse(model.inputs.schema);
            expect(schema.$schema).to.equal("http://json-schema.org/draft-04/schema#");
            expect(schema.required).to.deep.equal(["asset", "quantity", "side"]);
            expect(schema.additionalProperties).to.equal(false);
            // Draft 4 spells exclusive bounds as booleans.
            expect(schema.properties.quantity).to.deep.equal({ type: "number", minimum: 0, exclusiveMinimum: true });
            expect(schema.properties.side.enum).to.deep.equal(["buy", "sell"]);

            const method = graph.one(T.method, "api-post-risk-check").inputs;
            expect(method.requestModels).to.deep.equal({ "application/json": "PostRiskCheckRequest" });
            const validator = graph.one("aws:apigateway/requestValidator:RequestValidator", "api-validator");
            expect(validator.inputs).to.include({ validateRequestBody: true, validateRequestParameters: true });
            expect(method.requestValidatorId).to.equal(validator.id);
            expect(graph.ofType(T.model)).to.have.length(1);
            expect(graph.one(T.method, "api-post-decision").inputs.requestModels).to.equal(undefined);
        });
    });

    describe("invoke permissions", () => {
        it("scopes each function's permission to its method and path", () => {
            const executionArn = graph.one(T.api, "api").outputs.executionArn;
            const permissions = graph.ofType(T.permission);
            expect(permissions).to.have.length(BASE_ROUTES.length);
            const byFunction = Object.fromEntries(permissions.map((p) => [p.inputs.function, p.inputs]));
            expect(byFunction[fakeHandler("risk-check").arn]).to.include({
                principal: "apigateway.amazonaws.com",
                action: "lambda:InvokeFunction",
                sourceArn: `${executionArn}/*/POST/risk/check`,
            });
            expect(byFunction[fakeHandler("health").arn].sourceArn).to.equal(`${executionArn}/*/GET/health`);
            for (const p of permissions) expect(p.inputs.sourceArn, p.name).to.not.match(/\/\*\/\*$/);
        });
    });

    describe("CORS", () => {
        it("answers preflights with a mock that echoes exactly the configured origins", () => {
            const response = graph.one(T.integrationResponse, "api-options-risk-check-integration-response").inputs;
            const vtl: string = response.responseTemplates["application/json"];
            const echoed = [...vtl.matchAll(/\$origin == "([^"]+)"/g)].map((m) => m[1]);
            expect(echoed).to.deep.equal(ORIGINS);
            expect(vtl).to.include("$context.responseOverride.header.Access-Control-Allow-Origin = $origin");
            expect(vtl).to.not.include("*");
            expect(response.responseParameters).to.deep.include({
                "method.response.header.Access-Control-Allow-Methods": "'POST,OPTIONS'",
                "method.response.header.Access-Control-Allow-Headers": "'Authorization,Content-Type,X-Api-Key'",
            });
            expect(graph.one(T.integration, "api-options-risk-check-integration").inputs.type).to.equal("MOCK");
        });

        it("creates no OPTIONS method at all without origins", async () => {
            const { graph: noCors } = await build(argsWith({ corsOrigins: [] }));
            expect(noCors.ofType(T.method).filter((m) => m.inputs.httpMethod === "OPTIONS")).to.deep.equal([]);
            expect(noCors.ofType(T.integrationResponse)).to.deep.equal([]);
        });

        it("refuses a wildcard origin", () => {
            expect(() => new ApiWithAuth("wild", argsWith({ corsOrigins: ["*"] }))).to.throw(/never \*/);
        });
    });

    describe("gateway responses", () => {
        it("renders API Gateway's own errors as the error envelope", () => {
            const responses = graph.ofType(T.response);
            expect(responses.map((r) => r.inputs.responseType).sort()).to.deep.equal([
                "ACCESS_DENIED",
                "BAD_REQUEST_BODY",
                "DEFAULT_4XX",
                "DEFAULT_5XX",
                "THROTTLED",
                "UNAUTHORIZED",
            ]);
            const unauthorized = responses.find((r) => r.inputs.responseType === "UNAUTHORIZED")!.inputs.responseTemplates[
                "application/json"
            ];
            expect(unauthorized).to.equal(
                '{"success":false,"error":{"code":"UNAUTHENTICATED","message":$context.error.messageString},"timestamp":"$context.requestTime"}',
            );
        });
    });

    describe("deployment", () => {
        it("is taken after every method and integration exists", () => {
            const deployment = graph.one(T.deployment, "api-deployment");
            const required = [...graph.ofType(T.method), ...graph.ofType(T.integration)].map((r) => r.urn);
            expect(deployment.dependencies).to.include.members(required);
        });

        it("keeps the same trigger for the same route table and changes it when a route is added", async () => {
            const first = trigger(graph);
            expect(first).to.match(/^[0-9a-f]{64}$/);
            const again = await build(argsWith({ routes: [...BASE_ROUTES].reverse() }));
            expect(trigger(again.graph)).to.equal(first);
            const more = await build(
                argsWith({
                    routes: [...BASE_ROUTES, { method: "POST", path: "/evaluate", handler: fakeHandler("evaluate"), access: ANALYSTS }],
                }),
            );
            expect(trigger(more.graph)).to.not.equal(first);
        });

        it("changes the trigger when a request schema changes", async () => {
            const stricter = BASE_ROUTES.map((r) =>
                r.path === "/risk/check" ? { ...r, requestSchema: riskCheckBody.extend({ note: z.string().max(100).optional() }) } : r,
            );
            const changed = await build(argsWith({ routes: stricter }));
            expect(trigger(changed.graph)).to.not.equal(trigger(graph));
        });
    });

    describe("stage", () => {
        it("traces with X-Ray and writes JSON access logs to a KMS-encrypted log group with retention", () => {
            const stage = graph.one(T.stage, "api-stage");
            const logs = graph.one(T.logGroup, "api-access-logs");
            expect(stage.inputs).to.include({
                stageName: "v1",
                xrayTracingEnabled: true,
                deployment: graph.one(T.deployment, "api-deployment").id,
            });
            expect(stage.inputs.accessLogSettings.destinationArn).to.equal(logs.outputs.arn);
            expect(logs.inputs).to.include({ kmsKeyId: KEY_ARN, retentionInDays: 365 });
            const format = JSON.parse(stage.inputs.accessLogSettings.format);
            expect(Object.keys(format)).to.include.members([
                "requestId",
                "ip",
                "caller",
                "user",
                "requestTime",
                "httpMethod",
                "resourcePath",
                "status",
                "protocol",
                "responseLength",
                "integrationError",
                "latency",
            ]);
            expect(format.user).to.equal("$context.authorizer.claims.sub");
        });

        it("logs execution errors without data traces and throttles every method from the args", () => {
            const settings = graph.one(T.methodSettings, "api-method-settings").inputs;
            expect(settings.methodPath).to.equal("*/*");
            expect(settings.settings).to.deep.equal({
                metricsEnabled: true,
                loggingLevel: "ERROR",
                dataTraceEnabled: false,
                throttlingRateLimit: 50,
                throttlingBurstLimit: 100,
            });
        });

        it("sets the account's CloudWatch role before the stage enables logging", () => {
            const account = graph.one(T.account, "api-account");
            const role = graph.one("aws:iam/role:Role", "api-cloudwatch-role");
            expect(account.inputs.cloudwatchRoleArn).to.equal(role.outputs.arn);
            expect(JSON.parse(role.inputs.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "apigateway.amazonaws.com" });
            const attachment = graph.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "api-cloudwatch-role-attachment");
            expect(attachment.inputs.policyArn).to.equal("arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
            expect(graph.one(T.stage, "api-stage").dependencies).to.include(account.urn);
            expect(graph.one(T.methodSettings, "api-method-settings").dependencies).to.include(account.urn);
        });

        it("binds a usage plan with the args' throttle and a daily quota to the stage and an enabled key", () => {
            const plan = graph.one(T.usagePlan, "api-usage-plan");
            expect(plan.inputs.throttleSettings).to.deep.equal({ rateLimit: 50, burstLimit: 100 });
            expect(plan.inputs.quotaSettings).to.deep.equal({ limit: 20_000, period: "DAY" });
            expect(plan.inputs.apiStages).to.deep.equal([{ apiId: graph.one(T.api, "api").id, stage: "v1" }]);
            const key = graph.one("aws:apigateway/apiKey:ApiKey", "api-api-key");
            expect(key.inputs.enabled).to.equal(true);
            const binding = graph.one("aws:apigateway/usagePlanKey:UsagePlanKey", "api-usage-plan-key").inputs;
            expect(binding).to.deep.include({ keyId: key.id, usagePlanId: plan.id, keyType: "API_KEY" });
        });

        it("reports url, ids and ARNs", async () => {
            const stage = graph.one(T.stage, "api-stage");
            expect(await resolve(api.url))
                .to.equal(stage.outputs.invokeUrl)
                .and.match(/^https:\/\/[a-z0-9]+\.execute-api\.eu-central-1\.amazonaws\.com\/v1$/);
            expect(await resolve(api.stageArn)).to.equal(stage.outputs.arn);
            expect(await resolve(api.restApiId)).to.equal(graph.one(T.api, "api").id);
            expect(await resolve(api.accessLogGroupName)).to.equal("/aws/apigateway/ai-investment-test-api/access");
            expect(api.stageName).to.equal("v1");
            expect(await resolve(api.webAclArn!)).to.equal(graph.one(T.webAcl, "api-waf").outputs.arn);
        });
    });

    describe("WAF", () => {
        it("rate-limits 2000 requests per 5 minutes per IP and applies both AWS managed groups, all with metrics", () => {
            const acl = graph.one(T.webAcl, "api-waf").inputs;
            expect(acl.scope).to.equal("REGIONAL");
            expect(acl.defaultAction).to.deep.equal({ allow: {} });
            const rate = acl.rules.find((r: any) => r.statement.rateBasedStatement);
            expect(rate.statement.rateBasedStatement).to.deep.equal({ limit: 2000, evaluationWindowSec: 300, aggregateKeyType: "IP" });
            expect(rate.action).to.deep.equal({ block: {} });
            const groups = acl.rules.filter((r: any) => r.statement.managedRuleGroupStatement);
            expect(groups.map((r: any) => r.statement.managedRuleGroupStatement.name)).to.deep.equal([
                "AWSManagedRulesCommonRuleSet",
                "AWSManagedRulesKnownBadInputsRuleSet",
            ]);
            for (const rule of groups) expect(rule.overrideAction).to.deep.equal({ none: {} });
            for (const rule of acl.rules) expect(rule.visibilityConfig.cloudwatchMetricsEnabled, rule.name).to.equal(true);
            expect(acl.visibilityConfig.cloudwatchMetricsEnabled).to.equal(true);
        });

        it("is associated with the stage and logs to an encrypted aws-waf-logs- group without tokens", () => {
            const association = graph.one(T.webAclAssociation, "api-waf-association").inputs;
            expect(association.resourceArn).to.equal(graph.one(T.stage, "api-stage").outputs.arn);
            expect(association.webAclArn).to.equal(graph.one(T.webAcl, "api-waf").outputs.arn);
            const logs = graph.one(T.logGroup, "api-waf-logs");
            expect(logs.inputs.name).to.match(/^aws-waf-logs-/);
            expect(logs.inputs).to.include({ kmsKeyId: KEY_ARN, retentionInDays: 365 });
            const logging = graph.one(T.webAclLogging, "api-waf-logging").inputs;
            expect(logging.logDestinationConfigs).to.deep.equal([logs.outputs.arn]);
            expect(logging.redactedFields.map((f: any) => f.singleHeader.name)).to.deep.equal(["authorization", "x-api-key"]);
        });

        it("is absent when args.waf is not set", async () => {
            const { graph: noWaf, api: plain } = await build(argsWith({ waf: undefined }));
            expect(noWaf.ofType(T.webAcl, T.webAclAssociation, T.webAclLogging)).to.deep.equal([]);
            expect(noWaf.ofType(T.logGroup).map((l) => l.name)).to.deep.equal(["api-access-logs"]);
            expect(plain.webAclArn).to.equal(undefined);
        });
    });

    describe("route table checks", () => {
        it("refuses public routes other than /health, duplicate routes and bad paths", () => {
            const health = BASE_ROUTES[0]!;
            expect(() => new ApiWithAuth("open", argsWith({ routes: [{ ...health, path: "/decision" }] }))).to.throw(/can't be public/);
            expect(() => new ApiWithAuth("dupe", argsWith({ routes: [health, health] }))).to.throw(/two routes/);
            expect(() => new ApiWithAuth("slash", argsWith({ routes: [{ ...BASE_ROUTES[1]!, path: "/risk/" }] }))).to.throw(/invalid path/);
        });
    });

    it("parents every resource to the component", () => {
        const component = graph.one("ai-investment:api:ApiWithAuth", "api");
        const own = graph.resources.filter((r) => r.custom && r.type !== "pulumi:providers:aws");
        expect(own.filter((r) => r.parent !== component.urn).map((r) => r.name)).to.deep.equal([]);
    });
});
