/**
 * Tests of the WASM binding itself, beyond the conformance suite that every backend runs
 * (`solver_conformance_test.ts`): its memory stays bounded by the slab size, the lane-range
 * Cholesky solve of threads sharing a block, and `blockBuffer` views across memory growth.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { randomSystem } from "@vinsar/core/testing/network-cases";
import { referenceAssembleNormalEquations } from "@vinsar/core/testing/reference-kernels";
import { createWasmSolver } from "./mod.ts";

// A tiny slab forces the binding's split paths (GEMM column slabs, lane slabs).
const wasmSolvers = [await createWasmSolver(), await createWasmSolver({ slabBytes: 6000 })];

Deno.test("module memory stays bounded by the slab size for calls much larger than it", () => {
  const w = wasmSolvers[1]!;
  const before = w.arena.byteLength;
  const m = 3, n = 20000, k = 30;
  const a = new Float64Array(m * k).fill(0.5), b = new Float64Array(k * n).fill(2);
  const c = new Float64Array(m * n);
  w.dgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n);
  ok(c.every((x) => x === 30), "every entry is 30 * 0.5 * 2");
  // The call's data is 5 MB; the 6 kB slab keeps the memory within a few pages.
  ok(w.arena.byteLength - before <= 4 * 65536, `memory grew by ${w.arena.byteLength - before}`);
});

Deno.test("sparseCholeskySolveRange solves only its lanes, exactly as the whole call does", () => {
  const rand = uniformRandom(21);
  const lanes = 45;
  const { plan, scatter, obs, weight } = randomSystem(25, 40, lanes, rand);
  const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
  referenceAssembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
  for (const w of wasmSolvers) {
    const vAll = values.slice(), rAll = rhs.slice(), sAll = new Uint8Array(lanes);
    w.sparseCholeskySolve(plan, lanes, vAll, rAll, sAll);
    const v = values.slice(), r = rhs.slice(), s = new Uint8Array(lanes).fill(7);
    w.sparseCholeskySolveRange(plan, lanes, 8, 29, v, r, s);
    for (let i = 0; i < r.length; i++) {
      const p = i % lanes;
      strictEqual(r[i], p >= 8 && p < 29 ? rAll[i] : rhs[i], `rhs[${i}] (lane ${p})`);
    }
    for (let i = 0; i < v.length; i++) {
      const p = i % lanes;
      strictEqual(v[i], p >= 8 && p < 29 ? vAll[i] : values[i], `values[${i}]`);
    }
    // Lanes with a zero-weight-disconnected date fail in both calls alike.
    const want = Array.from(sAll, (x, p) => (p >= 8 && p < 29 ? x : 7));
    strictEqual([...s].join(""), want.join(""));
  }
});

Deno.test("blockBuffer: views survive memory growth and larger blocks; the Cholesky plans reload", async () => {
  const w = await createWasmSolver();
  const rand = uniformRandom(17);
  const lanes = 37, N = 12;
  const { plan, scatter, obs, weight } = randomSystem(N, 20, lanes, rand);
  const solve = () => {
    const values = new Float64Array(plan.nnz * lanes), rhs = new Float64Array(plan.n * lanes);
    w.assembleNormalEquations(plan, scatter, lanes, obs, weight, values, rhs);
    const status = new Uint8Array(lanes);
    w.sparseCholeskySolve(plan, lanes, values, rhs, status);
    return [...rhs, ...status];
  };
  const before = solve(); // the plan is now resident
  const small = w.blockBuffer(1000);
  small.fill(3);
  strictEqual(w.arena.blockOffset(small), small.byteOffset);
  // A bigger block moves the resident inputs and scratch up; a big call grows the memory.
  const big = w.blockBuffer(3_000_000);
  const grownFrom = w.arena.byteLength;
  const m = 3, n = 200_000, k = 8;
  const c = new Float64Array(m * n);
  w.dgemm(
    false,
    false,
    m,
    n,
    k,
    1,
    new Float64Array(m * k).fill(1),
    k,
    new Float64Array(k * n).fill(1),
    n,
    0,
    c,
    n,
  );
  ok(c.every((x) => x === 8));
  ok(w.arena.byteLength >= grownFrom);
  // The old views still see the region (the memory is shared: nothing was detached).
  strictEqual(small.length, 1000);
  ok(small.every((x) => x === 3), "the small view kept its values");
  strictEqual(big[999], 3, "the bigger block starts where the small one did");
  big[2_999_999] = 5;
  strictEqual(w.blockBuffer(3_000_000)[2_999_999], 5, "the same region is handed out again");
  deepStrictEqual(solve(), before, "the plan reloaded above the block gives the same solve");
  // Arrays outside the region are not taken for it.
  strictEqual(w.arena.blockOffset(new Float32Array(10)), -1);
  strictEqual(w.arena.blockOffset(new Float32Array(w.arena.memory.buffer, 0, 4)), -1);
});
