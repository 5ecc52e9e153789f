import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { H5Reader } from "@vinsar/hdf5";
import { expectInversionError, listDir, runCli, scratchStack } from "../test_reference.ts";

/** The `mintpy.networkInversion.*` attributes of the time-series written in `dir`. */
async function configAttrs(dir: string): Promise<Record<string, string>> {
  const r = await H5Reader.open(`${dir}/timeseries.h5`);
  try {
    const a = r.attrs(), p = "mintpy.networkInversion.";
    return Object.fromEntries(
      Object.entries(a).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]),
    );
  } finally {
    r.close();
  }
}

Deno.test("-t: template keys apply, a flag given wins in any spelling", async () => {
  const dir = await scratchStack();
  try {
    Deno.writeTextFileSync(
      `${dir}/smallbaselineApp.cfg`,
      [
        "mintpy.compute.maxMemory = 0.5",
        "mintpy.networkInversion.weightFunc = no",
        "mintpy.networkInversion.maskDataset = coherence",
        "mintpy.networkInversion.maskThreshold = 0.45",
        "mintpy.networkInversion.minRedundancy = 2",
        "mintpy.networkInversion.minNormVelocity = auto",
      ].join("\n"),
    );
    const base = ["ifgram_inversion", "inputs/ifgramStack.h5", "-t", "smallbaselineApp.cfg"];
    const cases: Array<[string[], Record<string, string>]> = [
      [[], { weightFunc: "no", maskThreshold: "0.45", minRedundancy: "2.0" }],
      [["-w", "var", "--mt", "0.3"], { weightFunc: "var", maskThreshold: "0.3" }],
      [["--weight-func=coh", "--mask-threshold", "0.2"], {
        weightFunc: "coh",
        maskThreshold: "0.2",
      }],
      [["--mask-thr", "0.25", "--min-redun", "1"], { maskThreshold: "0.25", minRedundancy: "1.0" }],
      [["--md", "connectComponent"], { maskDataset: "connectComponent" }],
      [["--min-norm-phase"], { minNormVelocity: "False" }],
    ];
    for (const [flags, want] of cases) {
      const r = await runCli([...base, ...flags], dir);
      strictEqual(r.code, 0, `${flags.join(" ")}: ${r.stderr}`);
      const got = await configAttrs(dir);
      const expected = {
        weightFunc: "no",
        maskDataset: "coherence",
        maskThreshold: "0.45",
        minRedundancy: "2.0",
        minNormVelocity: "True",
        ...want,
      };
      for (const [k, v] of Object.entries(expected)) {
        strictEqual(got[k], v, `${flags.join(" ") || "(no flag)"}: ${k}`);
      }
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--calc-cov writes timeseriesDecorCov.h5 referenced to mintpy.reference.date", async () => {
  const dir = await scratchStack();
  try {
    Deno.writeTextFileSync(`${dir}/smallbaselineApp.cfg`, "mintpy.reference.date = 20200113\n");
    const r = await runCli(["ifgram_inversion", "inputs/ifgramStack.h5", "--calc-cov"], dir);
    strictEqual(r.code, 0, r.stderr);
    deepStrictEqual(listDir(dir), [
      "inputs",
      "numInvIfgram.h5",
      "smallbaselineApp.cfg",
      "temporalCoherence.h5",
      "timeseries.h5",
      "timeseriesDecorCov.h5",
    ]);
    const c = await H5Reader.open(`${dir}/timeseriesDecorCov.h5`);
    try {
      strictEqual(c.attrs().REF_DATE, "20200113");
      deepStrictEqual(c.info("timeseries").shape, [5, 5, 6, 7]);
    } finally {
      c.close();
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("-t and --calc-cov: bad input is a one-line error and leaves no output", async () => {
  const dirs = await Promise.all([scratchStack(), scratchStack(), scratchStack()]);
  try {
    const [noCfg, badCfg, otherDate] = dirs as [string, string, string];
    Deno.writeTextFileSync(
      `${badCfg}/smallbaselineApp.cfg`,
      "mintpy.networkInversion.maskThreshold = abc\nmintpy.unwrapError.method = bridging\n",
    );
    Deno.writeTextFileSync(
      `${otherDate}/smallbaselineApp.cfg`,
      "mintpy.reference.date = 20190101\n",
    );
    await expectInversionError(
      noCfg,
      ["-t", "none.cfg"],
      /-t\/--template: none\.cfg: file not found/,
    );
    await expectInversionError(
      noCfg,
      ["--calc-cov"],
      /smallbaselineApp\.cfg: file not found.*--calc-cov/,
    );
    await expectInversionError(
      badCfg,
      ["-t", "smallbaselineApp.cfg"],
      /smallbaselineApp\.cfg: mintpy\.networkInversion\.maskThreshold = abc: not a number/,
    );
    // mintpy.unwrapError.method = bridging asks for unwrapPhase_bridging (not in the stack).
    await expectInversionError(
      badCfg,
      ["-t", "smallbaselineApp.cfg", "--mt", "0.3"],
      /unwrapPhase_bridging.*not found/,
    );
    await expectInversionError(
      otherDate,
      ["--calc-cov"],
      /reference date 20190101 .*is not a date/,
    );
  } finally {
    for (const d of dirs) Deno.removeSync(d, { recursive: true });
  }
});
