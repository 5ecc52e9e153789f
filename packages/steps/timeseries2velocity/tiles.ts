/**
 * `timeseries2velocity` on a cluster: split by image rows. The plan draws the bootstrap's
 * seed once (when none was given) so every task resamples the same dates; each task fits its
 * rows into part files of `velocity.h5` (and the residual time-series), which the merge
 * assembles.
 * @module
 */
import { TimeseriesFile } from "@vinsar/hdf5";
import { isFile } from "../pipeline/context.ts";
import type { TileJob } from "../pipeline/tile_job.ts";
import { silentReporter } from "../reporter.ts";
import { run } from "./mod.ts";
import { resolveSettings } from "./_settings.ts";
import type { Timeseries2VelocityOptions } from "./options.ts";

/** The cluster side of `timeseries2velocity`. */
export const tileJob: TileJob = {
  async describe(given) {
    const options = given as unknown as Timeseries2VelocityOptions;
    const ts = await TimeseriesFile.open(options.timeseriesFile);
    try {
      const settings = resolveSettings(options, ts, silentReporter);
      const outputs = [settings.outfile, ...(settings.resFile ? [settings.resFile] : [])];
      const inputs = [
        options.timeseriesFile,
        options.templateFile,
        settings.config.timeSeriesCovFile ?? undefined,
        ...(options.excludeDate ?? []),
      ].filter((p): p is string => p !== undefined && isFile(p));
      const seed = settings.uncertainty === "bootstrap" && settings.seed === null
        ? crypto.getRandomValues(new Uint32Array(1))[0]!
        : undefined;
      return {
        axis: "rows",
        extent: ts.length,
        length: ts.length,
        width: ts.width,
        bytesPerUnit: 4 * ts.dates.length * ts.width,
        inputs: [...new Set(inputs)],
        outputs,
        options: { ...given, ...(seed !== undefined ? { seed } : {}) },
      };
    } finally {
      ts.close();
    }
  },
  async run(options, tile) {
    const result = await run({ ...(options as unknown as Timeseries2VelocityOptions), tile });
    return { counts: result.fit?.counts ?? null };
  },
};
