/**
 * One program run per stack and mode for the whole mocha process: the graph tests, the policy tests and the IAM
 * proof all read the same recordings instead of running the program again (each run takes seconds).
 * Recordings are plain data and never mutated by tests; a test that needs a fresh run calls runProgram itself.
 */
import { type ProgramRun, runProgram } from "../../offline/engine";

const runs = new Map<string, Promise<ProgramRun>>();

export function stackRun(stack: string, options: { preview?: boolean } = {}): Promise<ProgramRun> {
    const key = `${stack}:${options.preview ? "preview" : "update"}`;
    let run = runs.get(key);
    if (!run) {
        // Runs are process-global (one mock engine): chain them so two callers never interleave.
        const previous = Promise.all([...runs.values()].map((r) => r.catch(() => undefined)));
        run = previous.then(() => runProgram({ stack, preview: options.preview }));
        runs.set(key, run);
    }
    return run;
}
