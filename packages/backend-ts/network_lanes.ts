/**
 * The network inversion of pixel lanes gathered from a float32 block: the gather with the
 * weights, then the batched kernels of this backend in turn (see
 * {@link import("@vinsar/core").Solver.invertNetworkLanes}).
 * @module
 */
import type { NetworkLanes } from "@vinsar/core";
import { assembleNormalEquations } from "./normal_equations.ts";
import { sparseCholeskySolve } from "./sparse_cholesky.ts";
import { temporalCoherence } from "./temporal_coherence.ts";

/**
 * A {@link import("@vinsar/core").Solver.invertNetworkLanes} with its own lane buffers,
 * reused from call to call (grown on demand).
 */
export function networkLanesKernel(): (job: NetworkLanes) => void {
  const scratch = { obs: new Float64Array(0), w: new Float64Array(0), use: new Float64Array(0) };
  const mat = { values: new Float64Array(0), rhs: new Float64Array(0) };
  return (job) => invertNetworkLanes(job, scratch, mat);
}

function invertNetworkLanes(
  job: NetworkLanes,
  scratch: { obs: Float64Array; w: Float64Array; use: Float64Array },
  mat: { values: Float64Array; rhs: Float64Array },
): void {
  const { plan, scatter, lanes: L, phase, weightSource: src, stride: P, pixel } = job;
  const K = scatter.numObs, N = job.numDates;
  if (L <= 0) return;
  if (scratch.obs.length < K * L) {
    scratch.obs = new Float64Array(K * L);
    scratch.w = new Float64Array(K * L);
    scratch.use = new Float64Array(K * L);
  }
  if (mat.values.length < plan.nnz * L) mat.values = new Float64Array(plan.nnz * L);
  if (mat.rhs.length < Math.max(1, plan.n) * L) mat.rhs = new Float64Array(Math.max(1, plan.n) * L);
  const { obs, w, use } = scratch, { values, rhs } = mat;
  const table = job.weightTable, lo = job.weightLo, hi = job.weightHi, step = job.weightStep;
  const min = job.weightMin;
  for (let k = 0; k < K; k++) {
    const o = k * L, row = k * P;
    for (let l = 0; l < L; l++) {
      const c = row + pixel[l]!, v = phase[c]!;
      if (v === v) {
        obs[o + l] = v;
        if (src) {
          let x = src[c]!;
          x = x >= min ? x : min;
          if (x < lo) x = lo;
          if (x > hi) x = hi;
          w[o + l] = table![Math.trunc((x - lo) / step)]!;
        } else w[o + l] = 1;
        use[o + l] = 1;
      } else {
        obs[o + l] = 0;
        w[o + l] = 0;
        use[o + l] = 0;
      }
    }
  }
  assembleNormalEquations(plan, scatter, L, obs, w, values, rhs);
  for (let g = 0; g < job.numGround; g++) {
    const e = job.ground[2 * g + 1]! * L + job.ground[2 * g]!, v = values[e]!;
    values[e] = v > 0 ? 2 * v : 1;
  }
  sparseCholeskySolve(plan, L, values, rhs, job.status);
  const phases = job.phases;
  for (let d = 0; d < N; d++) {
    const r = job.datePosition[d]!, o = d * L;
    if (r < 0) phases.fill(0, o, o + L);
    else for (let l = 0; l < L; l++) phases[o + l] = rhs[r * L + l]!;
  }
  temporalCoherence(K, N, L, job.date1, job.date2, obs, use, phases, job.quality);
}
