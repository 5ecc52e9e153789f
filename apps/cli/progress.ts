/**
 * A progress bar on stderr: blocks done, pixels/s and ETA. On a terminal it redraws one
 * line; otherwise it prints a line at most every 10% so logs stay short.
 * @module
 */
import { log } from "@vinsar/core";

const enc = new TextEncoder();

/** Progress of one pass over row blocks. */
export class Progress {
  readonly #label: string;
  readonly #totalPixels: number;
  readonly #start = performance.now();
  readonly #tty = Deno.stderr.isTerminal();
  #done = 0;
  #lastDraw = 0;
  #lastDecile = -1;

  constructor(label: string, totalPixels: number) {
    this.#label = label;
    this.#totalPixels = Math.max(1, totalPixels);
  }

  /** Record `pixels` more as done. */
  advance(pixels: number): void {
    this.#done += pixels;
    if (log.getLevel() === "silent" || log.getLevel() === "warn" || log.getLevel() === "error") {
      return;
    }
    const now = performance.now();
    const frac = Math.min(1, this.#done / this.#totalPixels);
    const decile = Math.floor(frac * 10);
    if (this.#tty) {
      if (now - this.#lastDraw < 150 && frac < 1) return;
      this.#lastDraw = now;
      Deno.stderr.writeSync(enc.encode(`\r${this.#line(frac, now)}\x1b[K`));
      if (frac >= 1) Deno.stderr.writeSync(enc.encode("\n"));
    } else if (decile > this.#lastDecile) {
      this.#lastDecile = decile;
      log.info(this.#line(frac, now));
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
      ` ${fmtRate(rate)} px/s, ${secs.toFixed(1)} s elapsed, ETA ${eta.toFixed(1)} s`;
  }
}

function fmtRate(r: number): string {
  return r >= 1e6
    ? `${(r / 1e6).toFixed(2)}M`
    : r >= 1e3
    ? `${(r / 1e3).toFixed(1)}k`
    : r.toFixed(0);
}
