import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  type BlockFit,
  buildTimeFunctionModel,
  createSolver,
  decimalYearOf,
  planTimeFunctionFit,
  registerBackend,
  TimeFunctionBasis,
  zeroBlockFitCounts,
} from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";
import { createKernel, type FitSpec, type SharedFit } from "./kernel.ts";

const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];

Deno.test("the kernel's fit of a block split by lanes into `out` is its fit in one piece", async () => {
  registerBackend(tsBackend);
  const solver = await createSolver("ts");
  const model = buildTimeFunctionModel({
    polynomial: 1,
    periodic: [],
    stepDate: [],
    polyline: [],
    exp: [],
    log: [],
  }, DATES);
  const basis = new TimeFunctionBasis(model);
  const n = DATES.length, p = basis.numParams;
  const years = Float64Array.from(DATES, (d) => decimalYearOf(d, 0));
  const spec: FitSpec = {
    fit: planTimeFunctionFit(basis.matrix(years, years[0]!), n, p),
    uncertainty: "residue",
    model,
    source: {
      dateIndex: Int32Array.from(DATES, (_, i) => i),
      firstDate: 0,
      refDateIndex: 0,
      refSeries: null,
      unitScale: 1,
    },
  };
  // 37 pixels of noisy linear motion, pixel 5 missing a date, pixel 9 all NaN.
  const lanes = 37;
  const raw = new Float32Array(n * lanes);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < lanes; l++) {
      raw[i * lanes + l] = 0.01 * l * (years[i]! - years[0]!) + 1e-3 * Math.sin(i * 7 + l);
    }
  }
  raw[2 * lanes + 5] = NaN;
  for (let i = 0; i < n; i++) raw[i * lanes + 9] = NaN;
  const job = { raw, lanes, stride: lanes, refLane: -1, residual: false };

  const kernel = createKernel(spec, solver);
  const whole = kernel.run({ job, start: 0, count: lanes }) as BlockFit;
  const expected = {
    params: whole.params.slice(),
    std: whole.std.slice(),
    e2: whole.e2.slice(),
    fitted: whole.fitted.slice(),
  };
  const f64 = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));
  const out: SharedFit = {
    params: f64(p * lanes),
    std: f64(p * lanes),
    e2: f64(lanes),
    fitted: new Uint8Array(new SharedArrayBuffer(lanes)),
  };
  const counts = zeroBlockFitCounts();
  for (const [start, count] of [[0, 16], [16, 16], [32, 5]] as const) {
    const part = kernel.run({ job, start, count, out });
    ok(!("params" in part), "a task with `out` returns its counts only");
    for (const key of Object.keys(counts) as Array<keyof typeof counts>) {
      counts[key] += part.counts[key];
    }
  }
  deepStrictEqual(counts, whole.counts);
  strictEqual(whole.counts.fitted, lanes - 1);
  deepStrictEqual(out.params, expected.params);
  deepStrictEqual(out.std, expected.std);
  deepStrictEqual(out.e2, expected.e2);
  deepStrictEqual(out.fitted, expected.fitted);
});
