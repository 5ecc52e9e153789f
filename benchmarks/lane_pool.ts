/**
 * The lane worker pool (core `LanePool`) on the sparse Cholesky kernel: 1 vs 2 workers
 * against the same backend in the calling thread, on the 98-date, 361-interferogram
 * network of `vinsar simulate --dates 98 --annual-pairs` (8k updates per pixel).
 *
 *   deno run -A benchmarks/lane_pool.ts [--lanes 2048] [--reps 40]
 * @module
 */
import {
  buildNetwork,
  createSolver,
  LanePool,
  planNetworkSystem,
  registerBackend,
} from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { wasmBackend } from "@vinsar/backend-wasm";

const arg = (name: string, def: number): number => {
  const i = Deno.args.indexOf(name);
  return i >= 0 ? Number(Deno.args[i + 1]) : def;
};
const lanes = arg("--lanes", 2048), reps = arg("--reps", 40);
registerBackend(tsBackend);
registerBackend(wasmBackend);

// 98 dates 12 days apart: 3 nearest neighbours plus ~1-year pairs, 361 interferograms.
const N = 98;
const dates = Array.from(
  { length: N },
  (_, i) => new Date(Date.UTC(2018, 0, 3 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
);
const pairs: Array<[string, string]> = [];
for (let i = 0; i < N; i++) {
  for (let j = i + 1; j <= i + 3 && j < N; j++) pairs.push([dates[i]!, dates[j]!]);
}
for (let i = 0; i + 30 < N && pairs.length < 361; i++) pairs.push([dates[i]!, dates[i + 30]!]);
const net = buildNetwork(pairs);
const { plan, scatter } = planNetworkSystem(net);
const K = net.date1.length;
const obs = Float64Array.from({ length: K * lanes }, () => 6 * Math.random() - 3);
const wt = Float64Array.from({ length: K * lanes }, () => 0.2 + Math.random());
const v0 = new Float64Array(plan.nnz * lanes), r0 = new Float64Array(plan.n * lanes);
(await createSolver("ts")).assembleNormalEquations(plan, scatter, lanes, obs, wt, v0, r0);
console.log(
  `${K} interferograms, L ${plan.nnz} nnz, ${plan.updates} updates; ${lanes} lanes per call`,
);

const values = LanePool.sharedFloat64(v0.length), rhs = LanePool.sharedFloat64(r0.length);
const status = LanePool.sharedUint8(lanes);
const time = async (f: () => void | Promise<void>): Promise<number> => {
  for (let i = 0; i < 5; i++) {
    values.set(v0);
    rhs.set(r0);
    await f();
  }
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    values.set(v0);
    rhs.set(r0);
    const t = performance.now();
    await f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
};
const worker = new URL("../apps/cli/lane_worker.ts", import.meta.url);
for (
  const backend of Deno.args.includes("--ts-only")
    ? ["ts"]
    : Deno.args.includes("--wasm-only")
    ? ["wasm"]
    : ["wasm", "ts"]
) {
  const s = await createSolver(backend);
  const inThread = await time(() => s.sparseCholeskySolve(plan, lanes, values, rhs, status));
  const want = rhs.slice();
  const line = [`${backend}: in thread ${(inThread / lanes * 1000).toFixed(2)} us/pixel`];
  for (const size of [1, 2]) {
    const pool = await LanePool.create(worker, size, backend);
    let busy = Infinity;
    const ms = await time(async () => {
      await pool.sparseCholeskySolve(plan, lanes, values, rhs, status);
      busy = Math.min(busy, Math.max(...pool.lastMs));
    });
    const same = rhs.every((x, i) => x === want[i]);
    line.push(
      `${size} worker(s) ${(ms / lanes * 1000).toFixed(2)} us/pixel (${
        (inThread / ms).toFixed(2)
      }x` +
        `${same ? ", identical" : ", DIFFERENT"}; slowest worker busy ${
          (busy / lanes * 1000).toFixed(2)
        } us/pixel)`,
    );
    pool.close();
  }
  console.log(line.join("; "));
}
