/**
 * The TypeScript fused ramp removal against a per-pixel reading of its definition: values
 * (zeros kept with their sign, NaN kept), and the masked sums of squares of the stored
 * float32 values with their counts.
 */
import { ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { removeRampRows } from "./remove_ramp_rows.ts";
import { callRemoveRamp, randomRemoveRamp } from "@vinsar/core/testing/remove-ramp-rows-cases";

Deno.test("removeRampRows (ts): ramp removed where not zero, masked squares summed", () => {
  const rand = uniformRandom(47);
  for (let trial = 0; trial < 80; trial++) {
    const p = randomRemoveRamp(rand, trial % 3 !== 0);
    const got = callRemoveRamp(removeRampRows, p);
    for (let i = 0; i < p.rows; i++) {
      let s = 0, n = 0;
      for (let c = 0; c < p.width; c++) {
        const d = p.data[i * p.width + c]!, t = p.u[c]!;
        const ramp = p.coeffs[3 * i]! + t * p.coeffs[3 * i + 1]! + t * t * p.coeffs[3 * i + 2]!;
        const want = d === 0 ? d : Math.fround(d - ramp);
        const v = got.data[i * p.width + c]!;
        const what = `trial ${trial} row ${i} col ${c}`;
        if (Number.isNaN(want) || !Number.isFinite(want)) ok(Object.is(v, want), what);
        else ok(Object.is(v, want) || Math.abs(v - want) <= 2e-7 * Math.abs(want), what);
        const m = p.mask ? p.mask[((p.maskRow0 + i) % p.maskRows) * p.width + c]! : 1;
        if (m !== 0 && !Number.isNaN(v)) {
          s += v * v;
          n++;
        }
      }
      strictEqual(got.count[i], n, `trial ${trial} row ${i} count`);
      ok(Object.is(got.sumSq[i], s) || Math.abs(got.sumSq[i]! - s) <= 1e-12 * s, `row ${i} sum`);
    }
  }
});
