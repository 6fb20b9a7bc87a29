/**
 * Administration of the reference data (admin group only, enforced by ROUTE_ACCESS): tracked entities and the
 * versioned agent configuration. Agent weights are never edited in place: a change is a new version, published in one
 * transaction that retires the previous one (adapters/dynamo-agent-config-repository.ts), with the admin and the reason
 * recorded in the version's `reason`.
 */
import { type AgentConfig, agentConfigSchema, type TrackedEntity, trackedEntitySchema } from "../domain/signals";
import type { RequestBody } from "../shared/api-schemas";
import { AppError } from "../shared/errors";
import type { RouteTable } from "../shared/http";
import type { createErasure } from "./erasure";

export interface EntityAdmin {
    listAll(): Promise<TrackedEntity[]>;
    put(entity: TrackedEntity): Promise<void>;
    delete(entityType: TrackedEntity["entityType"], entityId: string): Promise<void>;
}

export interface AgentAdmin {
    latestActive(): Promise<AgentConfig[]>;
    history(agentId: string): Promise<AgentConfig[]>;
    publishVersion(next: AgentConfig): Promise<void>;
}

export interface AdminDeps {
    entities: EntityAdmin;
    agents: AgentAdmin;
    now?: () => Date;
}

export function createAdmin(deps: AdminDeps) {
    const now = deps.now ?? (() => new Date());
    return {
        async listEntities() {
            const entities = await deps.entities.listAll();
            entities.sort((a, b) => `${a.entityType}/${a.entityId}`.localeCompare(`${b.entityType}/${b.entityId}`));
            return { entities, count: entities.length };
        },

        /** Creates or replaces one entity; absent `aliases`/`active` take the defaults ([] and true). */
        async upsertEntity(body: RequestBody<"POST /admin/entities">) {
            const entity = trackedEntitySchema.parse(body);
            await deps.entities.put(entity);
            return entity;
        },

        async deleteEntity(body: RequestBody<"POST /admin/entities/delete">) {
            await deps.entities.delete(body.entityType, body.entityId);
            return { entityType: body.entityType, entityId: body.entityId, deleted: true };
        },

        /** The active version of every agent and each one's history (oldest first); or one agent's history. */
        async listAgents(agentId: string | undefined) {
            if (agentId !== undefined) {
                if (!agentConfigSchema.shape.agentId.safeParse(agentId).success) {
                    throw new AppError("VALIDATION_FAILED", "agentId must look like <channel>.<source>, e.g. social.reddit.", {
                        issues: [{ path: "agentId", code: "invalid_format", message: "must look like <channel>.<source>" }],
                    });
                }
                const history = await deps.agents.history(agentId);
                if (history.length === 0) throw new AppError("NOT_FOUND", `No agent ${agentId}.`);
                return { agents: [{ agentId, active: history.find((version) => version.status === "active") ?? null, history }] };
            }
            const active = await deps.agents.latestActive();
            const histories = await Promise.all(active.map((agent) => deps.agents.history(agent.agentId)));
            return { agents: active.map((agent, index) => ({ agentId: agent.agentId, active: agent, history: histories[index]! })) };
        },

        /**
         * Publishes version latest + 1 with the new weight. `baseVersion` (optional) is the version the admin saw: if
         * another version was published since, nothing is written (409). A concurrent publication also answers 409.
         */
        async publishAgent(body: RequestBody<"POST /admin/agents">, caller: { sub: string | undefined }) {
            const history = await deps.agents.history(body.agentId);
            const latest = history.reduce<AgentConfig | undefined>(
                (max, version) => (max === undefined || version.version > max.version ? version : max),
                undefined,
            );
            const current = latest?.version ?? 0;
            if (body.baseVersion !== undefined && body.baseVersion !== current) {
                throw new AppError(
                    "AGENT_VERSION_CONFLICT",
                    `${body.agentId} is at version ${current}, not ${body.baseVersion}; reload and retry.`,
                    {
                        agentId: body.agentId,
                        currentVersion: current,
                    },
                );
            }
            const next: AgentConfig = {
                agentId: body.agentId,
                version: current + 1,
                status: "active",
                weight: body.weight,
                updatedAt: now().toISOString(),
                reason: `admin ${caller.sub ?? "unknown"}: ${body.reason}`.slice(0, 500),
            };
            try {
                await deps.agents.publishVersion(next);
            } catch (error) {
                if (error instanceof Error && error.name === "AgentConfigConflictError") {
                    throw new AppError(
                        "AGENT_VERSION_CONFLICT",
                        `${body.agentId} version ${next.version} could not be published: ${(error as Error & { reason?: string }).reason}.`,
                        {
                            agentId: body.agentId,
                            version: next.version,
                        },
                    );
                }
                throw error;
            }
            return { agent: next, previous: latest ?? null };
        },
    };
}

export const ADMIN_ROUTES = [
    "GET /admin/entities",
    "POST /admin/entities",
    "POST /admin/entities/delete",
    "GET /admin/agents",
    "POST /admin/agents",
    "POST /admin/erasure",
] as const;

/** The admin function's REST routes (ROUTE_ACCESS restricts them to the admin group). */
export function adminRoutes(admin: ReturnType<typeof createAdmin>, erasure: ReturnType<typeof createErasure>): RouteTable {
    return {
        "GET /admin/entities": async () => ({ data: await admin.listEntities() }),
        "POST /admin/entities": async ({ body }) => ({ data: await admin.upsertEntity(body) }),
        "POST /admin/entities/delete": async ({ body }) => ({ data: await admin.deleteEntity(body) }),
        "GET /admin/agents": async ({ event }) => ({ data: await admin.listAgents(event.queryStringParameters?.["agentId"] ?? undefined) }),
        "POST /admin/agents": async ({ body, caller }) => ({ data: await admin.publishAgent(body, caller), statusCode: 201 }),
        "POST /admin/erasure": async ({ body, caller, logger }) => ({ data: await erasure.erase(body, { requester: caller.sub, logger }) }),
    };
}
