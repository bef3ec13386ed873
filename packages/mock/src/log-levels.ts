// Kept apart from mock.ts so that the CLI can check its arguments without importing Prism.

/** Prism's log levels (pino's), quietest first. */
export const LOG_LEVELS = ["silent", "fatal", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
