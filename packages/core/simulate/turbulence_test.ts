import { deepStrictEqual, ok } from "node:assert/strict";
import { turbulencePower, TurbulenceScreens } from "./turbulence.ts";

function correlation(a: Float32Array, b: Float32Array, pairs: Array<[number, number]>): number {
  let s = 0;
  for (const [i, j] of pairs) s += a[i]! * b[j]!;
  return s / pairs.length;
}

Deno.test("turbulence screens: zero mean, unit std, seeded, independent between dates", () => {
  const L = 48, W = 64;
  const screens = new TurbulenceScreens({ length: L, width: W, seed: 5 });
  const s0 = Float32Array.from(screens.screen(0));
  const s1 = Float32Array.from(screens.screen(1));
  const s2 = Float32Array.from(screens.screen(2));
  for (const s of [s0, s1, s2]) {
    const mean = s.reduce((a, b) => a + b, 0) / s.length;
    const std = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / s.length);
    ok(Math.abs(mean) < 1e-5 && Math.abs(std - 1) < 1e-5, `mean ${mean} std ${std}`);
  }
  // Same seed, same screen, whatever was computed before.
  const again = new TurbulenceScreens({ length: L, width: W, seed: 5 });
  again.screen(7);
  deepStrictEqual(Float32Array.from(again.screen(1)), s1);
  // Independent fields of this size have few degrees of freedom (most variance sits in the
  // longest waves), so single correlations spread widely: test their mean square.
  const all: Array<[number, number]> = Array.from({ length: L * W }, (_, i) => [i, i]);
  const meanSquare = (pairs: Array<[Float32Array, Float32Array]>) =>
    pairs.reduce((s, [a, b]) => s + correlation(a, b, all) ** 2, 0) / pairs.length;
  const dates = Array.from({ length: 20 }, (_, n) => Float32Array.from(screens.screen(n)));
  const other = new TurbulenceScreens({ length: L, width: W, seed: 6 });
  const seeds = Array.from({ length: 20 }, (_, n) => Float32Array.from(other.screen(n)));
  const consecutive = dates.slice(1).map((d, n): [Float32Array, Float32Array] => [dates[n]!, d]);
  ok(meanSquare(consecutive) < 0.25, `dates: mean squared correlation ${meanSquare(consecutive)}`);
  const crossSeed = dates.map((d, n): [Float32Array, Float32Array] => [d, seeds[n]!]);
  ok(meanSquare(crossSeed) < 0.25, `seeds: mean squared correlation ${meanSquare(crossSeed)}`);
  ok(correlation(s0, s0, all) > 0.999);
});

Deno.test("turbulence is spatially correlated: neighbours alike, far pixels less so", () => {
  const L = 64, W = 64;
  const s = new TurbulenceScreens({ length: L, width: W, seed: 2 }).screen(0);
  const lag = (d: number) => {
    const pairs: Array<[number, number]> = [];
    for (let y = 0; y < L; y++) {
      for (let x = 0; x + d < W; x++) pairs.push([y * W + x, y * W + x + d]);
    }
    return correlation(s, s, pairs);
  };
  ok(lag(1) > 0.9, `lag-1 correlation ${lag(1)}`);
  ok(lag(1) > lag(4) && lag(4) > lag(16), "correlation decays with distance");
});

Deno.test("turbulence spectrum: continuous power law, steepest between 250 m and 1.5 km", () => {
  const slope = (k: number) =>
    Math.log(turbulencePower(k * 1.01) / turbulencePower(k)) / Math.log(1.01);
  ok(Math.abs(slope(1 / 5000) + 8 / 3) < 1e-6);
  ok(Math.abs(slope(1 / 600) + 11 / 3) < 1e-6);
  ok(Math.abs(slope(1 / 100) + 5 / 3) < 1e-6);
  for (const k of [1 / 1500, 1 / 250]) {
    ok(Math.abs(turbulencePower(k * (1 + 1e-9)) / turbulencePower(k * (1 - 1e-9)) - 1) < 1e-6);
  }
  ok(turbulencePower(0) === 0);
  ok(turbulencePower(1e-7) === turbulencePower(1 / 50_000), "flat beyond the outer scale");
});
