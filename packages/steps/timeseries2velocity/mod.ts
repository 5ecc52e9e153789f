/**
 * MintPy 1.6.4's `timeseries2velocity.py` as a library call (same options, files and
 * numbers): time functions fit to every pixel of a displacement time-series with one
 * pseudo-inverse, streamed in row blocks, with residue, covariance or closed-form bootstrap
 * uncertainties; writes `velocity.h5` and, when asked, the residual time-series.
 *
 * ```ts ignore
 * import { run } from "@vinsar/steps/timeseries2velocity";
 * const result = await run({ timeseriesFile: "timeseries.h5", periodic: [1], saveRes: true });
 * ```
 * @module
 */
import { timeFunctionConfigAttrs } from "@vinsar/core";
import { TimeseriesFile } from "@vinsar/hdf5";
import { isUpToDate, resolveResources } from "../pipeline/mod.ts";
import { logReporter } from "../reporter.ts";
import { runFit } from "./_fit.ts";
import { fitProbe } from "./_probe.ts";
import { resolveSettings } from "./_settings.ts";
import type { Timeseries2VelocityOptions, Timeseries2VelocityResult } from "./options.ts";

export type * from "./options.ts";

/**
 * Fit the time functions of `options` to every pixel of `options.timeseriesFile` and write
 * the velocity file (and the residual time-series with `saveRes`), as MintPy's
 * `timeseries2velocity.py` does.
 *
 * @example
 * ```ts ignore
 * import { run } from "@vinsar/steps/timeseries2velocity";
 * const result = await run({
 *   timeseriesFile: "timeseries.h5",
 *   outfile: "velocity.h5",
 *   uncertaintyQuantification: "bootstrap",
 *   seed: 1,
 * });
 * console.log(result.fit?.counts.fitted, result.fit?.seed);
 * ```
 * @throws InputError (or H5Error) naming the option, date or file at fault; no output is
 *   left behind.
 */
export async function run(options: Timeseries2VelocityOptions): Promise<Timeseries2VelocityResult> {
  const start = performance.now();
  const reporter = options.reporter ?? logReporter();
  const ts = await TimeseriesFile.open(options.timeseriesFile);
  let result: Omit<Timeseries2VelocityResult, "seconds">;
  try {
    reporter.info(`open timeseries file: ${ts.path}`);
    const settings = resolveSettings(options, ts, reporter);
    const resources = await resolveResources(
      { ...options, maxMemory: settings.maxMemory ?? options.maxMemory, reporter },
      fitProbe(settings, ts.length * ts.width),
    );
    result = {
      outfile: settings.outfile,
      resFile: settings.resFile,
      skipped: false,
      dates: settings.dates,
      uncertainty: settings.uncertainty,
      fit: null,
    };
    const outputs = settings.resFile ? [settings.outfile, settings.resFile] : [settings.outfile];
    if (options.updateMode && !options.tile) {
      reporter.info("update mode: ON");
      const expected = timeFunctionConfigAttrs(settings.config);
      if (await isUpToDate([settings.tsPath], outputs, expected)) {
        reporter.info(
          `run or skip: skip (${outputs.join(", ")} up to date with the same settings)`,
        );
        return { ...result, skipped: true, seconds: (performance.now() - start) / 1000 };
      }
      reporter.info("run or skip: run");
    }
    result.fit = await runFit(ts, settings, resources, options.tile);
  } finally {
    ts.close();
  }
  const seconds = (performance.now() - start) / 1000;
  reporter.info(
    `time used: ${String(Math.floor(seconds / 60)).padStart(2, "0")} mins ${
      (seconds % 60).toFixed(1)
    } secs.`,
  );
  return { ...result, seconds };
}
