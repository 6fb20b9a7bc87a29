/**
 * Structured JSON logs through AWS Lambda Powertools' Logger: one JSON object per line — level, message, timestamp,
 * service, `xray_trace_id` when the function is traced (so a line leads to its X-Ray trace), plus the fields given —
 * so CloudWatch Logs Insights can filter on any field. Child loggers carry the correlation id of the request or message
 * being handled. Powertools writes WARN and ERROR through stderr and the rest through stdout; Lambda sends both to the
 * function's log group. The use cases see only the small `Logger` port below.
 */
import { Logger as PowertoolsLogger } from "@aws-lambda-powertools/logger";

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
    /** Keys on every line of this logger and its children. */
    fields?: LogFields;
}

export function createLogger({ level, service, fields = {} }: LoggerOptions): Logger {
    return asLogger(new PowertoolsLogger({ serviceName: service, logLevel: level, persistentKeys: fields }));
}

function asLogger(logger: PowertoolsLogger): Logger {
    return {
        debug: (message, fields = {}) => logger.debug(message, fields),
        info: (message, fields = {}) => logger.info(message, fields),
        warn: (message, fields = {}) => logger.warn(message, fields),
        error: (message, fields = {}) => logger.error(message, fields),
        child: (fields) => {
            const child = logger.createChild();
            child.appendPersistentKeys(fields);
            return asLogger(child);
        },
    };
}

/** The logger every handler builds at cold start from its parsed environment. */
export function loggerFromEnv(env: { LOG_LEVEL: LogLevel; POWERTOOLS_SERVICE_NAME: string; ENVIRONMENT: string }): Logger {
    return createLogger({
        level: env.LOG_LEVEL,
        service: env.POWERTOOLS_SERVICE_NAME,
        fields: { environment: env.ENVIRONMENT },
    });
}
