import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { runInline } from "../../offline/engine";
import { ResourceGraph } from "../../offline/graph";
import type { ApiHandler } from "../../components/ApiWithAuth";
import { WebSocketApi, type WebSocketApiArgs } from "../../components/WebSocketApi";

const KEY_ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const T = {
    api: "aws:apigatewayv2/api:Api",
    authorizer: "aws:apigatewayv2/authorizer:Authorizer",
    integration: "aws:apigatewayv2/integration:Integration",
    route: "aws:apigatewayv2/route:Route",
    stage: "aws:apigatewayv2/stage:Stage",
    permission: "aws:lambda/permission:Permission",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
};

function fakeHandler(name: string): ApiHandler & { arn: string; invokeArn: string } {
    const arn = `arn:aws:lambda:eu-central-1:111122223333:function:${name}-abc1234`;
    return { arn, invokeArn: `arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/${arn}/invocations` };
}
const STREAM = fakeHandler("stream");
const AUTHORIZER = fakeHandler("ws-authorizer");

const ARGS: WebSocketApiArgs = {
    handler: STREAM,
    authorizer: AUTHORIZER,
    kmsKeyArn: KEY_ARN,
    logRetentionDays: 365,
    throttle: { rateLimit: 20, burstLimit: 40 },
};

async function build(extra: (provider: aws.Provider) => Partial<WebSocketApiArgs> = () => ({})) {
    const { result, resources } = await runInline(() => {
        // The composition passes an explicit regional provider; so do the tests.
        const provider = new aws.Provider("eu-central-1", { region: "eu-central-1" });
        return new WebSocketApi("live", { ...ARGS, ...extra(provider) }, { provider });
    });
    return { graph: new ResourceGraph(resources), api: result };
}

const resolve = <T>(output: pulumi.Output<T>) => new Promise<T>((done) => output.apply((value) => done(value)));

describe("WebSocketApi", () => {
    let graph: ResourceGraph;
    let api: WebSocketApi;
    before(async () => {
        ({ graph, api } = await build());
    });

    it("is a WebSocket API that routes on the message's action", () => {
        expect(graph.one(T.api, "live").inputs).to.include({ protocolType: "WEBSOCKET", routeSelectionExpression: "$request.body.action" });
    });

    it("authorizes $connect with the Lambda REQUEST authorizer reading the token query string", () => {
        const authorizer = graph.one(T.authorizer, "live-authorizer");
        expect(authorizer.inputs).to.deep.include({
            authorizerType: "REQUEST",
            authorizerUri: AUTHORIZER.invokeArn,
            identitySources: ["route.request.querystring.token"],
        });
        const connect = graph.one(T.route, "live-connect").inputs;
        expect(connect).to.include({ routeKey: "$connect", authorizationType: "CUSTOM", authorizerId: authorizer.id });
    });

    it("sends $connect, $disconnect and $default to the stream function, only $connect with an authorizer", () => {
        const integration = graph.one(T.integration, "live-integration");
        expect(integration.inputs).to.include({
            integrationType: "AWS_PROXY",
            integrationMethod: "POST",
            integrationUri: STREAM.invokeArn,
        });
        const routes = graph.ofType(T.route).map((r) => r.inputs);
        expect(routes.map((r) => r.routeKey).sort()).to.deep.equal(["$connect", "$default", "$disconnect"]);
        for (const route of routes) expect(route.target, route.routeKey).to.equal(`integrations/${integration.id}`);
        expect(
            routes
                .filter((r) => r.authorizationType === "NONE")
                .map((r) => r.routeKey)
                .sort(),
        ).to.deep.equal(["$default", "$disconnect"]);
    });

    it("scopes both invoke permissions to this API", () => {
        const executionArn = graph.one(T.api, "live").outputs.executionArn;
        const byFunction = Object.fromEntries(graph.ofType(T.permission).map((p) => [p.inputs.function, p.inputs]));
        expect(Object.keys(byFunction).sort()).to.deep.equal([STREAM.arn, AUTHORIZER.arn].sort());
        expect(byFunction[STREAM.arn]).to.include({
            principal: "apigateway.amazonaws.com",
            action: "lambda:InvokeFunction",
            sourceArn: `${executionArn}/v1/*`,
        });
        const authorizerId = graph.one(T.authorizer, "live-authorizer").id;
        expect(byFunction[AUTHORIZER.arn]).to.include({
            principal: "apigateway.amazonaws.com",
            sourceArn: `${executionArn}/authorizers/${authorizerId}`,
        });
    });

    it("auto-deploys a stage with JSON access logs in a KMS-encrypted log group, throttling and no data traces", () => {
        const stage = graph.one(T.stage, "live-stage");
        const logs = graph.one(T.logGroup, "live-access-logs");
        expect(stage.inputs).to.include({ name: "v1", autoDeploy: true });
        expect(stage.inputs.accessLogSettings.destinationArn).to.equal(logs.outputs.arn);
        expect(logs.inputs).to.include({ kmsKeyId: KEY_ARN, retentionInDays: 365 });
        const format = JSON.parse(stage.inputs.accessLogSettings.format);
        expect(format).to.include({
            requestId: "$context.requestId",
            routeKey: "$context.routeKey",
            connectionId: "$context.connectionId",
            status: "$context.status",
        });
        expect(stage.inputs.defaultRouteSettings).to.deep.equal({
            throttlingRateLimit: 20,
            throttlingBurstLimit: 40,
            dataTraceEnabled: false,
            detailedMetricsEnabled: true,
            loggingLevel: "OFF",
        });
        // The first auto-deployment already contains every route.
        expect(stage.dependencies).to.include.members(graph.ofType(T.route).map((r) => r.urn));
    });

    it("turns on execution logs once the account's CloudWatch role setting is passed in", async () => {
        const { graph: logged } = await build((provider) => ({
            accountSettings: new aws.apigateway.Account(
                "account",
                { cloudwatchRoleArn: "arn:aws:iam::111122223333:role/apigw-logs" },
                { provider },
            ),
        }));
        const stage = logged.one(T.stage, "live-stage");
        expect(stage.inputs.defaultRouteSettings.loggingLevel).to.equal("ERROR");
        expect(stage.dependencies).to.include(logged.one("aws:apigateway/account:Account", "account").urn);
    });

    it("reports the wss URL and the connections management endpoint", async () => {
        const id = graph.one(T.api, "live").id!;
        expect(await resolve(api.url)).to.equal(`wss://${id}.execute-api.eu-central-1.amazonaws.com/v1`);
        expect(await resolve(api.connectionsManagementEndpoint)).to.equal(`https://${id}.execute-api.eu-central-1.amazonaws.com/v1`);
        expect(await resolve(api.apiId)).to.equal(id);
        expect(await resolve(api.executionArn)).to.equal(`arn:aws:execute-api:eu-central-1:111122223333:${id}`);
        expect(api.stageName).to.equal("v1");
    });

    it("answers client messages on $default through a route response", () => {
        const fallback = graph.one(T.route, "live-default");
        expect(fallback.inputs.routeResponseSelectionExpression).to.equal("$default");
        const response = graph.one("aws:apigatewayv2/routeResponse:RouteResponse", "live-default-response");
        expect(response.inputs).to.deep.equal({ apiId: graph.one(T.api, "live").id, routeId: fallback.id, routeResponseKey: "$default" });
    });

    it("lets only the callback role manage this API's connections, and only when a role is given", async () => {
        expect(graph.ofType("aws:iam/policy:Policy")).to.deep.equal([]);
        const { graph: withRole } = await build(() => ({ callbackRoleName: "stream-role-1a2b3c4" }));
        const attachment = withRole.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "live-callback-policy-attachment");
        const policy = withRole.one("aws:iam/policy:Policy", "live-callback-policy");
        expect(attachment.inputs).to.deep.equal({ role: "stream-role-1a2b3c4", policyArn: policy.outputs.arn });
        const executionArn = withRole.one(T.api, "live").outputs.executionArn;
        expect(JSON.parse(policy.inputs.policy).Statement).to.deep.equal([
            {
                Sid: "WebSocketLiveManageConnections",
                Effect: "Allow",
                Action: ["execute-api:ManageConnections"],
                Resource: ["POST", "GET", "DELETE"].map((method) => `${executionArn}/v1/${method}/@connections/*`),
            },
        ]);
    });

    it("parents every resource to the component", () => {
        const component = graph.one("ai-investment:api:WebSocketApi", "live");
        const own = graph.resources.filter((r) => r.custom && r.type !== "pulumi:providers:aws");
        expect(own.filter((r) => r.parent !== component.urn).map((r) => r.name)).to.deep.equal([]);
        expect(own).to.have.length(11);
    });
});
