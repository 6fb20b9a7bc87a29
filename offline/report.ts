/** Renders an offline preview — resource tree, counts per type, policy violations — as text, JSON or markdown. */
import type { ProgramRun, RecordedResource } from "./engine";
import { ResourceGraph } from "./graph";
import type { PolicyEvaluation, Violation } from "./policyRunner";

export type PreviewFormat = "text" | "json" | "markdown";

export interface PreviewReport {
    run: ProgramRun;
    evaluation: PolicyEvaluation;
    format: PreviewFormat;
    totalMs: number;
    programDir: string;
}

const isMandatory = (v: Violation) => v.enforcementLevel === "mandatory" || v.enforcementLevel === "remediate";

/** Violations grouped by pack and policy, mandatory groups first. */
export function groupViolations(
    violations: Violation[],
): { key: string; policyPack: string; policyName: string; level: string; description: string; items: Violation[] }[] {
    const groups = new Map<
        string,
        { key: string; policyPack: string; policyName: string; level: string; description: string; items: Violation[] }
    >();
    for (const v of violations) {
        const key = `${v.policyPack}/${v.policyName}/${v.enforcementLevel}`;
        const group = groups.get(key) ?? {
            key,
            policyPack: v.policyPack,
            policyName: v.policyName,
            level: v.enforcementLevel,
            description: v.description,
            items: [],
        };
        group.items.push(v);
        groups.set(key, group);
    }
    return [...groups.values()].sort(
        (a, b) => Number(isMandatory(b.items[0]!)) - Number(isMandatory(a.items[0]!)) || a.key.localeCompare(b.key),
    );
}

export function renderPreview(report: PreviewReport): string {
    switch (report.format) {
        case "json":
            return JSON.stringify(asJson(report), null, 2) + "\n";
        case "markdown":
            return asMarkdown(report);
        default:
            return asText(report);
    }
}

function summary(report: PreviewReport) {
    const { run, evaluation } = report;
    const mandatory = evaluation.violations.filter(isMandatory).length;
    return {
        resources: run.resources.length,
        cloudResources: run.resources.filter((r) => r.custom).length,
        mandatory,
        advisory: evaluation.violations.length - mandatory,
        policies: evaluation.packs.reduce((n, p) => n + p.policies.length, 0),
        packs: evaluation.packs.map((p) => `${p.name}@${p.version}`).join(", ") || "none",
    };
}

function asJson(report: PreviewReport) {
    const { run, evaluation } = report;
    const s = summary(report);
    return {
        project: run.project,
        stack: run.stack,
        firstDeploy: run.preview,
        resources: { total: s.resources, cloud: s.cloudResources, byType: new ResourceGraph(run.resources).countsByType() },
        packs: evaluation.packs.map((p) => ({
            name: p.name,
            version: p.version,
            policies: p.policies.map((x) => ({ name: x.name, enforcementLevel: x.configuredLevel })),
        })),
        violations: evaluation.violations,
        mandatoryCount: s.mandatory,
        advisoryCount: s.advisory,
        durationMs: { program: Math.round(run.durationMs), total: Math.round(report.totalMs) },
    };
}

function asText(report: PreviewReport): string {
    const { run, evaluation } = report;
    const graph = new ResourceGraph(run.resources);
    const s = summary(report);
    const flagged = new Map<string, number>();
    for (const v of evaluation.violations) if (v.urn) flagged.set(v.urn, (flagged.get(v.urn) ?? 0) + 1);
    const lines: string[] = [];
    lines.push(`Previewing ${run.project}/${run.stack} on the offline mock engine${run.preview ? " (first deploy: ids unknown)" : ""}`);
    lines.push(`Policy packs: ${s.packs}`, "");
    const print = (resource: RecordedResource, depth: number) => {
        const count = flagged.get(resource.urn);
        lines.push(
            `${count ? " ! " : " + "}${"    ".repeat(depth)}${resource.type} ${resource.name}${count ? `  (${count} violation${count > 1 ? "s" : ""})` : ""}`,
        );
        for (const child of graph.children(resource)) print(child, depth + 1);
    };
    for (const root of run.resources.filter((r) => !r.parent || !graph.byUrn(r.parent))) print(root, 0);

    lines.push("", "Resources by type:");
    for (const [type, count] of Object.entries(graph.countsByType())) lines.push(`  ${String(count).padStart(4)}  ${type}`);
    lines.push(
        `  ${String(s.resources).padStart(4)}  total (${s.cloudResources} cloud resources, ${s.resources - s.cloudResources} components)`,
    );

    const groups = groupViolations(evaluation.violations);
    lines.push("", groups.length ? "Policy violations:" : "Policy violations: none");
    for (const group of groups) {
        const label = group.level === "advisory" ? "advisory (warning)" : group.level;
        lines.push(`  [${label}]  ${group.policyPack}  ${group.policyName}  (${group.items.length})`);
        lines.push(`    ${group.description}`);
        for (const v of group.items) {
            lines.push(`    - ${v.resourceType ?? "stack"} ${v.resourceName ?? ""}${v.urn ? `  ${v.urn}` : ""}`);
            for (const line of v.message.split("\n")) lines.push(`      ${line}`);
        }
    }
    lines.push("", `${s.mandatory} mandatory and ${s.advisory} advisory violations of ${s.policies} policies.`);
    lines.push(`Preview took ${(report.totalMs / 1000).toFixed(1)} s (program ${(run.durationMs / 1000).toFixed(1)} s).`);
    return lines.join("\n") + "\n";
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, "<br>");

function asMarkdown(report: PreviewReport): string {
    const { run, evaluation } = report;
    const graph = new ResourceGraph(run.resources);
    const s = summary(report);
    const lines: string[] = [];
    lines.push(`<!-- offline-preview:${run.stack} -->`);
    lines.push(`### Offline preview — \`${run.project}/${run.stack}\``, "");
    lines.push(
        s.mandatory
            ? `**❌ ${s.mandatory} mandatory policy violation${s.mandatory > 1 ? "s" : ""}**`
            : "**✅ No mandatory policy violations**",
    );
    lines.push("");
    lines.push(`| resources | cloud resources | policies | mandatory | advisory | time |`, `|---:|---:|---:|---:|---:|---:|`);
    lines.push(
        `| ${s.resources} | ${s.cloudResources} | ${s.policies} | ${s.mandatory} | ${s.advisory} | ${(report.totalMs / 1000).toFixed(1)} s |`,
        "",
    );
    lines.push(`Policy packs: ${s.packs}${run.preview ? " · first deploy (ids unknown)" : ""}`, "");
    const groups = groupViolations(evaluation.violations);
    if (groups.length) {
        lines.push(`| level | policy | resource | message |`, `|---|---|---|---|`);
        for (const group of groups) {
            for (const v of group.items) {
                lines.push(
                    `| ${group.level} | \`${group.policyName}\` | ${v.resourceType ? `\`${v.resourceType}\` ${cell(v.resourceName ?? "")}` : "stack"} | ${cell(v.message)} |`,
                );
            }
        }
        lines.push("");
    }
    lines.push(`<details><summary>Resources by type</summary>`, "", `| count | type |`, `|---:|---|`);
    for (const [type, count] of Object.entries(graph.countsByType())) lines.push(`| ${count} | \`${type}\` |`);
    lines.push("", `</details>`, "");
    return lines.join("\n");
}
