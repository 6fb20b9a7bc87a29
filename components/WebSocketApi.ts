/**
 * WebSocketApi — the API Gateway v2 WebSocket API that pushes live updates to the dashboard: a Lambda REQUEST
 * authorizer on `$connect`, the stream function behind `$connect`, `$disconnect` and `$default`, and an auto-deployed
 * stage with encrypted JSON access logs and throttling.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../lib/grants";
import type { ApiHandler } from "./ApiWithAuth";

export interface WebSocketApiArgs {
    /** The function behind every route (the stream function). */
    handler: ApiHandler;
    /** The ws-authorizer function: verifies the Cognito token passed as `?token=` and returns an IAM policy. */
    authorizer: ApiHandler;
    /** The stack's customer-managed key, for the access-log group. */
    kmsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    /** Steady-state messages per second and burst for every route. */
    throttle: { rateLimit: number; burstLimit: number };
    /** Per-route metrics (billed as custom metrics); the API-level metrics are published either way. Default true. */
    detailedMetrics?: boolean;
    /** Default `"v1"`. */
    stageName?: string;
    /**
     * The account-level CloudWatch role setting (`ApiWithAuth.account`). When given, execution logs at ERROR are on
     * (APIGateway.1) and the stage waits for it; without it API Gateway rejects any logging level, so they stay off.
     */
    accountSettings?: pulumi.Resource;
    /**
     * Role of the function that pushes updates to connections: gets `execute-api:ManageConnections` on this API's
     * stage only. Granted here, where the API exists, so the function needn't be created after the API.
     */
    callbackRoleName?: pulumi.Input<string>;
}

/** One line per connection event; no message bodies, no tokens. */
export const WEBSOCKET_ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    requestTime: "$context.requestTime",
    routeKey: "$context.routeKey",
    eventType: "$context.eventType",
    connectionId: "$context.connectionId",
    status: "$context.status",
    user: "$context.authorizer.principalId",
    authorizerError: "$context.authorizer.error",
    integrationError: "$context.integration.error",
    latency: "$context.integrationLatency",
});

export class WebSocketApi extends pulumi.ComponentResource {
    readonly api: aws.apigatewayv2.Api;
    readonly stage: aws.apigatewayv2.Stage;
    readonly accessLogGroup: aws.cloudwatch.LogGroup;
    /** `wss://<id>.execute-api.<region>.amazonaws.com/<stage>` */
    readonly url: pulumi.Output<string>;
    readonly apiId: pulumi.Output<string>;
    readonly executionArn: pulumi.Output<string>;
    readonly stageName: string;
    /** Where the handler posts to connections: `https://<id>.execute-api.<region>.amazonaws.com/<stage>`. */
    readonly connectionsManagementEndpoint: pulumi.Output<string>;

    constructor(name: string, args: WebSocketApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:api:WebSocketApi", name, {}, opts);
        const parent = { parent: this };
        const region = aws.getRegionOutput({}, parent).region;
        this.stageName = args.stageName ?? "v1";

        this.api = new aws.apigatewayv2.Api(
            name,
            {
                name: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
                description: `${pulumi.getProject()} ${pulumi.getStack()} live dashboard updates`,
                protocolType: "WEBSOCKET",
                routeSelectionExpression: "$request.body.action",
            },
            parent,
        );
        const apiId = this.api.id;
        this.apiId = apiId;
        this.executionArn = this.api.executionArn;

        // WebSocket APIs accept only Lambda (REQUEST) or IAM authorizers — no JWT authorizer — and browsers can't set
        // headers on a WebSocket, so the Cognito token travels in the query string.
        const authorizer = new aws.apigatewayv2.Authorizer(
            `${name}-authorizer`,
            {
                apiId,
                name: "cognito-token",
                authorizerType: "REQUEST",
                authorizerUri: args.authorizer.invokeArn,
                identitySources: ["route.request.querystring.token"],
            },
            parent,
        );
        const integration = new aws.apigatewayv2.Integration(
            `${name}-integration`,
            {
                apiId,
                integrationType: "AWS_PROXY",
                integrationMethod: "POST",
                integrationUri: args.handler.invokeArn,
                description: "Stream function",
            },
            parent,
        );
        const target = pulumi.interpolate`integrations/${integration.id}`;
        const connect = new aws.apigatewayv2.Route(
            `${name}-connect`,
            { apiId, routeKey: "$connect", authorizationType: "CUSTOM", authorizerId: authorizer.id, target, operationName: "Connect" },
            parent,
        );
        // NONE is the only type WebSocket allows on these routes: they are reachable only over a connection that already
        // passed the $connect authorizer. (Security Hub's APIGateway.8 flags them; this is the documented exception.)
        const disconnect = new aws.apigatewayv2.Route(
            `${name}-disconnect`,
            { apiId, routeKey: "$disconnect", authorizationType: "NONE", target, operationName: "Disconnect" },
            parent,
        );
        const fallback = new aws.apigatewayv2.Route(
            `${name}-default`,
            {
                apiId,
                routeKey: "$default",
                authorizationType: "NONE",
                target,
                operationName: "Default",
                routeResponseSelectionExpression: "$default",
            },
            parent,
        );
        // Without a route response the client never sees the handler's answer to an unsupported message.
        new aws.apigatewayv2.RouteResponse(
            `${name}-default-response`,
            { apiId, routeId: fallback.id, routeResponseKey: "$default" },
            parent,
        );

        // API Gateway invokes the functions only on behalf of this API: the handler from this stage's routes, the
        // authorizer as this authorizer.
        new aws.lambda.Permission(
            `${name}-handler-permission`,
            {
                action: "lambda:InvokeFunction",
                function: args.handler.arn,
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`${this.api.executionArn}/${this.stageName}/*`,
            },
            parent,
        );
        new aws.lambda.Permission(
            `${name}-authorizer-permission`,
            {
                action: "lambda:InvokeFunction",
                function: args.authorizer.arn,
                principal: "apigateway.amazonaws.com",
                sourceArn: pulumi.interpolate`${this.api.executionArn}/authorizers/${authorizer.id}`,
            },
            parent,
        );

        this.accessLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            {
                name: `/aws/apigateway/${pulumi.getProject()}-${pulumi.getStack()}-${name}/access`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );
        this.stage = new aws.apigatewayv2.Stage(
            `${name}-stage`,
            {
                apiId,
                name: this.stageName,
                autoDeploy: true,
                accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: WEBSOCKET_ACCESS_LOG_FORMAT },
                defaultRouteSettings: {
                    throttlingRateLimit: args.throttle.rateLimit,
                    throttlingBurstLimit: args.throttle.burstLimit,
                    // Message bodies carry trade data; never log them (CKV_AWS_276).
                    dataTraceEnabled: false,
                    detailedMetricsEnabled: args.detailedMetrics ?? true,
                    loggingLevel: args.accountSettings ? "ERROR" : "OFF",
                },
            },
            // The first auto-deployment should already contain the routes.
            { parent: this, dependsOn: [connect, disconnect, fallback, ...(args.accountSettings ? [args.accountSettings] : [])] },
        );
        this.url = this.stage.invokeUrl;
        this.connectionsManagementEndpoint = pulumi.interpolate`https://${apiId}.execute-api.${region}.amazonaws.com/${this.stageName}`;

        if (args.callbackRoleName) {
            const policy = new aws.iam.Policy(
                `${name}-callback-policy`,
                {
                    description: `Post to, read and close connections of the ${name} WebSocket API`,
                    policy: policyDocument([
                        { kind: "websocket-connections", label: name, executionArn: this.executionArn, stage: this.stageName },
                    ]),
                },
                parent,
            );
            new aws.iam.RolePolicyAttachment(
                `${name}-callback-policy-attachment`,
                { role: args.callbackRoleName, policyArn: policy.arn },
                parent,
            );
        }

        this.registerOutputs({
            url: this.url,
            apiId: this.apiId,
            executionArn: this.executionArn,
            stageName: this.stageName,
            connectionsManagementEndpoint: this.connectionsManagementEndpoint,
        });
    }
}
