/** API: the REST API of the route table behind Cognito, and the WebSocket API of the live dashboard. */
import type * as aws from "@pulumi/aws";
import type { StackConfig } from "../config/stackConfig";
import { ApiWithAuth } from "../components/ApiWithAuth";
import { UserDirectory } from "../components/UserDirectory";
import { WebSocketApi } from "../components/WebSocketApi";
import { requestBodySchemas } from "../lambdas/shared/api-schemas";
import type { Compute } from "./compute";
import { routeKey, ROUTES } from "./routes";
import type { Security } from "./security";

export interface Api {
    rest: ApiWithAuth;
    websocket: WebSocketApi;
}

export function buildApi(config: StackConfig, security: Security, auth: UserDirectory, compute: Compute, provider: aws.Provider): Api {
    const opts = { provider };
    const schemas = requestBodySchemas as Record<string, (typeof requestBodySchemas)[keyof typeof requestBodySchemas] | undefined>;
    const rest = new ApiWithAuth(
        "api",
        {
            routes: ROUTES.map((route) => ({
                method: route.method,
                path: route.path,
                handler: compute.functions[route.fn],
                access: route.access === "public" ? "public" : { groups: route.access },
                requestSchema: schemas[routeKey(route)],
            })),
            userPoolArn: auth.userPoolArn,
            kmsKeyArn: security.key.arn,
            logRetentionDays: config.logRetentionDays,
            corsOrigins: config.corsOrigins,
            throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
            detailedMetrics: config.observability.apiDetailedMetrics,
            quotaPerDay: config.api.quotaPerDay,
            waf: config.features.waf ? { rateLimitPer5Min: config.api.wafRateLimitPer5Min } : undefined,
        },
        opts,
    );

    const stream = compute.functions.stream;
    const websocket = new WebSocketApi(
        "live",
        {
            handler: stream,
            authorizer: compute.functions["ws-authorizer"],
            kmsKeyArn: security.key.arn,
            logRetentionDays: config.logRetentionDays,
            throttle: { rateLimit: config.api.throttleRateLimit, burstLimit: config.api.throttleBurstLimit },
            detailedMetrics: config.observability.apiDetailedMetrics,
            // Execution logging needs the account's CloudWatch role, which the REST API sets up.
            accountSettings: rest.account,
            // The stream function pushes dashboard updates to this API's connections only.
            callbackRoleName: stream.role.name,
        },
        opts,
    );
    return { rest, websocket };
}
