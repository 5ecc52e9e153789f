/**
 * Kernel-level A/B of the inversion's batch in one process: the JavaScript gather (float32
 * block -> float64 lanes with the `var` weights) followed by `assembleNormalEquations`,
 * `sparseCholeskySolve` and `temporalCoherence`, against `invertNetworkLanes` (gather fused
 * into the assembly), on 128-pixel batches of a 4096-pixel block of the benchmark network
 * (98 dates, 358 interferograms), runs alternating; prints µs per pixel (min and median).
 *
 *   deno run -A benchmarks/inversion_lanes_ab.ts [ts|wasm]
 * @module
 */
import {
  buildNetwork,
  coherenceLutAxis,
  CoherenceWeights,
  MIN_WEIGHT_COHERENCE,
  planNetworkSystem,
  uniformRandom,
} from "@vinsar/core";
import { smallBaselinePairs } from "@vinsar/core/simulate";
import { createWasmSolver } from "@vinsar/backend-wasm";
import { createTsSolver } from "@vinsar/backend-ts";

const dates = Array.from(
  { length: 98 },
  (_, i) => new Date(Date.UTC(2018, 0, 3 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
);
const pairs = smallBaselinePairs(dates, { neighbours: 3, annualPairs: true });
const net = buildNetwork(pairs.map((p) => [dates[p.ref]!, dates[p.sec]!]));
const { plan, scatter } = planNetworkSystem(net);
const K = net.date1.length, N = 98, P = 4096, L = 128;
const rand = uniformRandom(3);
const phase = Float32Array.from({ length: K * P }, () => rand() * 6 - 3);
const coh = Float32Array.from({ length: K * P }, () => 0.1 + 0.85 * rand());
const weightOf = new CoherenceWeights("var", 9).squaredWeightFunction();
const axis = coherenceLutAxis(), lo = Math.min(...axis), hi = Math.max(...axis), step = 0.005;
const table = Float64Array.from({ length: 200 }, (_, i) => weightOf(lo + (i + 0.5) * step));
const datePosition = Int32Array.from(
  { length: N },
  (_, d) => net.columnOfDate[d]! < 0 ? -1 : plan.position[net.columnOfDate[d]!]!,
);
const s = Deno.args[0] === "ts" ? createTsSolver() : await createWasmSolver();
const obs = new Float64Array(K * L), w = new Float64Array(K * L);
const use = new Float64Array(K * L).fill(1);
const values = new Float64Array(plan.nnz * L), rhs = new Float64Array(plan.n * L);
const status = new Uint8Array(L), tsB = new Float64Array(N * L), q = new Float64Array(L);
const pixel = new Int32Array(L);

function kernelByKernel(b: number) {
  for (let k = 0; k < K; k++) {
    for (let l = 0; l < L; l++) {
      const c = k * P + b + l;
      obs[k * L + l] = phase[c]!;
      w[k * L + l] = weightOf(coh[c]!);
    }
  }
  s.assembleNormalEquations(plan, scatter, L, obs, w, values, rhs);
  s.sparseCholeskySolve(plan, L, values, rhs, status);
  for (let d = 0; d < N; d++) {
    const r = datePosition[d]!;
    for (let l = 0; l < L; l++) tsB[d * L + l] = r < 0 ? 0 : rhs[r * L + l]!;
  }
  s.temporalCoherence(K, N, L, net.date1, net.date2, obs, use, tsB, q);
}

function fused(b: number) {
  for (let l = 0; l < L; l++) pixel[l] = b + l;
  s.invertNetworkLanes!({
    plan,
    scatter,
    numDates: N,
    date1: net.date1,
    date2: net.date2,
    datePosition,
    lanes: L,
    phase,
    weightSource: coh,
    stride: P,
    pixel,
    weightTable: table,
    weightMin: MIN_WEIGHT_COHERENCE,
    weightLo: lo,
    weightHi: hi,
    weightStep: step,
    ground: new Int32Array(0),
    numGround: 0,
    phases: tsB,
    quality: q,
    status,
  });
}

const runs: Record<string, number[]> = { "kernel by kernel": [], fused: [] };
for (let r = 0; r < 16; r++) {
  for (const [name, f] of [["kernel by kernel", kernelByKernel], ["fused", fused]] as const) {
    const t = performance.now();
    for (let b = 0; b + L <= P; b += L) f(b);
    runs[name]!.push(((performance.now() - t) * 1000) / P);
  }
}
for (const [name, v] of Object.entries(runs)) {
  v.sort((a, b) => a - b);
  console.log(`${s.name} ${name}: min ${v[0]!.toFixed(2)}, median ${v[8]!.toFixed(2)} µs/px`);
}
