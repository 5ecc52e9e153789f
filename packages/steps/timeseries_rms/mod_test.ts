import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { InputError, parseRmsTable } from "@vinsar/core";
import { silentReporter } from "../reporter.ts";
import { listDir, writeNoisyResidual } from "../testing/mod.ts";
import { createKernel, run } from "./mod.ts";
import { createTsSolver } from "@vinsar/backend-ts";

/**
 * Run `fn` with a fresh scratch folder. The test modules run in parallel in one process, so
 * no test changes the working folder: paths are absolute and `workDir` takes the date files.
 */
async function inScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-rms-" });
  try {
    await fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("run: the result names the reference date, the outliers and the files", async () => {
  await inScratch(async (dir) => {
    const dates = await writeNoisyResidual(`${dir}/ts.h5`, 5);
    const options = {
      timeseriesFile: `${dir}/ts.h5`,
      workDir: dir,
      deramp: "linear" as const,
      backend: "ts",
      reporter: silentReporter,
    };
    const result = await run(options);
    strictEqual(result.skipped, false);
    deepStrictEqual(result.dates, dates);
    deepStrictEqual(result.excludeDates, [dates[5]]);
    const table = parseRmsTable(Deno.readTextFileSync(`${dir}/rms_ts_ramp.txt`));
    deepStrictEqual(Array.from(result.rms), Array.from(table.rms, (v) => Math.fround(v)));
    strictEqual(result.referenceDate, dates[table.rms.indexOf(Math.min(...table.rms))]);
    ok(result.threshold > 0);
    deepStrictEqual(result.outputs, {
      rampFile: `${dir}/ts_ramp.h5`,
      rmsFile: `${dir}/rms_ts_ramp.txt`,
      referenceDateFile: `${dir}/reference_date.txt`,
      excludeDateFile: `${dir}/exclude_date.txt`,
      chartFiles: [`${dir}/rms_ts_ramp.svg`, `${dir}/rms_ts_ramp.png`, `${dir}/rms_ts_ramp.pdf`],
    });
    for (const f of [result.outputs.rampFile!, ...result.outputs.chartFiles]) {
      ok(listDir(dir).includes(f.slice(dir.length + 1)), f);
    }
    // updateMode: the table is read back, not computed.
    const again = await run({ ...options, updateMode: true });
    strictEqual(again.skipped, true);
    deepStrictEqual(Array.from(again.rms), Array.from(result.rms));
  });
});

Deno.test("run: the template's mintpy.residualRMS.* override the options", async () => {
  await inScratch(async (dir) => {
    await writeNoisyResidual(`${dir}/ts.h5`, null);
    Deno.writeTextFileSync(
      `${dir}/t.cfg`,
      "mintpy.residualRMS.deramp = no\nmintpy.residualRMS.cutoff = auto\n",
    );
    const result = await run({
      timeseriesFile: `${dir}/ts.h5`,
      workDir: dir,
      templateFile: `${dir}/t.cfg`,
      deramp: "quadratic",
      backend: "ts",
      reporter: silentReporter,
    });
    strictEqual(result.outputs.rampFile, null);
    strictEqual(result.outputs.rmsFile, `${dir}/rms_ts.txt`);
    strictEqual(result.outputs.excludeDateFile, null);
    deepStrictEqual(result.excludeDates, []);
    ok(!listDir(dir).some((f) => f.endsWith("_ramp.h5")));
    // MintPy reads cutoff = no as False, i.e. 0: every date with a non-zero RMS is an outlier.
    Deno.writeTextFileSync(
      `${dir}/zero.cfg`,
      "mintpy.residualRMS.deramp = no\nmintpy.residualRMS.cutoff = no\n",
    );
    const zero = await run({
      timeseriesFile: `${dir}/ts.h5`,
      workDir: dir,
      templateFile: `${dir}/zero.cfg`,
      backend: "ts",
      reporter: silentReporter,
    });
    strictEqual(zero.threshold, 0);
    strictEqual(zero.excludeDates.length, zero.dates.length);
    Deno.writeTextFileSync(`${dir}/bad.cfg`, "mintpy.residualRMS.deramp = cubic\n");
    await rejects(
      run({
        timeseriesFile: `${dir}/ts.h5`,
        workDir: dir,
        templateFile: `${dir}/bad.cfg`,
        reporter: silentReporter,
      }),
      (e) => e instanceof InputError && /unknown ramp type "cubic"/.test(e.message),
    );
  });
});

Deno.test("run: a mask file that does not exist: a warning naming it, then the whole area", async () => {
  await inScratch(async (dir) => {
    await writeNoisyResidual(`${dir}/ts.h5`, 5);
    const warnings: string[] = [];
    const reporter = { ...silentReporter, warn: (m: string) => void warnings.push(m) };
    const base = {
      timeseriesFile: `${dir}/ts.h5`,
      workDir: dir,
      deramp: "linear" as const,
      backend: "ts",
    };
    const missing = await run({ ...base, maskFile: "nomask.h5", reporter });
    deepStrictEqual(warnings, [
      "mask file nomask.h5 not found: use mask of the whole area (as MintPy)",
    ]);
    // The default maskTempCoh.h5, absent here, is named the same way.
    warnings.length = 0;
    await run({ ...base, reporter });
    deepStrictEqual(warnings, [
      "mask file maskTempCoh.h5 not found: use mask of the whole area (as MintPy)",
    ]);
    // No mask asked for: the whole area without a warning, and the same numbers.
    warnings.length = 0;
    const whole = await run({ ...base, maskFile: null, reporter });
    deepStrictEqual(warnings, []);
    deepStrictEqual(Array.from(missing.rms), Array.from(whole.rms));
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
