/**
 * The REST route table of seeds 001/002: which function serves which route and which Cognito groups may call it.
 * The API builds its methods from it and every function receives its slice as ROUTE_ACCESS, so the gateway and the
 * functions can never disagree about who may do what.
 */
import type { FunctionName } from "../config/stackConfig";

export const COGNITO_GROUPS = ["viewer", "analyst", "approver", "admin"] as const;
export type CognitoGroup = (typeof COGNITO_GROUPS)[number];

export interface RouteDefinition {
    method: "GET" | "POST";
    path: string;
    fn: FunctionName;
    access: "public" | CognitoGroup[];
}

const READERS: CognitoGroup[] = ["viewer", "analyst", "approver", "admin"];
const ANALYSTS: CognitoGroup[] = ["analyst", "admin"];
// Four-eyes: only approvers decide on proposals (seed 002 "approver: decision rights").
const APPROVERS: CognitoGroup[] = ["approver", "admin"];
// Tracked entities, agent configuration and GDPR erasure change what the system trades on and whose data it keeps.
const ADMINS: CognitoGroup[] = ["admin"];

export const ROUTES: RouteDefinition[] = [
    { method: "GET", path: "/health", fn: "health", access: "public" },
    { method: "GET", path: "/metrics", fn: "dashboard", access: ANALYSTS },
    { method: "POST", path: "/ingest/social", fn: "ingest-social", access: ANALYSTS },
    { method: "POST", path: "/ingest/news", fn: "ingest-news", access: ANALYSTS },
    { method: "POST", path: "/score", fn: "score", access: ANALYSTS },
    { method: "POST", path: "/propose", fn: "propose", access: ANALYSTS },
    { method: "POST", path: "/risk/check", fn: "risk-check", access: ANALYSTS },
    { method: "POST", path: "/decision", fn: "decision", access: APPROVERS },
    { method: "POST", path: "/evaluate", fn: "evaluate", access: ANALYSTS },
    { method: "GET", path: "/dashboard/summary", fn: "dashboard", access: READERS },
    { method: "GET", path: "/dashboard/stream", fn: "stream", access: READERS },
    { method: "GET", path: "/admin/entities", fn: "admin", access: ADMINS },
    { method: "POST", path: "/admin/entities", fn: "admin", access: ADMINS },
    { method: "POST", path: "/admin/entities/delete", fn: "admin", access: ADMINS },
    { method: "GET", path: "/admin/agents", fn: "admin", access: ADMINS },
    { method: "POST", path: "/admin/agents", fn: "admin", access: ADMINS },
    { method: "POST", path: "/admin/erasure", fn: "admin", access: ADMINS },
];

export const routeKey = (route: Pick<RouteDefinition, "method" | "path">) => `${route.method} ${route.path}`;

/** The ROUTE_ACCESS value for one function: `{"POST /decision": ["approver","admin"]}`. */
export function routeAccessFor(fn: FunctionName): string {
    return JSON.stringify(Object.fromEntries(ROUTES.filter((r) => r.fn === fn).map((r) => [routeKey(r), r.access])));
}
