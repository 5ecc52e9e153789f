/**
 * The path of the network inversion for the rare pixel whose valid network is
 * disconnected (or whose batched factorization failed): MintPy's minimum-norm least-squares
 * answer (`scipy.linalg.lstsq` of `B*w` for the minimum-norm velocity, `A*w` for the
 * minimum-norm phase) computed from the structure of the network instead of an SVD.
 *
 * The least-squares solutions differ by a constant phase on each connected component of
 * the valid network (the null space of A); fixing one date per component gives a positive
 * definite weighted Laplacian, solved by a dense Cholesky. The minimum-norm solution is
 * that particular solution projected orthogonally to the null space: in phase, each
 * floating component gets zero mean; in velocity, the null vectors are `T^-1 1_C` (T the
 * cumulative sum of velocity times time step), a small d x d projection. This is exactly
 * the SVD answer whenever the only tiny singular values are the components' (the rcond
 * cut-off of 1e-5 removes exactly those), at a fraction of the cost.
 * @module
 */
import { type InversionQuality, unweightedResidualUndefined } from "./inversion_residual.ts";
import { designMatrixA, designMatrixB, type Network, pseudoInverse } from "./network.ts";

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
    choleskySolve(chol, m, x);
    const p = new Float64Array(N);
    for (let d = 0; d < N; d++) if (unknown[d]! >= 0) p[d] = x[unknown[d]!]!;

    const quality = this.#qualityOf(obsIdx, nv, y, p, sqrtW === null, prep.count === 1);
    if (this.#minNormVelocity) this.#minNormVelocityTs(prep, p, ts);
    else this.#minNormPhaseTs(prep, p, ts);
    return quality;
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
    if (!choleskyFactor(chol, m)) return null;
    return { unknown, chol, m, component, count };
  }

  /** Minimum-norm phase: every component without the reference date gets zero mean. */
  #minNormPhaseTs(prep: Prepared, p: Float64Array, ts: Float64Array): void {
    const net = this.#net, N = net.dates.length, refComp = prep.component[net.refIndex]!;
    const sum = new Float64Array(prep.count), num = new Float64Array(prep.count);
    for (let d = 0; d < N; d++) {
      sum[prep.component[d]!] += p[d]!;
      num[prep.component[d]!]++;
    }
    for (let d = 0; d < N; d++) {
      const c = prep.component[d]!;
      if (c !== refComp) p[d] = p[d]! - sum[c]! / num[c]!;
    }
    // MintPy writes the solution's columns (dates without the reference) after date 0.
    ts[0] = 0;
    for (let c = 0; c < N - 1; c++) ts[c + 1] = p[net.dateOfColumn[c]!]!;
  }

  /**
   * Minimum-norm velocity: remove from v (velocities between consecutive dates) its
   * projection on the null vectors z_C = T^-1 1_C of the components C without date 0.
   */
  #minNormVelocityTs(prep: Prepared, p: Float64Array, ts: Float64Array): void {
    const net = this.#net, N = net.dates.length, M = N - 1, dt = net.tbaseDiff;
    const v = new Float64Array(M);
    for (let i = 0; i < M; i++) v[i] = (p[i + 1]! - p[i]!) / dt[i]!;
    const comps: number[] = [];
    for (let c = 0; c < prep.count; c++) if (c !== prep.component[0]) comps.push(c);
    const d = comps.length;
    if (d > 0) {
      const slot = new Int32Array(prep.count).fill(-1);
      comps.forEach((c, j) => (slot[c] = j));
      // z_C[i] = (1_C[i+1] - 1_C[i]) / dt_i: non-zero only where the component changes.
      const z = new Float64Array(d * M);
      for (let i = 0; i < M; i++) {
        const a = slot[prep.component[i]!]!, b = slot[prep.component[i + 1]!]!;
        if (b >= 0) z[b * M + i] += 1 / dt[i]!;
        if (a >= 0) z[a * M + i] -= 1 / dt[i]!;
      }
      const g = new Float64Array(d * d), r = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        for (let i = 0; i < M; i++) r[a] += z[a * M + i]! * v[i]!;
        for (let b = 0; b <= a; b++) {
          let s = 0;
          for (let i = 0; i < M; i++) s += z[a * M + i]! * z[b * M + i]!;
          g[a * d + b] = s;
        }
      }
      if (choleskyFactor(g, d)) {
        choleskySolve(g, d, r);
        for (let a = 0; a < d; a++) for (let i = 0; i < M; i++) v[i] -= z[a * M + i]! * r[a]!;
      }
    }
    ts[0] = 0;
    for (let i = 0; i < M; i++) ts[i + 1] = ts[i]! + v[i]! * dt[i]!;
  }
}

/** In-place dense Cholesky of the lower triangle of an m x m row-major SPD matrix. */
function choleskyFactor(a: Float64Array, m: number): boolean {
  for (let j = 0; j < m; j++) {
    let djj = a[j * m + j]!;
    for (let k = 0; k < j; k++) djj -= a[j * m + k]! * a[j * m + k]!;
    if (!(djj > 0)) return false;
    const ljj = Math.sqrt(djj);
    a[j * m + j] = ljj;
    for (let i = j + 1; i < m; i++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= a[i * m + k]! * a[j * m + k]!;
      a[i * m + j] = s / ljj;
    }
  }
  return true;
}

/** Solve `L L^T x = b` in place with the factor of {@link choleskyFactor}. */
function choleskySolve(l: Float64Array, m: number, b: Float64Array): void {
  for (let i = 0; i < m; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * b[k]!;
    b[i] = s / l[i * m + i]!;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * b[k]!;
    b[i] = s / l[i * m + i]!;
  }
}
