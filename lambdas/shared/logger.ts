/**
 * Structured JSON logger: one JSON object per line, so CloudWatch Logs Insights can filter on any field.
 * Child loggers carry the correlation id of the request or message being handled.
 */

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
    debug(message: string, fields?: LogFields): void;
    info(message: string, fields?: LogFields): void;
    warn(message: string, fields?: LogFields): void;
    error(message: string, fields?: LogFields): void;
    child(fields: LogFields): Logger;
}

export interface LoggerOptions {
    level: LogLevel;
    service: string;
    fields?: LogFields;
    /** Where lines go; tests pass an array push. */
    sink?: (line: string) => void;
}

const writeToStdout = (line: string): void => {
    process.stdout.write(`${line}\n`);
};

export function createLogger({ level, service, fields = {}, sink = writeToStdout }: LoggerOptions): Logger {
    const threshold = LOG_LEVELS.indexOf(level);
    const log = (entryLevel: LogLevel, message: string, entryFields: LogFields = {}): void => {
        if (LOG_LEVELS.indexOf(entryLevel) < threshold) return;
        const entry = { timestamp: new Date().toISOString(), level: entryLevel, service, message, ...fields, ...entryFields };
        sink(JSON.stringify(entry, serializeErrors));
    };
    return {
        debug: (message, entryFields) => log("DEBUG", message, entryFields),
        info: (message, entryFields) => log("INFO", message, entryFields),
        warn: (message, entryFields) => log("WARN", message, entryFields),
        error: (message, entryFields) => log("ERROR", message, entryFields),
        child: (childFields) => createLogger({ level, service, sink, fields: { ...fields, ...childFields } }),
    };
}

/** Error objects stringify to {} by default; keep what helps debugging. */
function serializeErrors(_key: string, value: unknown): unknown {
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    return value;
}

/** The logger every handler builds at cold start from its parsed environment. */
export function loggerFromEnv(env: { LOG_LEVEL: LogLevel; POWERTOOLS_SERVICE_NAME: string; ENVIRONMENT: string }): Logger {
    return createLogger({
        level: env.LOG_LEVEL,
        service: env.POWERTOOLS_SERVICE_NAME,
        fields: { environment: env.ENVIRONMENT },
    });
}
