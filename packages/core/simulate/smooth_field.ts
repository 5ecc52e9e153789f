/**
 * Smooth random fields that can be evaluated at any pixel on its own ("value noise"): random
 * values on a lattice, hashed from the seed and the node, blended with a smoothstep. Any row
 * block of an image is computed without the rest, so coherence maps and region outlines
 * need no full-image pass.
 * @module
 */
import { mix32, streamKey } from "./rng.ts";

/**
 * A sum of `octaves` value-noise layers, the first with lattice cells of `cell` pixels, each
 * next one half the cell size and half the amplitude. Values are in [0, 1], mean about 1/2.
 *
 * @example
 * ```ts
 * const f = new SmoothField(7, 1, 40, 3);
 * f.at(10, 20); // in [0, 1], close to f.at(10, 21)
 * ```
 */
export class SmoothField {
  readonly #key: number;
  readonly #cell: number;
  readonly #octaves: number;
  readonly #norm: number;

  /**
   * @param seed Seed of the simulation.
   * @param stream Which field (distinct ids give independent fields).
   * @param cell Lattice spacing of the coarsest layer, pixels (> 0).
   * @param octaves Number of layers (>= 1).
   */
  constructor(seed: number, stream: number, cell: number, octaves = 3) {
    this.#key = streamKey(seed, 0x736d, stream);
    this.#cell = Math.max(1e-6, cell);
    this.#octaves = Math.max(1, Math.floor(octaves));
    let n = 0;
    for (let o = 0, a = 1; o < this.#octaves; o++, a /= 2) n += a;
    this.#norm = 1 / n;
  }

  /** Field value at pixel (row `y`, column `x`), in [0, 1]. */
  at(y: number, x: number): number {
    let sum = 0, amp = 1, cell = this.#cell;
    for (let o = 0; o < this.#octaves; o++, amp /= 2, cell /= 2) {
      sum += amp * this.#layer(o, y / cell, x / cell);
    }
    return sum * this.#norm;
  }

  /** Fill `out` (rows `row0..row1` x `width`, C order) with the field. */
  fillRows(row0: number, row1: number, width: number, out: Float32Array): void {
    for (let y = row0, i = 0; y < row1; y++) {
      for (let x = 0; x < width; x++, i++) out[i] = this.at(y, x);
    }
  }

  #layer(o: number, fy: number, fx: number): number {
    const iy = Math.floor(fy), ix = Math.floor(fx);
    const ty = smooth(fy - iy), tx = smooth(fx - ix);
    const k = (this.#key + Math.imul(o + 1, 0x27d4eb2d)) | 0;
    const v00 = node(k, iy, ix), v01 = node(k, iy, ix + 1);
    const v10 = node(k, iy + 1, ix), v11 = node(k, iy + 1, ix + 1);
    const a = v00 + tx * (v01 - v00), b = v10 + tx * (v11 - v10);
    return a + ty * (b - a);
  }
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Uniform [0, 1) value of lattice node (iy, ix) for key k. */
function node(k: number, iy: number, ix: number): number {
  return mix32((k ^ Math.imul(iy, 0x1b873593) ^ Math.imul(ix, 0x5bd1e995)) | 0) / 4294967296;
}
