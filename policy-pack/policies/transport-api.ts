/**
 * Transport and API edge: TLS-only bucket and queue policies (S3.5, AwsSolutions-SQS4), REST method authorization
 * (AwsSolutions-APIG4, CKV_AWS_59), stage tracing, access and execution logging, throttling and data-trace (APIGateway.1,
 * .3, .9, CKV_AWS_276, APIGWDefaultThrottling), cache encryption (APIGateway.5), client certificates for HTTP backends
 * (APIGateway.2), v2 route authorization (APIGateway.8), WAF association, rules, metrics and logging (APIGateway.4,
 * WAF.10, WAF.11, WAF.12, no WAF Classic) and TLS 1.2+ on custom domains (CKV_AWS_206).
 */
import type { PolicyResource } from "@pulumi/policy";
import {
    Deferred,
    T,
    UNKNOWN,
    actionsOf,
    asArray,
    childrenByParent,
    grantsAny,
    isDeny,
    isSet,
    isType,
    linked,
    ofType,
    peek,
    principalsOf,
    resourcePolicy,
    resourcesOf,
    stackPolicy,
    statementsOr,
    type Statement,
    wildcardMatch,
} from "./util";

/** Deny + Principal "*" + aws:SecureTransport false on `actions` (or `*`). */
function deniesInsecureTransport(s: Statement, actions: string[]): boolean {
    if (!isDeny(s) || !principalsOf(s).anyone || !grantsAny(actionsOf(s), actions)) return false;
    for (const [operator, block] of Object.entries(s.Condition ?? {})) {
        if (!/^Bool(IfExists)?$/i.test(operator)) continue;
        for (const [key, value] of Object.entries(block ?? {})) {
            if (key.toLowerCase() === "aws:securetransport" && asArray(value as unknown[]).some((v) => String(v) === "false")) return true;
        }
    }
    return false;
}

export const s3DenyInsecureTransport = stackPolicy({
    name: "s3-bucket-deny-insecure-transport",
    description:
        'Every S3 bucket has a bucket policy that Denies s3:* to "*" when aws:SecureTransport is false, on the bucket and its objects (S3.5, AwsSolutions-S10).',
    severity: "medium",
    tags: ["transport", "S3.5"],
    remediationSteps:
        'Add to the bucket\'s aws.s3.BucketPolicy: {Effect: Deny, Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: {Bool: {"aws:SecureTransport": "false"}}} (SecureBucket does this).',
    validateStack: (args, report) => {
        const deferred = new Deferred();
        const buckets = ofType(args.resources, T.bucket);
        const policies = childrenByParent(args.resources, T.bucketPolicy, "bucket", buckets, "bucket");
        for (const bucket of buckets) {
            const documents = policies.get(bucket)!.map((p) => deferred.read(p.props, "policy"));
            if ("policy" in bucket.props) documents.push(deferred.read(bucket.props, "policy"));
            if (documents.length === 0) {
                report(`bucket ${bucket.name} has no bucket policy, so nothing denies plain-HTTP requests.`, bucket.urn);
                continue;
            }
            if (documents.includes(UNKNOWN)) continue;
            const statements = documents.flatMap((d) => statementsOr(d, (m) => report(`bucket ${bucket.name} policy: ${m}`, bucket.urn)));
            const tls = statements.filter((s) => deniesInsecureTransport(s, ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]));
            const covered = tls.flatMap(resourcesOf);
            const coversBucket = covered.some((r) => r === "*" || (r.startsWith("arn:") && !r.includes("/")));
            const coversObjects = covered.some((r) => r === "*" || r.endsWith("/*"));
            if (!tls.length)
                report(`bucket ${bucket.name}'s policy has no Deny of aws:SecureTransport=false for all principals and s3:*.`, bucket.urn);
            else if (!coversBucket || !coversObjects)
                report(`bucket ${bucket.name}'s TLS deny must cover both the bucket ARN and its objects (arn and arn/*).`, bucket.urn);
        }
        deferred.rethrow();
    },
});

export const sqsDenyInsecureTransport = stackPolicy({
    name: "sqs-queue-deny-insecure-transport",
    description: 'Every SQS queue has a queue policy that Denies sqs:* to "*" when aws:SecureTransport is false (AwsSolutions-SQS4).',
    severity: "medium",
    tags: ["transport", "AwsSolutions-SQS4"],
    remediationSteps: "Add an aws.sqs.QueuePolicy with the DenyInsecureTransport statement for the queue ARN (QueuePair does this).",
    validateStack: (args, report) => {
        const deferred = new Deferred();
        const queues = ofType(args.resources, T.queue);
        const policies = childrenByParent(args.resources, T.queuePolicy, "queueUrl", queues, "name");
        for (const queue of queues) {
            const documents = policies.get(queue)!.map((p) => deferred.read(p.props, "policy"));
            if ("policy" in queue.props) documents.push(deferred.read(queue.props, "policy"));
            if (documents.length === 0) {
                report(`queue ${queue.name} has no queue policy, so nothing denies plain-HTTP requests.`, queue.urn);
                continue;
            }
            if (documents.includes(UNKNOWN)) continue;
            const statements = documents.flatMap((d) => statementsOr(d, (m) => report(`queue ${queue.name} policy: ${m}`, queue.urn)));
            if (!statements.some((s) => deniesInsecureTransport(s, ["sqs:SendMessage", "sqs:ReceiveMessage"])))
                report(`queue ${queue.name}'s policy has no Deny of aws:SecureTransport=false for all principals and sqs:*.`, queue.urn);
        }
        deferred.rethrow();
    },
});

/** `/a/b` for a REST resource, following parentId up to the API's root; undefined when the chain can't be followed. */
function restPath(resource: PolicyResource, all: PolicyResource[], depth = 0): string | undefined {
    if (isType(resource.type, T.restApi)) return "";
    if (!isType(resource.type, T.restResource) || depth > 32) return undefined;
    const part = peek(resource.props, "pathPart");
    if (typeof part !== "string") return undefined;
    const parents = linked(
        resource,
        "parentId",
        all.filter((r) => isType(r.type, [...T.restResource, ...T.restApi])),
    );
    if (parents.length !== 1) return undefined;
    const parentPath = restPath(parents[0]!, all, depth + 1);
    return parentPath === undefined ? undefined : `${parentPath}/${part}`;
}

export const apigatewayMethodAuthorization = stackPolicy({
    name: "apigateway-method-authorization",
    description:
        "Every REST API method has an authorizer (authorization other than NONE), except CORS preflight OPTIONS methods and the configured public paths (AwsSolutions-APIG4, CKV_AWS_59). An API key is not authentication.",
    severity: "high",
    tags: ["api", "AwsSolutions-APIG4"],
    configSchema: {
        properties: {
            publicPaths: {
                type: "array",
                items: { type: "string" },
                default: ["/health"],
                description: "Resource paths (glob with *) whose methods may use authorization NONE.",
            },
        },
    },
    remediationSteps:
        "Set authorization COGNITO_USER_POOLS (or CUSTOM / AWS_IAM) with an authorizerId on the method, or add the path to publicPaths with a reason.",
    validateStack: (args, report) => {
        const { publicPaths } = args.getConfig<{ publicPaths: string[] }>();
        const pathHolders = args.resources.filter((r) => isType(r.type, [...T.restResource, ...T.restApi]));
        for (const method of ofType(args.resources, T.restMethod)) {
            const authorization = peek(method.props, "authorization");
            if (authorization === UNKNOWN || (typeof authorization === "string" && authorization !== "NONE")) continue;
            const httpMethod = peek(method.props, "httpMethod");
            if (httpMethod === "OPTIONS") continue;
            const holders = linked(method, "resourceId", pathHolders);
            const path = holders.length === 1 ? restPath(holders[0]!, args.resources) : undefined;
            const shown = path === undefined ? undefined : path || "/";
            if (shown !== undefined && publicPaths.some((p) => wildcardMatch(p, shown))) continue;
            report(
                `${String(httpMethod)} ${shown ?? "(path not resolvable)"} has authorization NONE and is not a public path (${publicPaths.join(", ")}).`,
                method.urn,
            );
        }
    },
});

export const apigatewayStageXray = resourcePolicy({
    name: "apigateway-stage-xray-tracing",
    description: "REST API stages have X-Ray active tracing (APIGateway.3, APIGWXrayEnabled).",
    severity: "low",
    tags: ["api", "APIGateway.3"],
    remediationSteps: "Set xrayTracingEnabled: true on the aws.apigateway.Stage.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.restStage)) return;
        const xray = peek(args.props, "xrayTracingEnabled");
        if (xray !== true && xray !== UNKNOWN) report("stage has no X-Ray tracing (xrayTracingEnabled).");
    },
});

export const apigatewayStageAccessLogging = resourcePolicy({
    name: "apigateway-stage-access-logging",
    description:
        "REST and v2 (WebSocket/HTTP) stages write access logs to a destination in JSON format (APIGateway.9, AwsSolutions-APIG1, APIGWStructuredLogging).",
    severity: "medium",
    tags: ["api", "APIGateway.9"],
    remediationSteps: "Set accessLogSettings { destinationArn: <log group ARN>, format: JSON.stringify({...$context fields}) }.",
    validateResource: (args, report) => {
        if (!isType(args.type, [...T.restStage, ...T.v2Stage])) return;
        const settings = peek(args.props, "accessLogSettings");
        if (settings === UNKNOWN) return;
        if (!settings) return report("stage has no accessLogSettings.");
        if (!isSet(peek(settings, "destinationArn"))) report("accessLogSettings.destinationArn is not set.");
        const format = peek(settings, "format");
        if (format === UNKNOWN) return;
        if (typeof format !== "string" || !format) return report("accessLogSettings.format is not set.");
        let parsed: unknown;
        try {
            parsed = JSON.parse(format);
        } catch {
            parsed = undefined;
        }
        if (!parsed || typeof parsed !== "object")
            report("accessLogSettings.format is not a JSON object: use structured (JSON) access logs.");
    },
});

interface ExecutionLoggingConfig {
    loggingLevels: string[];
}

const hasThrottle = (settings: unknown, prefix = ""): boolean => {
    const burst = peek(settings, `${prefix}throttlingBurstLimit`);
    const rate = peek(settings, `${prefix}throttlingRateLimit`);
    const ok = (v: unknown) => v === UNKNOWN || (typeof v === "number" && v >= 0);
    return ok(burst) && ok(rate);
};

export const apigatewayExecutionLogging = stackPolicy({
    name: "apigateway-stage-execution-logging",
    description:
        "REST stages have MethodSettings for */* with loggingLevel ERROR or INFO, dataTraceEnabled false and throttling limits; WebSocket stages the same in defaultRouteSettings (APIGateway.1, CKV_AWS_276, APIGWDefaultThrottling).",
    severity: "medium",
    tags: ["api", "APIGateway.1"],
    configSchema: {
        properties: { loggingLevels: { type: "array", items: { type: "string" }, default: ["ERROR", "INFO"] } },
    },
    remediationSteps:
        'Declare aws.apigateway.MethodSettings { restApi, stageName, methodPath: "*/*", settings: { loggingLevel: "ERROR", dataTraceEnabled: false, throttlingBurstLimit, throttlingRateLimit } } (needs the account\'s CloudWatch role).',
    validateStack: (args, report) => {
        const { loggingLevels } = args.getConfig<ExecutionLoggingConfig>();
        const stages = ofType(args.resources, T.restStage);
        const settingsOf = childrenByParent(args.resources, T.restMethodSettings, "stageName", stages, "stageName");
        for (const stage of stages) {
            const all = settingsOf.get(stage)!;
            const star = all.filter((m) => peek(m.props, "methodPath") === "*/*");
            if (star.length === 0) {
                report(`REST stage ${stage.name} has no MethodSettings for "*/*" (execution logging, throttling).`, stage.urn);
                continue;
            }
            const settings = peek(star[0]!.props, "settings");
            if (settings === UNKNOWN) continue;
            const level = peek(settings, "loggingLevel");
            if (level !== UNKNOWN && !loggingLevels.includes(level as string))
                report(`REST stage ${stage.name} logs at ${String(level ?? "OFF")}; use ${loggingLevels.join(" or ")}.`, stage.urn);
            if (!hasThrottle(settings))
                report(`REST stage ${stage.name} has no default throttling (throttlingBurstLimit, throttlingRateLimit).`, stage.urn);
            for (const m of all) {
                if (peek(m.props, "settings.dataTraceEnabled") === true)
                    report(
                        `REST stage ${stage.name}: MethodSettings ${m.name} logs full request/response bodies (dataTraceEnabled).`,
                        stage.urn,
                    );
            }
        }
        const apis = ofType(args.resources, T.v2Api);
        for (const stage of ofType(args.resources, T.v2Stage)) {
            const api = linked(stage, "apiId", apis)[0];
            const protocol = api ? peek(api.props, "protocolType") : undefined;
            const route = peek(stage.props, "defaultRouteSettings");
            if (route === UNKNOWN) continue;
            if (protocol !== "HTTP") {
                const level = peek(route, "loggingLevel");
                if (level !== UNKNOWN && !loggingLevels.includes(level as string))
                    report(
                        `WebSocket stage ${stage.name} logs at ${String(level ?? "OFF")}; use ${loggingLevels.join(" or ")}.`,
                        stage.urn,
                    );
            }
            if (!route || !hasThrottle(route)) report(`v2 stage ${stage.name} has no default route throttling.`, stage.urn);
            if (peek(route, "dataTraceEnabled") === true)
                report(`v2 stage ${stage.name} logs full message bodies (dataTraceEnabled).`, stage.urn);
        }
    },
});

export const apigatewayCacheEncrypted = resourcePolicy({
    name: "apigateway-cache-encrypted",
    description: "When API Gateway caches responses, the cache is encrypted (APIGateway.5).",
    severity: "medium",
    tags: ["api", "APIGateway.5"],
    remediationSteps: "Set settings.cacheDataEncrypted: true wherever settings.cachingEnabled is true.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.restMethodSettings)) return;
        if (peek(args.props, "settings.cachingEnabled") === true && peek(args.props, "settings.cacheDataEncrypted") !== true)
            report("method settings enable caching without cacheDataEncrypted.");
    },
});

export const apigatewayClientCertificate = stackPolicy({
    name: "apigateway-client-certificate",
    description:
        "REST stages of APIs with HTTP/HTTP_PROXY integrations present a client certificate to the backend (APIGateway.2). APIs with only Lambda/AWS/MOCK integrations have no HTTP backend to authenticate to.",
    severity: "medium",
    tags: ["api", "APIGateway.2"],
    remediationSteps: "Create an aws.apigateway.ClientCertificate and set clientCertificateId on the stage; have the backend verify it.",
    validateStack: (args, report) => {
        const apis = ofType(args.resources, T.restApi);
        const httpApis = new Set<PolicyResource>();
        for (const integration of ofType(args.resources, T.restIntegration)) {
            const type = peek(integration.props, "type");
            if (type === "HTTP" || type === "HTTP_PROXY") linked(integration, "restApi", apis).forEach((a) => httpApis.add(a));
        }
        for (const stage of ofType(args.resources, T.restStage)) {
            const api = linked(stage, "restApi", apis)[0];
            if (api && httpApis.has(api) && !isSet(peek(stage.props, "clientCertificateId")))
                report(`REST stage ${stage.name} fronts HTTP backends without a client certificate.`, stage.urn);
        }
    },
});

export const apigatewayV2RouteAuthorization = stackPolicy({
    name: "apigatewayv2-route-authorization",
    description:
        "v2 routes specify authorization (APIGateway.8): on WebSocket APIs the $connect route (API Gateway allows authorizers only there; later messages travel on the authorized connection); on HTTP APIs every route except `publicRouteKeys`.",
    severity: "medium",
    tags: ["api", "APIGateway.8"],
    configSchema: {
        properties: { publicRouteKeys: { type: "array", items: { type: "string" }, default: ["GET /health"] } },
    },
    remediationSteps: "Set authorizationType CUSTOM (Lambda REQUEST authorizer), AWS_IAM or JWT with an authorizerId on the route.",
    validateStack: (args, report) => {
        const { publicRouteKeys } = args.getConfig<{ publicRouteKeys: string[] }>();
        const apis = ofType(args.resources, T.v2Api);
        for (const route of ofType(args.resources, T.v2Route)) {
            const key = peek(route.props, "routeKey");
            const type = peek(route.props, "authorizationType");
            if (type === UNKNOWN || (typeof type === "string" && type !== "NONE")) continue;
            const api = linked(route, "apiId", apis)[0];
            const protocol = api ? peek(api.props, "protocolType") : undefined;
            if (protocol === "WEBSOCKET" || (protocol === undefined && typeof key === "string" && key.startsWith("$"))) {
                if (key === "$connect") report("WebSocket $connect route has no authorizer: anyone can open a connection.", route.urn);
            } else if (!publicRouteKeys.includes(String(key))) {
                report(`HTTP API route ${String(key)} has authorizationType NONE.`, route.urn);
            }
        }
    },
});

function stageAssociations(args: { resources: PolicyResource[] }): { stages: PolicyResource[]; associated: Set<PolicyResource> } {
    const stages = ofType(args.resources, T.restStage);
    const associated = new Set<PolicyResource>();
    for (const association of ofType(args.resources, T.webAclAssociation))
        linked(association, "resourceArn", stages).forEach((s) => associated.add(s));
    return { stages, associated };
}

export const apigatewayStageWafWhenAclExists = stackPolicy({
    name: "apigateway-stage-waf-associated",
    description: "When the stack declares a WAFv2 web ACL, every REST stage is associated with one (APIGateway.4, AwsSolutions-APIG3).",
    severity: "medium",
    tags: ["api", "waf", "APIGateway.4"],
    remediationSteps: "Add an aws.wafv2.WebAclAssociation { resourceArn: stage.arn, webAclArn: acl.arn } for the stage.",
    validateStack: (args, report) => {
        if (ofType(args.resources, T.webAcl).length === 0) return;
        const { stages, associated } = stageAssociations(args);
        for (const stage of stages)
            if (!associated.has(stage)) report(`REST stage ${stage.name} is not associated with the stack's WAF web ACL.`, stage.urn);
    },
});

export const apigatewayStageWafRequired = stackPolicy({
    name: "apigateway-stage-waf-required",
    description:
        "Every REST stage is protected by a WAFv2 web ACL, even if the stack declares none (APIGateway.4). Environments that deliberately run without WAF (dev) set this policy to advisory in their policy-pack config.",
    severity: "medium",
    tags: ["api", "waf", "APIGateway.4"],
    remediationSteps: "Enable the WAF for the stack (config enableWaf: true) so ApiWithAuth creates and associates the web ACL.",
    validateStack: (args, report) => {
        const { stages, associated } = stageAssociations(args);
        for (const stage of stages)
            if (!associated.has(stage)) report(`REST stage ${stage.name} has no WAF web ACL association.`, stage.urn);
    },
});

export const wafv2WebAclHasRules = resourcePolicy({
    name: "wafv2-web-acl-has-rules",
    description: "WAFv2 web ACLs contain at least one rule or rule group (WAF.10).",
    severity: "medium",
    tags: ["waf", "WAF.10"],
    remediationSteps: "Add rules (rate limit, AWS managed rule groups) to the web ACL.",
    validateResource: (args, report) => {
        if (!isType(args.type, T.webAcl)) return;
        const rules = peek(args.props, "rules");
        const ruleJson = peek(args.props, "ruleJson");
        if (rules === UNKNOWN || ruleJson === UNKNOWN) return;
        let jsonRules = 0;
        if (typeof ruleJson === "string" && ruleJson) {
            try {
                jsonRules = asArray(JSON.parse(ruleJson) as unknown[]).length;
            } catch {
                report("ruleJson is not valid JSON.");
            }
        }
        if (asArray(rules as unknown[]).length + jsonRules === 0) report("web ACL has no rules: it only applies its default action.");
    },
});

export const wafv2CloudwatchMetrics = resourcePolicy({
    name: "wafv2-cloudwatch-metrics",
    description: "WAFv2 web ACLs and rule groups, and each of their rules, publish CloudWatch metrics (WAF.12).",
    severity: "medium",
    tags: ["waf", "WAF.12"],
    remediationSteps: "Set visibilityConfig.cloudwatchMetricsEnabled: true on the ACL/rule group and every rule.",
    validateResource: (args, report) => {
        if (!isType(args.type, [...T.webAcl, ...T.wafRuleGroup])) return;
        if (peek(args.props, "visibilityConfig.cloudwatchMetricsEnabled") === false)
            report("visibilityConfig.cloudwatchMetricsEnabled is false.");
        const rules = peek(args.props, "rules");
        if (!Array.isArray(rules)) return;
        rules.forEach((rule, i) => {
            if (peek(rule, "visibilityConfig.cloudwatchMetricsEnabled") === false)
                report(`rule ${String(peek(rule, "name") ?? i)} has CloudWatch metrics disabled.`);
        });
    },
});

export const wafv2WebAclLogging = stackPolicy({
    name: "wafv2-web-acl-logging",
    description: "Every WAFv2 web ACL has a logging configuration (WAF.11, CKV2_AWS_31).",
    severity: "low",
    tags: ["waf", "WAF.11"],
    remediationSteps: "Add an aws.wafv2.WebAclLoggingConfiguration to a log group named aws-waf-logs-*, redacting authorization headers.",
    validateStack: (args, report) => {
        const acls = ofType(args.resources, T.webAcl);
        const logging = childrenByParent(args.resources, T.webAclLogging, "resourceArn", acls);
        for (const acl of acls) if (!logging.get(acl)!.length) report(`web ACL ${acl.name} has no logging configuration.`, acl.urn);
    },
});

export const noWafClassic = resourcePolicy({
    name: "no-waf-classic",
    description: "WAF Classic (aws:waf/*, aws:wafregional/*) is not used; WAFv2 only (makes WAF.1–4, WAF.6–8 not applicable).",
    severity: "medium",
    tags: ["waf", "WAF.1", "WAF.2", "WAF.3", "WAF.4", "WAF.6", "WAF.7", "WAF.8"],
    remediationSteps: "Use aws.wafv2 resources.",
    validateResource: (args, report) => {
        if (args.type.startsWith("aws:waf/") || args.type.startsWith("aws:wafregional/")) report(`${args.type} is WAF Classic; use WAFv2.`);
    },
});

const TLS12_PLUS = /^(TLS_1_2|SecurityPolicy_TLS1[23]_.+)$/;

export const apigatewayDomainTls = resourcePolicy({
    name: "apigateway-domain-tls12",
    description: "API Gateway custom domains (and REST APIs that set a security policy) require TLS 1.2 or newer (CKV_AWS_206).",
    severity: "medium",
    tags: ["transport", "api", "CKV_AWS_206"],
    remediationSteps: 'Set securityPolicy "TLS_1_2" or a SecurityPolicy_TLS13_* policy (with endpointAccessMode STRICT).',
    validateResource: (args, report) => {
        let policy: unknown;
        if (isType(args.type, T.restDomainName)) {
            policy = peek(args.props, "securityPolicy");
            if (policy === undefined) return report("custom domain has no securityPolicy: API Gateway defaults to TLS_1_0.");
        } else if (isType(args.type, T.v2DomainName)) {
            policy = peek(args.props, "domainNameConfiguration.securityPolicy");
        } else if (isType(args.type, T.restApi)) {
            policy = peek(args.props, "securityPolicy");
            if (policy === undefined) return;
        } else return;
        if (policy !== UNKNOWN && !(typeof policy === "string" && TLS12_PLUS.test(policy)))
            report(`security policy ${String(policy)} allows TLS older than 1.2.`);
    },
});

export const transportApiPolicies = [
    s3DenyInsecureTransport,
    sqsDenyInsecureTransport,
    apigatewayMethodAuthorization,
    apigatewayStageXray,
    apigatewayStageAccessLogging,
    apigatewayExecutionLogging,
    apigatewayCacheEncrypted,
    apigatewayClientCertificate,
    apigatewayV2RouteAuthorization,
    apigatewayStageWafWhenAclExists,
    apigatewayStageWafRequired,
    wafv2WebAclHasRules,
    wafv2CloudwatchMetrics,
    wafv2WebAclLogging,
    noWafClassic,
    apigatewayDomainTls,
];
