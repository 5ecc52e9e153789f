/**
 * `timeseries_rms` on a cluster: split by dates (a date's ramp is fit over its whole image).
 * Each task deramps its dates into a part of `<name>_ramp.h5` and returns its sums of squares
 * per date; the merge assembles the deramped file and, from every task's sums, writes the RMS
 * table, the reference and outlier dates and the chart.
 * @module
 */
import { H5Reader } from "@vinsar/hdf5";
import { isFile } from "../pipeline/context.ts";
import type { TileJob } from "../pipeline/tile_job.ts";
import { finishTiles, rmsFiles, runTile, type TimeseriesRmsOptions } from "./mod.ts";
import { describeInput } from "./_timeseries_input.ts";

/** What a task returns: its dates' sums (JSON). */
interface RmsTaskSums {
  dates: string[];
  range: [number, number];
  sumSq: number[];
  count: number[];
}

/** The cluster side of `timeseries_rms`. */
export const tileJob: TileJob = {
  async describe(given) {
    const options = given as unknown as TimeseriesRmsOptions;
    const tsFile = options.timeseriesFile;
    const reader = await H5Reader.open(tsFile);
    try {
      const inp = describeInput(reader, tsFile);
      // The deramped file is the one HDF5 output (none without a ramp).
      const files = rmsFiles(options);
      const outputs = files.settings.deramp === "no" ? [] : [files.rampFile];
      const inputs = [
        tsFile,
        options.templateFile,
        files.settings.maskFile ?? undefined,
      ].filter((p): p is string => typeof p === "string" && isFile(p));
      return {
        axis: "dates",
        extent: inp.numDates,
        length: inp.length,
        width: inp.width,
        bytesPerUnit: 4 * inp.length * inp.width,
        inputs: [...new Set(inputs)],
        outputs,
        options: { ...given },
      };
    } finally {
      reader.close();
    }
  },
  async run(options, tile) {
    const r = await runTile({ ...(options as unknown as TimeseriesRmsOptions), tile });
    const [d0, d1] = tile.range;
    const sums: RmsTaskSums = {
      dates: r.dates,
      range: [d0, d1],
      sumSq: Array.from(r.sumSq.subarray(d0, d1)),
      count: Array.from(r.count.subarray(d0, d1)),
    };
    return sums;
  },
  async finish(out, options, results) {
    const all = results as RmsTaskSums[];
    const dates = all[0]!.dates;
    const sumSq = new Float64Array(dates.length), count = new Float64Array(dates.length);
    for (const r of all) {
      sumSq.set(r.sumSq, r.range[0]);
      count.set(r.count, r.range[0]);
    }
    await finishTiles(out, options as unknown as TimeseriesRmsOptions, { dates, sumSq, count });
  },
};
