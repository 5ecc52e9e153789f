/**
 * MintPy's `--calc-cov` of the network inversion (`estimate_timeseries_cov`, Yunjun et al.,
 * 2021): per pixel, the time-series covariance propagated from the observations' variance
 * through the pseudo-inverse of the network's design matrix, `cov = G+ diag(std²) G+^T`,
 * where G is the design matrix A of the pixel's valid observations with the covariance's
 * reference date removed. Batched over the pixels of a block:
 *
 * - `G+ = (G^T G)+ G^T`, so `cov = P R P` with `P = (G^T G)+` (the pseudo-inverse of the
 *   unweighted reduced graph Laplacian of the valid network) and `R = G^T diag(std²) G`
 *   (the variance-weighted one). P depends only on which observations are valid: pixels
 *   with the same valid pattern (every pixel with all observations, a no-data patch) share
 *   it, and it is computed once per pattern (dense Cholesky inverse when the valid network
 *   is connected; ml-matrix's SVD of G only when it is not).
 * - For a batch of pixels of one pattern, `T = R P` is built lane-fastest from the network's
 *   edges (`2 K n` multiply-adds per pixel), then `cov = P T` for the whole batch is one
 *   `n x n` by `n x (n * lanes)` product on the solver's `dgemm`.
 *
 * Pixels whose valid network leaves a date (the reference date excepted) with fewer than
 * `minRedundancy` observations get an all-zero covariance, as in MintPy.
 * @module
 */
import { designPseudoInverse } from "./pinv.ts";
import type { Network } from "./network.ts";
import type { Solver } from "./solver.ts";
import type { ObservationWeights } from "./weights.ts";

/** Settings of {@link NetworkCovariance}. */
export interface CovarianceSettings {
  /** Index into `network.dates` of the covariance's reference date (zero row and column). */
  refIndex: number;
  /** Every date but the reference date needs this many valid observations (else all 0). */
  minRedundancy: number;
  /** Factor of every entry: `(WAVELENGTH / 4 pi)²` turns radians² into m². */
  scale: number;
  /**
   * Variance of an observation from its value in the block's `varianceSource` (e.g. the
   * coherence through {@link decorrelationVariance}).
   */
  varianceOf: (source: number) => number;
  /** Pixels per batched product (default 32). */
  lanes?: number;
  /** Bytes of per-pattern pseudo-inverses kept between blocks (default 16 MB). */
  cacheBytes?: number;
}

/** One block of P pixels, per-observation arrays K x P pixel-fastest (HDF5 order). */
export interface CovarianceBlock {
  /** Number of pixels P. */
  pixels: number;
  /** Observations K x P: NaN marks no data (the observation is dropped). */
  obs: Float32Array;
  /** What each observation's variance is computed from, K x P (e.g. coherence). */
  varianceSource: Float32Array;
  /** Pixels to compute (0: skip, output 0), P; undefined: every pixel. */
  pixelMask?: Uint8Array;
}

/** How many pixels took each path. */
export interface CovarianceCounts {
  pixels: number;
  /** Masked out or without any valid observation (all 0). */
  skipped: number;
  /** A date with fewer than `minRedundancy` valid observations (all 0). */
  redundancy: number;
  /** Valid network connected: P by dense Cholesky. */
  connected: number;
  /** Valid network disconnected: P from the SVD pseudo-inverse of G. */
  disconnected: number;
}

/**
 * Rows of P per product of the symmetric `P T`: a band multiplies only the columns right of
 * its first row, so narrower bands skip more of the lower triangle but make more, smaller
 * products; 8 was fastest for 98 dates (`ts` and `wasm` alike: a third less time than one
 * full product).
 */
const BAND_ROWS = 8;

/** The system of one pattern of valid observations. */
interface PatternSystem {
  /** 0: solved; 1: below the minimum redundancy (all zero). */
  status: 0 | 1;
  connected: boolean;
  /** Valid observations. */
  obs: Int32Array;
  /** `(G^T G)+`, n x n row-major (empty when `status` is 1). */
  p: Float64Array;
}

/**
 * The variance of an observation as MintPy's `--calc-cov` takes it from the square-root
 * weight `w` of the value it is computed from: `std = 1 / w` in float32, squared in float32.
 * For phase, `w` is the `var` weight of the coherence (`new CoherenceWeights("var", looks)`,
 * whatever `-w` the inversion uses); for offsets, `1 / Std` (`OffsetStdWeights`).
 * @example
 * ```ts
 * import { CoherenceWeights, observationVariance } from "@vinsar/core";
 * const variance = observationVariance(new CoherenceWeights("var", 14));
 * variance(0.9) < variance(0.3); // true
 * ```
 */
export function observationVariance(weights: ObservationWeights): (source: number) => number {
  return (source: number): number => {
    const std = Math.fround(1 / weights.sqrtWeight(source));
    return Math.fround(std * std);
  };
}

/** Default bytes of per-pattern pseudo-inverses a {@link NetworkCovariance} keeps. */
export const COVARIANCE_CACHE_BYTES: number = 16 * 2 ** 20;

/**
 * Most bytes one {@link NetworkCovariance} holds besides the blocks it is given: two
 * `n x n x lanes` float64 batches (n = dates - 1), the full network's `n x n` system and the
 * pattern cache (`cacheBytes`).
 */
export function covarianceScratchBytes(
  numDates: number,
  options: { lanes?: number; cacheBytes?: number } = {},
): number {
  const n = Math.max(0, numDates - 1);
  const lanes = options.lanes ?? 32;
  return 2 * n * n * lanes * 8 + 8 * n * n + (options.cacheBytes ?? COVARIANCE_CACHE_BYTES);
}

/** Computes the time-series covariance of blocks of pixels of one network. */
export class NetworkCovariance {
  readonly network: Network;
  readonly counts: CovarianceCounts = {
    pixels: 0,
    skipped: 0,
    redundancy: 0,
    connected: 0,
    disconnected: 0,
  };
  readonly #s: CovarianceSettings;
  readonly #solver: Solver;
  readonly #n: number;
  readonly #lanes: number;
  /** Unknown (column of G) of each date, -1 for the reference date. */
  readonly #col: Int32Array;
  /** Date of each unknown. */
  readonly #dateOf: Int32Array;
  readonly #full: PatternSystem;
  readonly #cache = new Map<string, PatternSystem>();
  readonly #cacheMax: number;
  readonly #t: Float64Array;
  readonly #c: Float64Array;
  readonly #h: Float64Array;
  readonly #v: Float64Array;

  /** @throws RangeError for a reference date outside the network. */
  constructor(network: Network, settings: CovarianceSettings, solver: Solver) {
    const N = network.dates.length, K = network.date1.length;
    if (!(Number.isInteger(settings.refIndex) && settings.refIndex >= 0 && settings.refIndex < N)) {
      throw new RangeError(
        `Covariance reference date index ${settings.refIndex} is not in 0..${N - 1}`,
      );
    }
    this.network = network;
    this.#s = settings;
    this.#solver = solver;
    const n = this.#n = N - 1;
    const L = this.#lanes = Math.max(1, Math.floor(settings.lanes ?? 32));
    this.#col = new Int32Array(N).fill(-1);
    this.#dateOf = new Int32Array(n);
    for (let d = 0, c = 0; d < N; d++) {
      if (d === settings.refIndex) continue;
      this.#col[d] = c;
      this.#dateOf[c++] = d;
    }
    this.#t = new Float64Array(n * n * L);
    this.#c = new Float64Array(n * n * L);
    this.#h = new Float64Array(n);
    this.#v = new Float64Array(L);
    this.#cacheMax = Math.max(
      1,
      Math.floor((settings.cacheBytes ?? COVARIANCE_CACHE_BYTES) / (8 * n * n + 4 * K)),
    );
    this.#full = this.#system(Int32Array.from({ length: K }, (_, k) => k));
  }

  /**
   * The covariance of every pixel of `block`, in radians² times `scale`.
   * @param out `N x N x P` float32 (date, date, pixel), overwritten: 0 for skipped pixels,
   *   at the reference date's row and column, and for pixels below the minimum redundancy.
   * @throws RangeError for arrays shorter than the block needs.
   */
  covarianceBlock(block: CovarianceBlock, out: Float32Array): void {
    const net = this.network, K = net.date1.length, N = net.dates.length, P = block.pixels;
    if (block.obs.length < K * P || block.varianceSource.length < K * P) {
      throw new RangeError(`Covariance block needs ${K * P} observations and variances`);
    }
    if (out.length < N * N * P) {
      throw new RangeError(`Covariance output has ${out.length} values, expected ${N * N * P}`);
    }
    out.fill(0, 0, N * N * P);
    this.counts.pixels += P;
    // Valid pattern of each pixel: K bits packed in 16-bit words, built row by row.
    const words = Math.ceil(K / 16);
    const code = new Uint16Array(words * P), nValid = new Int32Array(P);
    const obs = block.obs;
    for (let k = 0; k < K; k++) {
      const o = k * P, w = (k >> 4) * P, bit = 1 << (k & 15);
      for (let p = 0; p < P; p++) {
        const v = obs[o + p]!;
        if (v === v) {
          code[w + p]! |= bit;
          nValid[p]++;
        }
      }
    }
    const full: number[] = [];
    const groups = new Map<string, number[]>();
    const chars: number[] = new Array(words);
    for (let p = 0; p < P; p++) {
      if (nValid[p] === 0 || (block.pixelMask && !block.pixelMask[p])) {
        this.counts.skipped++;
        continue;
      }
      if (nValid[p] === K) {
        full.push(p);
        continue;
      }
      for (let w = 0; w < words; w++) chars[w] = code[w * P + p]!;
      const key = String.fromCharCode(...chars);
      const g = groups.get(key);
      if (g) g.push(p);
      else groups.set(key, [p]);
    }
    if (full.length) this.#group(this.#full, Int32Array.from(full), block, out);
    for (const [key, pixels] of groups) {
      let sys = this.#cache.get(key);
      if (!sys) {
        const list = Int32Array.from(pixels.length ? validObs(block.obs, K, P, pixels[0]!) : []);
        sys = this.#system(list);
        if (this.#cache.size >= this.#cacheMax) this.#cache.clear();
        this.#cache.set(key, sys);
      }
      this.#group(sys, Int32Array.from(pixels), block, out);
    }
  }

  /** The covariance of `pixels`, which share the valid pattern of `sys`. */
  #group(sys: PatternSystem, pixels: Int32Array, block: CovarianceBlock, out: Float32Array): void {
    if (sys.status === 1) {
      this.counts.redundancy += pixels.length;
      return;
    }
    if (sys.connected) this.counts.connected += pixels.length;
    else this.counts.disconnected += pixels.length;
    const net = this.network, N = net.dates.length, n = this.#n, P = block.pixels;
    const col = this.#col, dateOf = this.#dateOf, pm = sys.p, h = this.#h, v = this.#v;
    const src = block.varianceSource, varianceOf = this.#s.varianceOf;
    const scale = this.#s.scale;
    for (let b0 = 0; b0 < pixels.length; b0 += this.#lanes) {
      const Lb = Math.min(this.#lanes, pixels.length - b0);
      const t = this.#t, c = this.#c;
      t.fill(0, 0, n * n * Lb);
      // T = R P = sum over observations k of v_k g_k (P g_k)^T, g_k = e(date2) - e(date1).
      for (let i = 0; i < sys.obs.length; i++) {
        const k = sys.obs[i]!;
        const c1 = col[net.date1[k]!]!, c2 = col[net.date2[k]!]!;
        for (let b = 0; b < n; b++) {
          h[b] = (c2 >= 0 ? pm[c2 * n + b]! : 0) - (c1 >= 0 ? pm[c1 * n + b]! : 0);
        }
        const o = k * P;
        for (let l = 0; l < Lb; l++) v[l] = varianceOf(src[o + pixels[b0 + l]!]!);
        for (let b = 0; b < n; b++) {
          const hb = h[b]!;
          if (hb === 0) continue;
          if (c2 >= 0) {
            const r = (c2 * n + b) * Lb;
            for (let l = 0; l < Lb; l++) t[r + l] += v[l]! * hb;
          }
          if (c1 >= 0) {
            const r = (c1 * n + b) * Lb;
            for (let l = 0; l < Lb; l++) t[r + l] -= v[l]! * hb;
          }
        }
      }
      // cov = P T for the whole batch, lane-fastest like T. cov is symmetric: each band of
      // rows [a0, a1) is multiplied only for the columns b >= a0 (one n x n*Lb product would
      // do twice the work of the upper triangle).
      const ld = n * Lb, band = BAND_ROWS;
      for (let a0 = 0; a0 < n; a0 += band) {
        const m = Math.min(band, n - a0);
        this.#solver.dgemm(
          false,
          false,
          m,
          (n - a0) * Lb,
          n,
          1,
          pm.subarray(a0 * n),
          n,
          t.subarray(a0 * Lb),
          ld,
          0,
          c.subarray(a0 * ld + a0 * Lb),
          ld,
        );
      }
      for (let a = 0; a < n; a++) {
        const da = dateOf[a]!, start = a - (a % band);
        for (let b = 0; b < n; b++) {
          // Below the band's first column: the mirror entry (b, a), computed by b's band.
          const s = b >= start ? (a * n + b) * Lb : (b * n + a) * Lb;
          const d = (da * N + dateOf[b]!) * P;
          for (let l = 0; l < Lb; l++) out[d + pixels[b0 + l]!] = c[s + l]! * scale;
        }
      }
    }
  }

  /** Redundancy, connectivity and `(G^T G)+` of the valid observations `list`. */
  #system(list: Int32Array): PatternSystem {
    const net = this.network, N = net.dates.length, n = this.#n, col = this.#col;
    const count = new Int32Array(N), parent = new Int32Array(N);
    for (let d = 0; d < N; d++) parent[d] = d;
    const find = (x: number): number => {
      while (parent[x] !== x) x = parent[x] = parent[parent[x]!]!;
      return x;
    };
    let groups = N;
    for (const k of list) {
      const d1 = net.date1[k]!, d2 = net.date2[k]!;
      count[d1]++;
      count[d2]++;
      const a = find(d1), b = find(d2);
      if (a !== b) {
        parent[a] = b;
        groups--;
      }
    }
    let minCount = Infinity;
    for (let d = 0; d < N; d++) if (col[d]! >= 0 && count[d]! < minCount) minCount = count[d]!;
    // MintPy compares the count (a float sum) with min_redundancy (a float).
    if (minCount < this.#s.minRedundancy) {
      return { status: 1, connected: groups === 1, obs: list, p: new Float64Array(0) };
    }
    if (groups === 1) {
      const p = laplacianInverse(net, col, n, list);
      if (p) return { status: 0, connected: true, obs: list, p };
    }
    return { status: 0, connected: false, obs: list, p: this.#pinvLaplacian(list) };
  }

  /** `(G^T G)+ = G+ G+^T` from the SVD pseudo-inverse of G (MintPy's `scipy.linalg.pinv`). */
  #pinvLaplacian(list: Int32Array): Float64Array {
    const net = this.network, n = this.#n, col = this.#col, m = list.length;
    const g = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      const k = list[i]!, c1 = col[net.date1[k]!]!, c2 = col[net.date2[k]!]!;
      if (c1 >= 0) g[i * n + c1] = -1;
      if (c2 >= 0) g[i * n + c2] = 1;
    }
    const gp = designPseudoInverse(g, m, n).pinv;
    const p = new Float64Array(n * n);
    this.#solver.dgemm(false, true, n, n, m, 1, gp, m, gp, m, 0, p, n);
    return p;
  }
}

/** Indices of the valid (not NaN) observations of pixel `p`. */
function validObs(obs: Float32Array, K: number, P: number, p: number): number[] {
  const list: number[] = [];
  for (let k = 0; k < K; k++) {
    const v = obs[k * P + p]!;
    if (v === v) list.push(k);
  }
  return list;
}

/**
 * Inverse of the reduced unweighted graph Laplacian `G^T G` of the observations `list` by a
 * dense Cholesky factorization, n x n row-major; null when it is not numerically positive
 * definite (then the SVD decides).
 */
function laplacianInverse(
  net: Network,
  col: Int32Array,
  n: number,
  list: Int32Array,
): Float64Array | null {
  const a = new Float64Array(n * n);
  for (const k of list) {
    const c1 = col[net.date1[k]!]!, c2 = col[net.date2[k]!]!;
    if (c1 >= 0) a[c1 * n + c1] += 1;
    if (c2 >= 0) a[c2 * n + c2] += 1;
    if (c1 >= 0 && c2 >= 0) {
      a[c1 * n + c2] -= 1;
      a[c2 * n + c1] -= 1;
    }
  }
  // Lower Cholesky factor in place (row-major, lower triangle).
  let maxDiag = 0;
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, a[i * n + i]!);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 1e-12 * maxDiag)) return null;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  // W = L^-1 (lower), then P = W^T W.
  const w = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    w[j * n + j] = 1 / a[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s += a[ri + k]! * w[k * n + j]!;
      w[ri + j] = -s / a[ri + i]!;
    }
  }
  const p = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const wki = w[rk + i]!;
      if (wki === 0) continue;
      for (let j = 0; j <= i; j++) p[i * n + j] += wki * w[rk + j]!;
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) p[j * n + i] = p[i * n + j]!;
  return p;
}
