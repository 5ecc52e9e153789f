import { ok, strictEqual } from "node:assert/strict";
import { inverse, Matrix, pseudoInverse } from "ml-matrix";
import { createTsSolver } from "@vinsar/backend-ts";
import { buildTimeFunctionModel, timeFunctionDesignMatrix } from "./time_functions.ts";
import {
  fitTimeFunctionsBlock,
  planTimeFunctionFit,
  type TimeSeriesCovariance,
} from "./fit_time_functions.ts";

const solver = createTsSolver();

/** Deterministic uniform numbers in [-1, 1) for test data. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

const DATES = [
  "20200105",
  "20200129",
  "20200222",
  "20200317",
  "20200410",
  "20200504",
  "20200528",
  "20200621",
  "20200715",
  "20200808",
  "20200901",
  "20200925",
  "20201019",
  "20201112",
];

function setup() {
  const model = buildTimeFunctionModel(
    {
      polynomial: 1,
      periodic: [1],
      stepDate: ["20200520"],
      polyline: [],
      exp: [],
      log: [],
    },
    DATES,
  );
  const n = DATES.length;
  const g = timeFunctionDesignMatrix(DATES, model, { seconds: 3000 });
  const p = g.length / n;
  return { model, n, p, g, fit: planTimeFunctionFit(g, n, p) };
}

/** Synthetic block: `G m + noise`, lane-fastest. */
function synth(n: number, p: number, g: Float64Array, lanes: number, seed: number) {
  const rnd = lcg(seed);
  const data = new Float64Array(n * lanes);
  for (let l = 0; l < lanes; l++) {
    const m = Array.from({ length: p }, () => rnd() * 0.05);
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < p; j++) v += g[i * p + j]! * m[j]!;
      data[i * lanes + l] = v + rnd() * 0.003;
    }
  }
  return data;
}

/** Independent per-pixel least squares (ml-matrix) on the rows `rows` of G. */
function reference(g: Float64Array, p: number, d: number[], rows: number[]) {
  const G = new Matrix(rows.map((r) => Array.from(g.subarray(r * p, (r + 1) * p))));
  const y = Matrix.columnVector(rows.map((r) => d[r]!));
  const m = pseudoInverse(G).mmul(y).to1DArray();
  const res = y.sub(G.mmul(Matrix.columnVector(m))).to1DArray();
  const e2 = res.reduce((s, v) => s + v * v, 0);
  const inv = inverse(G.transpose().mmul(G));
  const std = m.map((_, j) => Math.sqrt(inv.get(j, j) * e2 / (rows.length - p)));
  return { m, e2, std, res, pinv: pseudoInverse(G) };
}

function near(a: number, b: number, what: string, tol = 1e-10) {
  ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
}

function column(data: Float64Array, n: number, lanes: number, l: number): number[] {
  return Array.from({ length: n }, (_, i) => data[i * lanes + l]!);
}

Deno.test("fit: parameters, e2, residual and residue STD equal per-pixel lstsq (ml-matrix)", () => {
  const { n, p, g, fit } = setup();
  const lanes = 1100; // several tiles
  const data = synth(n, p, g, lanes, 7);
  const orig = data.slice();
  const r = fitTimeFunctionsBlock(solver, fit, data, lanes, {
    uncertainty: "residue",
    refLane: -1,
  });
  strictEqual(r.counts.fitted, lanes);
  const all = Array.from({ length: n }, (_, i) => i);
  for (const l of [0, 1, 511, 512, 700, lanes - 1]) {
    const ref = reference(g, p, column(orig, n, lanes, l), all);
    for (let j = 0; j < p; j++) {
      near(r.params[j * lanes + l]!, ref.m[j]!, `m[${j}] lane ${l}`);
      near(r.std[j * lanes + l]!, ref.std[j]!, `std[${j}] lane ${l}`);
    }
    near(r.e2[l]!, ref.e2, `e2 lane ${l}`, 1e-9);
    for (let i = 0; i < n; i++) near(data[i * lanes + l]!, ref.res[i]!, `residual ${i}`);
  }
});

Deno.test("fit: skipped pixels (all NaN, all zero) stay 0 with a NaN residual; the reference pixel is fit", () => {
  const { n, p, g, fit } = setup();
  const lanes = 5;
  const data = synth(n, p, g, lanes, 3);
  for (let i = 0; i < n; i++) {
    data[i * lanes + 1] = NaN;
    data[i * lanes + 2] = 0;
    data[i * lanes + 3] = 0;
  }
  const r = fitTimeFunctionsBlock(solver, fit, data, lanes, { uncertainty: "residue", refLane: 3 });
  strictEqual(r.counts.fitted, 3);
  strictEqual(r.counts.skipped, 2);
  for (const l of [1, 2]) {
    strictEqual(r.fitted[l], 0);
    for (let j = 0; j < p; j++) strictEqual(r.params[j * lanes + l], 0);
    for (let i = 0; i < n; i++) ok(Number.isNaN(data[i * lanes + l]));
  }
  strictEqual(r.fitted[3], 1);
  for (let i = 0; i < n; i++) strictEqual(data[i * lanes + 3], 0);
});

Deno.test("fit: pixels missing some dates are grouped by pattern and fit on their dates", () => {
  const { n, p, g, fit } = setup();
  const lanes = 9;
  const data = synth(n, p, g, lanes, 11);
  const orig = data.slice();
  const missing: Record<number, number[]> = {
    1: [2, 5],
    2: [2, 5], // same pattern as lane 1
    4: [0],
    6: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], // only 4 dates left for 5 parameters
  };
  for (const [l, rows] of Object.entries(missing)) {
    for (const i of rows) data[i * lanes + Number(l)] = NaN;
  }
  const r = fitTimeFunctionsBlock(solver, fit, data, lanes, {
    uncertainty: "residue",
    refLane: -1,
  });
  strictEqual(r.counts.partial, 3);
  strictEqual(r.counts.partialPatterns, 3);
  strictEqual(r.counts.unsolvable, 1);
  strictEqual(r.counts.fitted, lanes - 1);
  for (let l = 0; l < lanes; l++) {
    if (l === 6) {
      strictEqual(r.fitted[l], 0);
      strictEqual(r.params[l], 0);
      continue;
    }
    const gone = missing[l] ?? [];
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !gone.includes(i));
    const ref = reference(g, p, column(orig, n, lanes, l), rows);
    for (let j = 0; j < p; j++) {
      near(r.params[j * lanes + l]!, ref.m[j]!, `m[${j}] lane ${l}`);
      near(r.std[j * lanes + l]!, ref.std[j]!, `std[${j}] lane ${l}`);
    }
    rows.forEach((row, k) => near(data[row * lanes + l]!, ref.res[k]!, `res lane ${l}`));
    for (const i of gone) ok(Number.isNaN(data[i * lanes + l]));
  }
});

Deno.test("fit: covariance propagation, diagonal and full, equals G+ C G+^T", () => {
  const { n, p, g, fit } = setup();
  const lanes = 7;
  const rnd = lcg(5);
  for (const kind of ["variance", "full"] as const) {
    const data = synth(n, p, g, lanes, 21);
    const orig = data.slice();
    data[3 * lanes + 2] = NaN; // one pixel missing a date: its own sub-problem
    const values = new Float64Array((kind === "full" ? n * n : n) * lanes);
    const covs: Matrix[] = [];
    for (let l = 0; l < lanes; l++) {
      const a = Matrix.rand(n, n, { random: () => rnd() });
      const c = kind === "full"
        ? a.mmul(a.transpose()).mul(1e-6)
        : Matrix.diag(Array.from({ length: n }, () => (1.5 + rnd()) * 1e-6));
      covs.push(c);
      for (let i = 0; i < n; i++) {
        if (kind === "variance") values[i * lanes + l] = c.get(i, i);
        else for (let k = 0; k < n; k++) values[(i * n + k) * lanes + l] = c.get(i, k);
      }
    }
    const covariance: TimeSeriesCovariance = { kind, values };
    const r = fitTimeFunctionsBlock(solver, fit, data, lanes, {
      uncertainty: "covariance",
      covariance,
      refLane: -1,
    });
    for (let l = 0; l < lanes; l++) {
      const rows = Array.from({ length: n }, (_, i) => i).filter((i) => !(l === 2 && i === 3));
      const ref = reference(g, p, column(orig, n, lanes, l), rows);
      const c = new Matrix(rows.map((i) => rows.map((k) => covs[l]!.get(i, k))));
      const mc = ref.pinv.mmul(c).mmul(ref.pinv.transpose());
      for (let j = 0; j < p; j++) {
        near(r.std[j * lanes + l]!, Math.sqrt(mc.get(j, j)), `${kind} std[${j}] lane ${l}`);
        near(r.params[j * lanes + l]!, ref.m[j]!, `${kind} m[${j}] lane ${l}`);
      }
    }
  }
});

Deno.test("fit: --rm-timefun keeps the other functions' signal in the residual", () => {
  const { n, p, g, fit } = setup();
  const lanes = 4;
  const data = synth(n, p, g, lanes, 9);
  const orig = data.slice();
  const cols = Int32Array.from([2, 3]); // periodic only
  const r = fitTimeFunctionsBlock(solver, fit, data, lanes, {
    uncertainty: "residue",
    refLane: -1,
    residualColumns: cols,
  });
  for (let l = 0; l < lanes; l++) {
    for (let i = 0; i < n; i++) {
      let model = 0;
      for (const c of cols) model += g[i * p + c]! * r.params[c * lanes + l]!;
      near(data[i * lanes + l]!, orig[i * lanes + l]! - model, `residual ${i}, ${l}`);
    }
  }
});
