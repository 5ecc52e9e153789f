/**
 * Test support for {@link Solver.rampRowSums} (used by the solver conformance suite and the
 * backends' own tests): random problems, a call with fresh outputs, and the rounding scale of
 * each sum.
 * @module
 */
import type { Solver } from "../solver.ts";

/** The inputs of one `rampRowSums` call. */
export interface RampRowsProblem {
  rows: number;
  width: number;
  data: Float32Array;
  mask: Uint8Array | null;
  maskRows: number;
  sumBasis: Float64Array;
  numSum: number;
  badBasis: Float64Array;
  numBad: number;
}

/**
 * A random deramp chunk: float32 rows with NaN, +-Infinity, zeros and -0, float32
 * subnormals (valid pixels), and a speckled mask of any non-zero byte values.
 * @param wide rows up to 1500 pixels instead of 90 (longer than the wasm binding's slabs).
 */
export function randomRampRows(
  rand: () => number,
  withMask: boolean,
  wide = false,
): RampRowsProblem {
  const width = 1 + Math.floor(rand() * (wide ? 1500 : 90)), maskRows = 1 + Math.floor(rand() * 5);
  const rows = maskRows * (1 + Math.floor(rand() * 4)) + Math.floor(rand() * 3);
  const numSum = 1 + Math.floor(rand() * 9), numBad = 1 + Math.floor(rand() * 10);
  const data = Float32Array.from({ length: rows * width }, () => {
    const r = rand();
    if (r < 0.03) return NaN;
    if (r < 0.04) return rand() < 0.5 ? Infinity : -Infinity;
    if (r < 0.07) return rand() < 0.5 ? 0 : -0;
    if (r < 0.08) return 1e-42; // float32 subnormal: valid
    return 20 * rand() - 10;
  });
  const mask = withMask
    ? Uint8Array.from({ length: maskRows * width }, () => (rand() < 0.7 ? 1 + (rand() * 3 | 0) : 0))
    : null;
  const sumBasis = Float64Array.from({ length: numSum * width }, () => 2 * rand() - 1);
  const badBasis = Float64Array.from({ length: numBad * width }, () => 2 * rand() - 1);
  return { rows, width, data, mask, maskRows, sumBasis, numSum, badBasis, numBad };
}

/** The outputs of one `rampRowSums` call. */
export interface RampRowsResult {
  sums: Float64Array;
  bad: Float64Array;
  badCount: Int32Array;
}

/**
 * Run `kernel` on `p` into fresh outputs pre-filled with NaN / -1 (so gaps show), on a copy
 * of the data made in `place(length)` when given (e.g. a backend's `blockBuffer`).
 */
export function callRampRowSums(
  kernel: Solver["rampRowSums"],
  p: RampRowsProblem,
  place?: (length: number) => Float32Array,
): RampRowsResult {
  let data = p.data;
  if (place) {
    data = place(p.data.length);
    data.set(p.data);
  }
  const sums = new Float64Array(p.rows * p.numSum).fill(NaN);
  const bad = new Float64Array(p.rows * p.numBad).fill(NaN);
  const badCount = new Int32Array(p.rows).fill(-1);
  kernel(
    p.rows,
    p.width,
    data,
    p.mask,
    p.maskRows,
    p.sumBasis,
    p.numSum,
    p.badBasis,
    p.numBad,
    sums,
    bad,
    badCount,
  );
  return { sums, bad, badCount };
}

/**
 * Rounding scale of `sums[i]`: the sum of |basis x value| over the row's finite values (a
 * bound on what reordering the additions can change, relative to the unit roundoff).
 */
export function sumScale(p: RampRowsProblem, i: number): number {
  const row = Math.floor(i / p.numSum), j = i % p.numSum;
  let s = 0;
  for (let c = 0; c < p.width; c++) {
    const d = p.data[row * p.width + c]!;
    if (Number.isFinite(d)) s += Math.abs(p.sumBasis[j * p.width + c]! * d);
  }
  return s;
}
