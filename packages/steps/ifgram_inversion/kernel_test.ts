import { ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { LocalExecutor, WorkerPool } from "../pipeline/executor.ts";
import {
  type BlockBuffers,
  blockTransferables,
  createKernel,
  type InversionTask,
  type InversionTaskResult,
  type InverterSpec,
} from "./kernel.ts";

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];

function spec(weightFunc: string): InverterSpec {
  const date12: Array<[string, string]> = [];
  for (let i = 0; i < DATES.length; i++) {
    for (let j = i + 1; j <= i + 2 && j < DATES.length; j++) date12.push([DATES[i]!, DATES[j]!]);
  }
  return {
    date12,
    weightFunc,
    looks: 8,
    minNormVelocity: true,
    minRedundancy: 1,
    maskDataset: null,
    maskThreshold: 0.4,
    zeroIsNoData: true,
    phaseToRange: -0.0044,
    backend: "ts",
  };
}

function buffers(K: number, N: number, P: number, seed: number): BlockBuffers {
  const phase = new Float32Array(K * P), coherence = new Float32Array(K * P);
  for (let i = 0; i < K * P; i++) {
    phase[i] = (i * seed) % 13 === 0 ? 0 : Math.sin(i * 0.37 + seed) * 3;
    coherence[i] = 0.1 + 0.8 * Math.abs(Math.cos(i * 0.11));
  }
  return {
    phase,
    coherence,
    ts: new Float32Array(N * P),
    temporalCoherence: new Float32Array(P),
    numInvObs: new Float32Array(P),
  };
}

function startPool(s: InverterSpec, workers: number) {
  return WorkerPool.start<InverterSpec, InversionTask, InversionTaskResult>({
    kernel: "ifgram_inversion",
    spec: s,
    backend: s.backend,
    workers,
  });
}

Deno.test("worker threads give the main thread's results, block for block", async () => {
  const s = spec("var");
  const K = s.date12.length, N = DATES.length, P = 500;
  const kernel = createKernel(s, createTsSolver());
  const local = new LocalExecutor(kernel);
  const pool = await startPool(s, 2);
  try {
    strictEqual(pool.threads, 2);
    const refPhase = new Float32Array(K).fill(0.1);
    const seeds = [3, 5, 7, 11];
    const want = await Promise.all(
      seeds.map(async (seed) => {
        const r = await local.run({ pixels: P, refPhase, buffers: buffers(K, N, P, seed) });
        return { ts: r.buffers.ts.slice(0, N * P), tcoh: r.buffers.temporalCoherence.slice(0, P) };
      }),
    );
    const got = await Promise.all(
      seeds.map((seed) => {
        const b = buffers(K, N, P, seed);
        return pool.run({ pixels: P, refPhase, buffers: b }, blockTransferables(b));
      }),
    );
    for (let i = 0; i < seeds.length; i++) {
      const b = got[i]!.buffers;
      ok(b.ts.subarray(0, N * P).every((v, j) => v === want[i]!.ts[j]), `block ${i} ts`);
      ok(b.temporalCoherence.every((v, j) => v === want[i]!.tcoh[j]), `block ${i}`);
      strictEqual((b as BlockBuffers).phase.length, K * P); // buffers come back for reuse
    }
    const sum = (key: "pixels" | "cholesky") => got.reduce((a, r) => a + r.counts[key], 0);
    strictEqual(sum("pixels"), seeds.length * P);
    strictEqual(sum("cholesky"), kernel.inverter.counts.cholesky);
  } finally {
    pool.close();
  }
});

Deno.test("a worker failure rejects the block instead of hanging", async () => {
  const pool = await startPool(spec("no"), 1);
  try {
    const K = spec("no").date12.length;
    let failed: unknown = null;
    try {
      // A phase block shorter than K x pixels is refused by the inverter.
      await pool.run({
        pixels: 10,
        refPhase: new Float32Array(K),
        buffers: {
          phase: new Float32Array(5),
          ts: new Float32Array(60),
          temporalCoherence: new Float32Array(10),
          numInvObs: new Float32Array(10),
        },
      });
    } catch (e) {
      failed = e;
    }
    // The inverter's own error, of its own kind, as in process.
    ok(failed instanceof RangeError && /phase/i.test(failed.message), String(failed));
  } finally {
    pool.close();
  }
});
