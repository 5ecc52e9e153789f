/**
 * Tests of the wasm reduction bindings beyond the conformance suite that every backend runs
 * (`solver_conformance_test.ts`): row slabs of `rampRowSums` whose mask rows wrap around or
 * start mid-mask.
 */
import { ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { referenceRampRowSums } from "@vinsar/core/testing/reference-kernels";
import { createWasmSolver } from "./mod.ts";

Deno.test("wasm rampRowSums: row slabs whose mask rows wrap around or start mid-mask", async () => {
  // 450-byte slabs hold 3 rows of this problem: slabs start at mask rows 0, 3 (wrapping), 1, 4, 2.
  const w = await createWasmSolver({ slabBytes: 450 });
  const rand = uniformRandom(43);
  const rows = 13, width = 10, maskRows = 5;
  const data = Float32Array.from(
    { length: rows * width },
    () => (rand() < 0.1 ? NaN : rand() - 0.5),
  );
  const mask = Uint8Array.from({ length: maskRows * width }, () => (rand() < 0.6 ? 1 : 0));
  const basis = Float64Array.from({ length: width }, () => rand());
  const run = (kernel: typeof referenceRampRowSums) => {
    const sums = new Float64Array(rows), bad = new Float64Array(rows), n = new Int32Array(rows);
    kernel(rows, width, data, mask, maskRows, basis, 1, basis, 1, sums, bad, n);
    return [...sums, ...bad, ...n];
  };
  const want = run(referenceRampRowSums), got = run(w.rampRowSums.bind(w));
  strictEqual(got.length, want.length);
  // Sums of at most 10 terms of size < 1 (and counts): 1e-12 of |value| + 10.
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i]! - want[i]!);
    ok(
      d <= 1e-12 * (Math.abs(want[i]!) + 10),
      `sums, bad sums, counts [${i}]: ${got[i]} vs ${want[i]}`,
    );
  }
});
