import { expect } from "chai";
import * as aws from "@pulumi/aws";
import { ACCOUNT, describePolicyCases, docOf, evaluate, violationsOf } from "./support";

const LOG_GROUP_ARN = `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/apigateway/api/access`;
const JSON_FORMAT = JSON.stringify({ requestId: "$context.requestId", status: "$context.status" });

function tlsDeny(arn: string) {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** A REST API with one GET / method, a deployment and a stage. */
function restStage(name: string, stageArgs: Partial<aws.apigateway.StageArgs> = {}) {
    const api = new aws.apigateway.RestApi(name, {});
    const method = new aws.apigateway.Method(`${name}-get`, {
        restApi: api.id,
        resourceId: api.rootResourceId,
        httpMethod: "GET",
        authorization: "AWS_IAM",
    });
    const deployment = new aws.apigateway.Deployment(`${name}-deployment`, { restApi: api.id }, { dependsOn: [method] });
    const stage = new aws.apigateway.Stage(`${name}-stage`, {
        restApi: api.id,
        deployment: deployment.id,
        stageName: "v1",
        xrayTracingEnabled: true,
        accessLogSettings: { destinationArn: LOG_GROUP_ARN, format: JSON_FORMAT },
        ...stageArgs,
    });
    return { api, stage };
}

function methodSettings(
    name: string,
    api: aws.apigateway.RestApi,
    stage: aws.apigateway.Stage,
    settings: aws.types.input.apigateway.MethodSettingsSettings,
) {
    return new aws.apigateway.MethodSettings(name, { restApi: api.id, stageName: stage.stageName, methodPath: "*/*", settings });
}

const GOOD_SETTINGS = {
    loggingLevel: "ERROR",
    dataTraceEnabled: false,
    metricsEnabled: true,
    throttlingBurstLimit: 100,
    throttlingRateLimit: 50,
};

function webAcl(name: string, rules: aws.types.input.wafv2.WebAclRule[] = [rateRule()]) {
    return new aws.wafv2.WebAcl(name, {
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules,
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: name, sampledRequestsEnabled: true },
    });
}
function rateRule(metrics = true): aws.types.input.wafv2.WebAclRule {
    return {
        name: "rate",
        priority: 0,
        action: { block: {} },
        statement: { rateBasedStatement: { limit: 1000, aggregateKeyType: "IP" } },
        visibilityConfig: { cloudwatchMetricsEnabled: metrics, metricName: "rate", sampledRequestsEnabled: true },
    };
}

function webSocket(name: string) {
    return new aws.apigatewayv2.Api(name, { protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
}

describe("policy pack: transport and API", function () {
    this.timeout(120_000);

    describePolicyCases([
        {
            policy: "s3-bucket-deny-insecure-transport",
            pass: () => {
                const bucket = new aws.s3.Bucket("tls-only", {});
                new aws.s3.BucketPolicy("tls-only-policy", { bucket: bucket.id, policy: docOf(bucket.arn, (arn) => [tlsDeny(arn)]) });
            },
            fail: () => {
                new aws.s3.Bucket("no-policy", {});
                const objectsOnly = new aws.s3.Bucket("objects-only", {});
                new aws.s3.BucketPolicy("objects-only-policy", {
                    bucket: objectsOnly.id,
                    policy: docOf(objectsOnly.arn, (arn) => [{ ...tlsDeny(arn), Resource: `${arn}/*` }]),
                });
                const allowOnly = new aws.s3.Bucket("allow-only", {});
                new aws.s3.BucketPolicy("allow-only-policy", {
                    bucket: allowOnly.id,
                    policy: docOf(allowOnly.arn, (arn) => [
                        {
                            Effect: "Allow",
                            Principal: { Service: "logging.s3.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: `${arn}/*`,
                        },
                    ]),
                });
            },
            failing: ["no-policy", "objects-only", "allow-only"],
            message: /must cover both the bucket ARN and its objects/,
        },
        {
            policy: "sqs-queue-deny-insecure-transport",
            pass: () => {
                const queue = new aws.sqs.Queue("tls-queue", {});
                new aws.sqs.QueuePolicy("tls-queue-policy", {
                    queueUrl: queue.url,
                    policy: docOf(queue.arn, (arn) => [
                        {
                            Effect: "Deny",
                            Principal: "*",
                            Action: "sqs:*",
                            Resource: arn,
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ]),
                });
            },
            fail: () => void new aws.sqs.Queue("plain-queue", {}),
            failing: ["plain-queue"],
        },
        {
            policy: "apigateway-method-authorization",
            pass: () => {
                const api = new aws.apigateway.RestApi("api", {});
                const health = new aws.apigateway.Resource("health", { restApi: api.id, parentId: api.rootResourceId, pathPart: "health" });
                const signals = new aws.apigateway.Resource("signals", {
                    restApi: api.id,
                    parentId: api.rootResourceId,
                    pathPart: "signals",
                });
                new aws.apigateway.Method("get-health", {
                    restApi: api.id,
                    resourceId: health.id,
                    httpMethod: "GET",
                    authorization: "NONE",
                });
                new aws.apigateway.Method("options-signals", {
                    restApi: api.id,
                    resourceId: signals.id,
                    httpMethod: "OPTIONS",
                    authorization: "NONE",
                });
                new aws.apigateway.Method("get-signals", {
                    restApi: api.id,
                    resourceId: signals.id,
                    httpMethod: "GET",
                    authorization: "COGNITO_USER_POOLS",
                    authorizerId: "auth",
                });
            },
            fail: () => {
                const api = new aws.apigateway.RestApi("api", {});
                const signals = new aws.apigateway.Resource("signals", {
                    restApi: api.id,
                    parentId: api.rootResourceId,
                    pathPart: "signals",
                });
                const one = new aws.apigateway.Resource("signal", { restApi: api.id, parentId: signals.id, pathPart: "{id}" });
                // An API key is a quota, not authentication.
                new aws.apigateway.Method("post-signals", {
                    restApi: api.id,
                    resourceId: signals.id,
                    httpMethod: "POST",
                    authorization: "NONE",
                    apiKeyRequired: true,
                });
                new aws.apigateway.Method("get-signal", { restApi: api.id, resourceId: one.id, httpMethod: "GET", authorization: "NONE" });
                new aws.apigateway.Method("get-root", {
                    restApi: api.id,
                    resourceId: api.rootResourceId,
                    httpMethod: "GET",
                    authorization: "NONE",
                });
            },
            failing: ["post-signals", "get-signal", "get-root"],
            message: /GET \/signals\/\{id\} has authorization NONE/,
        },
        {
            policy: "apigateway-stage-xray-tracing",
            pass: () => void restStage("traced"),
            fail: () => void restStage("untraced", { xrayTracingEnabled: false }),
            failing: ["untraced-stage"],
        },
        {
            policy: "apigateway-stage-access-logging",
            pass: () => {
                restStage("logged");
                new aws.apigatewayv2.Stage("ws-stage", {
                    apiId: webSocket("ws").id,
                    name: "v1",
                    accessLogSettings: { destinationArn: LOG_GROUP_ARN, format: JSON_FORMAT },
                });
            },
            fail: () => {
                restStage("clf", { accessLogSettings: { destinationArn: LOG_GROUP_ARN, format: "$context.requestId $context.status" } });
                restStage("no-access-logs", { accessLogSettings: undefined });
                new aws.apigatewayv2.Stage("ws-stage", { apiId: webSocket("ws").id, name: "v1" });
            },
            failing: ["clf-stage", "no-access-logs-stage", "ws-stage"],
            message: /not a JSON object/,
        },
        {
            policy: "apigateway-stage-execution-logging",
            pass: () => {
                const { api, stage } = restStage("api");
                methodSettings("api-settings", api, stage, GOOD_SETTINGS);
                new aws.apigatewayv2.Stage("ws-stage", {
                    apiId: webSocket("ws").id,
                    name: "v1",
                    defaultRouteSettings: {
                        loggingLevel: "ERROR",
                        dataTraceEnabled: false,
                        throttlingBurstLimit: 10,
                        throttlingRateLimit: 5,
                    },
                });
            },
            fail: () => {
                restStage("unlogged");
                const traced = restStage("body-logging");
                methodSettings("body-logging-settings", traced.api, traced.stage, {
                    ...GOOD_SETTINGS,
                    loggingLevel: "INFO",
                    dataTraceEnabled: true,
                });
                const unthrottled = restStage("unthrottled");
                methodSettings("unthrottled-settings", unthrottled.api, unthrottled.stage, { loggingLevel: "ERROR" });
                new aws.apigatewayv2.Stage("ws-off", {
                    apiId: webSocket("ws").id,
                    name: "v1",
                    defaultRouteSettings: { loggingLevel: "OFF", throttlingBurstLimit: 10, throttlingRateLimit: 5 },
                });
            },
            failing: ["unlogged-stage", "body-logging-stage", "unthrottled-stage", "ws-off"],
            message: /logs full request\/response bodies/,
        },
        {
            policy: "apigateway-cache-encrypted",
            pass: () => {
                const { api, stage } = restStage("cached");
                methodSettings("cached-settings", api, stage, { ...GOOD_SETTINGS, cachingEnabled: true, cacheDataEncrypted: true });
            },
            fail: () => {
                const { api, stage } = restStage("cached");
                methodSettings("plain-cache", api, stage, { ...GOOD_SETTINGS, cachingEnabled: true });
            },
            failing: ["plain-cache"],
        },
        {
            policy: "apigateway-client-certificate",
            pass: () => {
                const { api } = restStage("lambda-backed");
                new aws.apigateway.Integration("lambda-integration", {
                    restApi: api.id,
                    resourceId: api.rootResourceId,
                    httpMethod: "GET",
                    type: "AWS_PROXY",
                    integrationHttpMethod: "POST",
                    uri: "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:1:function:f/invocations",
                });
            },
            fail: () => {
                const { api } = restStage("http-backed");
                new aws.apigateway.Integration("http-integration", {
                    restApi: api.id,
                    resourceId: api.rootResourceId,
                    httpMethod: "GET",
                    type: "HTTP_PROXY",
                    integrationHttpMethod: "GET",
                    uri: "https://backend.example.com/",
                });
            },
            failing: ["http-backed-stage"],
        },
        {
            policy: "apigatewayv2-route-authorization",
            pass: () => {
                const api = webSocket("ws");
                new aws.apigatewayv2.Route("connect", {
                    apiId: api.id,
                    routeKey: "$connect",
                    authorizationType: "CUSTOM",
                    authorizerId: "a",
                });
                // API Gateway allows authorizers only on $connect: the other routes ride on the authorized connection.
                new aws.apigatewayv2.Route("default", { apiId: api.id, routeKey: "$default", authorizationType: "NONE" });
            },
            fail: () => {
                const api = webSocket("ws");
                new aws.apigatewayv2.Route("open-connect", { apiId: api.id, routeKey: "$connect", authorizationType: "NONE" });
                const http = new aws.apigatewayv2.Api("http", { protocolType: "HTTP" });
                new aws.apigatewayv2.Route("open-route", { apiId: http.id, routeKey: "GET /signals" });
                new aws.apigatewayv2.Route("health-route", { apiId: http.id, routeKey: "GET /health" });
            },
            failing: ["open-connect", "open-route"],
        },
        {
            policy: "apigateway-stage-waf-associated",
            pass: () => {
                // No web ACL in the stack: nothing to associate (the -required policy covers that case).
                restStage("no-waf-stack");
            },
            fail: () => {
                const acl = webAcl("acl");
                const protectedStage = restStage("protected").stage;
                new aws.wafv2.WebAclAssociation("protected-association", { resourceArn: protectedStage.arn, webAclArn: acl.arn });
                restStage("forgotten");
            },
            failing: ["forgotten-stage"],
        },
        {
            policy: "apigateway-stage-waf-required",
            pass: () => {
                const acl = webAcl("acl");
                const { stage } = restStage("protected");
                new aws.wafv2.WebAclAssociation("protected-association", { resourceArn: stage.arn, webAclArn: acl.arn });
            },
            fail: () => void restStage("unprotected"),
            failing: ["unprotected-stage"],
        },
        {
            policy: "wafv2-web-acl-has-rules",
            pass: () => void webAcl("ruled"),
            fail: () => void webAcl("empty", []),
            failing: ["empty"],
        },
        {
            policy: "wafv2-cloudwatch-metrics",
            pass: () => void webAcl("measured"),
            fail: () => void webAcl("blind", [rateRule(false)]),
            failing: ["blind"],
            message: /rule rate has CloudWatch metrics disabled/,
        },
        {
            policy: "wafv2-web-acl-logging",
            pass: () => {
                const acl = webAcl("logged");
                new aws.wafv2.WebAclLoggingConfiguration("logged-logging", {
                    resourceArn: acl.arn,
                    logDestinationConfigs: [`arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:aws-waf-logs-api`],
                });
            },
            fail: () => void webAcl("silent"),
            failing: ["silent"],
        },
        {
            policy: "no-waf-classic",
            pass: () => void webAcl("v2"),
            fail: () => void new aws.waf.IpSet("classic", {}),
            failing: ["classic"],
        },
        {
            policy: "apigateway-domain-tls12",
            pass: () => {
                new aws.apigateway.DomainName("api-domain", {
                    domainName: "api.example.com",
                    regionalCertificateArn: "arn:aws:acm:eu-central-1:1:certificate/c",
                    endpointConfiguration: { types: "REGIONAL" },
                    securityPolicy: "TLS_1_2",
                });
                new aws.apigateway.RestApi("strict-api", {
                    securityPolicy: "SecurityPolicy_TLS13_1_3_2025_09",
                    endpointAccessMode: "STRICT",
                } as aws.apigateway.RestApiArgs);
            },
            fail: () => {
                new aws.apigateway.DomainName("legacy-domain", {
                    domainName: "legacy.example.com",
                    regionalCertificateArn: "arn:aws:acm:eu-central-1:1:certificate/c",
                    endpointConfiguration: { types: "REGIONAL" },
                    securityPolicy: "TLS_1_0",
                });
                new aws.apigateway.DomainName("default-domain", {
                    domainName: "default.example.com",
                    regionalCertificateArn: "arn:aws:acm:eu-central-1:1:certificate/c",
                    endpointConfiguration: { types: "REGIONAL" },
                });
            },
            failing: ["legacy-domain", "default-domain"],
        },
    ]);

    it("lets a stack without WAF (dev) lower apigateway-stage-waf-required to advisory through the pack config", async () => {
        const { evaluation } = await evaluate(() => void restStage("dev-api"), { config: { "apigateway-stage-waf-required": "advisory" } });
        const hits = violationsOf(evaluation, "apigateway-stage-waf-required");
        expect(hits.map((v) => `${v.enforcementLevel} ${v.resourceName}`)).to.deep.equal(["advisory dev-api-stage"]);
    });

    it("allows more public REST paths through config (publicPaths)", async () => {
        const declare = () => {
            const api = new aws.apigateway.RestApi("api", {});
            const status = new aws.apigateway.Resource("status", { restApi: api.id, parentId: api.rootResourceId, pathPart: "status" });
            new aws.apigateway.Method("get-status", { restApi: api.id, resourceId: status.id, httpMethod: "GET", authorization: "NONE" });
        };
        const strict = await evaluate(declare);
        expect(violationsOf(strict.evaluation, "apigateway-method-authorization").map((v) => v.resourceName)).to.deep.equal(["get-status"]);
        const relaxed = await evaluate(declare, { config: { "apigateway-method-authorization": { publicPaths: ["/health", "/status"] } } });
        expect(violationsOf(relaxed.evaluation, "apigateway-method-authorization")).to.deep.equal([]);
    });

    it("in preview reports a bucket without TLS policy and defers the unknown policy documents as advisory", async () => {
        const { evaluation } = await evaluate(
            () => {
                const bucket = new aws.s3.Bucket("tls-only", {});
                new aws.s3.BucketPolicy("tls-only-policy", { bucket: bucket.id, policy: docOf(bucket.arn, (arn) => [tlsDeny(arn)]) });
                new aws.s3.Bucket("no-policy", {});
            },
            { preview: true },
        );
        const hits = violationsOf(evaluation, "s3-bucket-deny-insecure-transport");
        expect(hits.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.resourceName)).to.deep.equal(["no-policy"]);
        expect(hits.filter((v) => v.enforcementLevel === "advisory").map((v) => v.message)).to.satisfy(
            (m: string[]) => m.length === 1 && /during preview/.test(m[0]!),
        );
    });
});
