/**
 * Random problems for `Solver.fitSeriesFloat32`, used by the solver conformance suite and
 * the backends' own tests: a float32 block with more rows than dates fit (dates taken out of
 * order-preserving subsets, a lane range inside wider rows), with or without a reference
 * row, shifts (random, +0 or -0) and a unit scale, NaN, -0 and all-zero pixels, and the
 * residual written nowhere, to a separate array or back into the block.
 * @module
 */
import type { Solver } from "../solver.ts";

/** One problem and where its outputs go. */
export interface FitSeriesProblem {
  n: number;
  p: number;
  lanes: number;
  /** Row stride of the block (>= laneStart + lanes). */
  stride: number;
  laneStart: number;
  data: Float32Array;
  rowOffset: Int32Array;
  refOffset: number;
  shift: Float64Array;
  scale: number;
  pinv: Float64Array;
  design: Float64Array;
  ldParams: number;
  /** "none", "separate" (own array) or "inplace" (into `data`, date k at row k). */
  residual: "none" | "separate" | "inplace";
  /** Factors of the standard deviations, or null. */
  stdScale: Float64Array | null;
}

/** Outputs of one call. */
export interface FitSeriesResult {
  params: Float64Array;
  sums: Float64Array;
  e2: Float64Array;
  /** The standard deviations (all -7 without `stdScale`). */
  std: Float64Array;
  /** The pixels listed as special, with their NaN counts and sums of the other values. */
  special: Int32Array;
  specialNaN: Int32Array;
  specialSum: Float64Array;
  /** The residual array (a copy of `data` for "inplace"), or null. */
  residual: Float32Array | null;
  residualOffset: Int32Array | null;
}

/**
 * A random problem. `design` and `pinv` are independent random matrices unless given
 * (the kernel does not need one to be the other's pseudo-inverse).
 */
export function randomFitSeries(
  rand: () => number,
  opts: { design?: Float64Array; pinv?: Float64Array; n?: number; p?: number } = {},
): FitSeriesProblem {
  const p = opts.p ?? 1 + Math.floor(rand() * 6);
  const n = opts.n ?? p + 1 + Math.floor(rand() * 110);
  const lanes = 1 + Math.floor(rand() * (rand() < 0.2 ? 1500 : 70));
  const laneStart = Math.floor(rand() * 5);
  const stride = laneStart + lanes + Math.floor(rand() * 5);
  const rows = n + 1 + Math.floor(rand() * 4);
  const data = new Float32Array(rows * stride);
  for (let i = 0; i < data.length; i++) data[i] = 0.2 * rand() - 0.1;
  // A few pixels with a NaN date and a few all zero (every row, the reference row too).
  for (let q = 0; q < lanes; q++) {
    const u = rand();
    if (u < 0.05) data[Math.floor(rand() * rows) * stride + laneStart + q] = NaN;
    else if (u < 0.08) { for (let r = 0; r < rows; r++) data[r * stride + laneStart + q] = 0; }
    else if (u < 0.1) data[Math.floor(rand() * rows) * stride + laneStart + q] = -0;
  }
  // n of the rows, in order; the reference is one of the rows, or none.
  // Often the first n (then an in-place residual lands where each date was read from).
  const pick = Array.from({ length: rows }, (_, r) => r);
  const first = rand() < 0.4;
  while (pick.length > n) pick.splice(first ? n : Math.floor(rand() * pick.length), 1);
  const rowOffset = Int32Array.from(pick, (r) => r * stride + laneStart);
  const refOffset = rand() < 0.5 ? Math.floor(rand() * rows) * stride + laneStart : -1;
  // Shifts: random, all +0 (the plain case the kernels may shortcut), or all -0 (which turns
  // a -0 value into +0, so no shortcut).
  const us = rand();
  const shift = us < 0.4
    ? Float64Array.from({ length: n }, () => 0.01 * rand())
    : new Float64Array(n).fill(us < 0.85 ? 0 : -0);
  const scale = rand() < 0.5 ? 1 : 0.001;
  const design = opts.design ?? Float64Array.from({ length: n * p }, () => 2 * rand() - 1);
  const pinv = opts.pinv ?? Float64Array.from({ length: p * n }, () => (2 * rand() - 1) / n);
  const u = rand();
  return {
    n,
    p,
    lanes,
    stride,
    laneStart,
    data,
    rowOffset,
    refOffset,
    shift,
    scale,
    pinv,
    design,
    ldParams: lanes + Math.floor(rand() * 3),
    residual: u < 0.3 ? "none" : u < 0.6 ? "separate" : "inplace",
    stdScale: rand() < 0.5 ? Float64Array.from({ length: p }, () => rand()) : null,
  };
}

/**
 * Run `fit` (a backend's kernel) on a copy of the problem's block, made in `place(length)`
 * when given (e.g. a backend's `blockBuffer`), else in a new array.
 */
export function callFitSeries(
  fit: Solver["fitSeriesFloat32"],
  c: FitSeriesProblem,
  place?: (length: number) => Float32Array,
): FitSeriesResult {
  const data = place ? place(c.data.length) : new Float32Array(c.data.length);
  data.set(c.data);
  const params = new Float64Array(c.p * c.ldParams).fill(-7);
  const sums = new Float64Array(c.lanes).fill(-7), e2 = new Float64Array(c.lanes).fill(-7);
  let residual: Float32Array | null = null, residualOffset: Int32Array | null = null;
  if (c.residual === "separate") {
    residual = new Float32Array(c.n * c.lanes).fill(-7);
    residualOffset = Int32Array.from({ length: c.n }, (_, k) => k * c.lanes);
  } else if (c.residual === "inplace") {
    residual = data;
    residualOffset = Int32Array.from({ length: c.n }, (_, k) => k * c.stride + c.laneStart);
  }
  const std = new Float64Array(c.p * c.ldParams).fill(-7);
  const special = new Int32Array(c.lanes).fill(-7);
  const specialNaN = new Int32Array(c.lanes).fill(-7);
  const specialSum = new Float64Array(c.lanes).fill(-7);
  const count = fit({
    n: c.n,
    p: c.p,
    lanes: c.lanes,
    data,
    rowOffset: c.rowOffset,
    refOffset: c.refOffset,
    shift: c.shift,
    scale: c.scale,
    pinv: c.pinv,
    design: c.design,
    params,
    ldParams: c.ldParams,
    sums,
    e2,
    stdScale: c.stdScale,
    std: c.stdScale ? std : null,
    residual,
    residualOffset,
    special,
    specialNaN,
    specialSum,
  });
  return {
    params,
    sums,
    e2,
    std,
    special: special.slice(0, count),
    specialNaN: specialNaN.slice(0, count),
    specialSum: specialSum.slice(0, count),
    // A copy: `data` may be memory the next call reuses.
    residual: residual === data ? data.slice() : residual,
    residualOffset,
  };
}
