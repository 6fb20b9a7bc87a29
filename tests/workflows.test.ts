/**
 * The GitHub Actions workflows, parsed with js-yaml and checked for the structure CI relies on: preview + policy
 * verdicts on pull requests, `pulumi up` dev → staging → prod on merge, the same policy pack everywhere.
 *
 * Every check is a function that returns the problems it finds. Each is run on the real workflow (no problems
 * expected) and on deliberately broken copies (at least one problem expected), so none of them can pass vacuously.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");

interface Step {
    name?: string;
    id?: string;
    if?: string;
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, unknown>;
    "continue-on-error"?: boolean | string;
}
interface Concurrency {
    group?: string;
    "cancel-in-progress"?: boolean | string;
}
interface Job {
    "runs-on"?: unknown;
    needs?: string | string[];
    if?: string;
    environment?: string | { name?: string };
    permissions?: string | Record<string, string>;
    concurrency?: string | Concurrency;
    strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
    outputs?: Record<string, string>;
    steps?: Step[];
}
interface Workflow {
    on?: Record<string, unknown> | string | string[];
    permissions?: string | Record<string, string>;
    concurrency?: string | Concurrency;
    jobs: Record<string, Job>;
}
type Check = (wf: Workflow) => string[];

const loadWorkflow = (file: string): Workflow => yaml.load(fs.readFileSync(path.join(WORKFLOW_DIR, file), "utf8")) as Workflow;
const clone = <T>(value: T): T => structuredClone(value);

/** Stacks of this project: one per Pulumi.<stack>.yaml at the top level. */
const STACKS = fs
    .readdirSync(ROOT)
    .map((file) => /^Pulumi\.([^.]+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
/** Promotion order of the deploy workflow. */
const DEPLOY_ORDER = ["dev", "staging", "prod"];
const PROJECT = (yaml.load(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;
const SDK_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> })
    .dependencies["@pulumi/pulumi"]!;
const POLICY_PACK = "policy-pack";
const MATRIX_STACK = "${{ matrix.stack }}";
const SECRET_EXPRESSION = /\$\{\{\s*secrets\./;

// ---------------------------------------------------------------------------------------------------------------- helpers

const stepsOf = (job: Job | undefined): Step[] => (Array.isArray(job?.steps) ? job.steps : []);
const allSteps = (wf: Workflow): Array<{ job: string; step: Step; index: number }> =>
    Object.entries(wf.jobs ?? {}).flatMap(([job, j]) => stepsOf(j).map((step, index) => ({ job, step, index })));
const usesAction = (step: Step, action: string) => typeof step.uses === "string" && step.uses.split("@")[0] === action;
const runLines = (step: Step) =>
    typeof step.run === "string"
        ? step.run
              .split("\n")
              .map((line) => line.trim())
              .filter(Boolean)
        : [];
const runsCommand = (step: Step, command: string) => runLines(step).includes(command);
const indexOfStep = (job: Job | undefined, predicate: (step: Step) => boolean) => stepsOf(job).findIndex(predicate);
const isTrue = (value: unknown) => value === true || value === "true";
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const environmentOf = (job: Job) => (typeof job.environment === "string" ? job.environment : job.environment?.name);
const concurrencyOf = (c: string | Concurrency | undefined): Concurrency | undefined => (typeof c === "string" ? { group: c } : c);
const triggers = (wf: Workflow): Record<string, unknown> => {
    const on = wf.on;
    if (typeof on === "string") return { [on]: null };
    if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [event, null]));
    return on ?? {};
};
const branchesOf = (trigger: unknown): unknown =>
    trigger && typeof trigger === "object" ? (trigger as { branches?: unknown }).branches : undefined;
const pulumiSteps = (wf: Workflow) => allSteps(wf).filter(({ step }) => usesAction(step, "pulumi/actions"));
const permissionProblems = (where: string, permissions: Job["permissions"], required: Record<string, string>, allowed = required) => {
    const problems: string[] = [];
    if (typeof permissions !== "object" || permissions === null)
        return [`${where}: permissions must be an explicit map, got ${JSON.stringify(permissions)}`];
    for (const [scope, level] of Object.entries(required)) {
        if (permissions[scope] !== level) problems.push(`${where}: needs ${scope}: ${level}`);
    }
    for (const [scope, level] of Object.entries(permissions)) {
        if (level !== "none" && allowed[scope] !== level && !(level === "read" && allowed[scope] === "write")) {
            problems.push(`${where}: ${scope}: ${level} is more than it needs`);
        }
    }
    return problems;
};
const compareVersions = (a: string, b: string) => {
    const [pa, pb] = [a, b].map((v) => v.split(".").map(Number));
    for (let i = 0; i < 3; i++) if (pa![i] !== pb![i]) return pa![i]! - pb![i]!;
    return 0;
};

// ----------------------------------------------------------------------------------------------------- checks, any workflow

const jobsWellFormed: Check = (wf) => {
    const problems: string[] = [];
    if (!wf.jobs || Object.keys(wf.jobs).length === 0) return ["no jobs"];
    for (const [name, job] of Object.entries(wf.jobs)) {
        if (job["runs-on"] === undefined || job["runs-on"] === "" || (Array.isArray(job["runs-on"]) && job["runs-on"].length === 0)) {
            problems.push(`${name}: no runs-on`);
        }
        if (!Array.isArray(job.steps) || job.steps.length === 0) problems.push(`${name}: no steps`);
        stepsOf(job).forEach((step, i) => {
            if ((step.uses === undefined) === (step.run === undefined)) problems.push(`${name} step ${i}: needs exactly one of uses/run`);
        });
    }
    return problems;
};

/** `owner/repo[/path]@v<major>[.minor[.patch]]` or a full commit SHA; never a branch such as main/master. */
const PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/;
const actionsPinned: Check = (wf) =>
    allSteps(wf)
        .filter(({ step }) => step.uses !== undefined && !step.uses.startsWith("./"))
        .filter(({ step }) => !PINNED.test(step.uses!))
        .map(({ job, step }) => `${job}: ${step.uses} is not pinned to a major version or a commit SHA`);

const noSecretInRun: Check = (wf) =>
    allSteps(wf)
        .filter(({ step }) => typeof step.run === "string" && SECRET_EXPRESSION.test(step.run))
        .map(({ job, step }) => `${job}: "${step.name ?? step.run}" puts a secret into a run script (pass it through env instead)`);

const pulumiCliPinned: Check = (wf) =>
    pulumiSteps(wf).flatMap(({ job, step }) => {
        const version = step.with?.["pulumi-version"];
        return typeof version === "string" && /^\d+\.\d+\.\d+$/.test(version)
            ? []
            : [`${job}: pulumi/actions without an exact pulumi-version (got ${JSON.stringify(version)})`];
    });

const policyPackOnEveryOperation: Check = (wf) =>
    pulumiSteps(wf)
        .filter(({ step }) => ["preview", "up", "update"].includes(String(step.with?.command)))
        .filter(({ step }) => step.with?.policyPacks !== POLICY_PACK)
        .map(({ job, step }) => `${job}: pulumi ${step.with?.command} without policyPacks: ${POLICY_PACK}`);

const pulumiTokenFromSecrets: Check = (wf) =>
    pulumiSteps(wf)
        .filter(({ step }) => step.env?.PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}")
        .map(({ job }) => `${job}: pulumi/actions does not get PULUMI_ACCESS_TOKEN from the secret`);

const GENERIC_CHECKS: Record<string, Check> = {
    "every job has runs-on and steps": jobsWellFormed,
    "every action is pinned to a major version or a SHA": actionsPinned,
    "no secret is expanded inside a run script": noSecretInRun,
    "the Pulumi CLI version is pinned": pulumiCliPinned,
    "every pulumi preview/up runs the policy pack": policyPackOnEveryOperation,
    "the Pulumi token comes from the secret": pulumiTokenFromSecrets,
};

// --------------------------------------------------------------------------------------------------- checks, pull request

const prTriggers: Check = (wf) => {
    const branches = branchesOf(triggers(wf).pull_request);
    return Array.isArray(branches) && branches.includes("main") ? [] : ["not triggered by pull requests to main"];
};

const prRunsTests: Check = (wf) => {
    const job = wf.jobs.test;
    if (!job) return ["no job `test`"];
    const problems: string[] = [];
    const setup = stepsOf(job).find((step) => usesAction(step, "actions/setup-node"));
    if (String(setup?.with?.["node-version"]) !== "24") problems.push("test: setup-node is not on Node 24");
    if (setup?.with?.cache !== "npm") problems.push("test: setup-node without the npm cache");
    const ci = indexOfStep(job, (step) => runsCommand(step, "npm ci"));
    const test = indexOfStep(job, (step) => runsCommand(step, "npm test"));
    if (ci < 0) problems.push("test: no `npm ci`");
    if (test < 0) problems.push("test: no `npm test`");
    if (ci >= 0 && test >= 0 && ci > test) problems.push("test: `npm test` runs before `npm ci`");
    return problems;
};

const offlinePreviewStep = (job: Job | undefined) =>
    stepsOf(job).find((step) => runLines(step).some((line) => /\bnpm run\b.*\bpreview\b/.test(line)));

const offlinePreviewPerStack: Check = (wf) => {
    const job = wf.jobs["offline-preview"];
    if (!job) return ["no job `offline-preview`"];
    const problems: string[] = [];
    if (!needsOf(job).includes("test")) problems.push("offline-preview does not wait for `test`");
    const matrix = job.strategy?.matrix?.stack;
    if (!Array.isArray(matrix) || JSON.stringify([...matrix].sort()) !== JSON.stringify(STACKS)) {
        problems.push(
            `offline-preview matrix ${JSON.stringify(matrix)} is not the stacks with a Pulumi.<stack>.yaml: ${JSON.stringify(STACKS)}`,
        );
    }
    if (job.strategy?.["fail-fast"] !== false)
        problems.push("offline-preview: fail-fast must be false (one stack's failure must not hide the others)");
    if (indexOfStep(job, (step) => runsCommand(step, "npm ci")) < 0) problems.push("offline-preview: no `npm ci`");
    const preview = offlinePreviewStep(job);
    const command = runLines(preview ?? {}).find((line) => /\bpreview\b/.test(line)) ?? "";
    if (!preview) problems.push("offline-preview: no `npm run preview` step");
    else {
        for (const part of [
            `--stack ${MATRIX_STACK}`,
            "--format markdown",
            `--policy-pack ${POLICY_PACK}`,
            `> preview-${MATRIX_STACK}.md`,
        ]) {
            if (!command.includes(part)) problems.push(`offline-preview: the preview command lacks \`${part}\``);
        }
    }
    return problems;
};

const ALWAYS = /always\(\)|!\s*cancelled\(\)/;
const offlinePreviewReportsThenFails: Check = (wf) => {
    const job = wf.jobs["offline-preview"];
    const steps = stepsOf(job);
    const preview = offlinePreviewStep(job);
    if (!preview) return ["offline-preview: no preview step"];
    const problems: string[] = [];
    const at = steps.indexOf(preview);
    const keepsExitCode =
        isTrue(preview["continue-on-error"]) || (runLines(preview).includes("set +e") && /GITHUB_OUTPUT/.test(preview.run ?? ""));
    if (!keepsExitCode)
        problems.push("offline-preview: the preview step does not keep its exit code (set +e + GITHUB_OUTPUT, or continue-on-error)");
    if (!preview.id) problems.push("offline-preview: the preview step has no id to read its result from");
    const summary = steps.findIndex((step, i) => i > at && /GITHUB_STEP_SUMMARY/.test(step.run ?? ""));
    const comment = steps.findIndex((step, i) => i > at && usesAction(step, "actions/github-script"));
    const fail = steps.findIndex((step, i) => i > at && runLines(step).includes("exit 1"));
    if (summary < 0) problems.push("offline-preview: the report is not appended to $GITHUB_STEP_SUMMARY");
    else if (!ALWAYS.test(steps[summary]!.if ?? "")) problems.push("offline-preview: the summary step is skipped when the preview fails");
    if (comment < 0) problems.push("offline-preview: no actions/github-script comment step");
    else if (!ALWAYS.test(steps[comment]!.if ?? "")) problems.push("offline-preview: the comment step is skipped when the preview fails");
    if (fail < 0) problems.push("offline-preview: no final step that fails the job on the preview's exit code");
    else {
        if (fail < summary || fail < comment) problems.push("offline-preview: the failing step runs before the summary/comment");
        const condition = steps[fail]!.if ?? "";
        if (!ALWAYS.test(condition) || !condition.includes(`steps.${preview.id}.outputs`)) {
            problems.push("offline-preview: the failing step is not conditioned on the preview's exit code");
        }
    }
    return problems;
};

const offlinePreviewComment: Check = (wf) => {
    const job = wf.jobs["offline-preview"];
    const problems = permissionProblems("offline-preview", job?.permissions, { contents: "read", "pull-requests": "write" });
    const comment = stepsOf(job).find((step) => usesAction(step, "actions/github-script"));
    if (!comment) return [...problems, "offline-preview: no comment step"];
    if (comment.env?.MARKER !== `<!-- offline-preview:${MATRIX_STACK} -->`)
        problems.push(`offline-preview: the comment marker is ${JSON.stringify(comment.env?.MARKER)}`);
    const script = String(comment.with?.script ?? "");
    for (const part of [
        "process.env",
        "MARKER",
        "includes(MARKER)",
        "listComments",
        "updateComment",
        "createComment",
        "preview-${STACK}.md",
    ]) {
        if (!script.includes(part)) problems.push(`offline-preview: the comment script lacks \`${part}\``);
    }
    if (!/\[MARKER,/.test(script)) problems.push("offline-preview: the comment body does not start with the marker");
    return problems;
};

const prConcurrency: Check = (wf) => {
    const c = concurrencyOf(wf.concurrency);
    const problems: string[] = [];
    if (!c?.group?.includes("github.event.pull_request.number")) problems.push("the concurrency group is not per pull request");
    if (!isTrue(c?.["cancel-in-progress"])) problems.push("a new push does not cancel the previous run");
    return problems;
};

const pulumiPreview: Check = (wf) => {
    const job = wf.jobs["pulumi-preview"];
    if (!job) return ["no job `pulumi-preview`"];
    const problems = permissionProblems("pulumi-preview", job.permissions, {
        contents: "read",
        "id-token": "write",
        "pull-requests": "write",
    });
    // Credential guard: `secrets` is not available in a job-level `if`; a job output carries "token set?" instead.
    const condition = job.if ?? "";
    if (SECRET_EXPRESSION.test(condition) || /\bsecrets\./.test(condition))
        problems.push("pulumi-preview: `secrets` cannot be used in a job-level if");
    const guard = /needs\.([\w-]+)\.outputs\.([\w-]+)\s*==\s*'true'/.exec(condition);
    const guardJob = guard ? wf.jobs[guard[1]!] : undefined;
    if (!guard || !guardJob || !needsOf(job).includes(guard[1]!))
        problems.push("pulumi-preview: not guarded by a credentials job output it needs");
    else {
        const output = guardJob.outputs?.[guard[2]!] ?? "";
        const stepId = /steps\.([\w-]+)\.outputs/.exec(output)?.[1];
        const step = stepsOf(guardJob).find((s) => s.id === stepId);
        const checksToken = Object.values(step?.env ?? {}).some((v) => /secrets\.PULUMI_ACCESS_TOKEN\s*!=\s*''/.test(String(v)));
        if (!checksToken)
            problems.push(`pulumi-preview: the guard output ${guard[1]}.${guard[2]} does not come from a PULUMI_ACCESS_TOKEN check`);
    }
    for (const v of ["vars.PULUMI_ORG", "vars.AWS_PREVIEW_ROLE_ARN"])
        if (!condition.includes(v)) problems.push(`pulumi-preview: does not require ${v}`);
    const matrix = job.strategy?.matrix?.stack;
    if (!Array.isArray(matrix) || JSON.stringify([...matrix].sort()) !== JSON.stringify(STACKS))
        problems.push("pulumi-preview: matrix is not the project's stacks");
    const steps = stepsOf(job);
    const install = steps.findIndex((step) => runsCommand(step, `npm ci --prefix ${POLICY_PACK}`));
    const aws = steps.findIndex((step) => usesAction(step, "aws-actions/configure-aws-credentials"));
    const pulumi = steps.findIndex((step) => usesAction(step, "pulumi/actions"));
    if (install < 0) problems.push("pulumi-preview: the policy pack's dependencies are not installed");
    if (aws < 0 || steps[aws]!.with?.["role-to-assume"] !== "${{ vars.AWS_PREVIEW_ROLE_ARN }}")
        problems.push("pulumi-preview: no OIDC role from vars.AWS_PREVIEW_ROLE_ARN");
    if (pulumi < 0) return [...problems, "pulumi-preview: no pulumi/actions step"];
    if (install > pulumi || aws > pulumi) problems.push("pulumi-preview: pulumi runs before its policy pack / AWS credentials are set up");
    const w = steps[pulumi]!.with ?? {};
    if (w.command !== "preview") problems.push("pulumi-preview: command is not preview");
    if (w["stack-name"] !== `\${{ vars.PULUMI_ORG }}/${PROJECT}/${MATRIX_STACK}`)
        problems.push(`pulumi-preview: stack-name is ${JSON.stringify(w["stack-name"])}`);
    for (const flag of ["comment-on-pr", "edit-pr-comment", "diff"])
        if (!isTrue(w[flag])) problems.push(`pulumi-preview: ${flag} is not true`);
    return problems;
};

const PR_CHECKS: Record<string, Check> = {
    "runs on pull requests to main": prTriggers,
    "runs npm ci and npm test on Node 24": prRunsTests,
    "previews exactly the stacks that have a Pulumi.<stack>.yaml, as Markdown, with the policy pack": offlinePreviewPerStack,
    "posts the summary and the comment even when the preview fails, then fails": offlinePreviewReportsThenFails,
    "upserts one comment per stack by its hidden marker, with pull-requests: write": offlinePreviewComment,
    "cancels the previous run of the same pull request": prConcurrency,
    "runs pulumi preview only with credentials, by OIDC, with comment and policy pack": pulumiPreview,
};

// -------------------------------------------------------------------------------------------------------- checks, deploy

const deployTriggers: Check = (wf) => {
    const on = triggers(wf);
    const problems: string[] = [];
    const branches = branchesOf(on.push);
    if (!Array.isArray(branches) || !branches.includes("main")) problems.push("not triggered by pushes to main");
    if (!("workflow_dispatch" in on)) problems.push("cannot be started by hand (workflow_dispatch)");
    if ("pull_request" in on || "pull_request_target" in on) problems.push("deploys from pull requests");
    return problems;
};

const deployOrder: Check = (wf) => {
    const problems: string[] = [];
    if (JSON.stringify([...DEPLOY_ORDER].sort()) !== JSON.stringify(STACKS))
        problems.push(`the deploy order ${DEPLOY_ORDER} does not cover the stacks ${STACKS}`);
    if (JSON.stringify(Object.keys(wf.jobs).sort()) !== JSON.stringify([...DEPLOY_ORDER].sort()))
        problems.push(`jobs are ${Object.keys(wf.jobs)}, expected ${DEPLOY_ORDER}`);
    DEPLOY_ORDER.forEach((stack, i) => {
        const job = wf.jobs[stack];
        if (!job) return;
        const expected = i === 0 ? [] : [DEPLOY_ORDER[i - 1]!];
        if (JSON.stringify(needsOf(job)) !== JSON.stringify(expected))
            problems.push(`${stack} needs ${JSON.stringify(needsOf(job))}, expected ${JSON.stringify(expected)}`);
    });
    return problems;
};

const deployEnvironments: Check = (wf) =>
    Object.entries(wf.jobs)
        .filter(([stack, job]) => environmentOf(job) !== stack)
        .map(([stack, job]) => `${stack} runs in environment ${JSON.stringify(environmentOf(job))}`);

const deployUp: Check = (wf) =>
    Object.entries(wf.jobs).flatMap(([stack, job]) => {
        const problems: string[] = [];
        const steps = stepsOf(job);
        const ci = steps.findIndex((step) => runsCommand(step, "npm ci"));
        const policyCi = steps.findIndex((step) => runsCommand(step, `npm ci --prefix ${POLICY_PACK}`));
        const aws = steps.findIndex((step) => usesAction(step, "aws-actions/configure-aws-credentials"));
        const ups = steps
            .map((step, i) => [step, i] as const)
            .filter(([step]) => usesAction(step, "pulumi/actions") && ["up", "update"].includes(String(step.with?.command)));
        if (ci < 0) problems.push(`${stack}: no \`npm ci\``);
        if (policyCi < 0) problems.push(`${stack}: no \`npm ci --prefix ${POLICY_PACK}\``);
        if (aws < 0 || steps[aws]!.with?.["role-to-assume"] !== "${{ vars.AWS_DEPLOY_ROLE_ARN }}")
            problems.push(`${stack}: no OIDC role from vars.AWS_DEPLOY_ROLE_ARN`);
        if (ups.length !== 1) problems.push(`${stack}: ${ups.length} pulumi up steps`);
        for (const [step, i] of ups) {
            if (step.with?.policyPacks !== POLICY_PACK) problems.push(`${stack}: up without policyPacks: ${POLICY_PACK}`);
            if (step.with?.["stack-name"] !== `\${{ vars.PULUMI_ORG }}/${PROJECT}/${stack}`)
                problems.push(`${stack}: up on ${JSON.stringify(step.with?.["stack-name"])}`);
            if (i < ci || i < policyCi || i < aws) problems.push(`${stack}: up runs before its dependencies/credentials are set up`);
        }
        return problems;
    });

const deployConcurrency: Check = (wf) => {
    const problems: string[] = [];
    if (isTrue(concurrencyOf(wf.concurrency)?.["cancel-in-progress"])) problems.push("the workflow cancels runs in progress");
    for (const [stack, job] of Object.entries(wf.jobs)) {
        const c = concurrencyOf(job.concurrency);
        if (c?.group !== `deploy-${stack}`)
            problems.push(`${stack}: concurrency group is ${JSON.stringify(c?.group)}, expected deploy-${stack}`);
        if (c?.["cancel-in-progress"] !== undefined && c["cancel-in-progress"] !== false)
            problems.push(`${stack}: cancel-in-progress must never be set (an up must not be cancelled)`);
    }
    return problems;
};

const deployPermissions: Check = (wf) => {
    const problems: string[] = [];
    const top = wf.permissions;
    if (top !== undefined && (typeof top !== "object" || Object.keys(top).length > 0))
        problems.push(`workflow-level permissions ${JSON.stringify(top)}; set them per job`);
    for (const [stack, job] of Object.entries(wf.jobs))
        problems.push(...permissionProblems(stack, job.permissions, { contents: "read", "id-token": "write" }));
    return problems;
};

const deployNoDependencyCache: Check = (wf) =>
    allSteps(wf)
        .filter(({ step }) => usesAction(step, "actions/setup-node"))
        .filter(({ step }) => step.with?.cache !== undefined || step.with?.["package-manager-cache"] !== false)
        .map(({ job }) => `${job}: npm cache in a job that holds deploy credentials`);

const DEPLOY_CHECKS: Record<string, Check> = {
    "runs on pushes to main and by hand": deployTriggers,
    "deploys dev → staging → prod in order via needs": deployOrder,
    "binds each job to the environment of its stack": deployEnvironments,
    "runs one pulumi up per stack with the policy pack and the environment's OIDC role": deployUp,
    "serialises each stack's deploys and never cancels an up": deployConcurrency,
    "asks only for contents: read and id-token: write": deployPermissions,
    "uses no dependency cache next to deploy credentials": deployNoDependencyCache,
};

// ------------------------------------------------------------------------------------------------------------ mutations

type Mutation = [what: string, mutate: (wf: Workflow) => void];
const step = (wf: Workflow, job: string, predicate: (s: Step) => boolean): Step => {
    const found = stepsOf(wf.jobs[job]).find(predicate);
    if (!found) throw new Error(`mutation target not found in ${job}`);
    return found;
};
const isPulumi = (s: Step) => usesAction(s, "pulumi/actions");
const isPreview = (s: Step) => offlinePreviewStep({ steps: [s] }) === s;
const isComment = (s: Step) => usesAction(s, "actions/github-script");
const removeStep = (wf: Workflow, job: string, predicate: (s: Step) => boolean) => {
    wf.jobs[job]!.steps = stepsOf(wf.jobs[job]).filter((s) => !predicate(s));
};

const GENERIC_MUTATIONS: Record<string, Mutation[]> = {
    "every job has runs-on and steps": [
        ["a job without runs-on", (wf) => delete Object.values(wf.jobs)[0]!["runs-on"]],
        ["a job without steps", (wf) => (Object.values(wf.jobs)[0]!.steps = [])],
        ["a step with neither uses nor run", (wf) => stepsOf(Object.values(wf.jobs)[0]).push({ name: "empty" })],
    ],
    "every action is pinned to a major version or a SHA": [
        ["checkout@main", (wf) => (stepsOf(Object.values(wf.jobs)[0])[0]!.uses = "actions/checkout@main")],
        ["pulumi/actions@master", (wf) => (pulumiSteps(wf)[0]!.step.uses = "pulumi/actions@master")],
        ["unversioned", (wf) => (stepsOf(Object.values(wf.jobs)[0])[0]!.uses = "actions/checkout")],
    ],
    "no secret is expanded inside a run script": [
        ["echo of a secret", (wf) => stepsOf(Object.values(wf.jobs)[0]).push({ run: 'echo "${{ secrets.PULUMI_ACCESS_TOKEN }}"' })],
    ],
    "the Pulumi CLI version is pinned": [
        ["no pulumi-version", (wf) => delete pulumiSteps(wf)[0]!.step.with!["pulumi-version"]],
        ["a range", (wf) => (pulumiSteps(wf)[0]!.step.with!["pulumi-version"] = "^3")],
        ["latest", (wf) => (pulumiSteps(wf)[0]!.step.with!["pulumi-version"] = "latest")],
    ],
    "every pulumi preview/up runs the policy pack": [["no policyPacks", (wf) => delete pulumiSteps(wf)[0]!.step.with!.policyPacks]],
    "the Pulumi token comes from the secret": [["no token", (wf) => delete pulumiSteps(wf)[0]!.step.env!.PULUMI_ACCESS_TOKEN]],
};

const PR_MUTATIONS: Record<string, Mutation[]> = {
    "runs on pull requests to main": [
        ["push instead", (wf) => (wf.on = { push: { branches: ["main"] } })],
        ["another branch", (wf) => (wf.on = { pull_request: { branches: ["develop"] } })],
    ],
    "runs npm ci and npm test on Node 24": [
        ["no npm test", (wf) => removeStep(wf, "test", (s) => runsCommand(s, "npm test"))],
        ["no npm ci", (wf) => removeStep(wf, "test", (s) => runsCommand(s, "npm ci"))],
        ["Node 22", (wf) => (step(wf, "test", (s) => usesAction(s, "actions/setup-node")).with!["node-version"] = 22)],
        ["no cache", (wf) => delete step(wf, "test", (s) => usesAction(s, "actions/setup-node")).with!.cache],
    ],
    "previews exactly the stacks that have a Pulumi.<stack>.yaml, as Markdown, with the policy pack": [
        ["prod missing", (wf) => (wf.jobs["offline-preview"]!.strategy!.matrix!.stack = ["dev", "staging"])],
        ["an extra stack", (wf) => (wf.jobs["offline-preview"]!.strategy!.matrix!.stack = [...STACKS, "qa"])],
        ["fail-fast", (wf) => (wf.jobs["offline-preview"]!.strategy!["fail-fast"] = true)],
        [
            "no --format markdown",
            (wf) =>
                (step(wf, "offline-preview", isPreview).run = step(wf, "offline-preview", isPreview).run!.replace("--format markdown", "")),
        ],
        [
            "a fixed stack",
            (wf) =>
                (step(wf, "offline-preview", isPreview).run = step(wf, "offline-preview", isPreview).run!.replace(
                    `--stack ${MATRIX_STACK}`,
                    "--stack dev",
                )),
        ],
        [
            "no policy pack",
            (wf) =>
                (step(wf, "offline-preview", isPreview).run = step(wf, "offline-preview", isPreview).run!.replace(
                    `--policy-pack ${POLICY_PACK}`,
                    "",
                )),
        ],
        ["no preview step", (wf) => removeStep(wf, "offline-preview", isPreview)],
        ["does not need test", (wf) => delete wf.jobs["offline-preview"]!.needs],
    ],
    "posts the summary and the comment even when the preview fails, then fails": [
        [
            "exit code not kept",
            (wf) => (step(wf, "offline-preview", isPreview).run = step(wf, "offline-preview", isPreview).run!.replace("set +e", "")),
        ],
        ["summary only on success", (wf) => delete step(wf, "offline-preview", (s) => /GITHUB_STEP_SUMMARY/.test(s.run ?? "")).if],
        ["comment only on success", (wf) => delete step(wf, "offline-preview", isComment).if],
        ["no failing step", (wf) => removeStep(wf, "offline-preview", (s) => runLines(s).includes("exit 1"))],
        [
            "failing step first",
            (wf) => {
                const job = wf.jobs["offline-preview"]!;
                const fail = step(wf, "offline-preview", (s) => runLines(s).includes("exit 1"));
                job.steps = stepsOf(job).filter((s) => s !== fail);
                job.steps.splice(job.steps.indexOf(step(wf, "offline-preview", isPreview)) + 1, 0, fail);
            },
        ],
        ["failing step unconditional", (wf) => delete step(wf, "offline-preview", (s) => runLines(s).includes("exit 1")).if],
    ],
    "upserts one comment per stack by its hidden marker, with pull-requests: write": [
        ["no pull-requests: write", (wf) => (wf.jobs["offline-preview"]!.permissions = { contents: "read" })],
        ["write-all", (wf) => (wf.jobs["offline-preview"]!.permissions = "write-all")],
        ["marker without the stack", (wf) => (step(wf, "offline-preview", isComment).env!.MARKER = "<!-- offline-preview -->")],
        [
            "never edits",
            (wf) => {
                const s = step(wf, "offline-preview", isComment);
                s.with!.script = String(s.with!.script).replaceAll("updateComment", "createComment");
            },
        ],
        ["no comment step", (wf) => removeStep(wf, "offline-preview", isComment)],
    ],
    "cancels the previous run of the same pull request": [
        ["not cancelling", (wf) => (concurrencyOf(wf.concurrency)!["cancel-in-progress"] = false)],
        ["one group for all", (wf) => (wf.concurrency = { group: "pull-request", "cancel-in-progress": true })],
        ["no concurrency", (wf) => delete wf.concurrency],
    ],
    "runs pulumi preview only with credentials, by OIDC, with comment and policy pack": [
        ["secrets in the job if", (wf) => (wf.jobs["pulumi-preview"]!.if = "${{ secrets.PULUMI_ACCESS_TOKEN != '' }}")],
        ["no guard", (wf) => delete wf.jobs["pulumi-preview"]!.if],
        [
            "guard not checking the token",
            (wf) => {
                const guard = Object.values(wf.jobs).find((j) => j.outputs)!;
                for (const s of stepsOf(guard)) delete s.env;
            },
        ],
        ["no id-token", (wf) => delete (wf.jobs["pulumi-preview"]!.permissions as Record<string, string>)["id-token"]],
        [
            "static role",
            (wf) =>
                (step(wf, "pulumi-preview", (s) => usesAction(s, "aws-actions/configure-aws-credentials")).with!["role-to-assume"] =
                    "arn:aws:iam::123456789012:role/x"),
        ],
        ["no policy-pack install", (wf) => removeStep(wf, "pulumi-preview", (s) => runsCommand(s, `npm ci --prefix ${POLICY_PACK}`))],
        ["up instead of preview", (wf) => (step(wf, "pulumi-preview", isPulumi).with!.command = "up")],
        ["no PR comment", (wf) => (step(wf, "pulumi-preview", isPulumi).with!["comment-on-pr"] = false)],
        ["new comment every push", (wf) => (step(wf, "pulumi-preview", isPulumi).with!["edit-pr-comment"] = false)],
        ["no diff", (wf) => delete step(wf, "pulumi-preview", isPulumi).with!.diff],
        ["stack without org", (wf) => (step(wf, "pulumi-preview", isPulumi).with!["stack-name"] = MATRIX_STACK)],
    ],
};

const DEPLOY_MUTATIONS: Record<string, Mutation[]> = {
    "runs on pushes to main and by hand": [
        ["no workflow_dispatch", (wf) => delete (wf.on as Record<string, unknown>).workflow_dispatch],
        ["other branch", (wf) => ((wf.on as Record<string, unknown>).push = { branches: ["release"] })],
        ["on pull requests", (wf) => ((wf.on as Record<string, unknown>).pull_request = null)],
    ],
    "deploys dev → staging → prod in order via needs": [
        ["prod in parallel with staging", (wf) => (wf.jobs.prod!.needs = "dev")],
        [
            "staging first",
            (wf) => {
                delete wf.jobs.staging!.needs;
                wf.jobs.dev!.needs = "staging";
            },
        ],
        ["prod missing", (wf) => delete wf.jobs.prod],
    ],
    "binds each job to the environment of its stack": [
        ["prod without environment", (wf) => delete wf.jobs.prod!.environment],
        ["staging in prod's environment", (wf) => (wf.jobs.staging!.environment = "prod")],
    ],
    "runs one pulumi up per stack with the policy pack and the environment's OIDC role": [
        ["no policy pack on prod", (wf) => delete step(wf, "prod", isPulumi).with!.policyPacks],
        ["prod deploys staging", (wf) => (step(wf, "prod", isPulumi).with!["stack-name"] = `\${{ vars.PULUMI_ORG }}/${PROJECT}/staging`)],
        ["no policy-pack install", (wf) => removeStep(wf, "staging", (s) => runsCommand(s, `npm ci --prefix ${POLICY_PACK}`))],
        ["preview instead of up", (wf) => (step(wf, "dev", isPulumi).with!.command = "preview")],
        [
            "preview role",
            (wf) =>
                (step(wf, "dev", (s) => usesAction(s, "aws-actions/configure-aws-credentials")).with!["role-to-assume"] =
                    "${{ vars.AWS_PREVIEW_ROLE_ARN }}"),
        ],
    ],
    "serialises each stack's deploys and never cancels an up": [
        ["cancel-in-progress on prod", (wf) => (concurrencyOf(wf.jobs.prod!.concurrency)!["cancel-in-progress"] = true)],
        ["cancel-in-progress as an expression", (wf) => (concurrencyOf(wf.jobs.dev!.concurrency)!["cancel-in-progress"] = "${{ true }}")],
        ["workflow-level cancel", (wf) => (wf.concurrency = { group: "deploy", "cancel-in-progress": true })],
        ["shared group", (wf) => (wf.jobs.staging!.concurrency = "deploy-dev")],
        ["no concurrency", (wf) => delete wf.jobs.dev!.concurrency],
    ],
    "asks only for contents: read and id-token: write": [
        ["no id-token", (wf) => (wf.jobs.dev!.permissions = { contents: "read" })],
        ["contents: write", (wf) => (wf.jobs.prod!.permissions = { contents: "write", "id-token": "write" })],
        ["write-all at the top", (wf) => (wf.permissions = "write-all")],
    ],
    "uses no dependency cache next to deploy credentials": [
        ["npm cache", (wf) => (step(wf, "prod", (s) => usesAction(s, "actions/setup-node")).with!.cache = "npm")],
        [
            "automatic cache left on",
            (wf) => delete step(wf, "dev", (s) => usesAction(s, "actions/setup-node")).with!["package-manager-cache"],
        ],
    ],
};

// ------------------------------------------------------------------------------------------------------------------ tests

const WORKFLOWS = { "pull-request.yml": loadWorkflow("pull-request.yml"), "deploy.yml": loadWorkflow("deploy.yml") };

const suite = (wf: Workflow, checks: Record<string, Check>, mutations: Record<string, Mutation[]>) => {
    for (const [name, check] of Object.entries(checks)) {
        describe(name, () => {
            it("holds", () => expect(check(clone(wf))).to.deep.equal([]));
            const cases = mutations[name] ?? [];
            it("has broken variants to fail on", () => expect(cases, `no mutation for "${name}"`).to.not.be.empty);
            for (const [what, mutate] of cases) {
                it(`fails when: ${what}`, () => {
                    const broken = clone(wf);
                    mutate(broken);
                    expect(check(broken)).to.not.be.empty;
                });
            }
        });
    }
};

describe("GitHub workflows", () => {
    it("are exactly pull-request.yml and deploy.yml", () => {
        expect(fs.readdirSync(WORKFLOW_DIR).sort()).to.deep.equal(["deploy.yml", "pull-request.yml"]);
    });

    it("the project has the three stacks dev, staging and prod", () => {
        expect(STACKS).to.deep.equal(["dev", "prod", "staging"]);
    });

    for (const [file, wf] of Object.entries(WORKFLOWS)) {
        describe(file, () => suite(wf, GENERIC_CHECKS, GENERIC_MUTATIONS));
    }

    describe("pull-request.yml", () => suite(WORKFLOWS["pull-request.yml"], PR_CHECKS, PR_MUTATIONS));
    describe("deploy.yml", () => suite(WORKFLOWS["deploy.yml"], DEPLOY_CHECKS, DEPLOY_MUTATIONS));

    it("evaluates every stack with its own policy-pack config, offline and with the CLI", () => {
        const configOf = (stack: string) => `policy-pack/config/${stack}.json`;
        for (const stack of STACKS) expect(fs.existsSync(path.join(ROOT, configOf(stack))), configOf(stack)).to.equal(true);
        const pr = fs.readFileSync(path.join(WORKFLOW_DIR, "pull-request.yml"), "utf8");
        expect(pr).to.include("--policy-pack-config policy-pack/config/${{ matrix.stack }}.json");
        expect(pr).to.include("policyPackConfigs: policy-pack/config/${{ matrix.stack }}.json");
        for (const { step } of pulumiSteps(WORKFLOWS["deploy.yml"])) {
            expect(String(step.with?.["policyPackConfigs"]), String(step.with?.["stack-name"])).to.match(
                /^policy-pack\/config\/(dev|staging|prod)\.json$/,
            );
            expect(String(step.with?.["stack-name"])).to.include(String(step.with?.["policyPackConfigs"]).replace(/^.*\/|\.json$/g, ""));
        }
    });

    describe("the Pulumi CLI", () => {
        const versions = () =>
            Object.values(WORKFLOWS).flatMap((wf) => pulumiSteps(wf).map(({ step }) => String(step.with?.["pulumi-version"])));

        it("is the same pinned version in every pulumi/actions step", () => {
            expect(versions()).to.have.length.greaterThan(3);
            expect(new Set(versions()).size).to.equal(1);
        });

        it(`is not older than the @pulumi/pulumi SDK (${SDK_VERSION})`, () => {
            for (const version of versions()) expect(compareVersions(version, SDK_VERSION), version).to.be.at.least(0);
        });
    });

    // Runs the preview step's and the failing step's own scripts with bash -eo pipefail (GitHub's `shell: bash`) and
    // a stand-in `npm`, so "keeps the exit code, then fails the job" is checked by behaviour, not by text.
    describe("the offline preview step, run with a fake npm", function () {
        const job = WORKFLOWS["pull-request.yml"].jobs["offline-preview"]!;
        const preview = offlinePreviewStep(job)!;
        const failing = stepsOf(job).find((s) => runLines(s).includes("exit 1"))!;
        const expand = (script: string, outputs: Record<string, string>) =>
            script
                .replaceAll(MATRIX_STACK, "staging")
                .replace(/\$\{\{\s*steps\.[\w-]+\.outputs\.([\w-]+)\s*\}\}/g, (_, key: string) => outputs[key] ?? "");
        const runBash = (script: string, npmExit: number) => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-step-"));
            try {
                const bin = path.join(dir, "bin");
                fs.mkdirSync(bin);
                fs.writeFileSync(path.join(bin, "npm"), `#!/usr/bin/env bash\necho "# report for $*"\nexit ${npmExit}\n`, { mode: 0o755 });
                const output = path.join(dir, "github-output");
                fs.writeFileSync(output, "");
                const result = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
                    cwd: dir,
                    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: output },
                    encoding: "utf8",
                });
                const outputs = Object.fromEntries(
                    fs
                        .readFileSync(output, "utf8")
                        .split("\n")
                        .filter(Boolean)
                        .map((line) => line.split("=", 2) as [string, string]),
                );
                const report = fs.existsSync(path.join(dir, "preview-staging.md"))
                    ? fs.readFileSync(path.join(dir, "preview-staging.md"), "utf8")
                    : "";
                return { status: result.status, outputs, report };
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        };

        it("records exit code 1 without failing itself, and writes the report", () => {
            const result = runBash(expand(preview.run!, {}), 1);
            expect(result.status).to.equal(0);
            expect(result.outputs["exit-code"]).to.equal("1");
            expect(result.report).to.include("--stack staging").and.include("--format markdown");
        });

        it("records exit code 0 on success", () => {
            const result = runBash(expand(preview.run!, {}), 0);
            expect(result.status).to.equal(0);
            expect(result.outputs["exit-code"]).to.equal("0");
        });

        it("the final step fails the job on exit code 1", () => {
            expect(runBash(expand(failing.run!, { "exit-code": "1" }), 0).status).to.not.equal(0);
        });
    });
});
