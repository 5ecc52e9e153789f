/**
 * Disconnected valid networks on the sparse path. When a pixel's valid interferograms split
 * its dates into several connected components, MintPy's `lstsq` (SVD, relative cut-off
 * 1e-5) returns the minimum-norm least-squares solution. This module gives that answer
 * without an SVD:
 *
 * 1. Every least-squares solution is one particular solution plus a constant phase on each
 *    floating component (a component without the reference date, whose column is removed):
 *    the reduced Laplacian `A^T W A` is singular along exactly those directions.
 * 2. Adding a positive value to the diagonal of one date of each floating component makes
 *    the matrix positive definite without changing the answer: summing the rows of a
 *    floating component C, the Laplacian's rows and the right-hand side `A^T W y` both sum
 *    to 0, so the grounded date's phase is 0 and the rest is a least-squares solution. The
 *    pattern of L is unchanged (diagonals are always in it), so the network's shared sparse
 *    Cholesky plan solves these pixels with the others, in the same lanes.
 * 3. The minimum-norm solution is that solution projected orthogonally to the null space,
 *    in MintPy's unknowns: the phases of dates without the reference (`--min-norm-phase`):
 *    each floating component gets zero mean; the velocities between consecutive dates (the
 *    default): the null vectors are `z_C[i] = (1_C[i+1] - 1_C[i]) / dt_i` for the components
 *    C without the first date, and `v - Z (Z^T Z)^-1 Z^T v` needs a d x d solve (d floating
 *    components, usually 1).
 *
 * This is the SVD's answer whenever its cut-off removes exactly the components' null space,
 * the same premise as a connected pixel's unique solution.
 * @module
 */
import type { CholeskyAnalysis } from "./cholesky_plan.ts";
import type { Network } from "./network.ts";

/** A pixel's valid network split into components. */
export interface NetworkSplit {
  /** Component id of each date, 0..count-1, length N. */
  readonly component: Int32Array;
  /** Number of components. */
  readonly count: number;
  /**
   * Entries of L's pattern (diagonals) to ground: one date of each component without the
   * reference date.
   */
  readonly ground: Int32Array;
}

/** Redundancy and connectivity of one pixel's valid network. */
export interface LaneNetworkStatus {
  /** Fewest valid interferograms of a date, the reference date excepted. */
  minCount: number;
  /** The components when the valid network is disconnected, else null. */
  split: NetworkSplit | null;
}

/** Union-find over the valid interferograms of one pixel at a time (scratch reused). */
export class LaneComponents {
  readonly #net: Network;
  readonly #plan: CholeskyAnalysis;
  readonly #parent: Int32Array;
  readonly #count: Int32Array;

  /** @param plan The network's Cholesky plan (where each date's diagonal is). */
  constructor(net: Network, plan: CholeskyAnalysis) {
    this.#net = net;
    this.#plan = plan;
    this.#parent = new Int32Array(net.dates.length);
    this.#count = new Int32Array(net.dates.length);
  }

  /**
   * Status of lane `l` of a lane-fastest `use` mask (K x lanes, non-zero = valid), or with
   * `nanMissing` of observations (K x lanes, NaN = missing). The split, when there is one,
   * is freshly allocated (the caller may keep it).
   */
  status(use: ArrayLike<number>, lanes: number, l: number, nanMissing = false): LaneNetworkStatus {
    const net = this.#net, K = net.date1.length, N = net.dates.length;
    const parent = this.#parent, count = this.#count;
    for (let d = 0; d < N; d++) {
      parent[d] = d;
      count[d] = 0;
    }
    let groups = N;
    for (let k = 0; k < K; k++) {
      const u = use[k * lanes + l]!;
      if (nanMissing ? u !== u : !u) continue;
      const d1 = net.date1[k]!, d2 = net.date2[k]!;
      count[d1]++;
      count[d2]++;
      // Union-find with path halving.
      let a = d1, b = d2;
      while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
      while (parent[b] !== b) b = parent[b] = parent[parent[b]!]!;
      if (a !== b) {
        parent[a] = b;
        groups--;
      }
    }
    let minCount = Infinity;
    for (let d = 0; d < N; d++) {
      if (d !== net.refIndex && count[d]! < minCount) minCount = count[d]!;
    }
    return { minCount, split: groups === 1 ? null : this.#split(groups) };
  }

  /** Component labels (in order of first date) and the diagonal entry of each floating one. */
  #split(groups: number): NetworkSplit {
    const net = this.#net, plan = this.#plan, N = net.dates.length, parent = this.#parent;
    const component = new Int32Array(N), idOfRoot = new Int32Array(N).fill(-1);
    const ground = new Int32Array(groups - 1);
    const refRoot = find(parent, net.refIndex);
    let count = 0, g = 0;
    for (let d = 0; d < N; d++) {
      const r = find(parent, d);
      if (idOfRoot[r]! < 0) {
        idOfRoot[r] = count++;
        // The first date of a floating component is grounded (never the reference date).
        if (r !== refRoot) ground[g++] = plan.colPtr[plan.position[net.columnOfDate[d]!]!]!;
      }
      component[d] = idOfRoot[r]!;
    }
    return { component, count, ground };
  }
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
  return a;
}

/**
 * Ground the floating components of lane `lane` of assembled normal equations (`values`,
 * `nnz * lanes` lane-fastest): each grounded diagonal is doubled (scale-free), or set to 1
 * for a date without observations.
 */
export function groundSplitLane(
  split: NetworkSplit,
  values: Float64Array,
  lanes: number,
  lane: number,
): void {
  for (let i = 0; i < split.ground.length; i++) {
    const e = split.ground[i]! * lanes + lane, v = values[e]!;
    values[e] = v > 0 ? 2 * v : 1;
  }
}

/**
 * The minimum-norm time-series of a split pixel from any least-squares solution.
 * @param p Phase of every date (radians), length N: any least-squares solution with 0 at
 *   the reference date; modified.
 * @param ts Output, length N: MintPy's time-series (radians; date 0 first, 0 at date 0):
 *   with `minNormVelocity` the cumulative sum of the minimum-norm velocities times the
 *   time steps, else the minimum-norm phases of the columns (dates without the reference).
 */
export function minNormSeries(
  net: Network,
  split: Pick<NetworkSplit, "component" | "count">,
  minNormVelocity: boolean,
  p: Float64Array,
  ts: Float64Array,
): void {
  if (minNormVelocity) minNormVelocitySeries(net, split, p, ts);
  else minNormPhaseSeries(net, split, p, ts);
}

/** Minimum-norm phase: every component without the reference date gets zero mean. */
function minNormPhaseSeries(
  net: Network,
  { component, count }: Pick<NetworkSplit, "component" | "count">,
  p: Float64Array,
  ts: Float64Array,
): void {
  const N = net.dates.length, refComp = component[net.refIndex]!;
  const sum = new Float64Array(count), num = new Float64Array(count);
  for (let d = 0; d < N; d++) {
    sum[component[d]!] += p[d]!;
    num[component[d]!]++;
  }
  for (let d = 0; d < N; d++) {
    const c = component[d]!;
    if (c !== refComp) p[d] = p[d]! - sum[c]! / num[c]!;
  }
  // MintPy writes the solution's columns (dates without the reference) after date 0.
  ts[0] = 0;
  for (let c = 0; c < N - 1; c++) ts[c + 1] = p[net.dateOfColumn[c]!]!;
}

/**
 * Minimum-norm velocity: remove from v (velocities between consecutive dates) its
 * projection on the null vectors z_C of the components C without date 0.
 */
function minNormVelocitySeries(
  net: Network,
  { component, count }: Pick<NetworkSplit, "component" | "count">,
  p: Float64Array,
  ts: Float64Array,
): void {
  const N = net.dates.length, M = N - 1, dt = net.tbaseDiff;
  const v = new Float64Array(M);
  for (let i = 0; i < M; i++) v[i] = (p[i + 1]! - p[i]!) / dt[i]!;
  const slot = new Int32Array(count).fill(-1);
  let d = 0;
  for (let c = 0; c < count; c++) if (c !== component[0]) slot[c] = d++;
  if (d > 0) {
    // z_C is non-zero only where the component changes between consecutive dates.
    const z = new Float64Array(d * M);
    for (let i = 0; i < M; i++) {
      const a = slot[component[i]!]!, b = slot[component[i + 1]!]!;
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
    // Z has full column rank (each z_C is non-zero where C starts or ends): Z^T Z is SPD.
    if (denseCholeskyFactor(g, d)) {
      denseCholeskySolve(g, d, r);
      for (let a = 0; a < d; a++) for (let i = 0; i < M; i++) v[i] -= z[a * M + i]! * r[a]!;
    }
  }
  ts[0] = 0;
  for (let i = 0; i < M; i++) ts[i + 1] = ts[i]! + v[i]! * dt[i]!;
}

/**
 * In-place dense Cholesky of the lower triangle of an m x m row-major SPD matrix.
 * @returns false when it is not numerically positive definite.
 */
export function denseCholeskyFactor(a: Float64Array, m: number): boolean {
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

/** Solve `L L^T x = b` in place with the factor of {@link denseCholeskyFactor}. */
export function denseCholeskySolve(l: Float64Array, m: number, b: Float64Array): void {
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
