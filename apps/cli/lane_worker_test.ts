import { ok, strictEqual } from "node:assert/strict";
import { buildNetwork, LanePool, planNetworkSystem } from "@vinsar/core";
import { createTsSolver } from "@vinsar/backend-ts";

const worker = new URL("./lane_worker.ts", import.meta.url);

Deno.test("LanePool splits the sparse Cholesky over workers and matches one thread", async () => {
  const dates = Array.from(
    { length: 20 },
    (_, i) =>
      new Date(Date.UTC(2020, 0, 1 + 12 * i)).toISOString().slice(0, 10).replaceAll("-", ""),
  );
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < 20; i++) {
    for (let j = i + 1; j <= i + 3 && j < 20; j++) pairs.push([dates[i]!, dates[j]!]);
  }
  const net = buildNetwork(pairs);
  const { plan, scatter } = planNetworkSystem(net);
  const ts = createTsSolver();
  const lanes = 37, K = net.date1.length;
  const obs = Float64Array.from({ length: K * lanes }, (_, i) => Math.sin(i) * 3);
  const w = Float64Array.from({ length: K * lanes }, (_, i) => 0.3 + (i % 7) / 7);
  const v0 = new Float64Array(plan.nnz * lanes), r0 = new Float64Array(plan.n * lanes);
  ts.assembleNormalEquations(plan, scatter, lanes, obs, w, v0, r0);
  v0[plan.colPtr[3]! * lanes + 5] = -1; // lane 5 is not positive definite
  const want = r0.slice(), wantV = v0.slice(), wantS = new Uint8Array(lanes);
  ts.sparseCholeskySolve(plan, lanes, wantV, want, wantS);
  strictEqual(wantS[5], 1);

  for (const backend of ["ts", "wasm"]) {
    const pool = await LanePool.create(worker, 2, backend);
    try {
      // Plain arrays (copied through shared scratch) and shared ones (solved in place).
      for (const shared of [false, true]) {
        const v = shared ? LanePool.sharedFloat64(v0.length) : new Float64Array(v0.length);
        const r = shared ? LanePool.sharedFloat64(r0.length) : new Float64Array(r0.length);
        const s = shared ? LanePool.sharedUint8(lanes) : new Uint8Array(lanes);
        v.set(v0);
        r.set(r0);
        await pool.sparseCholeskySolve(plan, lanes, v, r, s);
        strictEqual([...s].join(), [...wantS].join(), `${backend} status`);
        for (let i = 0; i < r.length; i++) {
          if (wantS[i % lanes]) continue;
          ok(r[i] === want[i], `${backend} shared=${shared} rhs[${i}] ${r[i]} vs ${want[i]}`);
        }
        strictEqual(pool.lastMs.length, 2, "both workers had lanes");
      }
    } finally {
      pool.close();
    }
  }
});

Deno.test("LanePool.create fails cleanly for an unknown backend", async () => {
  let err: unknown;
  try {
    (await LanePool.create(worker, 1, "nope")).close();
  } catch (e) {
    err = e;
  }
  ok(err instanceof Error && /Unknown backend "nope"/.test(err.message), String(err));
});
