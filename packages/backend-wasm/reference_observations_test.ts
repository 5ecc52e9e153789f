/**
 * `referenceObservations` (MintPy's referencing of a block, in place in the block region)
 * against the rule written out value by value, on blocks with zeros, NaNs, values equal to
 * the reference and pixel counts that are not a multiple of four.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { createWasmSolver } from "./mod.ts";

function referenced(v: number, ref: number, zeroIsNoData: boolean): number {
  const x = v !== 0 ? Math.fround(v - ref) : 0;
  return x === 0 && zeroIsNoData ? NaN : x;
}

Deno.test("wasm referenceObservations: the referencing rule and the valid counts", async () => {
  const w = await createWasmSolver();
  const rand = uniformRandom(17);
  for (const [K, P] of [[5, 1], [7, 4], [9, 13], [40, 257]]) {
    for (const zeroIsNoData of [true, false]) {
      const ref = Float32Array.from({ length: K }, (_, k) => (k === 1 ? 0 : rand() * 6 - 3));
      const given = Float32Array.from({ length: K * P }, (_, i) => {
        const r = rand();
        if (r < 0.1) return 0;
        if (r < 0.15) return NaN;
        if (r < 0.2) return ref[Math.floor(i / P)]!; // referenced to exactly 0
        return rand() * 20 - 10;
      });
      const block = w.blockBuffer(K * P);
      block.set(given);
      const count = new Int32Array(P).fill(99);
      strictEqual(w.referenceObservations(block, K, P, ref, zeroIsNoData, count), true);
      const want = given.map((v, i) => referenced(v, ref[Math.floor(i / P)]!, zeroIsNoData));
      const wantCount = Int32Array.from({ length: P }, (_, p) => {
        let n = 0;
        for (let k = 0; k < K; k++) if (!Number.isNaN(want[k * P + p]!)) n++;
        return n;
      });
      // NaN compares equal to NaN in deepStrictEqual (Object.is).
      deepStrictEqual(Array.from(block), Array.from(want), `K=${K} P=${P} ${zeroIsNoData}`);
      deepStrictEqual(Array.from(count), Array.from(wantCount));
    }
  }
});

Deno.test("wasm referenceObservations: a block outside the block region is left to the caller", async () => {
  const w = await createWasmSolver();
  const phase = new Float32Array([1, 2, 3, 4]);
  strictEqual(
    w.referenceObservations(phase, 1, 4, new Float32Array([1]), true, new Int32Array(4)),
    false,
  );
  deepStrictEqual(Array.from(phase), [1, 2, 3, 4]);
});
