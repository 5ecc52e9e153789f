/**
 * Worker entry of core's `LanePool`: creates the requested solver once, keeps the Cholesky
 * plans it is sent, and solves its range of lanes of shared arrays in place.
 * @module
 */
/// <reference lib="deno.worker" />
import {
  createSolver,
  gatherLaneRange,
  type LaneWorkerReply,
  type LaneWorkerRequest,
  type PlanData,
  registerBackend,
  scatterLaneRange,
  type Solver,
} from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { wasmBackend, type WasmSolver } from "@vinsar/backend-wasm";

let solver: Solver | null = null;
const plans = new Map<number, PlanData>();
let values = new Float64Array(0), rhs = new Float64Array(0), status = new Uint8Array(0);

const reply = (m: LaneWorkerReply): void => self.postMessage(m);

self.onmessage = async (e: MessageEvent<LaneWorkerRequest>) => {
  try {
    const m = e.data;
    if (m.type === "init") {
      registerBackend(tsBackend);
      registerBackend(wasmBackend);
      solver = await createSolver(m.backend);
      reply({ type: "ready", backend: solver.name });
    } else if (m.type === "plan") {
      plans.set(m.id, m.plan);
      reply({ type: "done", ms: 0 });
    } else {
      const t = performance.now();
      const plan = plans.get(m.id)!;
      const ranged = solver as Partial<WasmSolver>;
      if (ranged.sparseCholeskySolveRange) {
        // The wasm binding copies the range straight into its memory.
        ranged.sparseCholeskySolveRange(plan, m.lanes, m.p0, m.p1, m.values, m.rhs, m.status);
        reply({ type: "done", ms: performance.now() - t });
        return;
      }
      const w = m.p1 - m.p0;
      if (values.length < plan.nnz * w) values = new Float64Array(plan.nnz * w);
      if (rhs.length < plan.n * w) rhs = new Float64Array(plan.n * w);
      if (status.length < w) status = new Uint8Array(w);
      gatherLaneRange(m.values, plan.nnz, m.lanes, m.p0, m.p1, values);
      gatherLaneRange(m.rhs, plan.n, m.lanes, m.p0, m.p1, rhs);
      solver!.sparseCholeskySolve(plan, w, values, rhs, status);
      scatterLaneRange(values, plan.nnz, m.lanes, m.p0, m.p1, m.values);
      scatterLaneRange(rhs, plan.n, m.lanes, m.p0, m.p1, m.rhs);
      m.status.set(status.subarray(0, w), m.p0);
      reply({ type: "done", ms: performance.now() - t });
    }
  } catch (err) {
    reply({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
