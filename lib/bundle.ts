/**
 * Bundles a Lambda handler with esbuild inside the Pulumi program and ships it as an inline AssetArchive.
 *
 * Deterministic by construction: no timestamps, source-map paths relative to the project, and the archive holds only
 * string assets, so an unchanged handler hashes to the same archive and `pulumi preview` shows no diff.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { createHash } from "node:crypto";
import * as esbuild from "esbuild";
import * as pulumi from "@pulumi/pulumi";

/** Lambda runtime of every function, and the esbuild target that matches it. */
export const LAMBDA_RUNTIME = "nodejs24.x";
export const ESBUILD_TARGET = "node24";

const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface BundledHandler {
    /** index.mjs, minified ESM */
    code: string;
    /** index.mjs.map, sources relative to the project root */
    sourceMap: string;
    /** sha256 of code + map: changes exactly when the deployed artefact changes */
    sha256: string;
}

// A pulumi run bundles each handler once; the cache lives for the process (tests re-run the program many times).
const cache: Map<string, Promise<BundledHandler>> = ((globalThis as any).__aiInvestmentBundleCache ??= new Map());

/**
 * Starts bundling a handler and returns the pending bundle. Every function's bundle starts while the program is still
 * declaring resources, so esbuild builds them in parallel.
 */
export function bundleHandler(entry: string): Promise<BundledHandler> {
    const absoluteEntry = path.resolve(PROJECT_ROOT, entry);
    let bundled = cache.get(absoluteEntry);
    if (!bundled) {
        bundled = buildHandlerBundle(entry);
        cache.set(absoluteEntry, bundled);
        // A failed build must not stay cached for the next run of the program.
        bundled.catch(() => cache.delete(absoluteEntry));
    }
    return bundled;
}

/**
 * The AWS SDK's default credential chain, swapped for the env-only one of lambdas/adapters/lambda-credential-provider.ts
 * (why: see there). Only the bundles see this alias: tests and local tools import the source with the full chain.
 */
const LAMBDA_CREDENTIAL_PROVIDER = "./lambdas/adapters/lambda-credential-provider.ts";

/**
 * A generated SDK schema file (`@aws-sdk/client-x/dist-es/schemas/schemas_0.js`) holds every shape of its service,
 * with trait objects such as `{ [_hH]: _xaebo }` whose keys are the file's own string constants. esbuild must assume
 * that a computed key can run code (a `toString`), so it keeps every shape (it was ~66 KB of S3 shapes for a function
 * that called PutObject, when the functions still bundled the S3 client; for SQS, the shapes of queue administration
 * in a function that sends messages). Substituting the constants' string literals for those keys is the same object,
 * and lets esbuild drop the shapes no bundled command reaches.
 */
const SDK_SCHEMA_FILE =
    /[\\/]node_modules[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:submodules[\\/][^\\/]+[\\/])?schemas[\\/]schemas_\d+\.js$/;

/** `{ [_x]: v }` → `{ "x-value": v }` for the file's top-level `const _x = "x-value";` strings; anything else stays computed. */
export function literalSchemaKeys(source: string): string {
    const strings = new Map<string, string>();
    for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(name!, literal!);
    return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (match, before: string, name: string) => {
        const literal = strings.get(name);
        // A literal "__proto__" key would set the prototype instead of an own property.
        return literal === undefined || JSON.parse(literal) === "__proto__" ? match : `${before}${literal}:`;
    });
}

/**
 * A client's modelled exceptions (`dist-es/models/errors.js`): one generated class per error of the whole service
 * (35 for DynamoDB, 28 for SQS), each ~270 bytes minified, all kept because the schema registry registers every one.
 * Every class has the same shape — a static shapeId, the fields name/$fault (and `$retryable = {}` on throttling
 * errors), member fields copied from the constructor's options — so each becomes one call of a shared factory that
 * builds the same class: same name, prototype chain (instanceof), fields and field order. A file that does not have
 * exactly that shape is left as it is. About 60 % of those bytes go (~9 KB a function with DynamoDB and SQS).
 */
const SDK_ERRORS_FILE = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]models[\\/]errors\.js$/;

const ERROR_CLASS = new RegExp(
    String.raw`export class (\w+) extends __BaseException \{\n    static shapeId = ("[^"\n]+");\n    name = "\1";\n    \$fault = "(client|server)";\n` +
        String.raw`((?:    (?:\$retryable = \{\}|\w+);\n)*)` +
        String.raw`    constructor\(opts\) \{\n        super\(\{\n            name: "\1",\n            \$fault: "\3",\n            \.\.\.opts,\n        \}\);\n` +
        String.raw`        Object\.setPrototypeOf\(this, \1\.prototype\);\n((?:        this\.\w+ = opts\.\w+;\n)*)    \}\n\}\n?`,
    "g",
);

const ERROR_FACTORY = `const __error = (name, shapeId, $fault, retryable, members) => {
    const ErrorClass = class extends __BaseException {
        static shapeId = shapeId;
        constructor(opts) {
            super({ name, $fault, ...opts });
            this.name = name;
            this.$fault = $fault;
            if (retryable) this.$retryable = {};
            for (const member of members) this[member] = undefined;
            Object.setPrototypeOf(this, ErrorClass.prototype);
            for (const member of members) this[member] = opts[member];
        }
    };
    Object.defineProperty(ErrorClass, "name", { value: name });
    return ErrorClass;
};
`;

/** The errors.js module with its classes built by one factory; unchanged when any part of it is not the expected shape. */
export function compactErrorClasses(source: string): string {
    const lines = source.split("\n");
    const importLine = lines[0] ?? "";
    if (!/^import \{ \w+ as __BaseException \} from "\.\/\w+";$/.test(importLine)) return source;
    let body = source.slice(importLine.length + 1);
    let classes = 0;
    body = body.replace(ERROR_CLASS, (_match, name: string, shapeId: string, fault: string, fields: string, assignments: string) => {
        const declared = [...fields.matchAll(/^    (\w+);$/gm)].map((field) => field[1]!);
        const assigned = [...assignments.matchAll(/this\.(\w+) = opts\.\1;/g)].map((field) => field[1]!);
        // Declared member fields and the constructor's copies must be the same list, or the class is not the generated shape.
        if (declared.join(",") !== assigned.join(",")) return _match;
        classes++;
        const retryable = fields.includes("$retryable = {};");
        return `export const ${name} = /* @__PURE__ */ __error("${name}", ${shapeId}, "${fault}", ${retryable}, ${JSON.stringify(declared)});\n`;
    });
    // Anything left that is not an exported constant means a class of another shape: keep the file as published.
    if (classes === 0 || /\bclass\b/.test(body)) return source;
    return `${importLine}\n${ERROR_FACTORY}${body}`;
}

/**
 * `HttpProtocol` loads the event-stream codec with `import()` the first time an operation with an event-stream member
 * runs; esbuild inlines dynamic imports, so every bundle carried ~15 KB of codec. No command the handlers send streams
 * events (DynamoDB, SQS, Secrets Manager, PostToConnection; S3 is not an SDK client, see lambdas/adapters/s3-http.ts),
 * so that import gets a module that
 * says so instead. A static import of the same path (a client whose runtime config needs event streams) is untouched.
 */
const EVENT_STREAMS = "@smithy/core/event-streams";
const EVENT_STREAMS_STUB = `const unavailable = () => { throw new Error("${EVENT_STREAMS} is not bundled (lib/bundle.ts): no handler sends an event-stream operation"); };
export class EventStreamSerde { constructor() { unavailable(); } }
export const eventStreamSerdeProvider = unavailable;`;

/**
 * Each client imports its whole package.json for the one field the user agent needs, its version (~2.5 KB a client).
 */
const SDK_CLIENT_PACKAGE_JSON = /[\\/]node_modules[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/;

/**
 * Lambda has no EC2 instance metadata service, and sets AWS_REGION in every function: the SDK's last-resort region
 * lookup over IMDS (a PUT and a GET to 169.254.169.254, ~1.5 KB) finds nothing there. A missing region still fails with
 * the SDK's own "Region is missing".
 */
const IMDS_REGION_STUB = "export const getInstanceMetadataRegion = async () => undefined;";

/**
 * SDK modules a Lambda function can never reach, replaced by stubs that say so if one ever is (~10 KB a bundle):
 * - the pure-JS SHA-256 and MD5: fallbacks for a Node without those hashes in node:crypto (Lambda's has both;
 *   SigV4 signs with SHA-256, SQS checks message MD5s);
 * - adaptive retry (its client-side rate limiter): only with AWS_RETRY_MODE=adaptive; the functions use the standard mode;
 * - reading ~/.aws/config and ~/.aws/credentials: Lambda has neither file and configures the SDK through environment
 *   variables (region, credentials, AWS_ENDPOINT_URL_*), which the SDK reads before any file; the stub is the SDK's own
 *   answer to missing files (no profiles).
 */
const UNREACHABLE_SDK_MODULES: { file: RegExp; stub: string }[] = [
    {
        file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Js\.js$/,
        stub: unavailableClass("Sha256Js", "the pure-JS SHA-256 (node:crypto's is used)"),
    },
    {
        file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]md5[\\/]Md5Js\.js$/,
        stub: unavailableClass("Md5Js", "the pure-JS MD5 (node:crypto's is used)"),
    },
    {
        file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]retry[\\/]util-retry[\\/]AdaptiveRetryStrategy\.js$/,
        stub: unavailableClass("AdaptiveRetryStrategy", "adaptive retry (set AWS_RETRY_MODE=standard)"),
    },
    {
        file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]retry[\\/]util-retry[\\/]DefaultRateLimiter\.js$/,
        stub: unavailableClass("DefaultRateLimiter", "adaptive retry's rate limiter (set AWS_RETRY_MODE=standard)"),
    },
    {
        file: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]config[\\/]shared-ini-file-loader[\\/]loadSharedConfigFiles\.js$/,
        stub: `export { CONFIG_PREFIX_SEPARATOR } from "./constants";
export const loadSharedConfigFiles = async () => ({ configFile: {}, credentialsFile: {} });`,
    },
];

function unavailableClass(name: string, what: string): string {
    return `export class ${name} { constructor() { throw new Error(${JSON.stringify(`${what} is not bundled (lib/bundle.ts)`)}); } }`;
}

/** The DynamoDB client's endpoint-discovery cache gets a Map-based LRU (why: see there). */
const LRU_CACHE = "lib/bundle-shims/lru-cache.ts";

const sdkTrimming: esbuild.Plugin = {
    name: "sdk-trimming",
    setup(build) {
        build.onLoad({ filter: SDK_ERRORS_FILE }, async (args) => ({
            contents: compactErrorClasses(await fs.readFile(args.path, "utf8")),
            loader: "js",
        }));
        build.onLoad({ filter: SDK_SCHEMA_FILE }, async (args) => ({
            contents: literalSchemaKeys(await fs.readFile(args.path, "utf8")),
            loader: "js",
        }));
        build.onResolve({ filter: /^@smithy\/core\/event-streams$/ }, (args) =>
            args.kind === "dynamic-import" ? { path: EVENT_STREAMS, namespace: "sdk-stub" } : undefined,
        );
        build.onResolve({ filter: /[\\/]getInstanceMetadataRegion$/ }, (args) =>
            /[\\/]@smithy[\\/]core[\\/]/.test(args.importer) ? { path: "getInstanceMetadataRegion", namespace: "sdk-stub" } : undefined,
        );
        build.onLoad({ filter: /.*/, namespace: "sdk-stub" }, (args) => ({
            contents: args.path === EVENT_STREAMS ? EVENT_STREAMS_STUB : IMDS_REGION_STUB,
            loader: "js",
        }));
        build.onResolve({ filter: /^mnemonist\/lru-cache$/ }, () => ({ path: path.join(PROJECT_ROOT, LRU_CACHE) }));
        for (const { file, stub } of UNREACHABLE_SDK_MODULES) build.onLoad({ filter: file }, () => ({ contents: stub, loader: "js" }));
        build.onLoad({ filter: SDK_CLIENT_PACKAGE_JSON }, async (args) => {
            const { name, version } = JSON.parse(await fs.readFile(args.path, "utf8")) as { name: string; version: string };
            return { contents: JSON.stringify({ name, version }), loader: "json" };
        });
    },
};

/** The esbuild options of a handler bundle (exported for analysis, e.g. with `metafile: true`). */
export function buildOptions(entry: string): esbuild.BuildOptions & { write: false } {
    return {
        entryPoints: [path.resolve(PROJECT_ROOT, entry)],
        absWorkingDir: PROJECT_ROOT,
        // A virtual output path inside the project keeps the source map's paths relative and machine independent.
        outfile: path.join(PROJECT_ROOT, ".bundle", path.basename(entry, ".ts"), "index.mjs"),
        write: false,
        bundle: true,
        platform: "node",
        format: "esm",
        target: ESBUILD_TARGET,
        minify: true,
        sourcemap: "external",
        sourcesContent: false,
        legalComments: "none",
        // ESM builds of the AWS SDK: smaller and free of "Dynamic require of node:https" in ESM output.
        mainFields: ["module", "main"],
        alias: { "@aws-sdk/credential-provider-node": LAMBDA_CREDENTIAL_PROVIDER },
        plugins: [sdkTrimming],
        // CommonJS dependencies that call require() need it defined in an ES module.
        banner: { js: 'import{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);' },
        logLevel: "silent",
    };
}

/** One esbuild run, uncached. */
export async function buildHandlerBundle(entry: string): Promise<BundledHandler> {
    let result: esbuild.BuildResult<{ write: false }>;
    try {
        result = await esbuild.build(buildOptions(entry));
    } catch (error) {
        const errors = (error as { errors?: { text: string }[] }).errors;
        throw new Error(`esbuild failed for ${entry}: ${errors?.map((e) => e.text).join("; ") ?? String(error)}`);
    }
    const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"))!.text;
    const sourceMap = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
    return { code, sourceMap, sha256: createHash("sha256").update(code).update(sourceMap).digest("hex") };
}

/** The Lambda code archive: `index.mjs` (handler `index.handler`) and its source map. */
export function handlerArchive(bundle: BundledHandler): pulumi.asset.AssetArchive {
    return new pulumi.asset.AssetArchive({
        "index.mjs": new pulumi.asset.StringAsset(bundle.code),
        "index.mjs.map": new pulumi.asset.StringAsset(bundle.sourceMap),
    });
}
