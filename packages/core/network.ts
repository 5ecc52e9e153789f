/**
 * The network of interferograms as MintPy sees it: the sorted dates, which two dates each
 * interferogram joins, the reference date whose column is removed, the design matrices A
 * (phase) and B (velocity) and the least-squares perpendicular baseline of each date.
 * @module
 */
import { SVD } from "ml-matrix";
import { daysBetween, parseDate } from "./dates.ts";
import { InputError } from "./errors.ts";

/** An interferogram network over N dates and K interferograms. */
export interface Network {
  /** Sorted acquisition dates (the strings of the file, normally `YYYYMMDD`), length N. */
  readonly dates: readonly string[];
  /** Index into `dates` of each interferogram's first (reference) date, length K. */
  readonly date1: Int32Array;
  /** Index into `dates` of each interferogram's second (secondary) date, length K. */
  readonly date2: Int32Array;
  /**
   * The date whose column is removed from A (its phase is fixed at 0). MintPy takes the
   * first date, except for a single-reference network (every interferogram shares its first
   * date), where it is that shared date.
   */
  readonly refIndex: number;
  /** Column of A for each date, -1 for `refIndex`; length N. */
  readonly columnOfDate: Int32Array;
  /** Date of each column of A (dates without `refIndex`, in order); length N - 1. */
  readonly dateOfColumn: Int32Array;
  /** Years since the first date, `days / 365.25` rounded to float32 as MintPy does; length N. */
  readonly tbase: Float32Array;
  /** `tbase[i + 1] - tbase[i]` in float32 (years): the columns of B; length N - 1. */
  readonly tbaseDiff: Float32Array;
}

/**
 * Build the network of the kept interferograms.
 * @param date12 Date pairs `[first, second]` of each kept interferogram (K entries).
 * @throws InputError for an empty network, a malformed date or an interferogram whose two
 *   dates are equal.
 */
export function buildNetwork(date12: ReadonlyArray<readonly [string, string]>): Network {
  if (date12.length === 0) throw new InputError("no interferogram is kept (dropIfgram all False)");
  const dates = [...new Set(date12.flat())].sort();
  const index = new Map(dates.map((d, i) => [d, i]));
  const K = date12.length, N = dates.length;
  const date1 = new Int32Array(K), date2 = new Int32Array(K);
  for (let k = 0; k < K; k++) {
    const [a, b] = date12[k]!;
    if (a === b) throw new InputError(`interferogram ${a}_${b} joins a date to itself`);
    date1[k] = index.get(a)!;
    date2[k] = index.get(b)!;
  }
  const firsts = new Set(date12.map((p) => p[0]));
  const refIndex = firsts.size === 1 ? date1[0]! : 0;
  const columnOfDate = new Int32Array(N).fill(-1);
  const dateOfColumn = new Int32Array(N - 1);
  for (let d = 0, c = 0; d < N; d++) {
    if (d === refIndex) continue;
    columnOfDate[d] = c;
    dateOfColumn[c++] = d;
  }
  const t0 = parseDate(dates[0]!, "ifgramStack date");
  const tbase = new Float32Array(N);
  for (let d = 0; d < N; d++) {
    const days = daysBetween(t0, parseDate(dates[d]!, "ifgramStack date"));
    tbase[d] = days / 365.25;
  }
  const tbaseDiff = new Float32Array(Math.max(0, N - 1));
  for (let i = 0; i + 1 < N; i++) tbaseDiff[i] = tbase[i + 1]! - tbase[i]!;
  return { dates, date1, date2, refIndex, columnOfDate, dateOfColumn, tbase, tbaseDiff };
}

/** Number of interferograms K. */
export function numIfgrams(net: Network): number {
  return net.date1.length;
}

/**
 * Design matrix A for the phase, K x (N - 1) row-major: -1 at the first date's column and +1
 * at the second date's column; the reference date has no column.
 */
export function designMatrixA(net: Network): Float64Array {
  const K = net.date1.length, M = net.dates.length - 1;
  const a = new Float64Array(K * M);
  for (let k = 0; k < K; k++) {
    const c1 = net.columnOfDate[net.date1[k]!]!, c2 = net.columnOfDate[net.date2[k]!]!;
    if (c1 >= 0) a[k * M + c1] = -1;
    if (c2 >= 0) a[k * M + c2] = 1;
  }
  return a;
}

/**
 * Design matrix B for the velocity between consecutive dates, K x (N - 1) row-major:
 * row k holds the time steps (years) spanned by the interferogram, negative when its first
 * date is the later one.
 */
export function designMatrixB(net: Network): Float64Array {
  const K = net.date1.length, M = net.dates.length - 1;
  const b = new Float64Array(K * M);
  for (let k = 0; k < K; k++) {
    const i1 = net.date1[k]!, i2 = net.date2[k]!;
    const lo = Math.min(i1, i2), hi = Math.max(i1, i2), sign = i1 < i2 ? 1 : -1;
    for (let i = lo; i < hi; i++) b[k * M + i] = sign * net.tbaseDiff[i]!;
  }
  return b;
}

/**
 * Connected components of the network restricted to the interferograms with `use[k]`
 * true (all when omitted): a component id per date, 0..count-1.
 */
export function networkComponents(
  net: Network,
  use?: ArrayLike<boolean | number>,
): { component: Int32Array; count: number } {
  const N = net.dates.length;
  const parent = new Int32Array(N);
  for (let i = 0; i < N; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let k = 0; k < net.date1.length; k++) {
    if (use && !use[k]) continue;
    const a = find(net.date1[k]!), b = find(net.date2[k]!);
    if (a !== b) parent[a] = b;
  }
  const component = new Int32Array(N);
  const ids = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    const r = find(i);
    if (!ids.has(r)) ids.set(r, ids.size);
    component[i] = ids.get(r)!;
  }
  return { component, count: ids.size };
}

/**
 * Pseudo-inverse of the dense m x n row-major matrix G through its SVD, ignoring singular
 * values at or below `rcond` times the largest, as LAPACK's gelsd (MintPy's
 * `scipy.linalg.lstsq(G, y, cond=rcond)`) does: `pinv(G) y` is that minimum-norm solution.
 * @returns the n x m row-major pseudo-inverse and the rank kept.
 */
export function pseudoInverse(
  g: Float64Array,
  m: number,
  n: number,
  rcond: number,
): { pinv: Float64Array; rank: number } {
  const pinv = new Float64Array(n * m);
  if (m === 0 || n === 0) return { pinv, rank: 0 };
  const rows: number[][] = [];
  for (let i = 0; i < m; i++) rows.push(Array.from(g.subarray(i * n, (i + 1) * n)));
  const svd = new SVD(rows, { autoTranspose: true });
  const s = svd.diagonal;
  const u = svd.leftSingularVectors, v = svd.rightSingularVectors;
  const cut = rcond * s.reduce((a, b) => Math.max(a, b), 0);
  let rank = 0;
  const ucol = new Float64Array(m);
  for (let j = 0; j < s.length; j++) {
    const sj = s[j]!;
    if (!(sj > cut) || sj === 0) continue;
    rank++;
    for (let i = 0; i < m; i++) ucol[i] = u.get(i, j) / sj;
    for (let r = 0; r < n; r++) {
      const vr = v.get(r, j);
      if (vr === 0) continue;
      const row = r * m;
      for (let i = 0; i < m; i++) pinv[row + i] += vr * ucol[i]!;
    }
  }
  return { pinv, rank };
}

/**
 * Minimum-norm least-squares solution of `G x = y` (G m x n row-major) with relative
 * singular-value cut-off `rcond`; see {@link pseudoInverse}.
 */
export function minNormLstsq(
  g: Float64Array,
  m: number,
  n: number,
  y: ArrayLike<number>,
  rcond: number,
): { x: Float64Array; rank: number } {
  const { pinv, rank } = pseudoInverse(g, m, n, rcond);
  const x = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let acc = 0;
    for (let i = 0; i < m; i++) acc += pinv[r * m + i]! * y[i]!;
    x[r] = acc;
  }
  return { x, rank };
}

/**
 * Perpendicular baseline of each date (first date 0, float32) from the interferograms'
 * baselines: MintPy's least-squares fit on A (`numpy.linalg.lstsq(A, bperp, rcond=None)`,
 * minimum norm when the network is disconnected). Values go to dates in MintPy's order:
 * column c of A fills date c + 1.
 * @param bperpIfgram Baseline of each kept interferogram (m), length K.
 */
export function timeseriesBperp(net: Network, bperpIfgram: ArrayLike<number>): Float32Array {
  const K = net.date1.length, M = net.dates.length - 1;
  const out = new Float32Array(M + 1);
  if (M === 0) return out;
  const { x } = minNormLstsq(
    designMatrixA(net),
    K,
    M,
    bperpIfgram,
    2.220446049250313e-16 * Math.max(K, M),
  );
  for (let c = 0; c < M; c++) out[c + 1] = x[c]!;
  return out;
}
