/**
 * Batched sparse Cholesky factorization and solve over pixel lanes sharing one
 * {@link CholeskyPlan}: the whole numeric work is a flat schedule of multiply-subtracts
 * applied to every lane, so the inner loop runs across pixels with no branches.
 * @module
 */
import type { CholeskyPlan } from "@vinsar/core";

/** See {@link import("@vinsar/core").Solver.sparseCholeskySolve}. */
export function sparseCholeskySolve(
  plan: CholeskyPlan,
  lanes: number,
  values: Float64Array,
  rhs: Float64Array,
  status: Uint8Array,
): void {
  const { n, colPtr, rowIdx, updPtr, updTarget, updA, updB } = plan;
  status.fill(0, 0, lanes);
  for (let j = 0; j < n; j++) {
    for (let u = updPtr[j]!; u < updPtr[j + 1]!; u++) {
      const t = updTarget[u]! * lanes, a = updA[u]! * lanes, b = updB[u]! * lanes;
      for (let p = 0; p < lanes; p++) values[t + p] -= values[a + p]! * values[b + p]!;
    }
    const d = colPtr[j]! * lanes;
    for (let p = 0; p < lanes; p++) {
      const v = values[d + p]!;
      if (!(v > 0)) {
        status[p] = 1;
        values[d + p] = 1;
      } else values[d + p] = Math.sqrt(v);
    }
    for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) {
      const o = e * lanes;
      for (let p = 0; p < lanes; p++) values[o + p] /= values[d + p]!;
    }
  }
  // Forward substitution L y = b (column-oriented).
  for (let j = 0; j < n; j++) {
    const d = colPtr[j]! * lanes, xj = j * lanes;
    for (let p = 0; p < lanes; p++) rhs[xj + p] /= values[d + p]!;
    for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) {
      const o = e * lanes, xi = rowIdx[e]! * lanes;
      for (let p = 0; p < lanes; p++) rhs[xi + p] -= values[o + p]! * rhs[xj + p]!;
    }
  }
  // Back substitution L^T x = y.
  for (let j = n - 1; j >= 0; j--) {
    const d = colPtr[j]! * lanes, xj = j * lanes;
    for (let e = colPtr[j]! + 1; e < colPtr[j + 1]!; e++) {
      const o = e * lanes, xi = rowIdx[e]! * lanes;
      for (let p = 0; p < lanes; p++) rhs[xj + p] -= values[o + p]! * rhs[xi + p]!;
    }
    for (let p = 0; p < lanes; p++) rhs[xj + p] /= values[d + p]!;
  }
}
