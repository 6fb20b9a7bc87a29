import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildHandlerBundle } from "../../lib/bundle";

export type BundledHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * Handlers as deployed: bundled by lib/bundle.ts, written to a directory outside the project (so that nothing can
 * resolve from node_modules) and imported with a given environment as the process's whole environment, the way Lambda
 * starts a function. The environment stays set afterwards (the SDK reads region and credentials per request); `restore`
 * puts the original back and deletes the files.
 */
export function bundledHandlers() {
    const saved = { ...process.env };
    const dir = mkdtempSync(join(tmpdir(), "bundled-handlers-"));
    const setEnvironment = (env: Record<string, string | undefined>) => {
        for (const key of Object.keys(process.env)) delete process.env[key];
        Object.assign(process.env, env);
    };
    return {
        async load(name: string, env: Record<string, string>): Promise<BundledHandler> {
            const file = join(dir, `${name}.mjs`);
            writeFileSync(file, (await buildHandlerBundle(`lambdas/handlers/${name}.ts`)).code);
            setEnvironment({ PATH: saved["PATH"], ...env });
            return ((await import(pathToFileURL(file).href)) as { handler: BundledHandler }).handler;
        },
        /** The environment every loaded function shares while the tests run. */
        useEnvironment(env: Record<string, string>): void {
            setEnvironment({ PATH: saved["PATH"], ...env });
        },
        restore(): void {
            setEnvironment(saved);
            rmSync(dir, { recursive: true, force: true });
        },
    };
}
