import { ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { rampRowSums } from "./ramp_row_sums.ts";
import {
  callRampRowSums,
  randomRampRows,
  sumScale,
} from "@vinsar/core/testing/ramp-row-sums-cases";
import { referenceRampRowSums } from "@vinsar/core/testing/reference-kernels";

Deno.test("rampRowSums: closed form on constant rows with a known mask", () => {
  // Row value 2.5 everywhere, basis row j = c^j, mask keeps even columns: sums = 2.5 * sum c^j.
  const width = 10, rows = 4, numSum = 3, numBad = 2, maskRows = 2;
  const data = new Float32Array(rows * width).fill(2.5);
  data[2 * width + 4] = NaN; // row 2, column 4 (in the mask): bad
  data[3 * width + 3] = 0; // row 3, column 3 (outside the mask): ignored
  const mask = Uint8Array.from({ length: maskRows * width }, (_, p) => (p % 2 === 0 ? 1 : 0));
  const basis = Float64Array.from(
    { length: 3 * width },
    (_, p) => (p % width) ** Math.floor(p / width),
  );
  const sums = new Float64Array(rows * numSum), bad = new Float64Array(rows * numBad).fill(9);
  const badCount = new Int32Array(rows).fill(9);
  rampRowSums(rows, width, data, mask, maskRows, basis, numSum, basis, numBad, sums, bad, badCount);
  // Even columns 0..8: count 5, sum 20, sum of squares 120.
  for (let i = 0; i < rows; i++) {
    const minus = i === 2 ? [1, 4, 16] : [0, 0, 0];
    strictEqual(sums[i * 3], 2.5 * (5 - minus[0]!), `row ${i} sum`);
    strictEqual(sums[i * 3 + 1], 2.5 * (20 - minus[1]!));
    strictEqual(sums[i * 3 + 2], 2.5 * (120 - minus[2]!));
    strictEqual(badCount[i], i === 2 ? 1 : 0);
    strictEqual(bad[i * 2], i === 2 ? 1 : 0);
    strictEqual(bad[i * 2 + 1], i === 2 ? 4 : 0);
  }
});

Deno.test("rampRowSums equals the pixel-by-pixel definition on random rows, masks and bases", () => {
  const rand = uniformRandom(29);
  for (let trial = 0; trial < 80; trial++) {
    const p = randomRampRows(rand, trial % 4 !== 0);
    const want = callRampRowSums(referenceRampRowSums, p);
    const { sums, bad, badCount } = callRampRowSums(rampRowSums, p);
    strictEqual([...badCount].join(), [...want.badCount].join(), `trial ${trial} counts`);
    // Bad sums run in the same order as the definition: identical.
    strictEqual([...bad].join(), [...want.bad].join(), `trial ${trial} bad sums`);
    for (let i = 0; i < sums.length; i++) {
      const scale = sumScale(p, i);
      ok(Math.abs(sums[i]! - want.sums[i]!) <= 1e-14 * scale, `trial ${trial} sum ${i}`);
    }
  }
});
