import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import {
  buildTimeFunctionModel,
  decimalYearOf,
  timeFunctionColumns,
  timeFunctionDesignMatrix,
  timeFunctionParamCount,
  type TimeFunctionSpec,
} from "./time_functions.ts";
import { timeFunctionDatasets, timeFunctionOutputs } from "./time_function_outputs.ts";
import { selectDates, timeFunctionConfigAttrs } from "./time_function_config.ts";
import { pyFloat, pyStr } from "./py_format.ts";
import { InputError } from "./errors.ts";
import { log } from "./log.ts";

const spec = (s: Partial<TimeFunctionSpec> = {}): TimeFunctionSpec => ({
  polynomial: 1,
  periodic: [],
  stepDate: [],
  polyline: [],
  exp: [],
  log: [],
  ...s,
});

function close(a: number, b: number, tol = 1e-12, what = "") {
  ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

Deno.test("decimalYearOf: MintPy's year + (day of year - 1) / 365.25 + seconds", () => {
  strictEqual(decimalYearOf("20200101"), 2020);
  // 2020 is a leap year: March 1st is day 61.
  close(decimalYearOf("20200301"), 2020 + 60 / 365.25);
  close(decimalYearOf("20190301", 43200), 2019 + 59 / 365.25 + 43200 / (365.25 * 86400));
  // A time of day in the date replaces the seconds.
  close(
    decimalYearOf("20200301T1230", 999),
    2020 + 60 / 365.25 + 12 / (365.25 * 24) + 30 / (365.25 * 24 * 60),
  );
  throws(() => decimalYearOf("20201301"), InputError);
  throws(() => decimalYearOf("2020011"), InputError);
});

Deno.test("design matrix: every time function against its closed form", () => {
  const dates = ["20200101", "20200301", "20200701", "20201001", "20210101"];
  const seconds = 3600;
  const model = buildTimeFunctionModel(
    spec({
      polynomial: 2,
      periodic: [1, 0.5],
      stepDate: ["20200601"],
      polyline: ["20200801"],
      exp: [["20200201", "30"]],
      log: [["20200201", "60"]],
    }),
    dates,
  );
  const p = timeFunctionParamCount(model);
  strictEqual(p, 3 + 4 + 1 + 1 + 1 + 1);
  const g = timeFunctionDesignMatrix(dates, model, { seconds });
  strictEqual(g.length, dates.length * p);
  const doy = [1, 61, 183, 275, 1];
  const year = [2020, 2020, 2020, 2020, 2021];
  const t = dates.map((_, i) => year[i]! + (doy[i]! - 1) / 365.25 + seconds / 31557600);
  const ts = 2020 + (153 - 1) / 365.25; // 2020-06-01, onsets have no seconds
  const tp = 2020 + (214 - 1) / 365.25; // 2020-08-01
  const te = 2020 + (32 - 1) / 365.25; // 2020-02-01
  for (let r = 0; r < dates.length; r++) {
    const dt = t[r]! - t[0]!;
    const want = [
      1,
      dt,
      dt * dt / 2,
      Math.cos(2 * Math.PI * dt),
      Math.sin(2 * Math.PI * dt),
      Math.cos(4 * Math.PI * dt),
      Math.sin(4 * Math.PI * dt),
      t[r]! > ts ? 1 : 0,
      Math.max(t[r]! - tp, 0),
      t[r]! > te ? 1 - Math.exp(-(t[r]! - te) * 365.25 / 30) : 0,
      t[r]! > te ? Math.log(1 + (t[r]! - te) * 365.25 / 60) : 0,
    ];
    for (let c = 0; c < p; c++) close(g[r * p + c]!, want[c]!, 1e-12, `row ${r} col ${c}`);
  }
  // Another time origin moves only the polynomial and periodic columns.
  const g2 = timeFunctionDesignMatrix(dates, model, { seconds, refDate: "20200701" });
  close(g2[1]!, t[0]! - t[2]!);
  strictEqual(g2[7], g[7]);
  strictEqual(g2[10], g[10]);
});

Deno.test("model checks: MintPy's rules become one-line InputErrors", () => {
  const dates = ["20200101", "20200601", "20210101"];
  throws(() => buildTimeFunctionModel(spec({ stepDate: ["20200101"] }), dates), /--step/);
  throws(() => buildTimeFunctionModel(spec({ stepDate: ["20220101"] }), dates), /outside/);
  throws(() => buildTimeFunctionModel(spec({ stepDate: ["2020x101"] }), dates), InputError);
  throws(() => buildTimeFunctionModel(spec({ polyline: ["20210102"] }), dates), /--polyline/);
  throws(() => buildTimeFunctionModel(spec({ polyline: ["20200301"], polynomial: 0 }), dates));
  throws(() => buildTimeFunctionModel(spec({ periodic: [0] }), dates), /positive/);
  throws(() => buildTimeFunctionModel(spec({ exp: [["20200301"]] }), dates), /characteristic/);
  throws(() => buildTimeFunctionModel(spec({ exp: [["20210101", "10"]] }), dates), /before/);
  throws(() => buildTimeFunctionModel(spec({ log: [["20200301", "-5"]] }), dates), /positive/);
  throws(() => buildTimeFunctionModel(spec({ polynomial: -1 }), dates), /polynomial/);
  // Fractional taus are truncated with a warning; a repeated onset keeps its last taus.
  const old = log.setSink(() => {});
  try {
    const m = buildTimeFunctionModel(
      spec({ exp: [["20200301", "10.7"], ["20200401", "5"], ["20200301", "20", "30"]] }),
      dates,
    );
    deepStrictEqual(m.exp, [{ onset: "20200301", taus: [20, 30] }, {
      onset: "20200401",
      taus: [5],
    }]);
    const m2 = buildTimeFunctionModel(spec({ log: [["20200301", "10.7"]] }), dates);
    deepStrictEqual(m2.log, [{ onset: "20200301", taus: [10] }]);
  } finally {
    log.setSink(old);
  }
  // Steps and polylines are sorted, as MintPy does.
  deepStrictEqual(
    buildTimeFunctionModel(spec({ stepDate: ["20200901", "20200301"] }), dates).stepDate,
    ["20200301", "20200901"],
  );
});

Deno.test("dataset names, units and --rm-timefun columns follow MintPy's order", () => {
  const dates = ["20200101", "20200601", "20210101"];
  const model = buildTimeFunctionModel(
    spec({
      polynomial: 3,
      periodic: [1, 0.5, 0.25],
      stepDate: ["20200301"],
      polyline: ["20200401"],
      exp: [["20200301", "60"]],
      log: [["20200301", "100"]],
    }),
    dates,
  );
  const names = timeFunctionDatasets(model).map((d) => `${d.name}:${d.unit}`);
  deepStrictEqual(names, [
    "intercept:m",
    "interceptStd:m",
    "velocity:m/year",
    "velocityStd:m/year",
    "acceleration:m/year^2",
    "accelerationStd:m/year^2",
    "poly3:m/year^3",
    "poly3Std:m/year^3",
    "annualAmplitude:m",
    "annualPhase:radian",
    "semiAnnualAmplitude:m",
    "semiAnnualPhase:radian",
    "period0.25YAmplitude:m",
    "period0.25YPhase:radian",
    "step20200301:m",
    "step20200301Std:m",
    "velocityPost20200401:m/yr",
    "velocityPost20200401Std:m/yr",
    "exp20200301Tau60D:m",
    "exp20200301Tau60DStd:m",
    "log20200301Tau100D:m",
    "log20200301Tau100DStd:m",
  ]);
  deepStrictEqual([...timeFunctionColumns(model, ["periodic"])], [4, 5, 6, 7, 8, 9]);
  deepStrictEqual([...timeFunctionColumns(model, ["step", "log"])], [10, 13]);
  deepStrictEqual([...timeFunctionColumns(model, ["polynomial"])], [0, 1, 2, 3]);
});

Deno.test("outputs: amplitude/phase of periodic terms, cumulative polyline velocity", () => {
  const dates = ["20200101", "20200601", "20210101"];
  const model = buildTimeFunctionModel(
    spec({ periodic: [1], polyline: ["20200301", "20200401"] }),
    dates,
  );
  const lanes = 2;
  // Parameters: intercept, velocity, cos, sin, post1, post2 (lane 1 not fit).
  const params = Float64Array.from([1, 0, 2, 0, 3, 0, 4, 0, 0.5, 0, 0.25, 0]);
  const std = Float64Array.from([0.1, 0, 0.2, 0, 9, 0, 9, 0, 0.3, 0, 0.4, 0]);
  const out = timeFunctionOutputs(model, params, std, Uint8Array.from([1, 0]), lanes);
  close(out.get("annualAmplitude")![0]!, 5, 1e-6);
  close(out.get("annualPhase")![0]!, Math.atan2(3, 4), 1e-6);
  strictEqual(out.get("annualPhase")![1], 0);
  close(out.get("velocityPost20200301")![0]!, 2.5, 1e-6);
  close(out.get("velocityPost20200401")![0]!, 2.75, 1e-6);
  close(out.get("velocityPost20200301Std")![0]!, Math.sqrt(0.04 + 0.09), 1e-6);
  close(out.get("velocityPost20200401Std")![0]!, Math.sqrt(0.04 + 0.09 + 0.16), 1e-6);
  strictEqual(out.get("velocityStd")![0], Math.fround(0.2));
});

Deno.test("date selection: --ex, --start-date, --end-date as MintPy", () => {
  const dates = ["20200101", "20200113", "20200125", "20200206", "20200218"];
  const s = selectDates(dates, {
    startDate: "20200110",
    endDate: "200210",
    excludeDates: ["20200125"],
  });
  deepStrictEqual(s.used, ["20200113", "20200206"]);
  deepStrictEqual([...s.index], [1, 3]);
  deepStrictEqual(s.excluded, ["20200101", "20200125", "20200218"]);
  throws(() => selectDates(dates, { startDate: "2020-13-01" }), /--start-date/);
});

Deno.test("attributes: mintpy.timeFunc.* as Python's str()", () => {
  const a = timeFunctionConfigAttrs({
    startDate: null,
    endDate: "20151208",
    excludeDate: ["20150211", "20150412"],
    polynomial: 2,
    periodic: [1, 0.5],
    stepDate: ["20150810"],
    exp: [["20150424", "60"]],
    log: [],
    uncertaintyQuantification: "residue",
    timeSeriesCovFile: null,
    bootstrapCount: 400,
  });
  strictEqual(a["mintpy.timeFunc.startDate"], "None");
  strictEqual(a["mintpy.timeFunc.endDate"], "20151208");
  strictEqual(a["mintpy.timeFunc.excludeDate"], "['20150211', '20150412']");
  strictEqual(a["mintpy.timeFunc.polynomial"], "2");
  strictEqual(a["mintpy.timeFunc.periodic"], "[1.0, 0.5]");
  strictEqual(a["mintpy.timeFunc.stepDate"], "['20150810']");
  strictEqual(a["mintpy.timeFunc.exp"], "[['20150424', '60']]");
  strictEqual(a["mintpy.timeFunc.log"], "[]");
  strictEqual(a["mintpy.timeFunc.timeSeriesCovFile"], "None");
  strictEqual(a["mintpy.timeFunc.bootstrapCount"], "400");
  strictEqual(pyFloat(1e-5), "1e-05");
  strictEqual(pyFloat(0.0001), "0.0001");
  strictEqual(pyFloat(1e16), "1e+16");
  strictEqual(pyFloat(123456.5), "123456.5");
  strictEqual(pyFloat(-2.5e-7), "-2.5e-07");
  strictEqual(pyStr(["it's"]), `["it's"]`);
});
