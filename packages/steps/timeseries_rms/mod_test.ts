import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError, parseRmsTable } from "@vinsar/core";
import { H5Writer } from "@vinsar/hdf5";
import { silentReporter } from "../reporter.ts";
import { listDir, writeNoisyResidual } from "../testing/mod.ts";
import { createKernel, run } from "./mod.ts";
import { createTsSolver } from "@vinsar/backend-ts";

/** Run `fn` in a fresh scratch folder (MintPy writes reference_date.txt in the working one). */
async function inScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-rms-" });
  const cwd = Deno.cwd();
  Deno.chdir(dir);
  try {
    await fn(dir);
  } finally {
    Deno.chdir(cwd);
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("run: the result names the reference date, the outliers and the files", async () => {
  await inScratch(async () => {
    const dates = await writeNoisyResidual("ts.h5", 5);
    const options = {
      timeseriesFile: "ts.h5",
      deramp: "linear" as const,
      backend: "ts",
      reporter: silentReporter,
    };
    const result = await run(options);
    strictEqual(result.skipped, false);
    deepStrictEqual(result.dates, dates);
    deepStrictEqual(result.excludeDates, [dates[5]]);
    const table = parseRmsTable(Deno.readTextFileSync("rms_ts_ramp.txt"));
    deepStrictEqual(Array.from(result.rms), Array.from(table.rms, (v) => Math.fround(v)));
    strictEqual(result.referenceDate, dates[table.rms.indexOf(Math.min(...table.rms))]);
    ok(result.threshold > 0);
    deepStrictEqual(result.outputs, {
      rampFile: "ts_ramp.h5",
      rmsFile: "rms_ts_ramp.txt",
      referenceDateFile: "reference_date.txt",
      excludeDateFile: "exclude_date.txt",
      chartFiles: ["rms_ts_ramp.svg", "rms_ts_ramp.png"],
    });
    for (const f of [result.outputs.rampFile!, ...result.outputs.chartFiles]) {
      ok(listDir(".").includes(f), f);
    }
    // updateMode: the table is read back, not computed.
    const again = await run({ ...options, updateMode: true });
    strictEqual(again.skipped, true);
    deepStrictEqual(Array.from(again.rms), Array.from(result.rms));
  });
});

Deno.test("run: the template's mintpy.residualRMS.* override the options", async () => {
  await inScratch(async () => {
    await writeNoisyResidual("ts.h5", null);
    Deno.writeTextFileSync(
      "t.cfg",
      "mintpy.residualRMS.deramp = no\nmintpy.residualRMS.cutoff = auto\n",
    );
    const result = await run({
      timeseriesFile: "ts.h5",
      templateFile: "t.cfg",
      deramp: "quadratic",
      backend: "ts",
      reporter: silentReporter,
    });
    strictEqual(result.outputs.rampFile, null);
    strictEqual(result.outputs.rmsFile, "rms_ts.txt");
    strictEqual(result.outputs.excludeDateFile, null);
    deepStrictEqual(result.excludeDates, []);
    ok(!listDir(".").some((f) => f.endsWith("_ramp.h5")));
    Deno.writeTextFileSync("bad.cfg", "mintpy.residualRMS.deramp = cubic\n");
    await rejects(
      run({ timeseriesFile: "ts.h5", templateFile: "bad.cfg", reporter: silentReporter }),
      (e) => e instanceof InputError && /unknown ramp type "cubic"/.test(e.message),
    );
  });
});

Deno.test("kernel: a plane is removed exactly and its residual sums are zero", () => {
  const L = 4, W = 5, K = 2;
  const data = new Float32Array(K * L * W);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < L * W; i++) {
      data[k * L * W + i] = (k + 1) * (0.5 + Math.floor(i / W) - 2 * (i % W));
    }
  }
  const kernel = createKernel(
    { ramp: "linear", length: L, width: W, mask: null, ref: null },
    createTsSolver(),
  );
  const { fit, sumSq, count } = kernel.run({ data, numDates: K });
  strictEqual(fit.numDates, K);
  deepStrictEqual(Array.from(count), [L * W, L * W]);
  for (const s of sumSq) ok(s < 1e-8, `sum of squares ${s}`);
  for (const v of data) ok(Math.abs(v) < 1e-4, `residual ${v}`);
});
