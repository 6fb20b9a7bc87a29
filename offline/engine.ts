/**
 * Runs a Pulumi program on the SDK's mock runtime and records the resource graph it registers.
 *
 * This is the offline stand-in for the engine: it reads Pulumi.yaml and Pulumi.<stack>.yaml the way the CLI does
 * (project defaults, structured values as JSON), registers realistic fake outputs (offline/fakeAws.ts) and keeps, for
 * every resource, its type, name, URN, parent, provider, inputs, outputs and dependencies — the same facts the engine
 * hands to policy packs. Tests, the offline preview and the policy runner all read this one recording.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { fakeCall, fakeResource } from "./fakeAws";

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    /** false for ComponentResources */
    custom: boolean;
    id?: string;
    parent?: string;
    /** provider reference `<provider urn>::<provider id>`, when one was passed */
    provider?: string;
    inputs: Record<string, any>;
    outputs: Record<string, any>;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    ignoreChanges: string[];
}

/** The inputs exactly as the engine receives them (a protobuf Struct, unknowns as sentinels), for policy analysis. */
export const WIRE_INPUTS = Symbol("wireInputs");
export type WireRecordedResource = RecordedResource & { [WIRE_INPUTS]?: unknown };

export interface ProgramRun {
    project: string;
    stack: string;
    preview: boolean;
    config: Record<string, string>;
    resources: RecordedResource[];
    outputs: Record<string, unknown>;
    durationMs: number;
}

export interface RunProgramOptions {
    /** Directory holding Pulumi.yaml (default: this project). */
    programDir?: string;
    stack: string;
    /** Config map to use instead of Pulumi.<stack>.yaml, e.g. `{"ai-investment:logLevel": "LOUD"}`. */
    config?: Record<string, string>;
    /** Keys merged over the stack file's config. */
    configOverrides?: Record<string, string | undefined>;
    /** Preview mode: new resources have unknown ids and computed outputs, as in `pulumi preview`. */
    preview?: boolean;
}

export const PROJECT_ROOT = path.resolve(__dirname, "..");

interface ProjectFile {
    name: string;
    main?: string;
    config?: Record<string, { default?: unknown } | unknown>;
}

export function readProjectFile(programDir: string): ProjectFile {
    return yaml.load(fs.readFileSync(path.join(programDir, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/** The flat config map the CLI hands a program: stack values plus Pulumi.yaml defaults, objects as JSON strings. */
export function readStackConfig(programDir: string, stack: string): Record<string, string> {
    const project = readProjectFile(programDir);
    const stackFile = path.join(programDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(stackFile)) throw new Error(`no stack file ${stackFile}`);
    const stackConfig = ((yaml.load(fs.readFileSync(stackFile, "utf8")) as { config?: Record<string, unknown> })?.config ?? {}) as Record<
        string,
        unknown
    >;
    const flat: Record<string, string> = {};
    const put = (key: string, value: unknown) => {
        const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
        flat[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    };
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) put(key, (decl as { default: unknown }).default);
    }
    for (const [key, value] of Object.entries(stackConfig)) put(key, value);
    return flat;
}

/** Registrations of a run; a run is process-global, like the engine's. */
let recording: RecordedResource[] = [];
let pendingContent: Promise<void>[] = [];

/** What the current (or last, possibly failed) run has registered so far. */
export function recordedResources(): RecordedResource[] {
    return [...recording];
}

export async function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
    const programDir = path.resolve(options.programDir ?? PROJECT_ROOT);
    const project = readProjectFile(programDir);
    const config = options.config ?? readStackConfig(programDir, options.stack);
    for (const [key, value] of Object.entries(options.configOverrides ?? {})) {
        if (value === undefined) delete config[key];
        else config[key] = value;
    }
    const preview = options.preview ?? false;
    await startMockEngine(project.name, options.stack, config, preview);

    const entry = path.join(programDir, project.main ?? "index.ts");
    clearProgramModules(programDir);
    const started = performance.now();
    const programExports = require(entry) as Record<string, unknown>;
    // In preview, outputs built from unknown values never resolve: report only the keys, as `pulumi preview` does.
    const outputs = preview
        ? Object.fromEntries(
              Object.keys(programExports)
                  .filter((k) => k !== "__esModule")
                  .map((k) => [k, "(known after apply)"]),
          )
        : await resolveExports(programExports);
    await waitForRegistrations();
    const durationMs = performance.now() - started;

    return { project: project.name, stack: options.stack, preview, config, resources: recording, outputs, durationMs };
}

export interface RunInlineOptions {
    stack?: string;
    config?: Record<string, string>;
    preview?: boolean;
}

/** Runs a few resource declarations (e.g. one component under test) on the mock engine and records them. */
export async function runInline<T>(
    declare: () => T,
    options: RunInlineOptions = {},
): Promise<{ result: T; resources: RecordedResource[] }> {
    const stack = options.stack ?? "test";
    await startMockEngine("ai-investment", stack, { "aws:region": "eu-central-1", ...options.config }, options.preview ?? false);
    const result = declare();
    await waitForRegistrations();
    return { result, resources: recording };
}

async function startMockEngine(project: string, stack: string, config: Record<string, string>, preview: boolean): Promise<void> {
    const defaultRegion = config["aws:region"] ?? "eu-central-1";
    const providerRegions = new Map<string, string>();
    recording = [];
    pendingContent = [];
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const region = (args.provider ? providerRegions.get(args.provider) : undefined) ?? defaultRegion;
                if (preview && args.type !== "pulumi:providers:aws") return { id: undefined, state: args.inputs };
                // A read (`Resource.get`) names the existing resource by id.
                return fakeResource({ type: args.type, name: args.name, inputs: args.inputs, region, id: args.id || undefined });
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const region = (args.provider ? providerRegions.get(args.provider) : undefined) ?? defaultRegion;
                return fakeCall(args.token, args.inputs, region);
            },
        },
        project,
        stack,
        preview,
    );
    instrumentMonitor(providerRegions, defaultRegion);
}

async function waitForRegistrations(): Promise<void> {
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
    await Promise.all(pendingContent);
    pendingContent = [];
}

/** Wraps the mock monitor so every registration is recorded with what MockResourceArgs leaves out. */
function instrumentMonitor(providerRegions: Map<string, string>, defaultRegion: string): void {
    const monitor = (pulumi.runtime as any).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: unknown, resp?: any) => void) => {
        const inputs = pulumi.runtime.deserializeProperties(req.getObject());
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        register(req, (err: unknown, resp?: any) => {
            if (!err && resp) {
                const urn: string = resp.getUrn();
                const id: string = resp.getId();
                if (req.getType().startsWith("pulumi:providers:")) {
                    providerRegions.set(`${urn}::${id}`, inputs.region ?? defaultRegion);
                }
                const record: RecordedResource = {
                    urn,
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    id: id || undefined,
                    parent: req.getParent() || undefined,
                    provider: req.getProvider() || undefined,
                    inputs,
                    outputs: pulumi.runtime.deserializeProperties(resp.getObject()),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    protect: req.getProtect() ?? false,
                    ignoreChanges: req.getIgnorechangesList(),
                };
                // Not enumerable: keeps JSON output and deep-equal assertions about plain data.
                Object.defineProperty(record, WIRE_INPUTS, { value: req.getObject(), enumerable: false });
                recording.push(record);
                // Asset archives hold their contents in promises: resolve them so the recording is plain data.
                pendingContent.push(
                    resolveAssets(record.inputs).then((resolved) => {
                        record.inputs = resolved;
                    }),
                );
            }
            callback(err, resp);
        });
    };
}

/** Turns Pulumi assets and archives (whose contents are promises) into plain `{ text }` / `{ assets }` objects. */
async function resolveAssets(value: any): Promise<any> {
    if (value instanceof pulumi.asset.Asset) {
        const asset = value as any;
        if (asset.text !== undefined) return { __pulumiAsset: true, text: await asset.text };
        if (asset.path !== undefined) return { __pulumiAsset: true, path: await asset.path };
        return { __pulumiAsset: true, uri: await asset.uri };
    }
    if (value instanceof pulumi.asset.Archive) {
        const archive = value as any;
        if (archive.assets === undefined) return { __pulumiArchive: true, path: await (archive.path ?? archive.uri) };
        const assets = await archive.assets;
        const resolved: Record<string, unknown> = {};
        for (const [name, asset] of Object.entries(assets)) resolved[name] = await resolveAssets(asset);
        return { __pulumiArchive: true, assets: resolved };
    }
    if (Array.isArray(value)) return Promise.all(value.map(resolveAssets));
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveAssets(v)] as const));
        return Object.fromEntries(entries);
    }
    return value;
}

function clearProgramModules(programDir: string): void {
    for (const file of Object.keys(require.cache)) {
        if (
            file.startsWith(programDir + path.sep) &&
            !file.includes(`${path.sep}node_modules${path.sep}`) &&
            !file.includes(`${path.sep}offline${path.sep}`)
        ) {
            delete require.cache[file];
        }
    }
}

async function resolveExports(programExports: Record<string, unknown>): Promise<Record<string, unknown>> {
    const resolved: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(programExports)) {
        if (key === "__esModule") continue;
        resolved[key] = await new Promise((resolve) => pulumi.output(value as any).apply(resolve));
    }
    return resolved;
}
