import * as z from "../zod";
import { jsonText } from "./env";

/**
 * Group-based authorisation. API Gateway's Cognito authorizer proves who the caller is; which Cognito groups may use a
 * route is decided here from ROUTE_ACCESS, e.g. {"POST /decision":["approver","admin"],"GET /health":"public"}.
 */

export const USER_GROUPS = ["viewer", "analyst", "approver", "admin"] as const;
export type UserGroup = (typeof USER_GROUPS)[number];

export const PUBLIC_ACCESS = "public";

export const routeAccessRuleSchema = z.union([z.literal(PUBLIC_ACCESS), z.array(z.enum(USER_GROUPS)).check(z.minLength(1))], {
    error: `must be "public" or a non-empty list of the groups ${USER_GROUPS.join(", ")}`,
});
export type RouteAccessRule = z.infer<typeof routeAccessRuleSchema>;
export type RouteAccess = Record<string, RouteAccessRule>;

/** ROUTE_ACCESS must name every route the function serves: a route without a rule would be neither open nor closed. */
export function routeAccessSchema(servedRoutes: readonly string[]) {
    return jsonText(z.record(z.string(), routeAccessRuleSchema)).check(
        z.superRefine((access, context) => {
            const missing = servedRoutes.filter((route) => !(route in access));
            if (missing.length > 0) context.addIssue({ code: "custom", message: `has no rule for ${missing.join(", ")}` });
        }),
    );
}

/**
 * Normalises the group claim shapes that reach a function:
 * - REST API Cognito authorizer claims: "approver" or "approver,analyst"
 * - HTTP API JWT authorizer: "[approver analyst]"
 * - decoded JWT payloads and our WebSocket authorizer context: ["approver","analyst"] or "approver,analyst"
 */
export function parseGroupsClaim(claim: unknown): string[] {
    if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === "string" && group !== "");
    if (typeof claim !== "string") return [];
    const listText = claim.trim().replace(/^\[(.*)\]$/s, "$1");
    return listText
        .split(/[\s,]+/)
        .map((group) => group.replace(/^["']|["']$/g, ""))
        .filter((group) => group !== "");
}

export function isAllowed(rule: RouteAccessRule, callerGroups: readonly string[]): boolean {
    return rule === PUBLIC_ACCESS || rule.some((group) => callerGroups.includes(group));
}
