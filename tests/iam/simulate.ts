/**
 * A thin layer over @cloud-copilot/iam-simulate (AGPL-3.0 — test-only, never imported by product code).
 *
 * - `validate` runs the library's validated path (`runSimulation`) once per probe: the action must exist, the ARN
 *   must be a resource type of the action and every context key must apply to it. It runs against an allow-all
 *   identity policy (the probe must then be Allowed) and against no identity policy (it must then be denied): so every
 *   verdict of the role simulations is decided by the role's identity policies alone.
 * - `decide` uses the unvalidated fast path (`runUnsafeSimulation`, ~0.15 ms) for the thousands of role × probe runs.
 * - `allowingSids` tells which statements allow a request, by simulating each statement on its own.
 *
 * The validated path drops `kms:EncryptionContext:<key>` context keys whose key contains a colon
 * (`aws:scheduler:schedule-arn`): iam-simulate 0.1.173 only matches variable keys of the `prefix/<name>` form. The
 * unvalidated path evaluates them as given, so probes carrying them are evaluated there and this one key family is the
 * only one `validate` lets through as ignored.
 */
import { type EvaluationResult, runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
    Version: string;
    Statement: PolicyStatement[] | PolicyStatement;
}
export interface NamedPolicy {
    name: string;
    document: PolicyDocument;
}

/** One request: an action on a resource, with its request context and the resource's own policy if AWS needs one. */
export interface Probe {
    action: string;
    resource: string;
    context?: Record<string, string>;
    /** Key policy (KMS), trust policy (sts:AssumeRole). */
    resourcePolicy?: unknown;
    /** Human-readable resource, e.g. `table signals`, `raw-data/news/…`. */
    what: string;
}

export const probeKey = (p: Pick<Probe, "action" | "resource" | "context">): string =>
    `${p.action} ${p.resource} ${JSON.stringify(p.context ?? {})}`;

export const statementsOf = (doc: PolicyDocument): PolicyStatement[] => (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]);
export const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** IAM wildcard match (`*`, `?`); actions compare case-insensitively, resources case-sensitively. */
export function globMatch(pattern: string, value: string, caseInsensitive = false): boolean {
    const regex = new RegExp(
        `^${pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".")}$`,
        caseInsensitive ? "i" : "",
    );
    return regex.test(value);
}

const ALLOW_ALL: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
const TOLERATED_IGNORED_CONTEXT = /^kms:EncryptionContext:.*:/i;
/** Validation depends only on the request (the stacks share most ARNs): validate each distinct one once per process. */
const validated = new Map<string, string[]>();

export class Simulator {
    /** Simulations run, by path. */
    readonly counts = { validated: 0, fast: 0, noStatementForAction: 0 };

    constructor(readonly account: string) {}

    private simulation(probe: Probe, principal: string, policies: NamedPolicy[], prevalidated = false): Simulation {
        return {
            request: {
                principal,
                action: probe.action,
                resource: { resource: probe.resource, accountId: this.account },
                contextVariables: probe.context ?? {},
            },
            identityPolicies: policies.map((p) => ({ name: p.name, policy: p.document })),
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            ...(probe.resourcePolicy
                ? {
                      // The unvalidated path loads a raw resource policy without metadata and then fails reading its
                      // name (iam-simulate 0.1.173); handing it iam-policy's plain `ValidatedPolicy` shape carries the
                      // name through. `validate` checks the raw document on the validated path.
                      resourcePolicy: prevalidated
                          ? { __validated: true, policyDocument: probe.resourcePolicy, metadata: { name: "resource-policy" }, errors: [] }
                          : probe.resourcePolicy,
                  }
                : {}),
        };
    }

    /** Problems with the probe as a request; empty when it is valid and decided by identity policies alone. */
    async validate(probe: Probe, principal: string): Promise<string[]> {
        const cacheKey = `${this.account} ${principal} ${probeKey(probe)} ${JSON.stringify(probe.resourcePolicy ?? null)}`;
        const cached = validated.get(cacheKey);
        if (cached) return cached;
        const problems = await this.validateUncached(probe, principal);
        validated.set(cacheKey, problems);
        return problems;
    }

    private async validateUncached(probe: Probe, principal: string): Promise<string[]> {
        const problems: string[] = [];
        const label = `${probe.action} on ${probe.resource}${probe.context ? ` ${JSON.stringify(probe.context)}` : ""}`;
        this.counts.validated++;
        const response = await runSimulation(this.simulation(probe, principal, [{ name: "allow-all", document: ALLOW_ALL }]), {});
        if (response.resultType === "error") return [`${label}: invalid request: ${response.errors.message}`];
        if (response.resultType !== "single") return [`${label}: expands to a wildcard simulation`];
        const ignored = (response.result.ignoredContextKeys ?? []).filter((k) => !TOLERATED_IGNORED_CONTEXT.test(k));
        if (ignored.length) problems.push(`${label}: context keys ${ignored.join(", ")} do not apply to the action`);
        if (this.decide(probe, principal, [{ name: "allow-all", document: ALLOW_ALL }]) !== "Allowed")
            problems.push(`${label}: denied even with an allow-all identity policy`);
        if (this.decide(probe, principal, []) === "Allowed") problems.push(`${label}: allowed without any identity policy`);
        return problems;
    }

    /** The verdict for a principal with these identity policies (fast, unvalidated). */
    decide(probe: Probe, principal: string, policies: NamedPolicy[]): EvaluationResult {
        this.counts.fast++;
        return runUnsafeSimulation(this.simulation(probe, principal, policies, true), {});
    }

    /**
     * False when no Allow statement of the policies names the action (no NotAction either): IAM then denies implicitly,
     * and `validate` has shown that no resource policy allows the probe on its own — so the simulation can be skipped.
     * Counted, so the report shows how many verdicts were simulated and how many followed from this.
     */
    mayAllow(probe: Probe, policies: NamedPolicy[]): boolean {
        for (const policy of policies) {
            for (const statement of statementsOf(policy.document)) {
                if (statement.NotAction !== undefined) return true;
                if (statement.Effect === "Allow" && list(statement.Action).some((a) => globMatch(a, probe.action, true))) return true;
            }
        }
        this.counts.noStatementForAction++;
        return false;
    }

    /** Sids of the Allow statements that allow the request on their own (statements of other services are skipped). */
    allowingStatements(probe: Probe, principal: string, policies: NamedPolicy[]): { policy: string; statement: PolicyStatement }[] {
        const found: { policy: string; statement: PolicyStatement }[] = [];
        for (const policy of policies) {
            for (const statement of statementsOf(policy.document)) {
                if (statement.Effect !== "Allow") continue;
                const actions = list(statement.Action);
                if (actions.length && !actions.some((a) => globMatch(a, probe.action, true))) continue;
                const single: NamedPolicy = { name: policy.name, document: { Version: "2012-10-17", Statement: [statement] } };
                if (this.decide(probe, principal, [single]) === "Allowed") found.push({ policy: policy.name, statement });
            }
        }
        return found;
    }
}
