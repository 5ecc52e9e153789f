/**
 * Decorrelation phase noise of distributed scatterers: the marginal PDF of the multilooked
 * interferometric phase for a coherence and a number of looks (Tough et al. 1995, eq. 66;
 * Hanssen 2001, eq. 4.2.23), and a sampler that draws from it by inverse CDF on a table,
 * the way MintPy's `simulation/decorrelation.py` simulates noise, but with one table built
 * once for all pixels (rows of coherence, columns of probability levels).
 * @module
 */

/** Looks are capped like MintPy (the series has L - 1 terms and is ill-conditioned beyond). */
export const MAX_LOOKS = 80;

/** Coherence is capped below 1, where the PDF becomes a delta. */
const MAX_COHERENCE = 0.9999;

/**
 * The phase PDF for `looks` independent looks, written so every power stays in [0, 1]:
 * with `a = 1 - g^2`, `b = g cos(phi)`, `o = 1 - b^2 >= a` and `q = a / o`,
 * `2 pi f = B q^L ((2L-1) b (pi/2 + asin b) / sqrt(o) + 1)
 *          + sum_r D_r (1 + (2r+1) b^2) q^L o^(L-2-r) / (2 (L-1))`.
 *
 * @example
 * ```ts
 * const pdf = new PhasePdf(1);
 * pdf.at(0, 1.0); // 1 / (2 pi): zero coherence is uniform phase
 * ```
 */
export class PhasePdf {
  readonly looks: number;
  readonly #B: number;
  readonly #D: Float64Array;

  /** @throws RangeError when `looks` is not an integer >= 1. */
  constructor(looks: number) {
    if (!Number.isInteger(looks) || looks < 1) {
      throw new RangeError(`number of looks ${looks} is not an integer >= 1`);
    }
    const L = Math.min(looks, MAX_LOOKS);
    this.looks = L;
    // Gamma(2L-1) / (Gamma(L)^2 4^(L-1)) = C(2L-2, L-1) / 4^(L-1), as a product.
    let B = 1;
    for (let i = 1; i <= L - 1; i++) B *= (L - 1 + i) / (4 * i);
    this.#B = B;
    // D_r = Gamma(L-1/2) Gamma(L-1-r) / (Gamma(L-1/2-r) Gamma(L-1)) = prod_i (L-1/2-i)/(L-1-i).
    this.#D = new Float64Array(Math.max(0, L - 1));
    for (let r = 0, c = 1; r < L - 1; r++) {
      if (r > 0) c *= (L - 0.5 - r) / (L - 1 - r);
      this.#D[r] = c;
    }
  }

  /** Probability density (1/rad) of phase `phi` (rad, in [-pi, pi]) at `coherence`. */
  at(coherence: number, phi: number): number {
    const L = this.looks, D = this.#D;
    const g = Math.min(Math.abs(coherence), MAX_COHERENCE);
    const b = g * Math.cos(phi);
    const o = 1 - b * b;
    const qL = Math.pow((1 - g * g) / o, L);
    let f = this.#B * qL * (((2 * L - 1) * b * (Math.PI / 2 + Math.asin(b))) / Math.sqrt(o) + 1);
    if (L > 1) {
      let s = 0;
      for (let r = L - 2, t = qL; r >= 0; r--, t *= o) s += D[r]! * (1 + (2 * r + 1) * b * b) * t;
      f += s / (2 * (L - 1));
    }
    return f / (2 * Math.PI);
  }
}

/**
 * Phase variance (rad^2) of distributed scatterers at `coherence` with `looks` looks, by
 * Simpson's rule on `samples` intervals of [0, pi] (the PDF is even), accurate where the
 * coarse table of MintPy's weights is not (coherence near 1).
 */
export function decorrelationPhaseVariance(
  looks: number,
  coherence: number,
  samples = 20000,
): number {
  const pdf = new PhasePdf(looks);
  const n = samples + (samples % 2), h = Math.PI / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const phi = i * h;
    const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
    s += w * phi * phi * pdf.at(coherence, phi);
  }
  return (2 * s * h) / 3;
}

/** Settings of {@link DecorrelationSampler}. */
export interface SamplerOptions {
  /** Rows of the table: coherence g / rows for g = 0 .. rows - 1. Default 400. */
  coherenceRows?: number;
  /** Levels per octave of tail probability. Default 64. */
  levels?: number;
  /** Points of the phase grid the CDF is integrated on (denser near 0). Default 4096. */
  gridPoints?: number;
}

/** Octaves of tail probability covered: 1 - v down to 2^-31. */
const OCTAVES = 32;

/**
 * Draws decorrelation phase for a coherence from 32 random bits. The lowest bit is the sign;
 * the other 31 give a probability level v of |phase|, looked up in a quantile table whose
 * levels are spaced per octave of the tail probability 1 - v (found with `clz32`), so the
 * tails are as accurate as the centre: a table uniform in v would spread its last level's
 * mass up to pi and inflate the variance at high coherence. Coherence picks the nearest row
 * (step 1 / rows); within an octave the quantile is linear between levels.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const sampler = new DecorrelationSampler(14);
 * const rng = new Rng(1);
 * const phase = sampler.sample(0.6, rng.nextU32()); // radians in [-pi, pi]
 * ```
 */
export class DecorrelationSampler {
  readonly looks: number;
  readonly rows: number;
  readonly levels: number;
  /**
   * Quantiles of |phase|: octave e, row g, level m at `(e * rows + g) * (levels + 1) + m`,
   * the quantile where the tail probability is `2^-(e+1) * (1 + m / levels)`. Octave-major,
   * so the first octaves, where nearly all draws land, share a few cache-resident pages.
   */
  readonly table: Float32Array;
  readonly #stride: number;
  /** Smallest t of each octave, and levels per unit of t in it. */
  readonly #octaveStart = new Float64Array(OCTAVES);
  readonly #octaveScale = new Float64Array(OCTAVES);

  constructor(looks: number, opts: SamplerOptions = {}) {
    const pdf = new PhasePdf(looks);
    this.looks = pdf.looks;
    const rows = this.rows = opts.coherenceRows ?? 400;
    const levels = this.levels = opts.levels ?? 64;
    const M = opts.gridPoints ?? 4096;
    // A grid on [0, pi] that is quadratically denser near 0, where high-coherence PDFs live.
    const phi = new Float64Array(M + 1);
    for (let i = 0; i <= M; i++) phi[i] = Math.PI * (i / M) ** 2;
    const dens = new Float64Array(M + 1);
    // Tail integral from pi down: accurate for tiny tail probabilities (no cancellation).
    const tail = new Float64Array(M + 1);
    const stride = this.#stride = levels + 1;
    for (let e = 0; e < OCTAVES - 1; e++) {
      this.#octaveStart[e] = 2 ** (30 - e);
      this.#octaveScale[e] = levels / 2 ** (30 - e);
    }
    this.table = new Float32Array(rows * OCTAVES * stride);
    for (let g = 0; g < rows; g++) {
      const coh = g / rows;
      for (let i = 0; i <= M; i++) dens[i] = pdf.at(coh, phi[i]!);
      tail[M] = 0;
      for (let i = M - 1; i >= 0; i--) {
        tail[i] = tail[i + 1]! + 0.5 * (dens[i]! + dens[i + 1]!) * (phi[i + 1]! - phi[i]!);
      }
      const total = tail[0]!;
      for (let e = 0; e < OCTAVES; e++) {
        for (let m = 0; m <= levels; m++) {
          const target = total * 2 ** -(e + 1) * (1 + m / levels);
          this.table[(e * rows + g) * stride + m] = quantileOfTail(tail, phi, target);
        }
      }
    }
  }

  /** Phase (rad) at `coherence` from 32 uniform random bits `bits` (e.g. `rng.nextU32()`). */
  sample(coherence: number, bits: number): number {
    const rows = this.rows;
    let g = (coherence * rows + 0.5) | 0;
    if (!(g >= 0)) g = 0;
    else if (g > rows - 1) g = rows - 1;
    // t = 2^31 - 1 - w for the 31-bit level w: the tail probability is about t / 2^31, in
    // octave e when t is in [2^(30-e), 2^(31-e)).
    const t = 0x7fffffff - (bits >>> 1);
    const e = Math.clz32(t) - 1;
    const pos = (t - this.#octaveStart[e]!) * this.#octaveScale[e]!;
    const m = pos | 0;
    const i = (e * rows + g) * this.#stride + m;
    const q0 = this.table[i]!;
    const mag = q0 + (pos - m) * (this.table[i + 1]! - q0);
    return bits & 1 ? mag : -mag;
  }
}

/** The phase where the tail integral (decreasing along the grid) equals `target`. */
function quantileOfTail(tail: Float64Array, phi: Float64Array, target: number): number {
  if (target >= tail[0]!) return 0;
  let lo = 0, hi = tail.length - 1; // tail[lo] > target >= tail[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (tail[mid]! > target) lo = mid;
    else hi = mid;
  }
  const t0 = tail[lo]!, t1 = tail[hi]!;
  const f = t0 > t1 ? (t0 - target) / (t0 - t1) : 0;
  return phi[lo]! + f * (phi[hi]! - phi[lo]!);
}
