/**
 * `timeseries_rms`: MintPy 1.6.4's `timeseries_rms.py` as a library call. Removes a ramp
 * from every date of a residual time-series (`<name>_ramp.h5`), computes the RMS per date
 * over the mask (`rms_<name>[_ramp].txt`), picks the date of minimum RMS
 * (`reference_date.txt`) and the outlier dates (`exclude_date.txt`, removed when there are
 * none), and draws the RMS chart (`rms_<name>[_ramp].pdf` as MintPy, and `.svg`, `.png`).
 *
 * ```ts
 * import { run } from "@vinsar/steps/timeseries-rms";
 * const result = await run({ timeseriesFile: "timeseriesResidual.h5", deramp: "quadratic" });
 * console.log(result.referenceDate, result.excludeDates);
 * ```
 * @module
 */
import { formatRmsTable, parseRmsTable, rampProbeShape, rmsFromSums } from "@vinsar/core";
import { H5Reader, type H5Writer, MaskFile } from "@vinsar/hdf5";
import {
  outputsAreNewer,
  type OutputSet,
  resolveResources,
  type TileScope,
  withOutputs,
} from "../pipeline/mod.ts";
import { preloadCharts } from "@vinsar/plot/chart-thread";
import { logReporter, type Reporter } from "../reporter.ts";
import { writeAnalysis } from "./_rms_analysis.ts";
import { rmsFiles } from "./_settings.ts";
import type { TimeseriesRmsOptions, TimeseriesRmsResult } from "./options.ts";
import { describeInput, layoutLike } from "./_timeseries_input.ts";
import { type ResidualRmsStreamResult, streamResidualRms } from "./residual_rms_stream.ts";

export * from "./kernel.ts";
export * from "./residual_rms_stream.ts";
export type { TimeseriesRmsOptions, TimeseriesRmsResult } from "./options.ts";
export { rmsFiles } from "./_settings.ts";

/**
 * Run `timeseries_rms` (see the module documentation); outputs are written all or nothing.
 * @throws InputError naming the file or flag for bad inputs.
 */
export async function run(options: TimeseriesRmsOptions): Promise<TimeseriesRmsResult> {
  const reporter = options.reporter ?? logReporter();
  const { settings, tsFile, rampFile, rmsFile } = rmsFiles(options);
  if (settings.deramp === "no") reporter.info("No ramp removal");
  // The chart engine loads while the RMS is computed (on a chart thread from 4 cores).
  using _charts = preloadCharts();
  return await withRmsInput(options, reporter, async (input) => {
    const { inp, mask } = input;
    // Both outputs newer than the true inputs (the deramped file is closed, and so touched,
    // after the RMS table is staged, so the two are not compared).
    const skipped = options.updateMode === true &&
      outputsAreNewer(
        [rmsFile, rampFile],
        [tsFile],
        settings.maskFile ? [settings.maskFile] : [],
      );
    return await withOutputs(async (out) => {
      let rms: Float64Array;
      if (skipped) {
        reporter.info(`${rmsFile} exists and is newer than ${tsFile} --> skip.`);
        rms = parseRmsTable(Deno.readTextFileSync(rmsFile)).rms;
      } else {
        if (settings.deramp !== "no") {
          reporter.info(`remove ${settings.deramp} ramp from file: ${tsFile}`);
          reporter.info(mask ? `read mask file: ${mask.path}` : "use mask of the whole area");
        } else if (mask) reporter.info(`read mask from file: ${mask.path}`);
        reporter.info(`calculating residual RMS for each epoch from file: ${rampFile}`);
        const ramped = settings.deramp === "no" ? null : rampFile;
        rms = (await streamRms(out, options, input, { rampPath: ramped })).rms;
        if (ramped) reporter.info(`finished writing to file: ${rampFile}`);
        writeRmsTable(out, options, inp.dates, rms);
      }
      return await writeRmsResults(out, options, { dates: inp.dates, rms, skipped });
    });
  });
}

/** The input of a run: the file and its layout, the resources, and the mask (or null). */
interface RmsInput {
  reader: H5Reader;
  inp: ReturnType<typeof describeInput>;
  resources: Awaited<ReturnType<typeof resolveResources>>;
  mask: MaskFile | null;
}

/** Open the input, resolve the resources and the mask, run `fn`, close them. */
async function withRmsInput<T>(
  options: TimeseriesRmsOptions,
  reporter: Reporter,
  fn: (input: RmsInput) => Promise<T>,
): Promise<T> {
  const { settings, tsFile } = rmsFiles(options);
  const reader = await H5Reader.open(tsFile);
  try {
    const inp = describeInput(reader, tsFile);
    const { length: L, width: W } = inp;
    // With --backend auto and a ramp, the backends are timed on the ramp fit's row sums (its
    // hot kernel, over every pixel); without a ramp no kernel is hot: priority decides.
    const resources = await resolveResources(
      { ...options, reporter },
      settings.deramp === "no"
        ? undefined
        : rampProbeShape({ ramp: settings.deramp, length: L, width: W }),
    );
    const mask = settings.maskFile
      ? await MaskFile.open(settings.maskFile, { length: L, width: W, imageName: tsFile })
      : null;
    if (settings.maskFile && !mask) {
      reporter.warn(
        `mask file ${settings.maskFile} not found: use mask of the whole area (as MintPy)`,
      );
    }
    try {
      return await fn({ reader, inp, resources, mask });
    } finally {
      mask?.close();
    }
  } finally {
    reader.close();
  }
}

/**
 * Deramp the input into `rampPath` (a new output of `out`; null: no ramp removed) and sum the
 * squares per date over the mask: every date, or the dates `dateRange` (a cluster task).
 */
async function streamRms(
  out: OutputSet,
  options: TimeseriesRmsOptions,
  input: RmsInput,
  target: { rampPath: string | null; dateRange?: readonly [number, number] },
): Promise<ResidualRmsStreamResult> {
  const { settings } = rmsFiles(options);
  const { reader, inp, resources, mask } = input;
  const reporter = options.reporter ?? logReporter();
  const { numDates: K, length: L, width: W } = inp;
  // Output chunks of about 1 MB per date, a whole number of the input's chunk rows so row
  // blocks align with both files.
  const rows = rampChunkRows(inp.chunkRows, L, W);
  let writer: H5Writer | null = null;
  if (target.rampPath) {
    writer = await out.h5(target.rampPath);
    layoutLike(reader, writer, { numDates: K, length: L, width: W, chunkRows: rows, reporter });
  }
  return await streamResidualRms({
    reader,
    dataset: "timeseries",
    numDates: K,
    length: L,
    width: W,
    mask,
    ramp: settings.deramp === "no" ? null : settings.deramp,
    ref: inp.ref,
    writer,
    solver: resources.solver,
    budgetBytes: resources.budgetBytes,
    alignRows: rows,
    chunkDates: inp.chunkDates,
    maxBlockRows: resources.maxBlockRows,
    dateRange: target.dateRange,
    // Workers start in ~0.3 s and slow the main thread's reads. Since the deramp runs as fused
    // WASM kernels they lose at every size measured on 2 cores (2M pixels x 98 dates: 4.20 s
    // with 2 workers against 3.19 s in-process; docs/performance/grid.md), so they run only
    // when `--workers` asks (with `--backend ts` at that size they still pay: 4.55 s against
    // 7.13 s).
    workers: resources.workersRequested ? resources.workers : 1,
    reporter,
  });
}

/** Stage MintPy's RMS table `rms_<name>.txt`. */
function writeRmsTable(
  out: OutputSet,
  options: TimeseriesRmsOptions,
  dates: string[],
  rms: Float64Array,
): void {
  const { settings, rampFile, rmsFile } = rmsFiles(options);
  const table = formatRmsTable(dates, rms, {
    timeseriesFile: rampFile,
    maskFile: settings.maskFile ?? "None",
  });
  out.text(rmsFile, table);
  (options.reporter ?? logReporter()).info(`save timeseries RMS to text file: ${rmsFile}`);
}

/** Stage the reference date, the outlier dates and the chart of the RMS per date. */
async function writeRmsResults(
  out: OutputSet,
  options: TimeseriesRmsOptions,
  found: { dates: string[]; rms: Float64Array; skipped: boolean },
): Promise<TimeseriesRmsResult> {
  const { settings, rampFile, rmsFile, chartBase } = rmsFiles(options);
  const { dates } = found;
  const analysis = await writeAnalysis(out, {
    dates,
    rms: found.rms,
    cutoff: settings.cutoff,
    figSize: options.figSize ?? null,
    tickYearNum: options.tickYearNum ?? 1,
    chartBase,
    workDir: options.workDir ?? ".",
    reporter: options.reporter ?? logReporter(),
  });
  return {
    dates,
    rms: analysis.rms,
    referenceDate: dates[analysis.refIndex]!,
    excludeDates: analysis.excluded.map((i) => dates[i]!),
    threshold: analysis.threshold,
    skipped: found.skipped,
    outputs: {
      rampFile: settings.deramp === "no" ? null : rampFile,
      rmsFile,
      referenceDateFile: analysis.referenceDateFile,
      excludeDateFile: analysis.excludeDateFile,
      chartFiles: analysis.chartFiles,
    },
  };
}

/** The sums of squares per date of a cluster task (other dates 0), and the files it wrote. */
export interface RmsTileResult {
  /** Dates of the time-series (all of them). */
  dates: string[];
  sumSq: Float64Array;
  count: Float64Array;
  /** The deramped part file, or null without a ramp. */
  rampPart: string | null;
}

/**
 * A cluster task of `timeseries_rms`: the dates `options.tile.range` deramped (into the part
 * of `<name>_ramp.h5`) and summed per date; {@link finishTiles} turns every task's sums into
 * MintPy's RMS table, reference and outlier dates and chart.
 */
export async function runTile(
  options: TimeseriesRmsOptions & { tile: TileScope },
): Promise<RmsTileResult> {
  const reporter = options.reporter ?? logReporter();
  const { settings, rampFile } = rmsFiles(options);
  return await withRmsInput(options, reporter, async (input) => {
    return await withOutputs(async (out) => {
      const rampPart = settings.deramp === "no" ? null : options.tile.partPath(rampFile);
      const res = await streamRms(out, options, input, {
        rampPath: rampPart,
        dateRange: options.tile.range,
      });
      return { dates: input.inp.dates, sumSq: res.sumSq, count: res.count, rampPart };
    });
  });
}

/**
 * The end of a clustered `timeseries_rms`: from the RMS per date (every task's sums), stage
 * MintPy's RMS table, reference date, outlier dates and chart into `out`.
 */
export async function finishTiles(
  out: OutputSet,
  options: TimeseriesRmsOptions,
  found: { dates: string[]; sumSq: Float64Array; count: Float64Array },
): Promise<TimeseriesRmsResult> {
  const rms = rmsFromSums(found.sumSq, found.count);
  writeRmsTable(out, options, found.dates, rms);
  return await writeRmsResults(out, options, { dates: found.dates, rms, skipped: false });
}

/** Rows of the deramped file's chunks: about 1 MB per date, whole input chunk rows. */
function rampChunkRows(chunkRows: number | undefined, L: number, W: number): number {
  const unit = chunkRows ?? 1;
  return Math.min(L, unit * Math.max(1, Math.floor((1 << 20) / (4 * W * unit))));
}
