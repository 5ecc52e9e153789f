import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  addPixelPeaks,
  amplitudeMask,
  bootstrapTolerance,
  compareAttributes,
  compareStrings,
  covarianceTolerance,
  median,
  StdRatioCheck,
  ToleranceCheck,
  unravelIndex,
  wrapAngle,
} from "./compare.ts";
import { uniformRandom } from "@vinsar/core";

/** Standard normal draws by Box-Muller. */
function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function field(n: number, seed: number, scale = 0.05): Float32Array {
  const r = uniformRandom(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * scale);
}

function check(ours: ArrayLike<number>, ref: ArrayLike<number>, abs: number, rel = 0) {
  const c = new ToleranceCheck({ abs, rel });
  c.add(ours, ref);
  return c.stats();
}

Deno.test("arrays within tolerance pass", () => {
  const ref = field(10000, 1);
  const ours = ref.map((v, i) => v + (i % 2 ? 9e-6 : -9e-6));
  const s = check(ours, ref, 1e-5);
  ok(s.passed);
  strictEqual(s.fractionWithin, 1);
  ok(s.maxAbsErr > 8e-6 && s.maxAbsErr < 1e-5);
});

Deno.test("1% of values beyond tolerance fails, 0.05% passes", () => {
  const ref = field(10000, 2);
  const bad = ref.slice();
  for (let i = 0; i < 100; i++) bad[i * 100] = ref[i * 100]! + 5e-5;
  const s = check(bad, ref, 1e-5);
  ok(!s.passed);
  strictEqual(s.within, 9900);
  strictEqual(s.beyondHundredfold, 0);

  const few = ref.slice();
  for (let i = 0; i < 5; i++) few[i * 1000] = ref[i * 1000]! + 5e-5;
  ok(check(few, ref, 1e-5).passed);
});

Deno.test("one value beyond 100 x the tolerance fails", () => {
  const ref = field(10000, 3);
  const ours = ref.slice();
  ours[1234] = ref[1234]! + 2e-3; // 200 x 1e-5
  const s = check(ours, ref, 1e-5);
  ok(!s.passed);
  strictEqual(s.beyondHundredfold, 1);
  strictEqual(s.worstIndex, 1234);
  deepStrictEqual(unravelIndex(s.worstIndex, [100, 100]), [12, 34]);
});

Deno.test("NaN mismatch fails; NaN on both sides passes", () => {
  const ref = field(10000, 4);
  for (let i = 0; i < 500; i++) ref[i] = NaN;
  const same = ref.slice();
  ok(check(same, ref, 1e-5).passed);

  const missing = ref.slice();
  for (let i = 0; i < 100; i++) missing[i] = 0; // ours a number where MintPy has NaN
  const s = check(missing, ref, 1e-5);
  ok(!s.passed);
  strictEqual(s.nanMismatch, 100);

  const extra = ref.slice();
  for (let i = 600; i < 700; i++) extra[i] = NaN; // ours NaN where MintPy has a number
  ok(!check(extra, ref, 1e-5).passed);
});

Deno.test("phase differences wrap around 2 pi", () => {
  ok(Math.abs(wrapAngle(2 * Math.PI - 1e-4) + 1e-4) < 1e-12);
  ok(Math.abs(wrapAngle(-3 * Math.PI) - Math.PI) < 1e-12);
  const ref = Float64Array.from([Math.PI - 2e-4, -Math.PI + 1e-4, 1]);
  const ours = Float64Array.from([-Math.PI + 2e-4, Math.PI - 1e-4, 1 + 2 * Math.PI]);
  const wrapped = new ToleranceCheck({ abs: 1e-3, wrap: true });
  wrapped.add(ours, ref);
  ok(wrapped.stats().passed);
  ok(!check(ours, ref, 1e-3).passed, "without wrapping these differ by ~2 pi");
});

Deno.test("phase is compared only where the amplitude exceeds 1 mm", () => {
  const ref = Float64Array.from([0.1, 0.2, 0.3, 0.4]);
  const ours = Float64Array.from([0.1, 2.2, 0.3, 0.4]); // pixel 1 is way off
  const amplitude = Float64Array.from([0.01, 0.0005, 0.02, 0.002]);
  const masked = new ToleranceCheck({ abs: 1e-3, wrap: true });
  masked.add(ours, ref, 0, amplitudeMask(amplitude, 1e-3));
  strictEqual(masked.stats().compared, 3);
  ok(masked.stats().passed);
  const big = Float64Array.from([0.01, 0.005, 0.02, 0.002]);
  const unmasked = new ToleranceCheck({ abs: 1e-3, wrap: true });
  unmasked.add(ours, ref, 0, amplitudeMask(big, 1e-3));
  ok(!unmasked.stats().passed);
});

Deno.test("Std rule: 1e-5 absolute or 0.1% relative; std_rel_tol widens it", () => {
  const ref = Float64Array.from({ length: 1000 }, (_, i) => 0.01 + i * 1e-3); // 0.01 .. 1
  const close = ref.map((v) => v * 1.0009);
  ok(!check(close, ref, 1e-5).passed, "absolute alone is too tight for large stds");
  ok(check(close, ref, 1e-5, 1e-3).passed);
  const far = ref.map((v) => v * 1.02);
  ok(!check(far, ref, 1e-5, 1e-3).passed);
  ok(check(far, ref, 1e-5, 0.1).passed);
  // Tiny stds pass on the absolute part.
  ok(check([1e-7 + 9e-6], [1e-7], 1e-5, 1e-3).passed);
});

Deno.test("slabs accumulate with their offsets", () => {
  const ref = field(200, 5);
  const ours = ref.slice();
  ours[150] = ref[150]! + 1; // beyond 100x
  const c = new ToleranceCheck({ abs: 1e-5 });
  c.add(ours.subarray(0, 100), ref.subarray(0, 100), 0);
  c.add(ours.subarray(100), ref.subarray(100), 100);
  const s = c.stats();
  strictEqual(s.compared, 200);
  strictEqual(s.worstIndex, 150);
  ok(!s.passed);
});

/** A synthetic bootstrap: per pixel parameter p, MintPy std s, and our run of it. */
function bootstrapCase(
  seed: number,
  meanNoise: number,
  stdFactor: (i: number) => number,
  n = 5000,
) {
  const rand = uniformRandom(seed);
  const gauss = normal(rand);
  const refParam = new Float64Array(n);
  const refStd = new Float64Array(n);
  const ourParam = new Float64Array(n);
  const ourStd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    refParam[i] = (rand() - 0.5) * 0.1;
    refStd[i] = 0.002 + rand() * 0.01;
    // Two bootstrap means differ by sampling noise: a small fraction of the std.
    ourParam[i] = refParam[i]! + meanNoise * refStd[i]! * gauss();
    ourStd[i] = refStd[i]! * stdFactor(i) * (1 + 0.03 * gauss());
  }
  // Masked pixels: zero everywhere in both files.
  for (let i = 0; i < 50; i++) {
    refParam[i] =
      refStd[i] =
      ourParam[i] =
      ourStd[i] =
        0;
  }
  const param = new ToleranceCheck({ abs: 0, hundredfold: false });
  param.add(ourParam, refParam, 0, undefined, bootstrapTolerance(refStd, refParam));
  const std = new StdRatioCheck();
  std.add(ourStd, refStd);
  return { param: param.stats(), std: std.stats() };
}

Deno.test("statistical rule: two runs of one bootstrap pass", () => {
  // 400 resamples: the means of two runs differ by about std * sqrt(2 / 400) = 0.07 std.
  const { param, std } = bootstrapCase(6, 0.07, () => 1);
  ok(param.passed, `param ${param.fractionWithin}`);
  ok(std.passed, `std median ${std.medianRatio}`);
  ok(Math.abs(std.medianRatio - 1) < 0.01);
});

Deno.test("statistical rule: parameters too far from MintPy's fail", () => {
  const { param } = bootstrapCase(7, 0.3, () => 1);
  ok(!param.passed);
});

Deno.test("statistical rule: a biased std fails on the median", () => {
  const { std } = bootstrapCase(8, 0.07, () => 1.2);
  ok(!std.passed);
  ok(std.medianRatio > 1.15);
});

Deno.test("statistical rule: more than 5% of pixels off in std fails", () => {
  const { std } = bootstrapCase(9, 0.07, (i) => (i % 10 === 0 ? 2 : 1));
  ok(Math.abs(std.medianRatio - 1) < 0.02, "median alone is fine");
  ok(std.fractionOutside > 0.09);
  ok(!std.passed);
});

Deno.test("median of even and odd lengths", () => {
  strictEqual(median([3, 1, 2]), 2);
  strictEqual(median([4, 1, 2, 3]), 2.5);
  ok(Number.isNaN(median([])));
});

Deno.test("string datasets must be equal", () => {
  ok(compareStrings("date", ["20200101", "20200113"], ["20200101", "20200113"]).passed);
  const v = compareStrings("date", ["20200101", "20200114"], ["20200101", "20200113"]);
  ok(!v.passed);
  ok(v.message.includes("20200114"));
  ok(!compareStrings("date", ["20200101"], ["20200101", "20200113"]).passed);
});

Deno.test("key attributes are checked only where MintPy sets them", () => {
  const ref = { FILE_TYPE: "velocity", UNIT: "m/year", LENGTH: "60", OTHER: "x" };
  ok(compareAttributes("f", { ...ref, REF_DATE: "20200101" }, ref).passed);
  const wrong = compareAttributes("f", { ...ref, UNIT: "m" }, ref);
  ok(!wrong.passed);
  ok(wrong.message.includes("UNIT"));
  const missing = compareAttributes("f", { FILE_TYPE: "velocity", UNIT: "m/year" }, ref);
  ok(!missing.passed);
  ok(missing.message.includes("LENGTH missing"));
  ok(compareAttributes("f", { ...ref, OTHER: "y" }, ref).passed, "non-key attributes ignored");
});

Deno.test("covariance peaks and tolerances follow each value's pixel", () => {
  // Two (date, date) entries of 3 pixels, in two slabs.
  const peaks = new Float64Array(3);
  addPixelPeaks([1, -4, 0], 0, peaks);
  addPixelPeaks([-2, 3, NaN], 3, peaks);
  deepStrictEqual(Array.from(peaks), [2, 4, 0]);
  deepStrictEqual(Array.from(covarianceTolerance(peaks, 0.5, 2, 4)), [0, 1, 2, 0]);
});
