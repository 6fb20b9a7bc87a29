/** Renders a cost projection — per service, per resource type, per resource with its unit prices — as text, JSON or markdown. */
import { fmtNumber, fmtPer, fmtPrice, fmtUsd, type CostProjection, type ResourceCost } from "./model";
import type { PriceFile } from "./prices";
import type { ResolvedUsage } from "./usage";

export type CostFormat = "text" | "json" | "markdown";

export interface CostReport {
    project: string;
    stack: string;
    format: CostFormat;
    /** Path of the price file, as shown to the reader. */
    priceFile: string;
    prices: PriceFile;
    usage: ResolvedUsage;
    projection: CostProjection;
    /** The same graph at zero traffic; equal to `projection` when the run is idle. */
    idle: CostProjection;
    idleRun: boolean;
}

/** How many resources the "top resources" tables show. */
export const TOP_RESOURCES = 15;
/** How many resource types the idle breakdown shows. */
export const TOP_IDLE_TYPES = 12;

export function renderCost(report: CostReport): string {
    switch (report.format) {
        case "json":
            return JSON.stringify(asJson(report), null, 2) + "\n";
        case "markdown":
            return asMarkdown(report);
        default:
            return asText(report);
    }
}

const round = (value: number, digits = 6) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);
const pct = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} %` : "n/a");
const amount = (value: number) => value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

function projectionJson(p: CostProjection) {
    return {
        totalUsd: round(p.totalUsd, 4),
        budgetUsd: p.budgetUsd,
        percentOfBudget: round(p.percentOfBudget, 2),
        overBudget: p.overBudget,
        byService: p.byService.map((s) => ({ service: s.service, monthlyUsd: round(s.monthlyUsd, 4) })),
        byType: p.byType.map((x) => ({ ...x, monthlyUsd: round(x.monthlyUsd, 4) })),
        resources: p.resources.map((r) => ({
            type: r.type,
            name: r.name,
            urn: r.urn,
            monthlyUsd: round(r.monthlyUsd, 6),
            items: r.items.map((i) => ({
                service: i.service,
                item: i.item,
                quantity: round(i.quantity, 6),
                unit: i.unit,
                unitPriceUsd: i.unitPriceUsd,
                per: i.per,
                monthlyUsd: round(i.monthlyUsd, 6),
                formula: i.formula,
            })),
        })),
        unpriced: p.unpriced,
        free: p.free,
        traffic: Object.fromEntries(Object.entries(p.traffic).map(([k, v]) => [k, round(v, 3)])),
    };
}

function asJson(report: CostReport) {
    const { prices, projection, idle, usage } = report;
    return {
        project: report.project,
        stack: report.stack,
        idleRun: report.idleRun,
        prices: {
            file: report.priceFile,
            region: prices.region,
            retrievedOn: prices.retrievedOn,
            note: prices.note,
            used: projection.pricesUsed,
        },
        freeTierNote: prices.freeTierNote,
        usage: { values: usage.usage, sources: usage.sources, fetchesBySchedule: usage.fetchesBySchedule },
        ...projectionJson(projection),
        idle: projectionJson(idle),
    };
}

function usageLine(report: CostReport): string {
    const u = report.usage.usage;
    return [
        `${fmtNumber(u.signalsPerDay)} signals/day`,
        `${fmtNumber(u.fetchesPerDay)} fetches/day`,
        `${fmtNumber(u.apiCallsPerDay)} API calls/day`,
        `${fmtNumber(u.dashboardUsers)} users (MAU)`,
        `${fmtNumber(u.websocketConnectionsAvg)} WebSocket connections avg`,
        `${fmtNumber(u.storedGbStart)} GB in S3`,
        `${fmtNumber(u.tableGbStart)} GB in the signals table`,
    ].join(" · ");
}

function budgetVerdict(p: CostProjection): string {
    return `${pct(p.percentOfBudget)} of the ${fmtNumber(p.budgetUsd)} USD budget${p.overBudget ? " — OVER BUDGET" : ""}`;
}

/** Resource types that make up the idle cost, most expensive first. */
function idleTypes(idle: CostProjection) {
    return idle.byType.filter((x) => x.monthlyUsd >= 0.005).slice(0, TOP_IDLE_TYPES);
}

const describeItem = (i: ResourceCost["items"][number]) =>
    `${i.item}: ${fmtNumber(i.quantity)} ${i.unit} × ${fmtPrice(i.unitPriceUsd)} per ${fmtPer(i.per)}${i.unit.split(" (")[0]} = ${fmtUsd(i.monthlyUsd, 4)}`;

function asText(report: CostReport): string {
    const { projection: p, idle, prices } = report;
    const lines: string[] = [];
    lines.push(`Cost projection ${report.project}/${report.stack}${report.idleRun ? " (idle: zero traffic)" : ""}`);
    lines.push(`Prices: ${prices.region} (${prices.regionName}) list prices of ${prices.retrievedOn} from ${report.priceFile}`);
    lines.push(`Usage: ${usageLine(report)}`, "");

    lines.push("Usage profile:");
    for (const [field, value] of Object.entries(report.usage.usage)) {
        lines.push(
            `  ${field.padEnd(26)} ${fmtNumber(value).padStart(14)}  [${report.usage.sources[field as keyof typeof report.usage.sources]}]`,
        );
    }
    lines.push("");

    const width = Math.max(12, ...p.byService.map((s) => s.service.length));
    lines.push(`Per service${" ".repeat(width - 9)}USD/month    share   idle USD/month`);
    const idleOf = (service: string) => idle.byService.find((s) => s.service === service)?.monthlyUsd ?? 0;
    for (const s of p.byService) {
        lines.push(
            `  ${s.service.padEnd(width)} ${amount(s.monthlyUsd).padStart(10)} ${pct(p.totalUsd > 0 ? (s.monthlyUsd / p.totalUsd) * 100 : 0).padStart(8)} ${amount(idleOf(s.service)).padStart(16)}`,
        );
    }
    lines.push(`  ${"Total".padEnd(width)} ${amount(p.totalUsd).padStart(10)} ${"".padStart(8)} ${amount(idle.totalUsd).padStart(16)}`);
    lines.push("", `Total: ${fmtUsd(p.totalUsd)} per month — ${budgetVerdict(p)}`);
    lines.push(`Idle (zero traffic, no stored data): ${fmtUsd(idle.totalUsd)} per month — ${budgetVerdict(idle)}`, "");

    lines.push("Idle cost by resource type:");
    for (const x of idleTypes(idle)) lines.push(`  ${amount(x.monthlyUsd).padStart(10)}  ${String(x.count).padStart(3)} × ${x.type}`);
    lines.push("");

    lines.push(`Top resources:`);
    for (const r of p.resources.slice(0, TOP_RESOURCES)) {
        lines.push(`  ${amount(r.monthlyUsd).padStart(10)}  ${r.type} ${r.name}  (${r.services.join(", ")})`);
    }
    lines.push("");

    const costing = p.resources.filter((r) => r.monthlyUsd >= 0.005);
    lines.push(`Per resource (${costing.length} of ${p.resources.length} priced resources cost at least 0.01 USD):`);
    for (const r of costing) {
        lines.push(`  ${amount(r.monthlyUsd).padStart(10)}  ${r.type} ${r.name}`);
        for (const i of r.items.filter((x) => x.monthlyUsd > 0 || x.quantity > 0)) {
            lines.push(`              ${describeItem(i)}`);
            const basis = i.formula.split(" — ").slice(1).join(" — ");
            if (basis) lines.push(`                ${basis}`);
        }
    }
    lines.push("");

    lines.push(
        `Free resource types: ${p.free.reduce((n, f) => n + f.count, 0)} resources of ${p.free.length} types (IAM, policies, permissions, API wiring, ...).`,
    );
    if (p.unpriced.length === 0) lines.push("Unpriced resources: none.");
    else {
        lines.push(`Unpriced resources (NOT in the total): ${p.unpriced.length}`);
        for (const u of p.unpriced) lines.push(`  ! ${u.type} ${u.name}: ${u.reason}`);
    }
    lines.push("", `Free tiers: ${prices.freeTierNote}`, `Prices: ${prices.note}`);
    return lines.join("\n") + "\n";
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, "<br>");

function asMarkdown(report: CostReport): string {
    const { projection: p, idle, prices } = report;
    const lines: string[] = [];
    lines.push(`<!-- cost-projection:${report.stack} -->`);
    lines.push(`### Cost projection — \`${report.project}/${report.stack}\`${report.idleRun ? " (idle)" : ""}`, "");
    lines.push(`**Total: ${fmtUsd(p.totalUsd)} / month** — ${budgetVerdict(p)} ${p.overBudget ? "❌" : "✅"}  `);
    lines.push(`**Idle (zero traffic): ${fmtUsd(idle.totalUsd)} / month** — ${budgetVerdict(idle)}`, "");
    lines.push(`Usage: ${usageLine(report)}  `);
    lines.push(
        `Prices: ${prices.region} list prices of ${prices.retrievedOn} (\`${report.priceFile}\`); account free tiers not deducted.`,
        "",
    );
    if (p.unpriced.length > 0) {
        lines.push(
            `**⚠️ ${p.unpriced.length} unpriced resource(s), not in the total:** ${p.unpriced.map((u) => `\`${u.type}\` ${cell(u.name)}`).join(", ")}`,
            "",
        );
    }

    lines.push(`| service | USD / month | share | idle USD / month |`, `|---|---:|---:|---:|`);
    const idleOf = (service: string) => idle.byService.find((s) => s.service === service)?.monthlyUsd ?? 0;
    for (const s of p.byService) {
        lines.push(
            `| ${s.service} | ${amount(s.monthlyUsd)} | ${pct(p.totalUsd > 0 ? (s.monthlyUsd / p.totalUsd) * 100 : 0)} | ${amount(idleOf(s.service))} |`,
        );
    }
    lines.push(`| **total** | **${amount(p.totalUsd)}** | 100 % | **${amount(idle.totalUsd)}** |`, "");

    lines.push(`**Top resources**`, "", `| USD / month | resource | type | services |`, `|---:|---|---|---|`);
    for (const r of p.resources.slice(0, TOP_RESOURCES)) {
        lines.push(`| ${amount(r.monthlyUsd)} | ${cell(r.name)} | \`${r.type}\` | ${r.services.join(", ")} |`);
    }
    lines.push("");

    lines.push(`<details><summary>Idle cost by resource type</summary>`, "", `| idle USD / month | count | type |`, `|---:|---:|---|`);
    for (const x of idleTypes(idle)) lines.push(`| ${amount(x.monthlyUsd)} | ${x.count} | \`${x.type}\` |`);
    lines.push("", `</details>`, "");

    const costing = p.resources.filter((r) => r.monthlyUsd >= 0.005);
    lines.push(
        `<details><summary>Resources with their line items (${costing.length} cost at least 0.01 USD)</summary>`,
        "",
        `| resource | item | quantity | unit price | USD / month | how |`,
        `|---|---|---:|---:|---:|---|`,
    );
    for (const r of costing) {
        for (const i of r.items.filter((x) => x.monthlyUsd > 0 || x.quantity > 0)) {
            lines.push(
                `| \`${r.type.split(":").pop()}\` ${cell(r.name)} | ${i.service}: ${cell(i.item)} | ${fmtNumber(i.quantity)} ${cell(i.unit)} | ${fmtPrice(i.unitPriceUsd)} / ${fmtPer(i.per).trim() || "1"} | ${amount(i.monthlyUsd)} | ${cell(i.formula.split(" — ").slice(1).join(" — "))} |`,
            );
        }
    }
    lines.push("", `</details>`, "");

    lines.push(
        `<details><summary>Unit prices used (${prices.region}, ${prices.retrievedOn})</summary>`,
        "",
        `| service | price | per | source |`,
        `|---|---:|---|---|`,
    );
    for (const u of p.pricesUsed)
        lines.push(`| ${u.service} | ${fmtPrice(u.usd)} | ${fmtPer(u.per).trim() || "1"} ${cell(u.unit)} | ${u.source} |`);
    lines.push("", `</details>`, "");
    lines.push(`> ${prices.freeTierNote}`, "");
    return lines.join("\n");
}
