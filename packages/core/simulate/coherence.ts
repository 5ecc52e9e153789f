/**
 * Coherence of simulated interferograms: per pixel a short-term coherence, a long-term
 * floor and a decorrelation time (smooth random maps, lower and faster in vegetated areas),
 * so an interferogram spanning `dt` days has
 * `g = f_k * b_k * (g_inf + (g_0 - g_inf) exp(-dt / tau))`, with `f_k` the interferogram's
 * weather/snow factor and `b_k = 1 - |bperp| / B_crit` the baseline decorrelation.
 * @module
 */
import { REGION_LOW_COH, REGION_WATER } from "./regions.ts";
import { SmoothField } from "./smooth_field.ts";

/** Critical perpendicular baseline of Sentinel-1 (m), for baseline decorrelation. */
export const CRITICAL_BASELINE = 5000;

/** Per-pixel coherence parameters of a row block (each rows * width). */
export interface CoherenceMaps {
  /** Short-term coherence (dt -> 0). */
  short: Float32Array;
  /** Long-term floor. */
  floor: Float32Array;
  /** 1 / decorrelation time, 1/day. */
  invTau: Float32Array;
}

/** The smooth maps the coherence parameters come from. */
export class CoherenceModel {
  readonly width: number;
  readonly #short: SmoothField;
  readonly #floor: SmoothField;
  readonly #tau: SmoothField;

  constructor(length: number, width: number, seed: number) {
    this.width = width;
    const cell = Math.max(4, Math.max(length, width) / 5);
    this.#short = new SmoothField(seed, 0x6330, cell, 4);
    this.#floor = new SmoothField(seed, 0x6331, cell, 3);
    this.#tau = new SmoothField(seed, 0x6332, cell, 2);
  }

  /** Short-term coherence, long-term floor and decorrelation time (days) at (y, x). */
  at(y: number, x: number, flags: number): [number, number, number] {
    // Stretch the value noise (which clusters near 1/2) over [0.35, 0.95].
    const s = Math.min(1, Math.max(0, (this.#short.at(y, x) - 0.5) * 2 + 0.5));
    let g0 = 0.35 + 0.6 * s;
    let floor = g0 * (0.1 + 0.5 * this.#floor.at(y, x));
    let tau = 30 + 270 * this.#tau.at(y, x);
    if (flags & REGION_LOW_COH) {
      g0 *= 0.6;
      floor = 0.05;
      tau = 12;
    }
    return [g0, floor, tau];
  }

  /** Fill the maps of rows `row0..row1` given their region flags (rows * width). */
  fillRows(row0: number, row1: number, flags: Uint8Array, out: CoherenceMaps): void {
    for (let y = row0, i = 0; y < row1; y++) {
      for (let x = 0; x < this.width; x++, i++) {
        const f = flags[i]!;
        if (f & REGION_WATER) {
          out.short[i] = 0;
          out.floor[i] = 0;
          out.invTau[i] = 0;
          continue;
        }
        const [g0, floor, tau] = this.at(y, x, f);
        out.short[i] = g0;
        out.floor[i] = floor;
        out.invTau[i] = 1 / tau;
      }
    }
  }
}
