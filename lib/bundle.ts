/**
 * Bundles a Lambda handler with esbuild inside the Pulumi program and ships it as an inline AssetArchive.
 *
 * Deterministic by construction: no timestamps, source-map paths relative to the project, and the archive holds only
 * string assets, so an unchanged handler hashes to the same archive and `pulumi preview` shows no diff.
 */
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

function buildOptions(entry: string): esbuild.BuildOptions & { write: false } {
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
