import assert from "node:assert/strict";
import { TimeFunctionBasis } from "@vinsar/core/time-functions";
import { H5Reader } from "@vinsar/hdf5";
import { referenceDir } from "../testing/mod.ts";
import { acquisitionYears, evaluateModel, modelParams, storedModel } from "./_model.ts";
import { TsviewSources } from "./_sources.ts";

const FULL = [
  "intercept",
  "interceptStd",
  "velocity",
  "velocityStd",
  "acceleration",
  "annualAmplitude",
  "annualPhase",
  "semiAnnualAmplitude",
  "semiAnnualPhase",
  "step20150810",
  "velocityPost20150601",
  "velocityPost20150901",
  "exp20150424Tau60D",
  "exp20150424Tau90D",
  "log20150424Tau100D",
  "residue",
];

Deno.test("storedModel recovers MintPy's model from velocity.h5 dataset names", () => {
  const s = storedModel(FULL)!;
  assert.deepEqual(s.model, {
    polynomial: 2,
    periodic: [1, 0.5],
    stepDate: ["20150810"],
    polyline: ["20150601", "20150901"],
    exp: [{ onset: "20150424", taus: [60, 90] }],
    log: [{ onset: "20150424", taus: [100] }],
  });
  assert.equal(s.columns.length, new TimeFunctionBasis(s.model).numParams);
  assert.equal(storedModel(["velocity", "velocityStd"]), null);
  assert.equal(storedModel(["intercept", "velocity"])!.model.polynomial, 1);
});

Deno.test("modelParams undoes amplitude/phase and cumulative polyline velocities", () => {
  const s = storedModel(FULL)!;
  const [c, sn] = [0.003, -0.004];
  const values: Record<string, number> = {
    intercept: 1,
    velocity: 2,
    acceleration: 3,
    annualAmplitude: Math.hypot(c, sn),
    annualPhase: Math.atan2(c, sn),
    semiAnnualAmplitude: 0,
    semiAnnualPhase: 0,
    step20150810: 4,
    velocityPost20150601: 2.5,
    velocityPost20150901: 2.25,
    exp20150424Tau60D: 5,
    exp20150424Tau90D: 6,
    log20150424Tau100D: 7,
  };
  const p = modelParams(s, (n) => values[n]!);
  const expected = [1, 2, 3, c, sn, 0, 0, 4, 0.5, -0.25, 5, 6, 7];
  expected.forEach((v, i) => assert.ok(Math.abs(p[i]! - v) < 1e-12, `param ${i}: ${p[i]}`));
});

Deno.test("evaluateModel is G times the parameters", () => {
  const s = storedModel(["intercept", "velocity"])!;
  const years = acquisitionYears(["20200101", "20210101"], 0);
  const v = evaluateModel(s, Float64Array.of(0.5, 2), years, years[0]!);
  assert.equal(v[0], 0.5);
  assert.ok(Math.abs(v[1]! - (0.5 + 2 * (years[1]! - years[0]!))) < 1e-12);
});

Deno.test("the model drawn reproduces MintPy's fit: its residual norm is MintPy's residue", async (t) => {
  const ref = referenceDir();
  if (!ref) {
    t.step({
      name: "skipped: no MintPy reference suite (../shared/reference)",
      ignore: true,
      fn() {},
    });
    return;
  }
  for (const c of ["vel-full", "vel-linear", "vel-polyline"]) {
    const vel = `${ref}/sim-small/cases/${c}/velocity.h5`;
    const s = await TsviewSources.open(`${ref}/sim-small/timeseries.h5`, [vel]);
    const r = await H5Reader.open(vel);
    try {
      for (const [y, x] of [[10, 20], [30, 50], [5, 70]] as const) {
        const p = s.readPoint(y, x);
        const norm = Math.sqrt(
          p.values.reduce<number>((a, v, i) => a + (v! - p.model!.atDates[i]!) ** 2, 0),
        );
        const residue = Number(r.read("residue", [[y, y + 1], [x, x + 1]])[0]);
        assert.ok(
          Math.abs(norm - residue) <= 1e-5 * residue,
          `${c} (${y}, ${x}): ${norm} vs ${residue}`,
        );
      }
    } finally {
      r.close();
      s.close();
    }
  }
});
