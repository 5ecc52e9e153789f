import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { compareDateText, compareRmsText, parseRmsTable } from "./compare_text.ts";
import { parseCase, parseHints } from "./suite.ts";
import { covarianceRule, ruleFor } from "./tolerance.ts";

const plain = { statistical: false, skip: [] };

function abs(name: string, hints = plain, names: string[] = []): number | string {
  const r = ruleFor(name, names, hints);
  return r.kind === "numeric" ? r.abs : r.kind;
}

Deno.test("tolerances by dataset name follow the README table", () => {
  strictEqual(abs("timeseries"), 1e-5);
  strictEqual(abs("temporalCoherence"), 1e-4);
  strictEqual(abs("mask"), 0.5);
  for (const n of ["intercept", "velocity", "step20150810", "velocityPost20150810", "residue"]) {
    strictEqual(abs(n), 1e-5, n);
  }
  strictEqual(abs("annualAmplitude"), 1e-5);
  strictEqual(abs("semiAnnualAmplitude"), 1e-5);
  for (const n of ["acceleration", "exp20150424Tau60D", "log20150424Tau100D", "poly3"]) {
    strictEqual(abs(n), 1e-4, n);
  }
  strictEqual(abs("date"), "strings");
  strictEqual(abs("somethingNew"), "unknown");
});

Deno.test("Std datasets: 1e-5 absolute or 0.1% relative, std_rel_tol overrides", () => {
  deepStrictEqual(ruleFor("exp20150424Tau60DStd", [], plain), {
    kind: "numeric",
    abs: 1e-5,
    rel: 1e-3,
    label: "1e-5 abs or 1e-3 rel",
  });
  const r = ruleFor("velocityStd", [], { ...plain, stdRelTol: 0.1 });
  strictEqual(r.kind === "numeric" && r.rel, 0.1);
});

Deno.test("periodic phase pairs with its amplitude", () => {
  const r = ruleFor("semiAnnualPhase", [], plain);
  strictEqual(r.kind, "phase");
  strictEqual(r.kind === "phase" && r.amplitude, "semiAnnualAmplitude");
});

Deno.test("statistical hint: parameters with a Std use the bootstrap rules", () => {
  const names = ["intercept", "interceptStd", "velocity", "velocityStd", "residue"];
  const hints = { statistical: true, skip: [] };
  strictEqual(ruleFor("velocity", names, hints).kind, "statisticalParam");
  strictEqual(ruleFor("velocityStd", names, hints).kind, "statisticalStd");
  strictEqual(ruleFor("residue", names, hints).kind, "numeric");
});

Deno.test("hints: known ones parsed, unknown ones rejected loudly", () => {
  deepStrictEqual(parseHints({ statistical: true }), { statistical: true, skip: [] });
  deepStrictEqual(parseHints({ std_rel_tol: 0.1, skip: ["intercept"] }), {
    statistical: false,
    stdRelTol: 0.1,
    skip: ["intercept"],
  });
  throws(() => parseHints({ fuzzy: true }), /unknown compare hint "fuzzy"/);
  throws(() => parseHints({ skip: "intercept" }), /skip/);
  const c = parseCase({ name: "x", mintpy_script: "a.py", compare: { newHint: 1 } });
  ok(c.invalid?.includes("newHint"));
  strictEqual(c.command, "a");
});

Deno.test("optional outputs are spelled with a trailing ?", () => {
  const c = parseCase({
    name: "rms",
    mintpy_script: "timeseries_rms.py",
    outputs: ["rms_a.txt", "exclude_date.txt?"],
  });
  deepStrictEqual(c.outputs, [
    { name: "rms_a.txt", optional: false },
    { name: "exclude_date.txt", optional: true },
  ]);
});

const RMS = `# Root Mean Square in space for each acquisition of time-series
# Timeseries file: timeseriesResidual_ramp.h5
# Date\t\tRMS (m)
20141213\t0.010614002123475075
20141225\t0.018706638365983963
`;

Deno.test("rms text: same dates, values within 1e-4 relative", () => {
  deepStrictEqual(parseRmsTable(RMS).dates, ["20141213", "20141225"]);
  ok(compareRmsText("rms", RMS.replace("0.010614002123", "0.010614502123"), RMS).passed);
  ok(!compareRmsText("rms", RMS.replace("0.010614002123", "0.010624002123"), RMS).passed);
  ok(!compareRmsText("rms", RMS.replace("20141225", "20141226"), RMS).passed);
});

Deno.test("date lists must hold the same dates", () => {
  ok(compareDateText("reference_date.txt", "20150412\n", "20150412").passed);
  ok(!compareDateText("reference_date.txt", "20150413\n", "20150412\n").passed);
  ok(compareDateText("exclude_date.txt", "20150101\n20150113\n", "20150101\n20150113\n").passed);
  ok(!compareDateText("exclude_date.txt", "20150101\n", "20150101\n20150113\n").passed);
});

Deno.test("cov_rel_tol: parsed, and applied to (date, date, y, x) datasets only", () => {
  deepStrictEqual(parseHints({ cov_rel_tol: 0.001 }), {
    statistical: false,
    covRelTol: 0.001,
    skip: [],
  });
  throws(() => parseHints({ cov_rel_tol: 0 }), /cov_rel_tol must be a positive number/);
  throws(() => parseHints({ cov_rel_tol: "1e-3" }), /cov_rel_tol/);
  const hints = { ...plain, covRelTol: 1e-3 };
  deepStrictEqual(covarianceRule([30, 30, 60, 80], hints), {
    kind: "covariance",
    rel: 1e-3,
    label: "1e-3 of the pixel's largest |entry|",
  });
  strictEqual(covarianceRule([30, 60, 80], hints), null);
  strictEqual(covarianceRule([30, 29, 60, 80], hints), null);
  strictEqual(covarianceRule([30, 30, 60, 80], plain), null);
});
