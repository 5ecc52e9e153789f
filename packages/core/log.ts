/**
 * A tiny leveled logger with MintPy's streams: debug and info lines go to stdout (a MintPy
 * user redirects stdout to a log file: `vinsar ... > run.log`), warnings and errors to
 * stderr. The CLI sets the level (`--quiet`, `VINSAR_LOG`); library code just calls
 * `log.info(...)`.
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

/** The stream a level's lines go to: stdout for debug and info, stderr for the rest. */
function logStream(lvl: LogLevel): "stdout" | "stderr" {
  return lvl === "debug" || lvl === "info" ? "stdout" : "stderr";
}

/** Write all of `bytes` (a pipe may take a write in pieces). */
function writeAll(file: typeof Deno.stdout, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

/** The default sink: one line on the level's stream, `WARNING: `/`ERROR: ` prefixed. */
const consoleSink: LogSink = (lvl, line) => {
  const prefix = lvl === "warn" ? "WARNING: " : lvl === "error" ? "ERROR: " : "";
  try {
    writeAll(
      logStream(lvl) === "stdout" ? Deno.stdout : Deno.stderr,
      encoder.encode(prefix + line + "\n"),
    );
  } catch { /* stream closed */ }
};
let sink: LogSink = consoleSink;

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
