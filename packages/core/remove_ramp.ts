/**
 * Pass 2 of deramping (see deramp.ts): subtract every date's fitted ramp from a row block.
 * @module
 */
import { rampAxisScale, type RampFit, rampTerms } from "./deramp.ts";

/**
 * Pass 2 of deramping: `out = data - ramp` for the rows `[row0, row0 + rows)` of every date,
 * in float32 like MintPy's output; pixels whose value is exactly zero stay zero and NaN stays
 * NaN. `out` may be `data` itself.
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
  const terms = rampTerms(fit.ramp), P = terms.length;
  if (data.length < K * rows * W || out.length < K * rows * W) {
    throw new RangeError("Deramp block is smaller than numDates x rows x width");
  }
  const xs = rampAxisScale(W), ys = rampAxisScale(fit.length);
  const u = new Float64Array(W);
  for (let c = 0; c < W; c++) u[c] = (c - xs.c) / xs.h;
  const c3 = new Float64Array(3);
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < rows; r++) {
      // The ramp along a row is a polynomial in u: collect its coefficients once per row.
      const v = (row0 + r - ys.c) / ys.h;
      c3.fill(0);
      for (let j = 0; j < P; j++) c3[terms[j]![1]] += fit.coeffs[k * P + j]! * v ** terms[j]![0];
      const c0 = c3[0] - fit.offset[k]!, c1 = c3[1], c2 = c3[2];
      const base = (k * rows + r) * W;
      for (let c = 0; c < W; c++) {
        const d = data[base + c];
        const uc = u[c];
        out[base + c] = d === 0 ? 0 : d - (c0 + uc * (c1 + uc * c2));
      }
    }
  }
}
