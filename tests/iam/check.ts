/**
 * The least-privilege verdict for one role: its matrix rows must be Allowed, every other probe of the universe must be
 * denied, and every statement must be exercised by a row. Returns findings instead of asserting, so the test can
 * also prove that a deliberately widened policy produces findings.
 */
import { TOLERATED } from "./matrix";
import type { ProbeCategory, RoleUnderTest, StackModel, UniverseProbe } from "./model";
import { globMatch, list, type NamedPolicy, type Probe, probeKey, type Simulator, statementsOf } from "./simulate";

export interface RoleFindings {
    role: string;
    /** Rows of the matrix the policies do not allow. */
    missing: string[];
    /** Probes allowed without a row, by category. */
    unexpected: Record<ProbeCategory, string[]>;
    /** Statements, actions, resources or kms:ViaService values no row exercises; unreadable statements. */
    unexercised: string[];
    /** Allowed probes tolerated by tests/iam/matrix.ts TOLERATED. */
    tolerated: string[];
    simulations: number;
    rows: number;
}

const describe = (p: Probe) => `${p.action} on ${p.what}`;

export function checkRole(model: StackModel, role: RoleUnderTest, sim: Simulator, policies: NamedPolicy[] = role.policies): RoleFindings {
    const started = sim.counts.fast;
    const name = `${model.stack} ${role.label}`;
    const findings: RoleFindings = {
        role: name,
        missing: [],
        unexpected: { data: [], prefix: [], destructive: [], kms: [], account: [] },
        unexercised: [],
        tolerated: [],
        simulations: 0,
        rows: role.expected.length,
    };
    const expected = new Set(role.expected.map(probeKey));

    // Which statement element each allowed row exercises.
    const exercised = new Map<string, { actions: Set<string>; resources: Set<string>; via: Set<string> }>();
    const statementId = (policy: string, sid: string | undefined, i: number) => `${policy}#${sid ?? `statement ${i} (no Sid)`}`;
    for (const probe of role.expected) {
        if (sim.decide(probe, role.principal, policies) !== "Allowed") {
            findings.missing.push(`${name}: needs ${describe(probe)} — not allowed by its policies`);
            continue;
        }
        for (const { policy, statement } of sim.allowingStatements(probe, role.principal, policies)) {
            const index = statementsOf(policies.find((p) => p.name === policy)!.document).indexOf(statement);
            const id = statementId(policy, statement.Sid, index);
            const entry = exercised.get(id) ?? { actions: new Set(), resources: new Set(), via: new Set() };
            for (const a of list(statement.Action)) if (globMatch(a, probe.action, true)) entry.actions.add(a);
            for (const r of list(statement.Resource)) if (globMatch(r, probe.resource)) entry.resources.add(r);
            const via = probe.context?.["kms:ViaService"];
            if (via) entry.via.add(via);
            exercised.set(id, entry);
        }
    }

    for (const probe of model.universe) {
        if (expected.has(probeKey(probe))) continue;
        if (!sim.mayAllow(probe, policies)) continue;
        if (sim.decide(probe, role.principal, policies) !== "Allowed") continue;
        if (isTolerated(role, probe)) {
            findings.tolerated.push(`${name}: ${describe(probe)}`);
            continue;
        }
        const sids = sim.allowingStatements(probe, role.principal, policies).map((s) => s.statement.Sid ?? "(no Sid)");
        findings.unexpected[probe.category].push(
            `${name}: ${describe(probe)} is allowed by ${sids.join(", ") || "?"} but no matrix row needs it`,
        );
    }

    for (const policy of policies) {
        statementsOf(policy.document).forEach((statement, i) => {
            const id = statementId(policy.name, statement.Sid, i);
            const where = `${name}: ${policy.name} statement ${statement.Sid ?? `#${i}`}`;
            if (!statement.Sid) findings.unexercised.push(`${where} has no Sid`);
            if (statement.NotAction || statement.NotResource) findings.unexercised.push(`${where} uses NotAction/NotResource`);
            if (statement.Effect !== "Allow") return;
            const hit = exercised.get(id);
            if (!hit) {
                findings.unexercised.push(
                    `${where} is exercised by no matrix row — add the access it grants to tests/iam/matrix.ts or remove the grant`,
                );
                return;
            }
            for (const a of list(statement.Action))
                if (!hit.actions.has(a)) findings.unexercised.push(`${where}: action ${a} is exercised by no matrix row`);
            for (const r of list(statement.Resource))
                if (!hit.resources.has(r)) findings.unexercised.push(`${where}: resource ${r} is exercised by no matrix row`);
            for (const v of list(statement.Condition?.StringEquals?.["kms:ViaService"]))
                if (!hit.via.has(v)) findings.unexercised.push(`${where}: kms:ViaService ${v} is exercised by no matrix row`);
        });
    }
    findings.simulations = sim.counts.fast - started;
    return findings;
}

/** tests/iam/matrix.ts TOLERATED: scheduler roles decrypting the payload of another schedule of the account. */
function isTolerated(role: RoleUnderTest, probe: UniverseProbe): boolean {
    return TOLERATED.some(
        (t) =>
            t.role === "*scheduler" &&
            t.on === "other-schedules-of-the-account" &&
            role.kind === "scheduler" &&
            t.allow.includes(probe.action) &&
            probe.scheduleArn !== undefined &&
            !role.ownSchedules.includes(probe.scheduleArn) &&
            probe.scheduleArn.split(":")[4] === role.roleArn.split(":")[4] &&
            /:schedule\//.test(probe.scheduleArn),
    );
}

export const allUnexpected = (f: RoleFindings): string[] => Object.values(f.unexpected).flat();
