import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { REGION_WATER } from "./regions.ts";
import { createScene } from "./scene.ts";
import { simulateTimeseriesRows } from "./timeseries.ts";
import { TurbulenceScreens } from "./turbulence.ts";

const L = 24, W = 36, N = 15;

Deno.test("time-series without noise is the deformation: zero on the first date, at the reference and on water", () => {
  const scene = createScene({ length: L, width: W, numDates: N, seed: 2 });
  const ts = simulateTimeseriesRows(scene, 0, L);
  const P = L * W, ref = scene.refY * W + scene.refX;
  const coef = scene.deformation.coefficientsRows(0, L);
  const disp = scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, 0, N);
  const flags = new Uint8Array(P);
  scene.regions.fillRows(0, L, flags);
  for (let n = 0; n < N; n++) {
    strictEqual(ts[n * P + ref], 0);
    for (let p = 0; p < P; p++) {
      const expected = n === 0 || flags[p]! & REGION_WATER ? 0 : disp[n * P + p]!;
      strictEqual(ts[n * P + p], expected);
    }
  }
  // The last date carries the inflation and the eruption.
  ok(Math.max(...ts.subarray((N - 1) * P).map(Math.abs)) > 0.01);
});

Deno.test("time-series noise is referenced, seeded per row and independent of the block", () => {
  const scene = createScene({ length: L, width: W, numDates: N, seed: 2 });
  const screens = new TurbulenceScreens({ length: L, width: W, seed: 2 });
  const first = Float32Array.from(screens.screen(0));
  const tropo = (n: number) => (n === 0 ? first : screens.screen(n)).map((v) => 0.005 * v);
  const opts = { noiseStd: 0.002, rampStd: 0.01, tropo };
  const whole = simulateTimeseriesRows(scene, 0, L, opts);
  const P = L * W, ref = scene.refY * W + scene.refX;
  const clean = simulateTimeseriesRows(scene, 0, L);
  let s2 = 0;
  for (let n = 0; n < N; n++) {
    strictEqual(whole[n * P + ref], 0, `reference pixel, date ${n}`);
    for (let p = 0; p < P; p++) s2 += (whole[n * P + p]! - clean[n * P + p]!) ** 2;
  }
  ok(Math.sqrt(s2 / (N * P)) > 0.002, "noise was added");
  for (let p = 0; p < P; p++) strictEqual(whole[p], 0, "first date");
  // Rows 10..17, dates 4..9 on their own.
  const part = simulateTimeseriesRows(scene, 10, 17, { ...opts, dates: [4, 9] });
  const n = 7 * W;
  for (let d = 4; d < 9; d++) {
    deepStrictEqual(
      part.subarray((d - 4) * n, (d - 3) * n),
      whole.subarray(d * P + 10 * W, d * P + 17 * W),
    );
  }
});
