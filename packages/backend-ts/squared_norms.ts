/**
 * Squared norms of groups of rows, per column: the per-pixel quadratic forms of the
 * bootstrap (`|F_j d|^2` from the rows of `F d`) and residual sums of squares.
 *
 * Four rows are summed per pass over a group's columns, so each output value is loaded
 * and stored once per four rows (about twice as fast in V8 as one row per pass). The
 * order of the additions, `out + (((a0^2 + a1^2) + a2^2) + a3^2)` per block of four rows,
 * then the remaining rows one by one, is the WASM kernel's too: both give identical sums.
 * @module
 */

/** See {@link import("@vinsar/core").Solver.groupedSquaredNorms}. */
export function groupedSquaredNorms(
  groups: number,
  groupRows: number,
  width: number,
  a: Float64Array,
  lda: number,
  out: Float64Array,
  ldOut: number,
  sqrt: boolean,
): void {
  for (let g = 0; g < groups; g++) {
    const o = g * ldOut;
    out.fill(0, o, o + width);
    let r = 0;
    for (; r + 4 <= groupRows; r += 4) {
      const r0 = (g * groupRows + r) * lda, r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda;
      for (let l = 0; l < width; l++) {
        const a0 = a[r0 + l]!, a1 = a[r1 + l]!, a2 = a[r2 + l]!, a3 = a[r3 + l]!;
        out[o + l] += a0 * a0 + a1 * a1 + a2 * a2 + a3 * a3;
      }
    }
    for (; r < groupRows; r++) {
      const r0 = (g * groupRows + r) * lda;
      for (let l = 0; l < width; l++) {
        const a0 = a[r0 + l]!;
        out[o + l] += a0 * a0;
      }
    }
    if (sqrt) { for (let l = 0; l < width; l++) out[o + l] = Math.sqrt(out[o + l]!); }
  }
}
