/**
 * Evaluates CrossGuard policy packs on a recorded resource graph, offline, with the engine's own semantics.
 *
 * A pack is loaded exactly as `pulumi preview --policy-pack <dir>` loads it — its entry module constructs a
 * `PolicyPack` — except that the gRPC server the pack would start is replaced by a capture of the analyzer service it
 * registers. The runner then calls that service like the engine does: `getAnalyzerInfo`, `configure` (schema defaults
 * merged with the `--policy-pack-config` file), `analyze` once per resource and `analyzeStack` once, with the
 * protobuf requests the engine sends (inputs as the engine's Struct, unknowns included, options, provider, parent and
 * dependencies). So enforcement levels, `notApplicable`, unknown values in preview and message formats are the
 * pack's own code paths, and any pack — ours, a company's own, or one in Pulumi's compliance-policies style — works.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type RecordedResource, WIRE_INPUTS, type WireRecordedResource } from "./engine";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

export interface PolicyInfo {
    name: string;
    description: string;
    enforcementLevel: EnforcementLevel;
    severity?: string;
}

export interface LoadedPolicyPack {
    dir: string;
    name: string;
    version: string;
    policies: PolicyInfo[];
    /** The analyzer service the pack registered (its gRPC handlers). */
    service: AnalyzerService;
    proto: AnalyzerProto;
    /** Config schema defaults per policy, which the CLI sends unless the user's config overrides them. */
    configDefaults: Map<string, Record<string, unknown>>;
    /** Where the pack's @pulumi/policy lives; its protobuf runtime builds the requests. */
    policyPackageDir: string;
}

export interface Violation {
    policyPack: string;
    policyName: string;
    description: string;
    message: string;
    enforcementLevel: EnforcementLevel;
    severity?: string;
    /** Absent for a stack policy that reported without naming a resource. */
    urn?: string;
    resourceType?: string;
    resourceName?: string;
}

export interface PolicyEvaluation {
    packs: { name: string; version: string; dir: string; policies: (PolicyInfo & { configuredLevel: EnforcementLevel })[] }[];
    violations: Violation[];
    /** Violations at the mandatory level (including remediate, which the engine reports as mandatory). */
    mandatoryCount: number;
}

/** `{ "<policy>": "advisory" }` or `{ "<policy>": { "enforcementLevel": "...", ...properties } }`, as the CLI reads. */
export type PolicyPackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

type RpcHandler = (call: { request: unknown }, callback: (err: unknown, response?: any) => void) => unknown;
interface AnalyzerService {
    analyze: RpcHandler;
    analyzeStack: RpcHandler;
    configure: RpcHandler;
    getAnalyzerInfo: RpcHandler;
}
type AnalyzerProto = any;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];
const SEVERITIES = [undefined, "low", "medium", "high", "critical"];

function rpc(handler: RpcHandler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
        handler({ request }, (err, response) => (err ? reject(err) : resolve(response)));
    });
}

/** The entry module of a pack directory: package.json `main`, else index.ts / index.js. */
function packEntry(dir: string): string {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
        const main = (JSON.parse(fs.readFileSync(manifest, "utf8")) as { main?: string }).main;
        if (main) {
            const candidate = path.resolve(dir, main);
            for (const file of [candidate, candidate.replace(/\.js$/, ".ts")]) if (fs.existsSync(file)) return file;
        }
    }
    for (const file of ["index.ts", "index.js"]) if (fs.existsSync(path.join(dir, file))) return path.join(dir, file);
    throw new Error(`policy pack ${dir}: no entry module (package.json "main", index.ts or index.js)`);
}

/** Loads a pack directory and captures the analyzer service its PolicyPack registers, without starting a server. */
export async function loadPolicyPack(dir: string): Promise<LoadedPolicyPack> {
    const packDir = path.resolve(dir);
    if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) throw new Error(`${packDir} is not a policy pack (no PulumiPolicy.yaml)`);
    const entry = packEntry(packDir);
    const serverPath = require.resolve("@pulumi/policy/server", { paths: [packDir] });
    const policyPackageDir = path.dirname(serverPath);
    const grpc = require(require.resolve("@grpc/grpc-js", { paths: [policyPackageDir] }));
    const proto = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyPackageDir] }));

    // A fresh @pulumi/policy per pack: its server keeps the pack's config and "one pack per process" in module state.
    for (const file of Object.keys(require.cache)) {
        if (
            file.startsWith(policyPackageDir + path.sep) ||
            (file.startsWith(packDir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`))
        ) {
            delete require.cache[file];
        }
    }

    let captured: AnalyzerService | undefined;
    const server = grpc.Server.prototype;
    const { addService, bindAsync } = server;
    server.addService = function (_definition: unknown, implementation: AnalyzerService) {
        captured = implementation;
    };
    server.bindAsync = function () {};
    // PolicyPack reads its version from ./package.json of the working directory, which the CLI sets to the pack.
    const cwd = process.cwd();
    process.chdir(packDir);
    try {
        require(entry);
    } finally {
        process.chdir(cwd);
        server.addService = addService;
        server.bindAsync = bindAsync;
    }
    if (!captured) throw new Error(`policy pack ${packDir}: ${path.basename(entry)} constructed no PolicyPack`);

    const { Empty } = require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [policyPackageDir] }));
    const info = await rpc(captured.getAnalyzerInfo, new Empty());
    const policies: PolicyInfo[] = [];
    const configDefaults = new Map<string, Record<string, unknown>>();
    for (const policy of info.getPoliciesList()) {
        policies.push({
            name: policy.getName(),
            description: policy.getDescription(),
            enforcementLevel: LEVELS[policy.getEnforcementlevel()]!,
            severity: SEVERITIES[policy.getSeverity?.() ?? 0],
        });
        const properties = policy.getConfigschema?.()?.getProperties?.()?.toJavaScript?.() as
            Record<string, { default?: unknown }> | undefined;
        const defaults: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(properties ?? {}))
            if (property && "default" in property) defaults[key] = property.default;
        configDefaults.set(policy.getName(), defaults);
    }
    return {
        dir: packDir,
        name: info.getName(),
        version: info.getVersion(),
        policies,
        service: captured,
        proto,
        configDefaults,
        policyPackageDir,
    };
}

/** Sends the pack its configuration the way the CLI does: every policy, schema defaults under the user's values. */
async function configurePack(pack: LoadedPolicyPack, config: PolicyPackConfig): Promise<Map<string, EnforcementLevel>> {
    const unknown = Object.keys(config).filter((name) => name !== "all" && !pack.policies.some((p) => p.name === name));
    if (unknown.length) throw new Error(`policy pack config names policies that ${pack.name} doesn't have: ${unknown.join(", ")}`);

    const { Struct } = require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [pack.policyPackageDir] }));
    const request = new pack.proto.ConfigureAnalyzerRequest();
    const levels = new Map<string, EnforcementLevel>();
    const all = config["all"];
    for (const policy of pack.policies) {
        const entry = config[policy.name] ?? all;
        const userLevel = typeof entry === "string" ? entry : entry?.enforcementLevel;
        const level = userLevel ?? policy.enforcementLevel;
        const { enforcementLevel: _ignored, ...userProps } = typeof entry === "object" && entry ? entry : {};
        const properties = { ...(pack.configDefaults.get(policy.name) ?? {}), ...userProps };
        const policyConfig = new pack.proto.PolicyConfig();
        policyConfig.setEnforcementlevel(LEVELS.indexOf(level));
        policyConfig.setProperties(Struct.fromJavaScript(properties));
        request.getPolicyconfigMap().set(policy.name, policyConfig);
        levels.set(policy.name, level);
    }
    await rpc(pack.service.configure, request);
    return levels;
}

export interface EvaluateOptions {
    packDirs: string[];
    /** Parsed `--policy-pack-config` files, one per pack in the same order (or one for all). */
    configs?: PolicyPackConfig[];
}

/** Runs every pack over the recorded graph: `analyze` per resource, then `analyzeStack` once. */
export async function evaluatePolicyPacks(resources: RecordedResource[], options: EvaluateOptions): Promise<PolicyEvaluation> {
    const evaluation: PolicyEvaluation = { packs: [], violations: [], mandatoryCount: 0 };
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    // The engine analyses resources, not the provider plugins' own provider resources.
    const analysed = resources.filter((r) => !r.type.startsWith("pulumi:providers:"));

    for (const [index, dir] of options.packDirs.entries()) {
        const pack = await loadPolicyPack(dir);
        const config = options.configs?.[index] ?? options.configs?.[0] ?? {};
        const levels = await configurePack(pack, config);
        evaluation.packs.push({
            name: pack.name,
            version: pack.version,
            dir: pack.dir,
            policies: pack.policies.map((p) => ({ ...p, configuredLevel: levels.get(p.name)! })),
        });

        const collect = (response: any, fallback?: RecordedResource) => {
            for (const d of response.getDiagnosticsList()) {
                const resource = (d.getUrn() && byUrn.get(d.getUrn())) || fallback;
                const level = LEVELS[d.getEnforcementlevel()]!;
                const violation: Violation = {
                    policyPack: d.getPolicypackname(),
                    policyName: d.getPolicyname(),
                    description: d.getDescription(),
                    message: d.getMessage(),
                    enforcementLevel: level,
                    severity: SEVERITIES[d.getSeverity?.() ?? 0],
                    urn: resource?.urn ?? (d.getUrn() || undefined),
                    resourceType: resource?.type,
                    resourceName: resource?.name,
                };
                evaluation.violations.push(violation);
                if (level === "mandatory" || level === "remediate") evaluation.mandatoryCount++;
            }
        };

        for (const resource of analysed) {
            const request = describeResource(new pack.proto.AnalyzeRequest(), resource, pack.proto, byUrn);
            collect(await rpc(pack.service.analyze, request), resource);
        }

        const stackRequest = new pack.proto.AnalyzeStackRequest();
        for (const resource of analysed) {
            const item = describeResource(new pack.proto.AnalyzerResource(), resource, pack.proto, byUrn);
            if (resource.parent) item.setParent(resource.parent);
            item.setDependenciesList(resource.dependencies);
            for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
                const deps = new pack.proto.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                item.getPropertydependenciesMap().set(property, deps);
            }
            stackRequest.addResources(item);
        }
        collect(await rpc(pack.service.analyzeStack, stackRequest));
    }
    return evaluation;
}

/** The fields AnalyzeRequest and AnalyzerResource share: what the engine says about one resource. */
function describeResource<T extends Record<string, any>>(
    message: T,
    resource: RecordedResource,
    proto: AnalyzerProto,
    byUrn: Map<string, RecordedResource>,
): T {
    message.setType(resource.type);
    message.setProperties(wireInputs(resource));
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setOptions(resourceOptions(proto, resource));
    const provider = providerOf(proto, resource, byUrn);
    if (provider) message.setProvider(provider);
    return message;
}

function wireInputs(resource: RecordedResource): unknown {
    const wire = (resource as WireRecordedResource)[WIRE_INPUTS];
    if (!wire) throw new Error(`${resource.urn} was recorded without its wire inputs`);
    return wire;
}

function resourceOptions(proto: AnalyzerProto, resource: RecordedResource): unknown {
    const options = new proto.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    options.setIgnorechangesList(resource.ignoreChanges);
    if (resource.parent) options.setParent(resource.parent);
    return options;
}

function providerOf(proto: AnalyzerProto, resource: RecordedResource, byUrn: Map<string, RecordedResource>): unknown {
    if (!resource.provider) return undefined;
    const providerUrn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const provider = byUrn.get(providerUrn);
    if (!provider) return undefined;
    const result = new proto.AnalyzerProviderResource();
    result.setType(provider.type);
    result.setProperties(wireInputs(provider));
    result.setUrn(provider.urn);
    result.setName(provider.name);
    return result;
}

/** Reads a `--policy-pack-config` JSON file. */
export function readPolicyPackConfig(file: string): PolicyPackConfig {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error(`${file}: a policy pack config is a JSON object keyed by policy name`);
    for (const [name, value] of Object.entries(parsed)) {
        const level = typeof value === "string" ? value : (value as { enforcementLevel?: string })?.enforcementLevel;
        if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
            throw new Error(`${file}: policy ${name} has enforcement level "${level}"; expected one of ${LEVELS.join(", ")}`);
        }
    }
    return parsed as PolicyPackConfig;
}
