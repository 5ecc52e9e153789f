/**
 * Batched weighted normal equations of an interferogram network, scattered straight into
 * the pattern of the shared Cholesky factor: each interferogram adds its weight to two
 * diagonals, subtracts it from their coupling and adds `±w y` to the right-hand side.
 * @module
 */
import type { CholeskyPlan, NetworkScatter } from "@vinsar/core";

/** See {@link import("@vinsar/core").Solver.assembleNormalEquations}. */
export function assembleNormalEquations(
  plan: CholeskyPlan,
  scatter: NetworkScatter,
  lanes: number,
  obs: Float64Array,
  weight: Float64Array,
  values: Float64Array,
  rhs: Float64Array,
): void {
  values.fill(0, 0, plan.nnz * lanes);
  rhs.fill(0, 0, plan.n * lanes);
  const { diag1, diag2, offDiag, pos1, pos2 } = scatter;
  for (let k = 0; k < scatter.numObs; k++) {
    const o = k * lanes;
    const d1 = diag1[k]! * lanes, d2 = diag2[k]! * lanes;
    const r1 = pos1[k]! * lanes, r2 = pos2[k]! * lanes;
    if (diag1[k]! >= 0 && diag2[k]! >= 0) {
      const od = offDiag[k]! * lanes;
      for (let p = 0; p < lanes; p++) {
        const w = weight[o + p]!, wy = w * obs[o + p]!;
        values[d1 + p] += w;
        values[d2 + p] += w;
        values[od + p] -= w;
        rhs[r1 + p] -= wy;
        rhs[r2 + p] += wy;
      }
    } else if (diag2[k]! >= 0) {
      // date1 is the reference date: only date2's unknown is involved.
      for (let p = 0; p < lanes; p++) {
        const w = weight[o + p]!;
        values[d2 + p] += w;
        rhs[r2 + p] += w * obs[o + p]!;
      }
    } else if (diag1[k]! >= 0) {
      for (let p = 0; p < lanes; p++) {
        const w = weight[o + p]!;
        values[d1 + p] += w;
        rhs[r1 + p] -= w * obs[o + p]!;
      }
    }
  }
}
