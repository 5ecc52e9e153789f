/**
 * A tiny leveled logger writing to stderr, so stdout stays clean for data. The CLI sets
 * the level (`--quiet`, `VINSAR_LOG`); library code just calls `log.info(...)`.
 * @module
 */

/** Log levels, most verbose first. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Where log lines go; tests can swap it. */
export interface LogSink {
  (level: LogLevel, line: string): void;
}

const encoder = new TextEncoder();
let level: LogLevel = "info";
let sink: LogSink = (lvl, line) => {
  const prefix = lvl === "warn" ? "WARNING: " : lvl === "error" ? "ERROR: " : "";
  try {
    Deno.stderr.writeSync(encoder.encode(prefix + line + "\n"));
  } catch { /* stderr closed */ }
};

/** A leveled logger. */
export interface Logger {
  setLevel(l: LogLevel): void;
  getLevel(): LogLevel;
  setSink(s: LogSink): LogSink;
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** The shared logger. */
export const log: Logger = {
  setLevel(l: LogLevel): void {
    level = l;
  },
  getLevel(): LogLevel {
    return level;
  },
  setSink(s: LogSink): LogSink {
    const old = sink;
    sink = s;
    return old;
  },
  debug(msg: string): void {
    if (order[level] <= 0) sink("debug", msg);
  },
  info(msg: string): void {
    if (order[level] <= 1) sink("info", msg);
  },
  warn(msg: string): void {
    if (order[level] <= 2) sink("warn", msg);
  },
  error(msg: string): void {
    if (order[level] <= 3) sink("error", msg);
  },
};
