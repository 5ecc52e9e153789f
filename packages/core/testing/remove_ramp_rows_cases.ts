/**
 * Random problems for `Solver.removeRampRows`, used by the solver conformance suite and the
 * backends' own tests: rows of float32 values with NaN, zeros of both signs and infinities,
 * per-row coefficients, a column axis, and a mask that is absent, or whose rows wrap around
 * from an offset.
 * @module
 */
import type { Solver } from "../solver.ts";

/** One problem. */
export interface RemoveRampProblem {
  rows: number;
  width: number;
  data: Float32Array;
  coeffs: Float64Array;
  u: Float64Array;
  mask: Uint8Array | null;
  maskRows: number;
  maskRow0: number;
}

/** A random problem. */
export function randomRemoveRamp(rand: () => number, masked: boolean): RemoveRampProblem {
  const rows = 1 + Math.floor(rand() * 30), width = 1 + Math.floor(rand() * 90);
  const data = Float32Array.from({ length: rows * width }, () => {
    const v = rand();
    if (v < 0.05) return NaN;
    if (v < 0.08) return 0;
    if (v < 0.1) return -0;
    if (v < 0.11) return Infinity;
    return 20 * rand() - 10;
  });
  const coeffs = Float64Array.from({ length: 3 * rows }, () => 4 * rand() - 2);
  const u = Float64Array.from({ length: width }, (_, c) => (2 * c) / Math.max(1, width - 1) - 1);
  const maskRows = 1 + Math.floor(rand() * rows * 1.5);
  const mask = masked
    ? Uint8Array.from({ length: maskRows * width }, () => (rand() < 0.7 ? 1 : 0))
    : null;
  return { rows, width, data, coeffs, u, mask, maskRows, maskRow0: Math.floor(rand() * maskRows) };
}

/** The outputs of one `removeRampRows` call. */
export interface RemoveRampResult {
  /** A copy of the data after the call. */
  data: Float32Array;
  sumSq: Float64Array;
  count: Float64Array;
}

/**
 * Run `kernel` on a copy of the problem's data (made in `place(length)` when given, e.g. a
 * backend's `blockBuffer`): the new data and the per-row sums.
 */
export function callRemoveRamp(
  kernel: Solver["removeRampRows"],
  p: RemoveRampProblem,
  place?: (length: number) => Float32Array,
): RemoveRampResult {
  const data = place ? place(p.data.length) : new Float32Array(p.data.length);
  data.set(p.data);
  const sumSq = new Float64Array(p.rows).fill(-7), count = new Float64Array(p.rows).fill(-7);
  kernel(p.rows, p.width, data, p.coeffs, p.u, p.mask, p.maskRows, p.maskRow0, sumSq, count);
  // A copy: `data` may be memory the next call reuses.
  return { data: data.slice(), sumSq, count };
}
