/**
 * Pass 2 of a deramp fused with the RMS sums (see `Solver.removeRampRows`): each row's
 * ramp is subtracted in place and the squares of the stored float32 values summed over the
 * mask, in one pass over the row.
 * @module
 */

/** See {@link import("@vinsar/core").Solver.removeRampRows}. */
export function removeRampRows(
  rows: number,
  width: number,
  data: Float32Array,
  coeffs: Float64Array,
  u: Float64Array,
  mask: Uint8Array | null,
  maskRows: number,
  maskRow0: number,
  sumSq: Float64Array,
  count: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    const a = coeffs[3 * i]!, b = coeffs[3 * i + 1]!, q = coeffs[3 * i + 2]!;
    const o = i * width, m = ((maskRow0 + i) % maskRows) * width;
    let s = 0, n = 0;
    for (let c = 0; c < width; c++) {
      const d = data[o + c]!;
      if (d !== 0) {
        const t = u[c]!;
        data[o + c] = d - (a + t * (b + t * q));
      }
      const r = data[o + c]!;
      if (r === r && (mask === null || mask[m + c] !== 0)) {
        s += r * r;
        n++;
      }
    }
    sumSq[i] = s;
    count[i] = n;
  }
}
