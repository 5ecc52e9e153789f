import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Matrix, pseudoInverse } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import {
  keptBySample,
  RAMP_TYPES,
  RampNormalEquations,
  rampTerms,
  type RampType,
  removeRamp,
  sampleStep,
  solveSymmetricPinv,
} from "./mod.ts";
import { uniformRandom } from "@vinsar/core";

const solver = createTsSolver();

interface Scene {
  K: number;
  L: number;
  W: number;
  data: Float32Array;
  mask: Uint8Array;
}

/** Ramps plus noise, with masked-out pixels, NaN and zero pixels. */
function makeScene(K: number, L: number, W: number, seed: number): Scene {
  const rand = uniformRandom(seed);
  const data = new Float32Array(K * L * W);
  const mask = new Uint8Array(L * W);
  for (let p = 0; p < L * W; p++) mask[p] = rand() < 0.8 ? 1 : 0;
  for (let k = 0; k < K; k++) {
    const a = [rand() - 0.5, rand() - 0.5, rand() - 0.5, rand(), rand(), rand()];
    for (let y = 0; y < L; y++) {
      for (let x = 0; x < W; x++) {
        const i = (k * L + y) * W + x;
        const r = rand();
        if (r < 0.05) data[i] = NaN;
        else if (r < 0.08) data[i] = 0;
        else {
          data[i] = 1e-3 * (a[0]! * y * y + a[1]! * x * x + a[2]! * x * y) + 0.02 * a[3]! * y -
            0.03 * a[4]! * x + a[5]! + 0.05 * (rand() - 0.5);
        }
      }
    }
  }
  return { K, L, W, data, mask };
}

/** MintPy's deramp of one date, independently, with ml-matrix: raw pixel indices, pinv. */
function denseDeramp(
  s: Scene,
  k: number,
  ramp: RampType,
  ref: { y: number; x: number } | null,
  maxSamples = 1e6,
): { out: Float64Array; step: number } {
  const { L, W } = s;
  const terms = rampTerms(ramp);
  const d = s.data.subarray(k * L * W, (k + 1) * L * W);
  const valid: number[] = [];
  for (let p = 0; p < L * W; p++) {
    if (s.mask[p] && !Number.isNaN(d[p]!) && d[p] !== 0) valid.push(p);
  }
  const step = sampleStep(valid.length, maxSamples);
  const used = valid.filter((p) =>
    keptBySample(Math.floor(p / W), step) && keptBySample(p % W, step)
  );
  const row = (p: number) => terms.map(([py, px]) => Math.floor(p / W) ** py * (p % W) ** px);
  const g = new Matrix(used.map(row));
  const x = pseudoInverse(g, 1e-15).mmul(Matrix.columnVector(used.map((p) => d[p]!)));
  const rampAt = (p: number) => row(p).reduce((acc, gj, j) => acc + gj * x.get(j, 0), 0);
  const off = ref ? rampAt(ref.y * W + ref.x) : 0;
  const out = new Float64Array(L * W);
  for (let p = 0; p < L * W; p++) out[p] = d[p] === 0 ? 0 : d[p]! - (rampAt(p) - off);
  return { out, step };
}

function fitInBlocks(
  s: Scene,
  ramp: RampType,
  rowsPerBlock: number,
  ref: { y: number; x: number } | null,
  maxSamples?: number,
) {
  const eq = new RampNormalEquations({ ramp, numDates: s.K, length: s.L, width: s.W, maxSamples });
  const blocks: Array<[number, number]> = [];
  for (let r0 = 0; r0 < s.L; r0 += rowsPerBlock) {
    blocks.push([r0, Math.min(s.L, r0 + rowsPerBlock)]);
  }
  const slice = (r0: number, r1: number) => {
    const n = (r1 - r0) * s.W;
    const block = new Float32Array(s.K * n);
    for (let k = 0; k < s.K; k++) {
      block.set(s.data.subarray((k * s.L + r0) * s.W, (k * s.L + r1) * s.W), k * n);
    }
    return block;
  };
  for (const [r0, r1] of blocks) {
    eq.add(solver, slice(r0, r1), r0, r1 - r0, s.mask.subarray(r0 * s.W, r1 * s.W));
  }
  const fit = eq.solve(ref);
  const out = new Float32Array(s.K * s.L * s.W);
  for (const [r0, r1] of blocks) {
    const n = (r1 - r0) * s.W;
    const o = new Float32Array(s.K * n);
    removeRamp(fit, slice(r0, r1), r0, r1 - r0, o);
    for (let k = 0; k < s.K; k++) out.set(o.subarray(k * n, (k + 1) * n), (k * s.L + r0) * s.W);
  }
  return { fit, out };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x - y));
  }
  return m;
}

for (const ramp of RAMP_TYPES) {
  Deno.test(`${ramp} ramp removal equals a dense pinv fit with MintPy's rules`, () => {
    const s = makeScene(3, 23, 31, 11);
    const ref = { y: 5, x: 7 };
    const { fit, out } = fitInBlocks(s, ramp, 4, ref);
    for (let k = 0; k < s.K; k++) {
      const dense = denseDeramp(s, k, ramp, ref);
      const mine = out.subarray(k * s.L * s.W, (k + 1) * s.L * s.W);
      ok(maxAbsDiff(mine, dense.out) < 2e-6, `${ramp} date ${k}: ${maxAbsDiff(mine, dense.out)}`);
      strictEqual(fit.step[k], 1);
      strictEqual(fit.status[k], 0);
      // The reference pixel keeps its value; zeros stay zero; NaN stays NaN.
      strictEqual(mine[ref.y * s.W + ref.x], s.data[(k * s.L + ref.y) * s.W + ref.x]);
      for (let p = 0; p < s.L * s.W; p++) {
        const d = s.data[k * s.L * s.W + p]!;
        if (d === 0) strictEqual(mine[p], 0);
        if (Number.isNaN(d)) ok(Number.isNaN(mine[p]!));
      }
    }
  });
}

Deno.test("sub-sampling: MintPy's step rule per date and the [s//2::s] grid", () => {
  const s = makeScene(2, 40, 50, 5);
  // Date 1 loses most pixels so its valid count, and therefore its step, differs.
  for (let p = 0; p < 40 * 50; p++) if (p % 7 !== 0) s.data[40 * 50 + p] = NaN;
  const maxSamples = 120;
  const ref = { y: 3, x: 4 };
  const { fit, out } = fitInBlocks(s, "quadratic", 7, ref, maxSamples);
  for (let k = 0; k < 2; k++) {
    const dense = denseDeramp(s, k, "quadratic", ref, maxSamples);
    strictEqual(fit.step[k], dense.step);
    ok(maxAbsDiff(out.subarray(k * 2000, (k + 1) * 2000), dense.out) < 2e-6);
  }
  ok(fit.step[0]! > fit.step[1]!, `steps ${fit.step[0]} vs ${fit.step[1]}`);
  strictEqual(sampleStep(1e6), 1);
  strictEqual(sampleStep(1e6 + 1), 2);
  strictEqual(sampleStep(9e6), 3);
  deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 7].filter((i) => keptBySample(i, 3)), [1, 4, 7]);
  deepStrictEqual([0, 1, 2, 3, 4].filter((i) => keptBySample(i, 2)), [1, 3]);
});

Deno.test("streaming with one-row blocks equals a single block", () => {
  const s = makeScene(4, 17, 19, 3);
  const one = fitInBlocks(s, "quadratic", 17, { y: 0, x: 0 });
  const tiny = fitInBlocks(s, "quadratic", 1, { y: 0, x: 0 });
  ok(maxAbsDiff(one.fit.coeffs, tiny.fit.coeffs) < 1e-12);
  ok(maxAbsDiff(one.out, tiny.out) <= 1e-7);
});

Deno.test("date groups reusing the first group's mask moments equal one fit of all dates", () => {
  const s = makeScene(5, 13, 11, 9);
  const all = fitInBlocks(s, "quadratic", 13, null);
  const n = s.L * s.W;
  let moments: Float64Array | null = null;
  for (const [k0, k1] of [[0, 2], [2, 5]] as const) {
    const eq = new RampNormalEquations({
      ramp: "quadratic",
      numDates: k1 - k0,
      length: s.L,
      width: s.W,
    });
    if (moments) eq.reuseMaskMoments(moments);
    eq.add(solver, s.data.subarray(k0 * n, k1 * n), 0, s.L, s.mask);
    moments ??= eq.maskMoments();
    const fit = eq.solve();
    ok(maxAbsDiff(fit.coeffs, all.fit.coeffs.subarray(k0 * 6, k1 * 6)) < 1e-12);
    deepStrictEqual(fit.validCount, all.fit.validCount.slice(k0, k1));
  }
  // Moments of another ramp's size are refused.
  const linear = new RampNormalEquations({ ramp: "linear", numDates: 1, length: s.L, width: s.W });
  throws(() => linear.reuseMaskMoments(moments!), /another ramp/);
});

Deno.test("a date with no valid pixel is left unchanged; a degenerate one is min-norm", () => {
  const s = makeScene(2, 9, 11, 8);
  s.data.fill(NaN, 0, 99);
  // Date 1: valid pixels only in row 4, so a linear ramp's y and constant columns coincide.
  for (let p = 0; p < 99; p++) if (Math.floor(p / 11) !== 4) s.data[99 + p] = NaN;
  s.mask.fill(1);
  const { fit, out } = fitInBlocks(s, "linear", 3, null);
  strictEqual(fit.status[0], 2);
  ok(out.subarray(0, 99).every((v) => Number.isNaN(v)));
  strictEqual(fit.status[1], 1);
  // Along the valid row the least-squares fit is unique: compare the residuals there.
  const dense = denseDeramp(s, 1, "linear", null);
  ok(maxAbsDiff(out.subarray(99 + 44, 99 + 55), dense.out.subarray(44, 55)) < 2e-6);
});

Deno.test("a reference pixel outside the image is an error", () => {
  const eq = new RampNormalEquations({ ramp: "linear", numDates: 1, length: 2, width: 2 });
  eq.add(solver, new Float32Array([1, 2, 3, 4]), 0, 2, null);
  throws(() => eq.solve({ y: 2, x: 0 }), RangeError);
});

Deno.test("symmetric pseudo-inverse solve matches ml-matrix on a full-rank system", () => {
  const rand = uniformRandom(2);
  const g = Matrix.rand(9, 4, { random: rand });
  const n = g.transpose().mmul(g);
  const b = [1, -2, 0.5, 3];
  const x = new Float64Array(4);
  ok(solveSymmetricPinv(4, Float64Array.from(n.to1DArray()), Float64Array.from(b), x));
  const ref = pseudoInverse(n).mmul(Matrix.columnVector(b)).to1DArray();
  ok(maxAbsDiff(x, ref) < 1e-9);
});
