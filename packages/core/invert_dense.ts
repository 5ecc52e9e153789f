/**
 * The fallback of the network inversion for the rare pixel whose batched sparse
 * factorization failed numerically (the matrix is not positive definite in floating point),
 * one pixel at a time: MintPy's minimum-norm least-squares answer (`scipy.linalg.lstsq` of
 * `B*w` for the minimum-norm velocity, `A*w` for the minimum-norm phase). Disconnected
 * pixels normally never come here: the batched path grounds their floating components
 * (`_network_components.ts`).
 *
 * The least-squares solutions differ by a constant phase on each connected component of
 * the valid network (the null space of A); fixing one date per component gives a positive
 * definite weighted Laplacian, solved by a dense Cholesky, then projected orthogonally to
 * the null space (`minNormSeries`). When that dense Cholesky fails too, the pixel is solved
 * as MintPy does, by an SVD with the relative cut-off.
 * @module
 */
import { type InversionQuality, unweightedResidualUndefined } from "./inversion_residual.ts";
import { designMatrixA, designMatrixB, type Network, pseudoInverse } from "./network.ts";
import type { InversionResult, InversionSettings } from "./invert_types.ts";
import { denseCholeskyFactor, denseCholeskySolve, minNormSeries } from "./_network_components.ts";

/** Largest number of cached factorizations of the unweighted path. */
const MAX_CACHE = 1024;

/** A factorized system for one pattern of valid observations (and weights). */
interface Prepared {
  /** Unknown index of each date, -1 for the fixed dates (one per component). */
  unknown: Int32Array;
  /** Dense lower Cholesky factor of the grounded Laplacian, m x m row-major. */
  chol: Float64Array;
  m: number;
  /** Component id of each date and the number of components. */
  component: Int32Array;
  count: number;
}

/** Solves one pixel at a time. */
export class DenseNetworkSolver {
  readonly #net: Network;
  readonly #minNormVelocity: boolean;
  readonly #rcond: number;
  readonly #quality: InversionQuality;
  readonly #cache = new Map<string, Prepared | null>();
  #design: Float64Array | null = null;
  /** Pixels solved through the SVD because the structured solve failed. */
  svdFallbacks = 0;

  /**
   * @param net The network.
   * @param minNormVelocity Minimum norm on the velocity (MintPy's default) or on the phase.
   * @param rcond Relative singular-value cut-off of the SVD fallback (MintPy: 1e-5).
   * @param quality What {@link solve} returns: the temporal coherence (phase) or the
   *   residual norm (offsets).
   */
  constructor(
    net: Network,
    minNormVelocity: boolean,
    rcond = 1e-5,
    quality: InversionQuality = "temporalCoherence",
  ) {
    this.#net = net;
    this.#minNormVelocity = minNormVelocity;
    this.#rcond = rcond;
    this.#quality = quality;
  }

  /**
   * Invert one pixel.
   * @param obsIdx Indices of the pixel's valid observations (first `nv` entries used).
   * @param nv Number of valid observations.
   * @param y Their values (radians), length >= nv.
   * @param sqrtW Their square-root weights, or null for the unweighted inversion (whose
   *   factorizations are cached by observation pattern).
   * @param ts Output, length N: the time-series in MintPy's order (radians; date 0 first).
   * @returns the temporal coherence of the unweighted residuals, or with quality
   *   `residual` their Euclidean norm (NaN for an unweighted pixel whose valid network is
   *   disconnected or has no more observations than unknowns, as MintPy's lstsq residues).
   */
  solve(
    obsIdx: Int32Array,
    nv: number,
    y: Float64Array,
    sqrtW: Float64Array | null,
    ts: Float64Array,
  ): number {
    const net = this.#net, N = net.dates.length;
    let prep: Prepared | null;
    if (sqrtW === null) {
      const key = Array.prototype.join.call(obsIdx.subarray(0, nv), ",");
      if (this.#cache.has(key)) prep = this.#cache.get(key)!;
      else {
        prep = this.#prepare(obsIdx, nv, null);
        if (this.#cache.size >= MAX_CACHE) this.#cache.clear();
        this.#cache.set(key, prep);
      }
    } else prep = this.#prepare(obsIdx, nv, sqrtW);
    if (!prep) return this.#svd(obsIdx, nv, y, sqrtW, ts);

    // Right-hand side A^T W y on the unknowns, then the two triangular solves.
    const { unknown, chol, m } = prep;
    const x = new Float64Array(m);
    for (let i = 0; i < nv; i++) {
      const k = obsIdx[i]!, w = sqrtW ? sqrtW[i]! * sqrtW[i]! : 1;
      const u1 = unknown[net.date1[k]!]!, u2 = unknown[net.date2[k]!]!;
      if (u1 >= 0) x[u1] -= w * y[i]!;
      if (u2 >= 0) x[u2] += w * y[i]!;
    }
    denseCholeskySolve(chol, m, x);
    const p = new Float64Array(N);
    for (let d = 0; d < N; d++) if (unknown[d]! >= 0) p[d] = x[unknown[d]!]!;

    const quality = this.#qualityOf(obsIdx, nv, y, p, sqrtW === null, prep.count === 1);
    minNormSeries(net, prep, this.#minNormVelocity, p, ts);
    return quality;
  }

  /**
   * Invert pixel `p` of a prepared block (K x P observations, NaN where not used) into the
   * block's outputs, scaled by `settings.phaseToRange`.
   */
  solveBlockPixel(
    phase: Float32Array,
    coherence: Float32Array | null,
    P: number,
    p: number,
    settings: Pick<InversionSettings, "weights" | "phaseToRange">,
    out: InversionResult,
  ): void {
    const K = this.#net.date1.length, N = this.#net.dates.length;
    const obsIdx = new Int32Array(K), y = new Float64Array(K);
    const sw = coherence ? new Float64Array(K) : null;
    let nv = 0;
    for (let k = 0; k < K; k++) {
      const v = phase[k * P + p]!;
      if (v !== v) continue;
      obsIdx[nv] = k;
      y[nv] = v;
      if (sw) sw[nv] = settings.weights.sqrtWeight(coherence![k * P + p]!);
      nv++;
    }
    const ts = new Float64Array(N);
    const tcoh = this.solve(obsIdx, nv, y, sw, ts);
    const scale = Math.fround(settings.phaseToRange);
    for (let d = 0; d < N; d++) out.ts[d * P + p] = Math.fround(Math.fround(ts[d]!) * scale);
    out.temporalCoherence[p] = tcoh;
    out.numInvObs[p] = nv;
  }

  /**
   * The quality of a solution `p` (value of every date): temporal coherence or residual
   * norm of the unweighted residuals.
   */
  #qualityOf(
    obsIdx: Int32Array,
    nv: number,
    y: Float64Array,
    p: Float64Array,
    unweighted: boolean,
    fullRank: boolean,
  ): number {
    const net = this.#net;
    if (this.#quality === "residual") {
      if (unweighted && unweightedResidualUndefined(nv, net.dates.length, fullRank)) return NaN;
      let s = 0;
      for (let i = 0; i < nv; i++) {
        const k = obsIdx[i]!;
        const e = y[i]! - (p[net.date2[k]!]! - p[net.date1[k]!]!);
        s += e * e;
      }
      return Math.sqrt(s);
    }
    let sc = 0, ss = 0;
    for (let i = 0; i < nv; i++) {
      const k = obsIdx[i]!;
      const e = y[i]! - (p[net.date2[k]!]! - p[net.date1[k]!]!);
      sc += Math.cos(e);
      ss += Math.sin(e);
    }
    return nv > 0 ? Math.hypot(sc, ss) / nv : 0;
  }

  /**
   * MintPy's computation itself, `lstsq(G*w, y*w)` by SVD with the relative cut-off: the
   * fallback when the grounded Laplacian is not numerically positive definite.
   */
  #svd(
    obsIdx: Int32Array,
    nv: number,
    y: Float64Array,
    sqrtW: Float64Array | null,
    ts: Float64Array,
  ): number {
    this.svdFallbacks++;
    const net = this.#net, N = net.dates.length, M = N - 1;
    this.#design ??= this.#minNormVelocity ? designMatrixB(net) : designMatrixA(net);
    const g = new Float64Array(nv * M), yw = new Float64Array(nv);
    for (let i = 0; i < nv; i++) {
      const w = sqrtW ? sqrtW[i]! : 1;
      for (let c = 0; c < M; c++) g[i * M + c] = this.#design[obsIdx[i]! * M + c]! * w;
      yw[i] = y[i]! * w;
    }
    const { pinv, rank } = pseudoInverse(g, nv, M, this.#rcond);
    const x = new Float64Array(M);
    for (let r = 0; r < M; r++) {
      let acc = 0;
      for (let i = 0; i < nv; i++) acc += pinv[r * nv + i]! * yw[i]!;
      x[r] = acc;
    }
    const p = new Float64Array(N);
    ts[0] = 0;
    if (this.#minNormVelocity) {
      for (let i = 0; i < M; i++) ts[i + 1] = ts[i]! + x[i]! * net.tbaseDiff[i]!;
      p.set(ts);
    } else {
      for (let c = 0; c < M; c++) {
        ts[c + 1] = x[c]!;
        p[net.dateOfColumn[c]!] = x[c]!;
      }
    }
    return this.#qualityOf(obsIdx, nv, y, p, sqrtW === null, rank === M);
  }

  /** Components, fixed dates and the Cholesky factor of the grounded weighted Laplacian. */
  #prepare(obsIdx: Int32Array, nv: number, sqrtW: Float64Array | null): Prepared | null {
    const net = this.#net, N = net.dates.length;
    const parent = new Int32Array(N);
    for (let d = 0; d < N; d++) parent[d] = d;
    const find = (a: number): number => {
      while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
      return a;
    };
    for (let i = 0; i < nv; i++) {
      const k = obsIdx[i]!;
      const a = find(net.date1[k]!), b = find(net.date2[k]!);
      if (a !== b) parent[a] = b;
    }
    const component = new Int32Array(N), ids = new Map<number, number>();
    for (let d = 0; d < N; d++) {
      const r = find(d);
      if (!ids.has(r)) ids.set(r, ids.size);
      component[d] = ids.get(r)!;
    }
    const count = ids.size;
    // Fix the reference date in its component and the first date of every other one.
    const fixed = new Int32Array(count).fill(-1);
    fixed[component[net.refIndex]!] = net.refIndex;
    for (let d = 0; d < N; d++) if (fixed[component[d]!]! < 0) fixed[component[d]!] = d;
    const unknown = new Int32Array(N);
    let m = 0;
    for (let d = 0; d < N; d++) unknown[d] = fixed[component[d]!] === d ? -1 : m++;
    const chol = new Float64Array(m * m);
    for (let i = 0; i < nv; i++) {
      const k = obsIdx[i]!, w = sqrtW ? sqrtW[i]! * sqrtW[i]! : 1;
      const u1 = unknown[net.date1[k]!]!, u2 = unknown[net.date2[k]!]!;
      if (u1 >= 0) chol[u1 * m + u1] += w;
      if (u2 >= 0) chol[u2 * m + u2] += w;
      if (u1 >= 0 && u2 >= 0) {
        chol[Math.max(u1, u2) * m + Math.min(u1, u2)] -= w;
      }
    }
    if (!denseCholeskyFactor(chol, m)) return null;
    return { unknown, chol, m, component, count };
  }
}
