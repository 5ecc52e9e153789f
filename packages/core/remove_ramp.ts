/**
 * Pass 2 of deramping (see deramp.ts): subtract every date's fitted ramp from a row block.
 * @module
 */
import { rampAxisScale, type RampFit, rampTerms } from "./deramp.ts";
import type { Solver } from "./solver.ts";

/**
 * The ramp of every date along each row of `[row0, row0 + rows)`, as a polynomial in the
 * scaled column `u`: `(numDates * rows) x 3` coefficients `c0 + u c1 + u^2 c2`, the reference
 * offset included in `c0`.
 */
export function rampRowCoefficients(fit: RampFit, row0: number, rows: number): Float64Array {
  const K = fit.numDates, terms = rampTerms(fit.ramp), P = terms.length;
  const ys = rampAxisScale(fit.length);
  const out = new Float64Array(K * rows * 3);
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < rows; r++) {
      const v = (row0 + r - ys.c) / ys.h, o = (k * rows + r) * 3;
      for (let j = 0; j < P; j++) {
        out[o + terms[j]![1]] += fit.coeffs[k * P + j]! * v ** terms[j]![0];
      }
      out[o] -= fit.offset[k]!;
    }
  }
  return out;
}

/** The scaled column coordinate `u` of each of the `width` columns of a ramp fit. */
export function rampColumnAxis(fit: RampFit): Float64Array {
  const W = fit.width, xs = rampAxisScale(W);
  const u = new Float64Array(W);
  for (let c = 0; c < W; c++) u[c] = (c - xs.c) / xs.h;
  return u;
}

/**
 * Pass 2 of deramping: `out = data - ramp` for the rows `[row0, row0 + rows)` of every date,
 * in float32 like MintPy's output; pixels whose value is exactly zero stay as they are (sign
 * included, as numpy's `data[data != 0] -= ramp`) and NaN stays NaN. `out` may be `data`.
 * @param data `(numDates, rows, width)` float32, C order.
 * @param out same shape as `data`.
 */
export function removeRamp(
  fit: RampFit,
  data: Float32Array,
  row0: number,
  rows: number,
  out: Float32Array,
): void {
  const W = fit.width, K = fit.numDates;
  if (data.length < K * rows * W || out.length < K * rows * W) {
    throw new RangeError("Deramp block is smaller than numDates x rows x width");
  }
  const u = rampColumnAxis(fit), coeffs = rampRowCoefficients(fit, row0, rows);
  for (let i = 0; i < K * rows; i++) {
    const c0 = coeffs[3 * i]!, c1 = coeffs[3 * i + 1]!, c2 = coeffs[3 * i + 2]!;
    const base = i * W;
    for (let c = 0; c < W; c++) {
      const d = data[base + c]!;
      const uc = u[c]!;
      out[base + c] = d === 0 ? d : d - (c0 + uc * (c1 + uc * c2));
    }
  }
}

/**
 * Pass 2 of deramping fused with the RMS sums, in place, by the solver's
 * {@link Solver.removeRampRows}: the ramp of every date is removed from the rows
 * `[row0, row0 + rows)` of `data` (as {@link removeRamp} does), and the squares of the
 * deramped values in the mask (not NaN) are added to `sumSq[k]`, their number to `count[k]`.
 * @param data `(numDates, rows, width)` float32, C order.
 * @param mask `rows x width` bytes of these rows (non-zero = in the mask), or null.
 */
export function removeRampSquares(
  solver: Solver,
  fit: RampFit,
  data: Float32Array,
  row0: number,
  rows: number,
  mask: Uint8Array | null,
  sumSq: Float64Array,
  count: Float64Array,
): void {
  const W = fit.width, K = fit.numDates;
  if (data.length < K * rows * W) {
    throw new RangeError("Deramp block is smaller than numDates x rows x width");
  }
  const rowSq = new Float64Array(K * rows), rowCount = new Float64Array(K * rows);
  solver.removeRampRows(
    K * rows,
    W,
    data,
    rampRowCoefficients(fit, row0, rows),
    rampColumnAxis(fit),
    mask,
    rows,
    0,
    rowSq,
    rowCount,
  );
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < rows; r++) {
      sumSq[k] += rowSq[k * rows + r]!;
      count[k] += rowCount[k * rows + r]!;
    }
  }
}
