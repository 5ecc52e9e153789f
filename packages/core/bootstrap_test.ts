import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { Matrix, pseudoInverse } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import {
  buildTimeFunctionModel,
  decimalYearOf,
  TimeFunctionBasis,
  timeFunctionDesignMatrix,
} from "./time_functions.ts";
import {
  bootstrapMoments,
  BootstrapRandom,
  type BootstrapSetup,
  bootstrapWeights,
  drawBootstrapSamples,
} from "./bootstrap.ts";
import { fitTimeFunctionsBlock, planTimeFunctionFit } from "./fit_time_functions.ts";

const solver = createTsSolver();

Deno.test("BootstrapRandom: seeded, reproducible, uniform integers", () => {
  const a = new BootstrapRandom(42), b = new BootstrapRandom(42), c = new BootstrapRandom(43);
  const sa = Array.from({ length: 20 }, () => a.nextUint32());
  deepStrictEqual(sa, Array.from({ length: 20 }, () => b.nextUint32()));
  notDeepStrictEqual(sa, Array.from({ length: 20 }, () => c.nextUint32()));
  const rng = new BootstrapRandom(2 ** 40 + 7);
  const n = 7, draws = 70000, counts = new Array(n).fill(0);
  for (let i = 0; i < draws; i++) {
    const k = rng.nextInt(n);
    ok(Number.isInteger(k) && k >= 0 && k < n);
    counts[k]++;
  }
  // Chi-square with 6 degrees of freedom: 22.5 is the 0.999 quantile.
  const e = draws / n;
  const chi2 = counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
  ok(chi2 < 22.5, `chi2 ${chi2}`);
});

const DATES = [
  "20180106",
  "20180130",
  "20180223",
  "20180307",
  "20180319",
  "20180331",
  "20180412",
  "20180506",
  "20180518",
  "20180530",
  "20180611",
  "20180623",
  "20180705",
  "20180717",
];
const SECONDS = 2426.02;

/**
 * MintPy's bootstrap, written out: for each iteration draw N dates with replacement, sort,
 * build G from the resampled date list (its first date is the time origin), drop dates
 * without data, solve least squares; then mean and standard deviation (ddof 0).
 */
function explicitBootstrap(
  model: ReturnType<typeof buildTimeFunctionModel>,
  seed: number,
  count: number,
  d: number[],
) {
  const n = DATES.length;
  const rng = new BootstrapRandom(seed);
  const fits: number[][] = [];
  for (let b = 0; b < count; b++) {
    const idx = Array.from({ length: n }, () => rng.nextInt(n)).sort((x, y) => x - y);
    const g = timeFunctionDesignMatrix(idx.map((i) => DATES[i]!), model, { seconds: SECONDS });
    const p = g.length / n;
    const keep = idx.map((i, k) => [i, k] as const).filter(([i]) => !Number.isNaN(d[i]!));
    const G = new Matrix(keep.map(([, k]) => Array.from(g.subarray(k * p, (k + 1) * p))));
    const y = Matrix.columnVector(keep.map(([i]) => d[i]!));
    fits.push(pseudoInverse(G).mmul(y).to1DArray());
  }
  const p = fits[0]!.length;
  const mean = Array.from({ length: p }, (_, j) => fits.reduce((s, m) => s + m[j]!, 0) / count);
  const std = mean.map((mu, j) =>
    Math.sqrt(fits.reduce((s, m) => s + (m[j]! - mu) ** 2, 0) / count)
  );
  return { mean, std };
}

Deno.test("bootstrap closed form equals the explicit resampling loop (same seed)", () => {
  const model = buildTimeFunctionModel(
    { polynomial: 1, periodic: [], stepDate: [], polyline: ["20180412"], exp: [], log: [] },
    DATES,
  );
  const n = DATES.length, count = 150, seed = 20240601;
  const basis = new TimeFunctionBasis(model);
  const p = basis.numParams;
  const years = Float64Array.from(DATES, (d) => decimalYearOf(d, SECONDS));
  const setup: BootstrapSetup = {
    basis,
    years,
    samples: drawBootstrapSamples(n, count, new BootstrapRandom(seed)),
    count,
  };
  const moments = bootstrapMoments(bootstrapWeights(setup));
  const fit = planTimeFunctionFit(basis.matrix(years, years[0]!), n, p);

  // 30 complete pixels (closed form), 12 missing date 3 (a group wider than its dates:
  // closed form), 2 missing dates 0 and 9 (a small group: fit by fit).
  const lanes = 44;
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5;
  const data = new Float64Array(n * lanes);
  for (let l = 0; l < lanes; l++) {
    const v = rnd() * 0.1, v2 = rnd() * 0.1;
    for (let i = 0; i < n; i++) {
      const t = years[i]! - years[0]!;
      data[i * lanes + l] = v * t + v2 * Math.max(0, years[i]! - 2018.27) + rnd() * 0.004;
    }
  }
  for (let l = 30; l < 42; l++) data[3 * lanes + l] = NaN;
  for (const l of [42, 43]) data[0 * lanes + l] = data[9 * lanes + l] = NaN;
  const orig = data.slice();
  const r = fitTimeFunctionsBlock(solver, fit, data, lanes, {
    uncertainty: "bootstrap",
    bootstrap: { setup, moments },
    refLane: -1,
  });
  strictEqual(r.counts.partial, 14);
  strictEqual(r.counts.partialPatterns, 2);
  for (let l = 0; l < lanes; l++) {
    const d = Array.from({ length: n }, (_, i) => orig[i * lanes + l]!);
    const ref = explicitBootstrap(model, seed, count, d);
    for (let j = 0; j < p; j++) {
      const m = r.params[j * lanes + l]!, sd = r.std[j * lanes + l]!;
      ok(Math.abs(m - ref.mean[j]!) < 1e-10, `lane ${l} mean[${j}] ${m} vs ${ref.mean[j]}`);
      ok(Math.abs(sd - ref.std[j]!) < 1e-10, `lane ${l} std[${j}] ${sd} vs ${ref.std[j]}`);
    }
  }
  // The bootstrap spread is a real spread, not zero.
  ok(r.std[lanes + 0]! > 0);
});
