/**
 * The TypeScript fused series fit against an independent least-squares solution per pixel
 * (ml-matrix QR on the referenced series), on random blocks: parameters, sums, residual
 * and its sum of squares; NaN pixels all NaN; the block outside the residual rows untouched.
 */
import { ok, strictEqual } from "node:assert/strict";
import { Matrix, pseudoInverse, QrDecomposition } from "ml-matrix";
import { uniformRandom } from "@vinsar/core";
import { fitSeriesFloat32 } from "./fit_series.ts";
import { callFitSeries, randomFitSeries } from "@vinsar/core/testing/fit-series-cases";

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * (1 + Math.abs(b));

Deno.test("fitSeriesFloat32 (ts) solves each pixel's least squares, with its residual", () => {
  const rand = uniformRandom(41);
  let numSpecial = 0;
  for (let trial = 0; trial < 60; trial++) {
    const p = 1 + Math.floor(rand() * 5), n = p + 2 + Math.floor(rand() * 60);
    const G = Matrix.rand(n, p, { random: rand });
    const design = Float64Array.from(G.to1DArray());
    const pinv = Float64Array.from(pseudoInverse(G).to1DArray());
    const c = randomFitSeries(rand, { design, pinv, n, p });
    const got = callFitSeries(fitSeriesFloat32, c);
    for (let l = 0; l < c.lanes; l++) {
      const ref = c.refOffset >= 0 ? c.data[c.refOffset + l]! : 0;
      const d = Array.from(
        c.rowOffset,
        (o, k) => (c.data[o + l]! - ref - c.shift[k]!) * c.scale,
      );
      const what = `trial ${trial} pixel ${l}`;
      if (d.some((v) => Number.isNaN(v))) {
        ok(Number.isNaN(got.sums[l]!) && Number.isNaN(got.e2[l]!), `${what}: NaN`);
        for (let j = 0; j < p; j++) ok(Number.isNaN(got.params[j * c.ldParams + l]!), what);
        // No residual written: the block keeps the pixel's data.
        for (let k = 0; k < n && got.residual; k++) {
          const at = got.residualOffset![k]! + l;
          const before = c.residual === "inplace" ? c.data[at]! : -7;
          ok(Object.is(got.residual[at], before), `${what}: residual ${k} left as it was`);
        }
        continue;
      }
      const sum = d.reduce((a, b) => a + b, 0);
      ok(near(got.sums[l]!, sum, 1e-12), `${what}: sum ${got.sums[l]} vs ${sum}`);
      const m = new QrDecomposition(G).solve(Matrix.columnVector(d)).getColumn(0);
      for (let j = 0; j < p; j++) {
        ok(near(got.params[j * c.ldParams + l]!, m[j]!, 1e-8), `${what}: param ${j}`);
      }
      let e2 = 0;
      for (let k = 0; k < n; k++) {
        let r = d[k]!;
        for (let j = 0; j < p; j++) r -= design[k * p + j]! * m[j]!;
        e2 += r * r;
        if (got.residual) {
          const v = got.residual[got.residualOffset![k]! + l]!;
          ok(Math.abs(v - r) <= 1e-6 * (1e-3 + Math.abs(r)), `${what}: residual ${k}`);
        }
      }
      ok(near(got.e2[l]!, e2, 1e-7), `${what}: e2 ${got.e2[l]} vs ${e2}`);
      for (let j = 0; j < p && c.stdScale; j++) {
        const want = Math.sqrt(c.stdScale[j]! * e2);
        ok(near(got.std[j * c.ldParams + l]!, want, 1e-7), `${what}: std ${j}`);
      }
    }
    // The special pixels: exactly those whose sum is NaN or zero, ascending, with the NaN
    // count and the sum of the other values of each.
    const special = Array.from(got.sums).flatMap((s, l) => s !== s || s === 0 ? [l] : []);
    strictEqual(got.special.join(), special.join(), `trial ${trial}: special`);
    got.special.forEach((l, i) => {
      const ref = c.refOffset >= 0 ? c.data[c.refOffset + l]! : 0;
      const d = Array.from(c.rowOffset, (o, k) => (c.data[o + l]! - ref - c.shift[k]!) * c.scale);
      const valid = d.filter((v) => !Number.isNaN(v));
      strictEqual(got.specialNaN[i], n - valid.length, `trial ${trial} pixel ${l}: NaN count`);
      const sum = valid.reduce((a, b) => a + b, 0);
      ok(near(got.specialSum[i]!, sum, 1e-12), `trial ${trial} pixel ${l}: valid sum`);
    });
    numSpecial += special.length;
    if (c.residual === "inplace") {
      // Rows past the n residual rows and lanes outside the range keep their values.
      for (let i = 0; i < c.data.length; i++) {
        const r = Math.floor(i / c.stride), q = (i % c.stride) - c.laneStart;
        if (r < n && q >= 0 && q < c.lanes) continue;
        strictEqual(Object.is(got.residual![i], c.data[i]), true, `trial ${trial} cell ${i}`);
      }
    }
  }
  ok(numSpecial > 20, `special pixels exercised: ${numSpecial}`);
});
