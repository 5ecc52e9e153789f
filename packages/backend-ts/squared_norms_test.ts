import { ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { groupedSquaredNorms } from "./squared_norms.ts";

Deno.test("groupedSquaredNorms: closed form sum_{r<R} (r+1)^2 = R(R+1)(2R+1)/6 per column", () => {
  for (const R of [0, 1, 2, 3, 4, 5, 7, 8, 9, 100]) {
    const groups = 3, width = 5, lda = 7, ldOut = 6;
    // Row r of group g holds (r + 1) * (g + 1) in every column: |.|^2 = (g+1)^2 R(R+1)(2R+1)/6.
    const a = new Float64Array(groups * R * lda).fill(NaN);
    for (let g = 0; g < groups; g++) {
      for (let r = 0; r < R; r++) {
        for (let l = 0; l < width; l++) a[(g * R + r) * lda + l] = (r + 1) * (g + 1);
      }
    }
    for (const sqrt of [false, true]) {
      const out = new Float64Array(groups * ldOut).fill(-1);
      groupedSquaredNorms(groups, R, width, a, lda, out, ldOut, sqrt);
      for (let g = 0; g < groups; g++) {
        const sq = (g + 1) ** 2 * R * (R + 1) * (2 * R + 1) / 6;
        for (let l = 0; l < ldOut; l++) {
          const want = l < width ? (sqrt ? Math.sqrt(sq) : sq) : -1; // padding untouched
          strictEqual(out[g * ldOut + l], want, `R ${R} group ${g} column ${l} sqrt ${sqrt}`);
        }
      }
    }
  }
});

Deno.test("groupedSquaredNorms equals a naive loop on random groups and strides", () => {
  const rand = uniformRandom(17);
  for (let trial = 0; trial < 100; trial++) {
    const groups = 1 + Math.floor(rand() * 6), R = Math.floor(rand() * 30);
    const width = 1 + Math.floor(rand() * 70);
    const lda = width + Math.floor(rand() * 3), ldOut = width + Math.floor(rand() * 3);
    const a = Float64Array.from({ length: groups * R * lda }, () => 4 * rand() - 2);
    const sqrt = rand() < 0.5;
    const out = new Float64Array(groups * ldOut);
    groupedSquaredNorms(groups, R, width, a, lda, out, ldOut, sqrt);
    for (let g = 0; g < groups; g++) {
      for (let l = 0; l < width; l++) {
        let s = 0;
        for (let r = 0; r < R; r++) s += a[(g * R + r) * lda + l]! ** 2;
        const want = sqrt ? Math.sqrt(s) : s, got = out[g * ldOut + l]!;
        ok(Math.abs(got - want) <= 1e-14 * want, `trial ${trial} (${g}, ${l}): ${got} vs ${want}`);
      }
    }
  }
});
