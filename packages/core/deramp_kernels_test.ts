/**
 * The deramp's per-row sums run through `Solver.rampRowSums` in chunks of rows: a block
 * with more rows than a chunk (pieces of one date, each with its own mask rows), blocks
 * holding several dates per chunk, and the wasm backend must all give the same ramps; the
 * fused removal and RMS sums (`Solver.removeRampRows`) equal the plain removal then sums.
 * (The ramps themselves are checked against dense pinv fits in deramp_test.ts.)
 */
import { ok, strictEqual } from "node:assert/strict";
import { createTsSolver } from "@vinsar/backend-ts";
import { createWasmSolver } from "@vinsar/backend-wasm";
import {
  accumulateSquares,
  RampNormalEquations,
  removeRamp,
  removeRampSquares,
  type Solver,
  uniformRandom,
} from "./mod.ts";

/** Ramp fit of a (K, L, W) stack added in blocks of `rowsPerBlock` rows. */
function fitBlocks(
  solver: Solver,
  data: Float32Array,
  mask: Uint8Array,
  K: number,
  L: number,
  W: number,
  rowsPerBlock: number,
) {
  const eq = new RampNormalEquations({ ramp: "quadratic", numDates: K, length: L, width: W });
  for (let r0 = 0; r0 < L; r0 += rowsPerBlock) {
    const r1 = Math.min(L, r0 + rowsPerBlock), n = (r1 - r0) * W;
    const block = new Float32Array(K * n);
    for (let k = 0; k < K; k++) {
      block.set(data.subarray((k * L + r0) * W, (k * L + r1) * W), k * n);
    }
    eq.add(solver, block, r0, r1 - r0, mask.subarray(r0 * W, r1 * W));
  }
  return eq.solve({ y: 1, x: 2 });
}

function relDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1e-300, Math.abs(a[i]!)));
  }
  return m;
}

Deno.test("deramp sums: chunks within a date, chunks of whole dates and both backends agree", async () => {
  // 16384 columns: a kernel call holds at most 64 rows, so 130-row blocks are cut into
  // pieces of one date; 2.1 M pixels: two sub-sampling steps are accumulated too.
  const K = 2, L = 130, W = 16384;
  const rand = uniformRandom(47);
  const data = new Float32Array(K * L * W);
  for (let k = 0; k < K; k++) {
    const a = 0.3 * (rand() - 0.5), b = 0.3 * (rand() - 0.5);
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < W; x++) {
        const r = rand();
        data[(k * L + y) * W + x] = r < 0.02
          ? NaN
          : r < 0.03
          ? 0
          : a * (x / W) ** 2 + b * y / L + 0.01 * r;
      }
    }
  }
  const mask = Uint8Array.from({ length: L * W }, () => (rand() < 0.8 ? 1 : 0));
  const ts = createTsSolver(), wasm = await createWasmSolver();
  const whole = fitBlocks(ts, data, mask, K, L, W, L);
  strictEqual(whole.step[0], 2, "sub-sampled");
  for (const [solver, rows] of [[ts, 7], [wasm, L], [wasm, 3]] as const) {
    const other = fitBlocks(solver, data, mask, K, L, W, rows);
    ok(relDiff(whole.coeffs, other.coeffs) < 1e-9, `${solver.name} blocks of ${rows} rows`);
    strictEqual([...other.validCount].join(), [...whole.validCount].join());
    strictEqual([...other.samples].join(), [...whole.samples].join());
  }
});

Deno.test("fused ramp removal and RMS sums equal removeRamp then accumulateSquares", async () => {
  const K = 3, L = 41, W = 57;
  const rand = uniformRandom(59);
  const data = Float32Array.from({ length: K * L * W }, (_, i) => {
    const r = rand(), x = i % W, y = Math.floor(i / W) % L;
    return r < 0.03 ? NaN : r < 0.05 ? 0 : 0.002 * x - 0.001 * y + 1e-5 * x * y + 0.01 * r;
  });
  const mask = Uint8Array.from({ length: L * W }, () => (rand() < 0.75 ? 1 : 0));
  const ts = createTsSolver();
  const fit = fitBlocks(ts, data, mask, K, L, W, L);
  // Rows [5, 30) of every date, with their mask rows.
  const r0 = 5, rows = 25;
  const block = new Float32Array(K * rows * W);
  for (let k = 0; k < K; k++) {
    block.set(data.subarray((k * L + r0) * W, (k * L + r0 + rows) * W), k * rows * W);
  }
  const m = mask.subarray(r0 * W, (r0 + rows) * W);
  const want = new Float32Array(block.length);
  removeRamp(fit, block, r0, rows, want);
  const wantSq = new Float64Array(K), wantN = new Float64Array(K);
  accumulateSquares(want, K, rows * W, m, wantSq, wantN);
  ok(wantN.every((n) => n > 500), "most pixels counted");
  for (const solver of [ts, await createWasmSolver({ slabBytes: 20000 })]) {
    const got = block.slice();
    const sq = new Float64Array(K).fill(1), n = new Float64Array(K).fill(1);
    removeRampSquares(solver, fit, got, r0, rows, m, sq, n);
    strictEqual(got.join(), want.join(), `${solver.name}: values`);
    strictEqual([...n].join(), [...wantN].map((v) => v + 1).join(), `${solver.name}: counts`);
    for (let k = 0; k < K; k++) {
      ok(Math.abs(sq[k]! - 1 - wantSq[k]!) <= 1e-12 * wantSq[k]!, `${solver.name} sum ${k}`);
    }
  }
});
