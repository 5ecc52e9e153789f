/**
 * Bootstrap uncertainty of time-function parameters without resampling the data.
 *
 * MintPy draws, for each of B iterations, N date indices with replacement (the same for
 * every pixel), sorts them, builds G from that resampled date list (whose first date is
 * the time origin of the polynomial and periodic columns), and fits every pixel; the
 * output is the mean and the standard deviation (ddof 0) over the B fits.
 *
 * Each fit is linear in the data: `m_b = W_b d`, with `W_b` (P x N) the pseudo-inverse of
 * the resampled G scattered back onto the original dates (repeated dates add up). So the
 * mean is `mean_b(W_b) d` and the variance of parameter j is `d^T C_j d` with `C_j` the
 * (ddof 0) covariance over b of the rows `W_b[j, :]`: B small pseudo-inverses once, then
 * two GEMMs per block (one with triangular factors of the `C_j`) instead of B passes over
 * the data.
 * @module
 */
import type { Solver } from "./solver.ts";
import type { TimeFunctionBasis } from "./time_functions.ts";
import { designPseudoInverse } from "./pinv.ts";
import { Matrix, QrDecomposition } from "ml-matrix";

/** A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). */
export class BootstrapRandom {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** @param seed any integer in [0, 2^53) */
  constructor(seed: number) {
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) | 0, 0x9e3779b9);
    const next = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** Uniform integer in `[0, n)`, without modulo bias. */
  nextInt(n: number): number {
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x: number;
    do x = this.nextUint32(); while (x >= limit);
    return x % n;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Draw `count` resamples of `n` date indices with replacement, each sorted ascending
 * (as MintPy sorts its `boot_ind`).
 * @returns row-major `count x n` indices.
 */
export function drawBootstrapSamples(n: number, count: number, rng: BootstrapRandom): Int32Array {
  const out = new Int32Array(count * n);
  for (let b = 0; b < count; b++) {
    const row = out.subarray(b * n, (b + 1) * n);
    for (let k = 0; k < n; k++) row[k] = rng.nextInt(n);
    row.sort();
  }
  return out;
}

/** The resamples and what is needed to build the design matrix of each. */
export interface BootstrapSetup {
  readonly basis: TimeFunctionBasis;
  /** Decimal year (with time of day) of each of the N dates used. */
  readonly years: Float64Array;
  /** Row-major `count x N` sorted indices. */
  readonly samples: Int32Array;
  readonly count: number;
}

/** The per-resample operators `W_b`, row-major `count x P x N`. */
export interface BootstrapWeights {
  readonly weights: Float64Array;
  readonly count: number;
  readonly numParams: number;
  readonly numDates: number;
  /** Resamples whose design matrix was rank-deficient (their minimum-norm fit is used). */
  readonly rankDeficient: number;
}

/**
 * Build `W_b` for every resample. With `valid` (1 per date), dates without data are dropped
 * from each resample after it is drawn (its time origin stays its first date), which is
 * what fitting the resampled series with its missing values removed gives.
 */
export function bootstrapWeights(setup: BootstrapSetup, valid?: Uint8Array): BootstrapWeights {
  const n = setup.years.length, p = setup.basis.numParams, count = setup.count;
  const weights = new Float64Array(count * p * n);
  const pos = new Int32Array(n);
  const years = new Float64Array(n);
  let rankDeficient = 0;
  for (let b = 0; b < count; b++) {
    const idx = setup.samples.subarray(b * n, (b + 1) * n);
    let m = 0;
    for (let k = 0; k < n; k++) {
      const d = idx[k]!;
      if (valid && !valid[d]) continue;
      pos[m] = d;
      years[m++] = setup.years[d]!;
    }
    const g = setup.basis.matrix(years.subarray(0, m), setup.years[idx[0]!]!);
    const { pinv, rank } = designPseudoInverse(g, m, p);
    if (rank < p) rankDeficient++;
    const w = weights.subarray(b * p * n, (b + 1) * p * n);
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < m; k++) w[j * n + pos[k]!] += pinv[j * m + k]!;
    }
  }
  return { weights, count, numParams: p, numDates: n, rankDeficient };
}

/**
 * Closed-form bootstrap operators: the mean of `W_b` and, per parameter j, a factor `F_j`
 * (`rank x N`) of the covariance `C_j = F_j^T F_j` of the rows `W_b[j, :]` (ddof 0), so that
 * the bootstrap variance of a pixel is `|F_j d|^2`.
 */
export interface BootstrapMoments {
  /** Row-major `P x N`. */
  readonly mean: Float64Array;
  /** Row-major `P * rank x N`: the factors of the parameters stacked. */
  readonly factor: Float64Array;
  /** Rows of each factor: `min(count, N)`. */
  readonly rank: number;
  readonly numParams: number;
  readonly numDates: number;
}

/**
 * Mean of `W_b` and covariance factors: with `U_j` the `count x N` deviations of the rows
 * `W_b[j, :]` from their mean over `sqrt(count)`, `C_j = U_j^T U_j = R_j^T R_j` with `R_j`
 * the triangular factor of the QR decomposition of `U_j` (`U_j` itself when `count < N`).
 * A triangular `R_j` makes `|R_j d|^2` cost `N^2 / 2` per pixel.
 */
export function bootstrapMoments(w: BootstrapWeights): BootstrapMoments {
  const { count, numParams: p, numDates: n, weights } = w;
  const mean = new Float64Array(p * n);
  for (let b = 0; b < count; b++) {
    const off = b * p * n;
    for (let i = 0; i < p * n; i++) mean[i] += weights[off + i]!;
  }
  for (let i = 0; i < p * n; i++) mean[i] /= count;
  const rank = Math.min(count, n);
  const factor = new Float64Array(p * rank * n);
  const scale = 1 / Math.sqrt(count);
  for (let j = 0; j < p; j++) {
    const u = new Matrix(count, n);
    for (let b = 0; b < count; b++) {
      const off = b * p * n + j * n;
      for (let i = 0; i < n; i++) u.set(b, i, (weights[off + i]! - mean[j * n + i]!) * scale);
    }
    const r = count >= n ? new QrDecomposition(u).upperTriangularMatrix : u;
    const f = factor.subarray(j * rank * n, (j + 1) * rank * n);
    for (let a = 0; a < rank; a++) {
      // Exact zeros below the diagonal let the GEMM skip them.
      for (let i = count >= n ? a : 0; i < n; i++) f[a * n + i] = r.get(a, i);
    }
  }
  return { mean, factor, rank, numParams: p, numDates: n };
}

/**
 * Bootstrap mean and standard deviation of `width` pixels from the closed form.
 * @param data `N x width` data (row stride `ldData`), finite.
 * @param params output `P x width` means (row stride `ldOut`).
 * @param std output `P x width` standard deviations (row stride `ldOut`).
 * @param scratch at least `P * rank * width` values.
 */
export function bootstrapFromMoments(
  solver: Solver,
  mom: BootstrapMoments,
  data: Float64Array,
  ldData: number,
  width: number,
  params: Float64Array,
  std: Float64Array,
  ldOut: number,
  scratch: Float64Array,
): void {
  const { numParams: p, numDates: n, rank } = mom;
  solver.dgemm(false, false, p, width, n, 1, mom.mean, n, data, ldData, 0, params, ldOut);
  solver.dgemm(false, false, p * rank, width, n, 1, mom.factor, n, data, ldData, 0, scratch, width);
  for (let j = 0; j < p; j++) {
    const out = std.subarray(j * ldOut, j * ldOut + width);
    out.fill(0);
    for (let a = 0; a < rank; a++) {
      const z = (j * rank + a) * width;
      for (let l = 0; l < width; l++) out[l] += scratch[z + l]! * scratch[z + l]!;
    }
    for (let l = 0; l < width; l++) out[l] = Math.sqrt(out[l]!);
  }
}

/**
 * Bootstrap mean and standard deviation of `width` pixels fit by fit (one GEMM of all
 * `W_b` stacked): cheaper than the closed form when `width` is below N.
 * Arguments as {@link bootstrapFromMoments}; `scratch` holds `count * P * width` values.
 */
export function bootstrapExplicit(
  solver: Solver,
  w: BootstrapWeights,
  data: Float64Array,
  ldData: number,
  width: number,
  params: Float64Array,
  std: Float64Array,
  ldOut: number,
  scratch: Float64Array,
): void {
  const { count, numParams: p, numDates: n } = w;
  const rows = count * p;
  solver.dgemm(false, false, rows, width, n, 1, w.weights, n, data, ldData, 0, scratch, width);
  for (let j = 0; j < p; j++) {
    const mean = params.subarray(j * ldOut, j * ldOut + width);
    const sd = std.subarray(j * ldOut, j * ldOut + width);
    mean.fill(0);
    sd.fill(0);
    for (let b = 0; b < count; b++) {
      const r = (b * p + j) * width;
      for (let l = 0; l < width; l++) mean[l] += scratch[r + l]!;
    }
    for (let l = 0; l < width; l++) mean[l] /= count;
    for (let b = 0; b < count; b++) {
      const r = (b * p + j) * width;
      for (let l = 0; l < width; l++) sd[l] += (scratch[r + l]! - mean[l]!) ** 2;
    }
    for (let l = 0; l < width; l++) sd[l] = Math.sqrt(sd[l]! / count);
  }
}
