/**
 * A Logger (lambdas/shared/logger's port) that records entries instead of printing them, for tests that assert on
 * what a use case logged. Entries have the product logger's shape: level, message, service and the fields, with the
 * fields of parent loggers first, as JSON would carry them: Error values become their name, message and stack, as the
 * product's Powertools logger prints them.
 */
import { LOG_LEVELS, type LogFields, type Logger, type LogLevel } from "../../lambdas/shared/logger";

export type LogEntry = Record<string, any> & { level: LogLevel; message: string };

export function recordingLogger(level: LogLevel = "DEBUG", service = "test"): { logger: Logger; entries: LogEntry[] } {
    const entries: LogEntry[] = [];
    const threshold = LOG_LEVELS.indexOf(level);
    const make = (inherited: LogFields): Logger => {
        const log =
            (entryLevel: LogLevel) =>
            (message: string, fields: LogFields = {}) => {
                if (LOG_LEVELS.indexOf(entryLevel) < threshold) return;
                const entry = { ...inherited, ...fields, level: entryLevel, message, service };
                entries.push(JSON.parse(JSON.stringify(entry, errorsAsObjects)) as LogEntry);
            };
        return {
            debug: log("DEBUG"),
            info: log("INFO"),
            warn: log("WARN"),
            error: log("ERROR"),
            child: (fields) => make({ ...inherited, ...fields }),
        };
    };
    return { logger: make({}), entries };
}

function errorsAsObjects(_key: string, value: unknown): unknown {
    return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}
