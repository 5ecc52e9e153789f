import { ok, strictEqual } from "node:assert/strict";
import { uniformRandom } from "@vinsar/core";
import { maskedSquareSums } from "./masked_square_sums.ts";

Deno.test("maskedSquareSums: closed form on a row of 1..n with a mask of odd pixels", () => {
  const n = 101;
  const data = Float32Array.from({ length: 2 * n }, (_, i) => (i % n) + 1);
  data[n + 4] = NaN; // second row: pixel 5 (odd, in the mask) missing
  const mask = Uint8Array.from({ length: n }, (_, c) => ((c + 1) % 2 === 1 ? 1 : 0));
  const sumSq = Float64Array.of(10, 0), count = Float64Array.of(1, 0);
  maskedSquareSums(2, n, data, mask, sumSq, count);
  // Odd squares 1^2 + 3^2 + ... + (2m-1)^2 = m(2m-1)(2m+1)/3 with m = 51.
  const odd = 51 * 101 * 103 / 3;
  strictEqual(sumSq[0], 10 + odd);
  strictEqual(count[0], 1 + 51);
  strictEqual(sumSq[1], odd - 25);
  strictEqual(count[1], 50);
});

Deno.test("maskedSquareSums equals a naive loop: NaN skipped, zeros and infinities counted", () => {
  const rand = uniformRandom(23);
  for (let trial = 0; trial < 60; trial++) {
    const rows = 1 + Math.floor(rand() * 5), width = 1 + Math.floor(rand() * 300);
    const data = Float32Array.from({ length: rows * width }, () => {
      const r = rand();
      return r < 0.1 ? NaN : r < 0.15 ? 0 : r < 0.16 ? -0 : 10 * rand() - 5;
    });
    if (trial % 7 === 3) data[0] = Infinity;
    const mask = trial % 3 === 0
      ? null
      : Uint8Array.from({ length: width }, () => (rand() < 0.6 ? 1 + Math.floor(rand() * 255) : 0));
    const sumSq = Float64Array.from({ length: rows }, () => rand()), count = new Float64Array(rows);
    const s0 = sumSq.slice();
    maskedSquareSums(rows, width, data, mask, sumSq, count);
    for (let i = 0; i < rows; i++) {
      let s = s0[i]!, n = 0;
      for (let c = 0; c < width; c++) {
        const d = data[i * width + c]!;
        if ((mask === null || mask[c] !== 0) && !Number.isNaN(d)) {
          s += d * d;
          n++;
        }
      }
      strictEqual(count[i], n, `trial ${trial} row ${i} count`);
      ok(s === sumSq[i] || Math.abs(sumSq[i]! - s) <= 1e-14 * s, `row ${i}: ${sumSq[i]} vs ${s}`);
    }
  }
});
