import type { Capability } from "../domain/capabilities";
import type { ErrorCode } from "./envelope";

/** An error whose code and message are safe to show to the caller; everything else becomes INTERNAL. */
export class AppError extends Error {
    constructor(
        readonly code: ErrorCode,
        message: string,
        readonly details?: unknown,
    ) {
        super(message);
        this.name = "AppError";
    }
}

/** Work that a later capability delivers. Thrown instead of answering with made-up data. */
export class NotImplementedError extends AppError {
    constructor(
        readonly work: string,
        readonly capability: Capability,
    ) {
        super("NOT_IMPLEMENTED", `${work} is not implemented yet; it will be provided by the ${capability} capability.`, {
            capability,
        });
        this.name = "NotImplementedError";
    }
}

/** The function's environment is wrong; thrown at cold start so the function never serves with a bad setup. */
export class ConfigurationError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid environment configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        this.name = "ConfigurationError";
    }
}
