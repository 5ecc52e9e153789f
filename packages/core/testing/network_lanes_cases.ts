/**
 * Conformance of {@link Solver.invertNetworkLanes} (optional kernel): random networks,
 * float32 blocks with NaN, pixel lists with gaps, `-w var` tables and unweighted, random
 * groundings; against the reference kernels (phases to 1e-12 of their norm, coherence to
 * 1e-9, statuses identical) and bit for bit against the same backend's own
 * gather + `assembleNormalEquations` + `sparseCholeskySolve` + `temporalCoherence`.
 * @module
 */
import { ok, strictEqual } from "node:assert/strict";
import type { NetworkLanes, Solver } from "../solver.ts";
import { uniformRandom } from "../random.ts";
import { planNetworkSystem } from "../invert_system.ts";
import { CoherenceWeights } from "../weights.ts";
import { laneWeightTable } from "../_lane_weights.ts";
import {
  referenceAssembleNormalEquations,
  referenceSparseCholeskySolve,
  referenceTemporalCoherence,
} from "./reference_kernels.ts";
import { randomNetwork } from "./network_cases.ts";

/** The kernel's definition step by step, with `assemble`, `solve` and `coherence`. */
function unfused(
  job: NetworkLanes,
  kernels: Pick<Solver, "assembleNormalEquations" | "sparseCholeskySolve" | "temporalCoherence">,
): { phases: Float64Array; quality: Float64Array; status: Uint8Array } {
  const { plan, scatter, lanes: L, stride: P } = job, K = scatter.numObs, N = job.numDates;
  const obs = new Float64Array(K * L), w = new Float64Array(K * L), use = new Float64Array(K * L);
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) {
      const c = k * P + job.pixel[l]!, v = job.phase[c]!;
      if (v !== v) continue;
      obs[k * L + l] = v;
      use[k * L + l] = 1;
      if (!job.weightSource) w[k * L + l] = 1;
      else {
        let x = job.weightSource[c]!;
        x = x >= job.weightMin ? x : job.weightMin;
        x = Math.min(Math.max(x, job.weightLo), job.weightHi);
        w[k * L + l] = job.weightTable![Math.trunc((x - job.weightLo) / job.weightStep)]!;
      }
    }
  }
  const values = new Float64Array(plan.nnz * L), rhs = new Float64Array(Math.max(1, plan.n) * L);
  kernels.assembleNormalEquations(plan, scatter, L, obs, w, values, rhs);
  for (let g = 0; g < job.numGround; g++) {
    const e = job.ground[2 * g + 1]! * L + job.ground[2 * g]!;
    values[e] = values[e]! > 0 ? 2 * values[e]! : 1;
  }
  const status = new Uint8Array(L), phases = new Float64Array(N * L);
  kernels.sparseCholeskySolve(plan, L, values, rhs, status);
  for (let d = 0; d < N; d++) {
    const r = job.datePosition[d]!;
    for (let l = 0; l < L; l++) phases[d * L + l] = r < 0 ? 0 : rhs[r * L + l]!;
  }
  const quality = new Float64Array(L);
  kernels.temporalCoherence(K, N, L, job.date1, job.date2, obs, use, phases, quality);
  return { phases, quality, status };
}

const REFERENCE = {
  assembleNormalEquations: (...a: Parameters<Solver["assembleNormalEquations"]>) => {
    referenceAssembleNormalEquations(...a);
  },
  sparseCholeskySolve: referenceSparseCholeskySolve,
  temporalCoherence: referenceTemporalCoherence,
};

/** Check `s.invertNetworkLanes` (data copied, and in `s.blockBuffer` when offered). */
export function checkNetworkLanes(s: Solver): void {
  const rand = uniformRandom(41);
  const table = laneWeightTable(new CoherenceWeights("var", 7))!;
  for (let trial = 0; trial < 40; trial++) {
    const N = 3 + Math.floor(rand() * 40);
    const net = randomNetwork(N, Math.floor(rand() * 2 * N), rand);
    const { plan, scatter } = planNetworkSystem(net);
    const K = net.date1.length, P = 1 + Math.floor(rand() * 700);
    const L = Math.min(P, [1, 3, 8, 9, 17, 130, 300][trial % 7]!);
    const pixel = Int32Array.from(
      Array.from({ length: P }, (_, i) => i).sort(() => rand() - 0.5).slice(0, L).sort((a, b) =>
        a - b
      ),
    );
    const place = trial % 2 === 1 && s.blockBuffer ? s.blockBuffer(2 * K * P) : null;
    const phase = place ? place.subarray(0, K * P) : new Float32Array(K * P);
    const coh = place ? place.subarray(K * P, 2 * K * P) : new Float32Array(K * P);
    for (let i = 0; i < K * P; i++) {
      phase[i] = rand() < 0.12 ? NaN : 20 * rand() - 10;
      coh[i] = rand() < 0.05 ? NaN : 1.1 * rand() - 0.05;
    }
    const datePosition = Int32Array.from(
      { length: N },
      (_, d) => net.columnOfDate[d]! < 0 ? -1 : plan.position[net.columnOfDate[d]!]!,
    );
    const ground: number[] = [];
    for (let l = 0; l < L; l++) {
      if (rand() < 0.2 && plan.n > 0) ground.push(l, plan.colPtr[Math.floor(rand() * plan.n)]!);
    }
    const weighted = trial % 3 !== 0;
    const job: NetworkLanes = {
      plan,
      scatter,
      numDates: N,
      date1: net.date1,
      date2: net.date2,
      datePosition,
      lanes: L,
      phase,
      weightSource: weighted ? coh : null,
      stride: P,
      pixel,
      weightTable: weighted ? table.table : null,
      weightMin: table.min,
      weightLo: table.lo,
      weightHi: table.hi,
      weightStep: table.step,
      ground: Int32Array.from(ground),
      numGround: ground.length / 2,
      phases: new Float64Array(N * L).fill(7),
      quality: new Float64Array(L).fill(7),
      status: new Uint8Array(L).fill(7),
    };
    const own = unfused(job, s), ref = unfused(job, REFERENCE);
    s.invertNetworkLanes!(job);
    const what = `trial ${trial} (N ${N}, K ${K}, lanes ${L}, ${place ? "in place" : "copied"})`;
    strictEqual(job.status.join(), ref.status.join(), `${what}: status`);
    for (let l = 0; l < L; l++) {
      if (job.status[l]) continue;
      strictEqual(job.quality[l], own.quality[l], `${what}: lane ${l} quality bits`);
      ok(Math.abs(job.quality[l]! - ref.quality[l]!) <= 1e-9, `${what}: lane ${l} quality`);
      let norm = 1e-300;
      for (let d = 0; d < N; d++) norm = Math.max(norm, Math.abs(ref.phases[d * L + l]!));
      for (let d = 0; d < N; d++) {
        const i = d * L + l;
        strictEqual(job.phases[i], own.phases[i], `${what}: lane ${l} date ${d} bits`);
        ok(Math.abs(job.phases[i]! - ref.phases[i]!) <= 1e-12 * norm, `${what}: lane ${l}`);
      }
    }
  }
}
