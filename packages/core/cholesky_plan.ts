/**
 * Symbolic sparse Cholesky analysis for a symmetric positive definite matrix with a known
 * pattern (a network's reduced graph Laplacian): a minimum-degree elimination order, the
 * pattern of L with its fill-in, and the left-looking update schedule the numeric kernel
 * replays for every pixel lane. Done once per network, shared by all pixels.
 * @module
 */
import type { CholeskyPlan } from "./solver.ts";

/**
 * Build the adjacency sets of an n-node graph from `edges` (pairs `[a0, b0, a1, b1, ...]`;
 * self-loops and duplicates are ignored).
 */
function adjacency(n: number, edges: ArrayLike<number>): Set<number>[] {
  const adj: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  for (let e = 0; e + 1 < edges.length; e += 2) {
    const a = edges[e]!, b = edges[e + 1]!;
    if (a === b) continue;
    if (a < 0 || b < 0 || a >= n || b >= n) {
      throw new RangeError(`Edge (${a}, ${b}) is outside 0..${n - 1}`);
    }
    adj[a]!.add(b);
    adj[b]!.add(a);
  }
  return adj;
}

/**
 * Simulate the elimination of the graph's nodes, in `order` when given, else choosing at
 * each step the node of minimum current degree (lowest index on ties): the exact minimum
 * degree ordering on the elimination graph. Returns the order and, for each step, the
 * neighbours (original node ids) the eliminated node still had, which is column k of L.
 */
function eliminate(
  n: number,
  adj: Set<number>[],
  order?: ArrayLike<number>,
): { perm: Int32Array; neighbours: number[][] } {
  const alive = new Uint8Array(n).fill(1);
  const perm = new Int32Array(n);
  const neighbours: number[][] = [];
  for (let k = 0; k < n; k++) {
    let v = -1;
    if (order) v = order[k]!;
    else {
      let best = Infinity;
      for (let i = 0; i < n; i++) {
        if (alive[i] && adj[i]!.size < best) {
          best = adj[i]!.size;
          v = i;
        }
      }
    }
    if (v < 0 || !alive[v]) throw new RangeError(`Order is not a permutation of 0..${n - 1}`);
    alive[v] = 0;
    perm[k] = v;
    const nb = [...adj[v]!];
    neighbours.push(nb);
    for (const a of nb) adj[a]!.delete(v);
    // The eliminated node's neighbours become a clique: this is the fill-in.
    for (let i = 0; i < nb.length; i++) {
      const ai = adj[nb[i]!]!;
      for (let j = i + 1; j < nb.length; j++) {
        if (!ai.has(nb[j]!)) {
          ai.add(nb[j]!);
          adj[nb[j]!]!.add(nb[i]!);
        }
      }
    }
    adj[v]!.clear();
  }
  return { perm, neighbours };
}

/**
 * Minimum-degree elimination order of an n-node graph.
 * @param edges Node pairs `[a0, b0, a1, b1, ...]` (off-diagonal non-zeros of the matrix).
 * @returns `perm[k]` = node eliminated at step k.
 */
export function minimumDegreeOrder(n: number, edges: ArrayLike<number>): Int32Array {
  return eliminate(n, adjacency(n, edges)).perm;
}

/** Most word operations {@link minimumFillOrder} spends before giving up. */
const MIN_FILL_BUDGET = 1.5e7;

/**
 * Minimum-fill (minimum deficiency) elimination order: at each step the node whose
 * elimination adds the fewest fill-in edges (then the lowest degree, then the lowest index).
 * Often 10-20% fewer updates than minimum degree on interferogram networks; it costs more to
 * find, so `null` when the graph is too large for {@link MIN_FILL_BUDGET} word operations.
 * @param edges Node pairs `[a0, b0, a1, b1, ...]`.
 */
export function minimumFillOrder(n: number, edges: ArrayLike<number>): Int32Array | null {
  const words = Math.max(1, Math.ceil(n / 32));
  const adj = adjacency(n, edges);
  // Rough cost: every step looks at every live node's neighbours' bitsets.
  let degreeSum = 0;
  for (const a of adj) degreeSum += a.size;
  if (n * (degreeSum + n) * words > MIN_FILL_BUDGET) return null;
  const bits = new Uint32Array(n * words);
  const setBit = (a: number, b: number) => (bits[a * words + (b >>> 5)]! |= 1 << (b & 31));
  for (let a = 0; a < n; a++) for (const b of adj[a]!) setBit(a, b);
  const alive = new Uint8Array(n).fill(1);
  const order = new Int32Array(n);
  let spent = 0;
  for (let k = 0; k < n; k++) {
    let best = -1, bestFill = Infinity, bestDeg = Infinity;
    for (let v = 0; v < n; v++) {
      if (!alive[v]) continue;
      const deg = adj[v]!.size;
      // Pairs of neighbours not yet adjacent: sum over u of |N(v) \ N(u) \ {u}|, halved.
      let missing = 0;
      for (const u of adj[v]!) {
        for (let w = 0; w < words; w++) {
          let x = bits[v * words + w]! & ~bits[u * words + w]!;
          if (w === u >>> 5) x &= ~(1 << (u & 31));
          missing += popcount(x);
        }
      }
      spent += deg * words;
      const fill = missing / 2;
      if (fill < bestFill || (fill === bestFill && deg < bestDeg)) {
        best = v;
        bestFill = fill;
        bestDeg = deg;
      }
    }
    if (spent > MIN_FILL_BUDGET) return null;
    order[k] = best;
    alive[best] = 0;
    const nb = [...adj[best]!];
    for (const a of nb) {
      adj[a]!.delete(best);
      bits[a * words + (best >>> 5)]! &= ~(1 << (best & 31));
    }
    for (let i = 0; i < nb.length; i++) {
      for (let j = i + 1; j < nb.length; j++) {
        const a = nb[i]!, b = nb[j]!;
        if (!adj[a]!.has(b)) {
          adj[a]!.add(b);
          adj[b]!.add(a);
          setBit(a, b);
          setBit(b, a);
        }
      }
    }
    adj[best]!.clear();
  }
  return order;
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A {@link CholeskyPlan} plus the entry lookup used to scatter a matrix into it. */
export interface CholeskyAnalysis extends CholeskyPlan {
  /** Elimination position of each original unknown (inverse of `perm`). */
  readonly position: Int32Array;
  /** Total multiply-subtracts of one numeric factorization (the schedule length). */
  readonly updates: number;
  /**
   * Entry index in L of the lower-triangle element at elimination positions (row, col),
   * row >= col, or -1 when it is outside the pattern.
   */
  entry(row: number, col: number): number;
}

/**
 * Symbolic analysis for an n x n SPD matrix whose off-diagonal non-zeros are `edges`.
 * @param edges Unknown pairs `[a0, b0, ...]` in original numbering.
 * @param order Elimination order (`perm`); when omitted, minimum degree or minimum fill,
 *   whichever needs fewer updates (the numeric factorization replayed for every pixel is
 *   what counts; either order is exact).
 */
export function planCholesky(
  n: number,
  edges: ArrayLike<number>,
  order?: ArrayLike<number>,
): CholeskyAnalysis {
  if (order) return analyse(n, edges, order);
  const byDegree = analyse(n, edges);
  const fillOrder = minimumFillOrder(n, edges);
  if (!fillOrder) return byDegree;
  const byFill = analyse(n, edges, fillOrder);
  return byFill.updates < byDegree.updates ? byFill : byDegree;
}

function analyse(n: number, edges: ArrayLike<number>, order?: ArrayLike<number>): CholeskyAnalysis {
  const { perm, neighbours } = eliminate(n, adjacency(n, edges), order);
  const position = new Int32Array(n);
  for (let k = 0; k < n; k++) position[perm[k]!] = k;

  // Column k of L: its diagonal, then the (later) positions of its neighbours, ascending.
  const colPtr = new Int32Array(n + 1);
  const rows: number[] = [];
  const colRows: number[][] = [];
  for (let k = 0; k < n; k++) {
    const r = neighbours[k]!.map((v) => position[v]!).sort((a, b) => a - b);
    colRows.push(r);
    colPtr[k] = rows.length;
    rows.push(k, ...r);
  }
  colPtr[n] = rows.length;
  const nnz = rows.length;
  const rowIdx = Int32Array.from(rows);

  const lookup = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    for (let e = colPtr[k]!; e < colPtr[k + 1]!; e++) lookup.set(rowIdx[e]! * n + k, e);
  }
  const entry = (row: number, col: number): number => lookup.get(row * n + col) ?? -1;

  // Row structure: the earlier columns k with L[j, k] != 0, for the left-looking updates
  // L[i, j] -= L[i, k] * L[j, k] over the entries i >= j of column k.
  const rowCols: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < n; k++) for (const r of colRows[k]!) rowCols[r]!.push(k);
  // Column j's updates are grouped by target, each target's in increasing k: a stable
  // regrouping, so every entry sees the same subtractions in the same order as the
  // k-by-k schedule, and a kernel can keep a target in a register over its run.
  const updPtr = new Int32Array(n + 1), runPtr = new Int32Array(n + 1);
  const target: number[] = [], ua: number[] = [], ub: number[] = [], runStart: number[] = [];
  for (let j = 0; j < n; j++) {
    updPtr[j] = target.length;
    runPtr[j] = runStart.length;
    const byTarget = new Map<number, number[]>();
    for (const k of rowCols[j]!) {
      const ejk = entry(j, k);
      for (let e = ejk; e < colPtr[k + 1]!; e++) {
        const t = entry(rowIdx[e]!, j);
        if (t < 0) throw new Error("Cholesky pattern misses a fill-in entry (internal error)");
        let run = byTarget.get(t);
        if (!run) byTarget.set(t, run = []);
        run.push(e, ejk);
      }
    }
    for (const t of [...byTarget.keys()].sort((a, b) => a - b)) {
      runStart.push(target.length);
      const run = byTarget.get(t)!;
      for (let i = 0; i < run.length; i += 2) {
        target.push(t);
        ua.push(run[i]!);
        ub.push(run[i + 1]!);
      }
    }
  }
  updPtr[n] = target.length;
  runPtr[n] = runStart.length;
  runStart.push(target.length);
  return {
    n,
    perm,
    position,
    colPtr,
    rowIdx,
    nnz,
    updPtr,
    updTarget: Int32Array.from(target),
    updA: Int32Array.from(ua),
    updB: Int32Array.from(ub),
    runPtr,
    runStart: Int32Array.from(runStart),
    updates: target.length,
    entry,
  };
}
