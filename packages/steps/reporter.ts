/**
 * Where a step's log lines and progress go: a {@link Reporter} passed in its options. Steps
 * never write to the console themselves; {@link logReporter} sends log lines through core's
 * `log` (info on stdout, warnings on stderr, with its level), and draws progress on stderr:
 * a bar on a terminal, a line every 10% otherwise (so a log redirected from stdout holds the
 * messages, not the progress).
 * @module
 */
import { log } from "@vinsar/core";

/** Progress of one pass, in pixels (or any unit the step counts). */
export interface ProgressBar {
  /** Record `amount` more as done. */
  advance(amount: number): void;
}

/** Receives a step's log lines and progress. */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  /**
   * A progress bar over `total` units of a pass named `label`; `unit` names them in the rate
   * (default "px": pixels).
   */
  progress(label: string, total: number, unit?: string): ProgressBar;
}

/** Settings of {@link logReporter}. */
export interface LogReporterOptions {
  /** Redraw one progress line in place (default: when stderr is a terminal). */
  tty?: boolean;
}

/** A reporter over core's `log` (info on stdout, warnings on stderr); progress on stderr. */
export function logReporter(options: LogReporterOptions = {}): Reporter {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  return {
    info: (m) => log.info(m),
    warn: (m) => log.warn(m),
    debug: (m) => log.debug(m),
    progress: (label, total, unit) => new Progress(label, total, tty, unit ?? "px"),
  };
}

/** A reporter that drops everything (library use, tests). */
export const silentReporter: Reporter = {
  info() {},
  warn() {},
  debug() {},
  progress: () => ({ advance() {} }),
};

const enc = new TextEncoder();

/** Write `text` whole to stderr; a closed stderr is ignored, as by core's `log`. */
function writeStderr(text: string): void {
  const bytes = enc.encode(text);
  try {
    let done = 0;
    while (done < bytes.length) done += Deno.stderr.writeSync(bytes.subarray(done));
  } catch { /* stderr closed */ }
}

/** Blocks done, units (pixels) per second and ETA of one pass. */
class Progress implements ProgressBar {
  readonly #label: string;
  readonly #total: number;
  readonly #start = performance.now();
  readonly #tty: boolean;
  readonly #unit: string;
  #done = 0;
  #lastDraw = 0;
  #lastDecile = -1;

  constructor(label: string, total: number, tty: boolean, unit = "px") {
    this.#label = label;
    this.#total = Math.max(1, total);
    this.#tty = tty;
    this.#unit = unit;
  }

  advance(amount: number): void {
    this.#done += amount;
    const level = log.getLevel();
    if (level === "silent" || level === "warn" || level === "error") return;
    const now = performance.now();
    const frac = Math.min(1, this.#done / this.#total);
    const decile = Math.floor(frac * 10);
    if (this.#tty) {
      if (now - this.#lastDraw < 150 && frac < 1) return;
      this.#lastDraw = now;
      writeStderr(`\r${this.#line(frac, now)}\x1b[K${frac >= 1 ? "\n" : ""}`);
    } else if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      // Progress stays on stderr, as the terminal bar does: stdout is the log of messages.
      writeStderr(`${this.#line(frac, now)}\n`);
    }
  }

  #line(frac: number, now: number): string {
    const secs = (now - this.#start) / 1000;
    const rate = this.#done / Math.max(secs, 1e-3);
    const eta = frac > 0 ? secs * (1 - frac) / frac : 0;
    const width = 24;
    const fill = Math.round(frac * width);
    return `${this.#label} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${
      (frac * 100).toFixed(0).padStart(3)
    }%` +
      ` ${formatRate(rate)} ${this.#unit}/s, ${secs.toFixed(1)} s elapsed, ETA ${eta.toFixed(1)} s`;
  }
}

function formatRate(r: number): string {
  return r >= 1e6
    ? `${(r / 1e6).toFixed(2)}M`
    : r >= 1e3
    ? `${(r / 1e3).toFixed(1)}k`
    : r.toFixed(0);
}
