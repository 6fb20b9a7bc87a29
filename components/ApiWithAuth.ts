/**
 * ApiWithAuth — the regional REST API built from a route table: a resource tree, one Lambda proxy method per route
 * behind the Cognito user-pool authorizer and an API key, request models generated from the routes' zod schemas,
 * invoke permissions scoped to method and path, CORS for the configured origins only, error envelopes for API Gateway's
 * own answers, a stage with X-Ray, encrypted access logs, execution logs and throttling, a usage plan with a daily
 * quota, and optionally a WAF web ACL with rate limiting and AWS managed rules.
 */
import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { serviceTrustPolicy } from "./IngestFunction";

/**
 * A Lambda function an API invokes; IngestFunction satisfies it. (No `name` field: IngestFunction keeps its name
 * private, and the invoke ARN identifies the function anyway.)
 */
export interface ApiHandler {
    arn: pulumi.Input<string>;
    invokeArn: pulumi.Input<string>;
}

export interface ApiRoute {
    method: "GET" | "POST";
    /** `/risk/check`; segments are letters, digits, `.`, `_`, `-` or a `{parameter}`. */
    path: string;
    handler: ApiHandler;
    /**
     * `"public"` (only `/health`: no authorizer, no API key) or the Cognito groups allowed to call the route. The gateway
     * checks the token; the function checks the groups (the composition passes it the same table).
     */
    access: "public" | { groups: string[] };
    /**
     * Request body contract; becomes a JSON-schema (draft 4) model that API Gateway validates before invoking. Any zod
     * schema, classic or zod/mini (lambdas/shared/api-schemas.ts is zod/mini).
     */
    requestSchema?: z.core.$ZodType;
}

export interface ApiWithAuthArgs {
    routes: ApiRoute[];
    /** User pool whose ID tokens the authorizer accepts. */
    userPoolArn: pulumi.Input<string>;
    /** The stack's customer-managed key, for the access-log and WAF-log groups. */
    kmsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    /**
     * Browser origins allowed to call the API, e.g. `["https://app.example.com"]`. Empty (typical for machine clients):
     * no OPTIONS methods at all. Never `*`.
     */
    corsOrigins: string[];
    /** Stage-wide steady-state requests per second and burst, also the usage plan's throttle. */
    throttle: { rateLimit: number; burstLimit: number };
    /**
     * Per-method metrics (billed as custom metrics). The stage-level metrics (ApiName + Stage) that the alarms and the
     * health dashboard read are published either way. Default true.
     */
    detailedMetrics?: boolean;
    /** Requests per day the API key may make. */
    quotaPerDay: number;
    /** Attach a WAF web ACL with a per-IP rate limit (requests per 5 minutes) and AWS managed rules. Default: none. */
    waf?: { rateLimitPer5Min: number };
    /** Default `"v1"`. */
    stageName?: string;
}

const ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-Api-Key"];
const PUBLIC_PATHS = ["/health"];

/** API Gateway's own error answers, rendered as the error envelope the functions use. */
const GATEWAY_ERRORS: Record<string, string> = {
    DEFAULT_4XX: "CLIENT_ERROR",
    DEFAULT_5XX: "INTERNAL",
    UNAUTHORIZED: "UNAUTHENTICATED",
    ACCESS_DENIED: "FORBIDDEN",
    THROTTLED: "THROTTLED",
    BAD_REQUEST_BODY: "VALIDATION_FAILED",
};

/** One line per request; `user` is the token's subject, never the token. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    caller: "$context.identity.caller",
    user: "$context.authorizer.claims.sub",
    requestTime: "$context.requestTime",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    status: "$context.status",
    protocol: "$context.protocol",
    responseLength: "$context.responseLength",
    integrationError: "$context.integration.error",
    latency: "$context.responseLatency",
});

interface PlannedRoute {
    route: ApiRoute;
    /** `POST /risk/check` */
    key: string;
    /** `post-risk-check`, for child names */
    slug: string;
    /** Draft-4 JSON schema of the request body, when the route has one. */
    schema?: string;
    /** `PostRiskCheckRequest` — model names must be alphanumeric. */
    modelName: string;
}

export class ApiWithAuth extends pulumi.ComponentResource {
    readonly restApi: aws.apigateway.RestApi;
    readonly stage: aws.apigateway.Stage;
    /** The account-level CloudWatch role setting; stages elsewhere that enable execution logging depend on it. */
    readonly account: aws.apigateway.Account;
    readonly accessLogGroup: aws.cloudwatch.LogGroup;
    readonly webAcl?: aws.wafv2.WebAcl;
    /** `https://<id>.execute-api.<region>.amazonaws.com/<stage>` */
    readonly url: pulumi.Output<string>;
    readonly restApiId: pulumi.Output<string>;
    /** `<project>-<stack>-<name>`: the ApiName dimension of the API Gateway metrics. */
    readonly restApiName: pulumi.Output<string>;
    readonly executionArn: pulumi.Output<string>;
    readonly stageName: string;
    readonly stageArn: pulumi.Output<string>;
    readonly apiKeyId: pulumi.Output<string>;
    readonly webAclArn?: pulumi.Output<string>;
    /** The WebACL dimension of the WAF metrics. */
    readonly webAclName?: pulumi.Output<string>;
    readonly accessLogGroupName: pulumi.Output<string>;
    /** Who may call what, keyed `"POST /decision"`: `"public"` or the allowed groups. */
    readonly routeAccess: Record<string, "public" | string[]>;
    /** sha256 over the API definition; the deployment is replaced exactly when it changes. */
    readonly definitionHash: pulumi.Output<string>;

    constructor(name: string, args: ApiWithAuthArgs, opts?: pulumi.ComponentResourceOptions) {
        super("ai-investment:api:ApiWithAuth", name, {}, opts);
        const routes = planRoutes(name, args.routes);
        args.corsOrigins.forEach((origin) => assertOrigin(name, origin));
        const parent = { parent: this };
        this.stageName = args.stageName ?? "v1";
        this.routeAccess = Object.fromEntries(
            routes.map((p) => [p.key, p.route.access === "public" ? "public" : [...p.route.access.groups]]),
        );

        this.restApi = new aws.apigateway.RestApi(
            name,
            {
                // A fixed name, so alarms and dashboards can address the ApiName metric dimension.
                name: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
                description: `${pulumi.getProject()} ${pulumi.getStack()} REST API`,
                endpointConfiguration: { types: "REGIONAL" },
                // The stage URL is the only entry point (no custom domain yet).
                disableExecuteApiEndpoint: false,
                apiKeySource: "HEADER",
            },
            parent,
        );
        const restApi = this.restApi.id;
        this.restApiId = restApi;
        this.restApiName = this.restApi.name;
        this.executionArn = this.restApi.executionArn;

        const authorizer = new aws.apigateway.Authorizer(
            `${name}-cognito-authorizer`,
            {
                restApi,
                name: "cognito",
                type: "COGNITO_USER_POOLS",
                providerArns: [args.userPoolArn],
                // Without authorization scopes API Gateway expects the ID token, which carries cognito:groups.
                identitySource: "method.request.header.Authorization",
            },
            parent,
        );
        const validator = new aws.apigateway.RequestValidator(
            `${name}-validator`,
            { restApi, name: "body-and-parameters", validateRequestBody: true, validateRequestParameters: true },
            parent,
        );

        const resources = this.resourceTree(name, routes);
        const resourceIdOf = (path: string) => (path === "/" ? this.restApi.rootResourceId : resources.get(path)!.id);
        // Everything the deployment snapshots; it must exist before the deployment is taken.
        const definition: pulumi.Resource[] = [authorizer, validator];

        for (const planned of routes) {
            const { route, slug } = planned;
            const isPublic = route.access === "public";
            const model = planned.schema
                ? new aws.apigateway.Model(
                      `${name}-${slug}-model`,
                      {
                          restApi,
                          name: planned.modelName,
                          contentType: "application/json",
                          description: `Request body of ${planned.key}`,
                          schema: planned.schema,
                      },
                      parent,
                  )
                : undefined;
            const method = new aws.apigateway.Method(
                `${name}-${slug}`,
                {
                    restApi,
                    resourceId: resourceIdOf(route.path),
                    httpMethod: route.method,
                    authorization: isPublic ? "NONE" : "COGNITO_USER_POOLS",
                    authorizerId: isPublic ? undefined : authorizer.id,
                    // The key binds callers to the usage plan's quota; it is not a credential (the token is).
                    apiKeyRequired: !isPublic,
                    requestValidatorId: validator.id,
                    requestModels: model ? { "application/json": model.name } : undefined,
                },
                parent,
            );
            const integration = new aws.apigateway.Integration(
                `${name}-${slug}-integration`,
                {
                    restApi,
                    resourceId: method.resourceId,
                    httpMethod: method.httpMethod,
                    type: "AWS_PROXY",
                    // Lambda is always invoked with POST, whatever the route's method.
                    integrationHttpMethod: "POST",
                    uri: route.handler.invokeArn,
                },
                parent,
            );
            new aws.lambda.Permission(
                `${name}-${slug}-permission`,
                {
                    action: "lambda:InvokeFunction",
                    function: route.handler.arn,
                    principal: "apigateway.amazonaws.com",
                    // This method on this path only (any stage), never `/*/*` (Lambda.1 / CKV_AWS_364).
                    sourceArn: pulumi.interpolate`${this.restApi.executionArn}/*/${route.method}${sourceArnPath(route.path)}`,
                },
                parent,
            );
            definition.push(method, integration, ...(model ? [model] : []));
        }

        if (args.corsOrigins.length > 0) definition.push(...this.cors(name, routes, args.corsOrigins, resourceIdOf));
        definition.push(...this.gatewayResponses(name, args.corsOrigins));

        this.definitionHash = pulumi
            .all([pulumi.all(routes.map((p) => p.route.handler.invokeArn)), args.userPoolArn])
            .apply(([invokeArns, userPoolArn]) => definitionHash(routes, args.corsOrigins, invokeArns, userPoolArn));
        const deployment = new aws.apigateway.Deployment(
            `${name}-deployment`,
            { restApi, description: `${routes.length} routes`, triggers: { redeployment: this.definitionHash } },
            { parent: this, dependsOn: definition },
        );

        this.account = this.cloudWatchAccount(name);
        this.accessLogGroup = new aws.cloudwatch.LogGroup(
            `${name}-access-logs`,
            {
                name: `/aws/apigateway/${pulumi.getProject()}-${pulumi.getStack()}-${name}/access`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );
        this.accessLogGroupName = this.accessLogGroup.name;
        this.stage = new aws.apigateway.Stage(
            `${name}-stage`,
            {
                restApi,
                deployment: deployment.id,
                stageName: this.stageName,
                xrayTracingEnabled: true,
                accessLogSettings: { destinationArn: this.accessLogGroup.arn, format: ACCESS_LOG_FORMAT },
            },
            // Logging settings are refused until the account has its CloudWatch role.
            { parent: this, dependsOn: [this.account] },
        );
        this.url = this.stage.invokeUrl;
        this.stageArn = this.stage.arn;
        new aws.apigateway.MethodSettings(
            `${name}-method-settings`,
            {
                restApi,
                stageName: this.stage.stageName,
                methodPath: "*/*",
                settings: {
                    metricsEnabled: args.detailedMetrics ?? true,
                    loggingLevel: "ERROR",
                    // Full request/response bodies would put tokens and trade data into the logs (CKV_AWS_276).
                    dataTraceEnabled: false,
                    throttlingRateLimit: args.throttle.rateLimit,
                    throttlingBurstLimit: args.throttle.burstLimit,
                },
            },
            { parent: this, dependsOn: [this.account] },
        );

        const usagePlan = new aws.apigateway.UsagePlan(
            `${name}-usage-plan`,
            {
                description: `Throttle and daily quota of ${name}`,
                apiStages: [{ apiId: restApi, stage: this.stage.stageName }],
                throttleSettings: { rateLimit: args.throttle.rateLimit, burstLimit: args.throttle.burstLimit },
                quotaSettings: { limit: args.quotaPerDay, period: "DAY" },
            },
            parent,
        );
        const apiKey = new aws.apigateway.ApiKey(
            `${name}-api-key`,
            { description: `Client key of ${name} (quota, not authentication)`, enabled: true },
            parent,
        );
        this.apiKeyId = apiKey.id;
        new aws.apigateway.UsagePlanKey(
            `${name}-usage-plan-key`,
            { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: usagePlan.id },
            parent,
        );

        if (args.waf) {
            this.webAcl = this.firewall(name, args.waf, args);
            this.webAclArn = this.webAcl.arn;
            this.webAclName = this.webAcl.name;
        }

        this.registerOutputs({
            url: this.url,
            restApiId: this.restApiId,
            restApiName: this.restApiName,
            executionArn: this.executionArn,
            stageName: this.stageName,
            stageArn: this.stageArn,
            apiKeyId: this.apiKeyId,
            webAclArn: this.webAclArn,
            accessLogGroupName: this.accessLogGroupName,
        });
    }

    /** One aws.apigateway.Resource per distinct path prefix: `/risk/check` needs `/risk`, then `/risk/check`. */
    private resourceTree(name: string, routes: PlannedRoute[]): Map<string, aws.apigateway.Resource> {
        const tree = new Map<string, aws.apigateway.Resource>();
        for (const { route } of routes) {
            let parentPath = "/";
            for (const segment of segmentsOf(route.path)) {
                const path = parentPath === "/" ? `/${segment}` : `${parentPath}/${segment}`;
                if (!tree.has(path)) {
                    const parentId = parentPath === "/" ? this.restApi.rootResourceId : tree.get(parentPath)!.id;
                    tree.set(
                        path,
                        new aws.apigateway.Resource(
                            `${name}-resource-${slugOf(path)}`,
                            { restApi: this.restApi.id, parentId, pathPart: segment },
                            { parent: this },
                        ),
                    );
                }
                parentPath = path;
            }
        }
        return tree;
    }

    /**
     * A MOCK OPTIONS method per path that has routes. The response template echoes the request's Origin only when it is
     * one of `origins`; any other origin gets no Access-Control-Allow-Origin and the browser blocks the call.
     */
    private cors(
        name: string,
        routes: PlannedRoute[],
        origins: string[],
        resourceIdOf: (path: string) => pulumi.Input<string>,
    ): pulumi.Resource[] {
        const parent = { parent: this };
        const restApi = this.restApi.id;
        const methodsByPath = new Map<string, string[]>();
        for (const { route } of routes) methodsByPath.set(route.path, [...(methodsByPath.get(route.path) ?? []), route.method]);

        const created: pulumi.Resource[] = [];
        for (const [path, methods] of methodsByPath) {
            const slug = `options-${slugOf(path)}`;
            // The one method besides /health without an authorizer: browsers send preflights without credentials.
            const method = new aws.apigateway.Method(
                `${name}-${slug}`,
                { restApi, resourceId: resourceIdOf(path), httpMethod: "OPTIONS", authorization: "NONE", apiKeyRequired: false },
                parent,
            );
            const integration = new aws.apigateway.Integration(
                `${name}-${slug}-integration`,
                {
                    restApi,
                    resourceId: method.resourceId,
                    httpMethod: method.httpMethod,
                    type: "MOCK",
                    passthroughBehavior: "WHEN_NO_MATCH",
                    requestTemplates: { "application/json": '{"statusCode": 200}' },
                },
                parent,
            );
            const header = (h: string) => `method.response.header.${h}`;
            const methodResponse = new aws.apigateway.MethodResponse(
                `${name}-${slug}-response`,
                {
                    restApi,
                    resourceId: method.resourceId,
                    httpMethod: method.httpMethod,
                    statusCode: "200",
                    responseParameters: Object.fromEntries(
                        [
                            "Access-Control-Allow-Origin",
                            "Access-Control-Allow-Methods",
                            "Access-Control-Allow-Headers",
                            "Access-Control-Max-Age",
                            "Vary",
                        ].map((h) => [header(h), true]),
                    ),
                },
                parent,
            );
            const integrationResponse = new aws.apigateway.IntegrationResponse(
                `${name}-${slug}-integration-response`,
                {
                    restApi,
                    resourceId: method.resourceId,
                    httpMethod: method.httpMethod,
                    statusCode: methodResponse.statusCode,
                    responseParameters: {
                        [header("Access-Control-Allow-Methods")]: `'${[...methods, "OPTIONS"].join(",")}'`,
                        [header("Access-Control-Allow-Headers")]: `'${ALLOWED_HEADERS.join(",")}'`,
                        [header("Access-Control-Max-Age")]: "'600'",
                        [header("Vary")]: "'Origin'",
                    },
                    responseTemplates: { "application/json": corsOriginTemplate(origins) },
                },
                { parent: this, dependsOn: [integration] },
            );
            created.push(method, integration, methodResponse, integrationResponse);
        }
        return created;
    }

    /** API Gateway's own errors (no token, bad body, throttled, …) in the same envelope as the functions' errors. */
    private gatewayResponses(name: string, corsOrigins: string[]): aws.apigateway.Response[] {
        // A gateway response can't echo a checked Origin, so CORS headers only when there is exactly one origin.
        const corsHeaders =
            corsOrigins.length === 1
                ? { "gatewayresponse.header.Access-Control-Allow-Origin": `'${corsOrigins[0]}'`, "gatewayresponse.header.Vary": "'Origin'" }
                : undefined;
        return Object.entries(GATEWAY_ERRORS).map(
            ([responseType, code]) =>
                new aws.apigateway.Response(
                    `${name}-${responseType.toLowerCase().replace(/_/g, "-")}`,
                    {
                        restApiId: this.restApi.id,
                        responseType,
                        responseTemplates: { "application/json": errorEnvelopeTemplate(code) },
                        responseParameters: corsHeaders,
                    },
                    { parent: this },
                ),
        );
    }

    /**
     * Execution logging needs a CloudWatch role in the API Gateway account settings. That is one setting per account and
     * region, so the role and the setting outlive the stack (retainOnDelete): destroying one stack must not break the
     * logging of another stack in the same account.
     */
    private cloudWatchAccount(name: string): aws.apigateway.Account {
        const parent = { parent: this, retainOnDelete: true };
        const role = new aws.iam.Role(
            `${name}-cloudwatch-role`,
            {
                description: "API Gateway writes execution logs to CloudWatch",
                assumeRolePolicy: serviceTrustPolicy("apigateway.amazonaws.com"),
            },
            parent,
        );
        const attachment = new aws.iam.RolePolicyAttachment(
            `${name}-cloudwatch-role-attachment`,
            // AWS's own policy for exactly this role: log groups API Gateway names itself, created on demand.
            { role: role.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" },
            parent,
        );
        return new aws.apigateway.Account(`${name}-account`, { cloudwatchRoleArn: role.arn }, { ...parent, dependsOn: [attachment] });
    }

    private firewall(name: string, waf: NonNullable<ApiWithAuthArgs["waf"]>, args: ApiWithAuthArgs): aws.wafv2.WebAcl {
        const parent = { parent: this };
        const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName });
        const managed = (
            priority: number,
            ruleName: string,
            metric: string,
            ruleActionOverrides?: { name: string; actionToUse: { count: {} } }[],
        ) => ({
            name: ruleName,
            priority,
            // Keep the group's own block actions.
            overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: ruleName, ruleActionOverrides } },
            visibilityConfig: visibility(`${name}-${metric}`),
        });
        const acl = new aws.wafv2.WebAcl(
            `${name}-waf`,
            {
                description: `Rate limit and AWS managed rules in front of ${name}`,
                scope: "REGIONAL",
                defaultAction: { allow: {} },
                rules: [
                    {
                        name: "rate-limit-per-ip",
                        priority: 0,
                        action: { block: {} },
                        statement: {
                            rateBasedStatement: { limit: waf.rateLimitPer5Min, evaluationWindowSec: 300, aggregateKeyType: "IP" },
                        },
                        visibilityConfig: visibility(`${name}-rate-limit-per-ip`),
                    },
                    // Manual ingestion batches are larger than the group's 8 KB body limit; the request models bound
                    // the body instead, so that one rule only counts.
                    managed(1, "AWSManagedRulesCommonRuleSet", "common", [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]),
                    managed(2, "AWSManagedRulesKnownBadInputsRuleSet", "known-bad-inputs"),
                ],
                visibilityConfig: visibility(`${name}-waf`),
            },
            parent,
        );
        new aws.wafv2.WebAclAssociation(`${name}-waf-association`, { resourceArn: this.stage.arn, webAclArn: acl.arn }, parent);

        // WAF only delivers to log groups whose name starts with aws-waf-logs-.
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-waf-logs`,
            {
                name: `aws-waf-logs-${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
                retentionInDays: args.logRetentionDays,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-waf-logging`,
            {
                resourceArn: acl.arn,
                logDestinationConfigs: [logs.arn],
                // Bearer tokens and API keys must not end up in logs.
                redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "x-api-key" } }],
            },
            parent,
        );
        return acl;
    }
}

const SEGMENT = /^(?:[A-Za-z0-9._-]+|\{[A-Za-z0-9_]+\+?\})$/;

function segmentsOf(path: string): string[] {
    return path.split("/").filter(Boolean);
}

/** `/risk/check` → `risk-check`; `/` → `root`. */
function slugOf(path: string): string {
    const slug = segmentsOf(path)
        .map((s) => s.replace(/[^A-Za-z0-9]+/g, "").toLowerCase())
        .join("-");
    return slug || "root";
}

/** In execute-api ARNs a `{parameter}` segment is matched by `*`. */
function sourceArnPath(path: string): string {
    return segmentsOf(path).length === 0
        ? "/"
        : "/" +
              segmentsOf(path)
                  .map((s) => (s.startsWith("{") ? "*" : s))
                  .join("/");
}

function planRoutes(name: string, routes: ApiRoute[]): PlannedRoute[] {
    if (routes.length === 0) throw new Error(`ApiWithAuth ${name}: a deployment needs at least one route`);
    const planned = routes.map((route): PlannedRoute => {
        const key = `${route.method} ${route.path}`;
        if (!(
            route.path === "/" ||
            (route.path.startsWith("/") && !route.path.endsWith("/") && segmentsOf(route.path).every((s) => SEGMENT.test(s)))
        )) {
            throw new Error(`ApiWithAuth ${name}: invalid path in ${key}`);
        }
        if (route.access === "public" && !PUBLIC_PATHS.includes(route.path)) {
            throw new Error(`ApiWithAuth ${name}: ${key} can't be public; only ${PUBLIC_PATHS.join(", ")} may skip the authorizer`);
        }
        if (route.access !== "public" && route.access.groups.length === 0) throw new Error(`ApiWithAuth ${name}: ${key} allows no group`);
        const slug = `${route.method.toLowerCase()}-${slugOf(route.path)}`;
        const modelName = slug
            .split("-")
            .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
            .join("")
            .concat("Request");
        // Validate what the client sends (input types), in the draft API Gateway understands.
        const schema = route.requestSchema
            ? JSON.stringify(z.toJSONSchema(route.requestSchema, { target: "draft-04", io: "input" }))
            : undefined;
        return { route, key, slug, schema, modelName };
    });
    for (const field of ["key", "slug"] as const) {
        const values = planned.map((p) => p[field]);
        const duplicate = values.find((v, i) => values.indexOf(v) !== i);
        if (duplicate) throw new Error(`ApiWithAuth ${name}: two routes map to ${field} "${duplicate}"`);
    }
    return planned;
}

/** Everything a deployment snapshots, in a canonical order: route order in the table doesn't matter. */
function definitionHash(routes: PlannedRoute[], corsOrigins: string[], invokeArns: string[], userPoolArn: string): string {
    const table = routes
        .map((p, i) => ({ key: p.key, access: p.route.access, invokeArn: invokeArns[i], schema: p.schema ?? null }))
        .sort((a, b) => a.key.localeCompare(b.key));
    const definition = {
        table,
        corsOrigins: [...corsOrigins].sort(),
        userPoolArn,
        gatewayErrors: GATEWAY_ERRORS,
        accessHeaders: ALLOWED_HEADERS,
    };
    return createHash("sha256").update(JSON.stringify(definition)).digest("hex");
}

/** VTL: copy the Origin header into Access-Control-Allow-Origin only when it is exactly one of `origins`. */
export function corsOriginTemplate(origins: string[]): string {
    const allowed = origins.map((o) => `$origin == "${o}"`).join(" || ");
    return [
        `#set($origin = $input.params("origin"))`,
        `#if($origin == "")#set($origin = $input.params("Origin"))#end`,
        `#if(${allowed})`,
        `#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)`,
        `#end`,
        "",
    ].join("\n");
}

function errorEnvelopeTemplate(code: string): string {
    return `{"success":false,"error":{"code":"${code}","message":$context.error.messageString},"timestamp":"$context.requestTime"}`;
}

/** Exact origins only: https (http just for localhost), no path, no wildcard. */
function assertOrigin(name: string, origin: string): void {
    if (!/^(https:\/\/[a-z0-9.-]+(:\d+)?|http:\/\/localhost(:\d+)?)$/.test(origin)) {
        throw new Error(
            `ApiWithAuth ${name}: CORS origin "${origin}" must be https://<host>[:port] (or http://localhost[:port]), never * or a path`,
        );
    }
}
