/**
 * `timeseries_rms`: MintPy 1.6.4's `timeseries_rms.py` as a library call. Removes a ramp
 * from every date of a residual time-series (`<name>_ramp.h5`), computes the RMS per date
 * over the mask (`rms_<name>[_ramp].txt`), picks the date of minimum RMS
 * (`reference_date.txt`) and the outlier dates (`exclude_date.txt`, removed when there are
 * none), and draws the RMS chart (`rms_<name>[_ramp].svg` and `.png`; MintPy writes a PDF).
 *
 * ```ts
 * import { run } from "@vinsar/steps/timeseries-rms";
 * const result = await run({ timeseriesFile: "timeseriesResidual.h5", deramp: "quadratic" });
 * console.log(result.referenceDate, result.excludeDates);
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  formatRmsTable,
  InputError,
  isRampType,
  parseRmsTable,
  RAMP_TYPES,
  rampProbeShape,
  type RampType,
  rmsFromSums,
} from "@vinsar/core";
import {
  H5Reader,
  type H5Writer,
  isTemplateOff,
  MaskFile,
  readTemplate,
  templateSection,
} from "@vinsar/hdf5";
import {
  type ComputeOptions,
  outputsAreNewer,
  type OutputSet,
  resolveResources,
  type TileScope,
  withOutputs,
} from "../pipeline/mod.ts";
import { logReporter } from "../reporter.ts";
import { writeAnalysis } from "./_rms_analysis.ts";
import { describeInput, layoutLike, splitext } from "./_timeseries_input.ts";
import { streamResidualRms } from "./residual_rms_stream.ts";

export * from "./kernel.ts";
export * from "./residual_rms_stream.ts";

/**
 * Options of {@link run}: MintPy's `timeseries_rms.py` flags, plus the compute options.
 *
 * ```ts
 * import type { TimeseriesRmsOptions } from "@vinsar/steps/timeseries-rms";
 * const options: TimeseriesRmsOptions = {
 *   timeseriesFile: "timeseriesResidual.h5",
 *   maskFile: "maskTempCoh.h5",
 *   deramp: "linear",
 *   cutoff: 3,
 * };
 * ```
 */
export interface TimeseriesRmsOptions extends ComputeOptions {
  /** The residual time-series file (MintPy's `timeseries_file`). */
  timeseriesFile: string;
  /** A template whose `mintpy.residualRMS.*` options override `maskFile`, `deramp`, `cutoff`. */
  templateFile?: string;
  /**
   * Mask of the pixels used (default "maskTempCoh.h5"); null, or a path that does not exist:
   * the whole area.
   */
  maskFile?: string | null;
  /** Ramp removed before the RMS (default "quadratic"); "no": the data as they are. */
  deramp?: RampType | "no";
  /** M-score of the outlier threshold `cutoff * median(RMS) / 0.67449` (default 3). */
  cutoff?: number;
  /** Chart size in inches (default: 5 x 3, wider beyond 120 dates). */
  figSize?: [number, number] | null;
  /** Years per major tick of the chart (default 1). */
  tickYearNum?: number;
  /** Skip the RMS when its table and the deramped file are newer than the inputs. */
  updateMode?: boolean;
  /**
   * Folder of `reference_date.txt` and `exclude_date.txt`; default the working folder, where
   * MintPy writes them.
   */
  workDir?: string;
}

/**
 * What {@link run} found and wrote.
 *
 * ```ts
 * import { run } from "@vinsar/steps/timeseries-rms";
 * const { rms, dates, outputs } = await run({ timeseriesFile: "timeseriesResidual.h5" });
 * console.log(dates.length === rms.length, outputs.rmsFile);
 * ```
 */
export interface TimeseriesRmsResult {
  /** The dates of the time-series (YYYYMMDD). */
  dates: string[];
  /** RMS per date, in the file's unit (m), as MintPy reads it back (float32 values). */
  rms: Float64Array;
  /** The date of minimum RMS. */
  referenceDate: string;
  /** The outlier dates (RMS above {@link threshold}), in date order. */
  excludeDates: string[];
  /** RMS above which a date is an outlier. */
  threshold: number;
  /** True when `updateMode` found the RMS table up to date (it was read, not computed). */
  skipped: boolean;
  /** The files written (a removed stale exclude_date.txt is null). */
  outputs: {
    /** The deramped time-series, or null without a ramp. */
    rampFile: string | null;
    rmsFile: string;
    referenceDateFile: string;
    excludeDateFile: string | null;
    /** The chart, SVG and PNG. */
    chartFiles: string[];
  };
}

/** The settings after the template. */
interface RmsSettings {
  maskFile: string | null;
  deramp: RampType | "no";
  cutoff: number;
}

/** `mintpy.residualRMS.*` options of a template file (`auto` already replaced). */
function templateOptions(path: string): Record<string, string> {
  let template;
  try {
    template = readTemplate(path);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(`flag -t/--template: cannot read template file ${path}`);
  }
  return templateSection(template, "mintpy.residualRMS.", {
    maskFile: "maskTempCoh.h5",
    deramp: "quadratic",
    cutoff: "3",
  });
}

/** The options with the template's values over them, checked. */
function resolveSettings(options: TimeseriesRmsOptions): RmsSettings {
  let maskFile = options.maskFile === undefined ? "maskTempCoh.h5" : options.maskFile;
  let deramp: string = options.deramp ?? "quadratic";
  let cutoff = options.cutoff ?? 3;
  if (options.templateFile) {
    const t = templateOptions(options.templateFile);
    if (t.maskFile !== undefined) maskFile = isTemplateOff(t.maskFile) ? null : t.maskFile;
    if (t.deramp !== undefined) deramp = isTemplateOff(t.deramp) ? "no" : t.deramp;
    if (t.cutoff !== undefined) {
      // MintPy turns no/false (yes/true) into False (True) before `float()`: 0 (1).
      const word = t.cutoff.trim().toLowerCase();
      const flag = ({ no: "0", false: "0", yes: "1", true: "1" } as Record<string, string>)[word];
      cutoff = word === "" ? NaN : Number(flag ?? t.cutoff);
      if (!Number.isFinite(cutoff)) {
        throw new InputError(`flag --cutoff: "${t.cutoff}" is not a number`);
      }
    }
  }
  if (deramp !== "no" && !isRampType(deramp)) {
    throw new InputError(
      `flag -r/--ramp: unknown ramp type "${deramp}" (choose from ${RAMP_TYPES.join(", ")}, no)`,
    );
  }
  if (!Number.isFinite(cutoff)) throw new RangeError(`flag --cutoff: "${cutoff}" is not a number`);
  return { maskFile, deramp: deramp as RampType | "no", cutoff };
}

/**
 * Run `timeseries_rms` (see the module documentation); outputs are written all or nothing.
 * @throws InputError naming the file or flag for bad inputs.
 */
export async function run(options: TimeseriesRmsOptions): Promise<TimeseriesRmsResult> {
  const reporter = options.reporter ?? logReporter();
  const { settings, tsFile, rampFile, rmsFile, chartBase } = rmsFiles(options);
  if (settings.deramp === "no") reporter.info("No ramp removal");

  const reader = await H5Reader.open(tsFile);
  try {
    const inp = describeInput(reader, tsFile);
    const { numDates: K, length: L, width: W } = inp;
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
      // Both outputs newer than the true inputs (the deramped file is closed, and so
      // touched, after the RMS table is staged, so the two are not compared).
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
          let writer: H5Writer | null = null;
          // Output chunks of about 1 MB per date, a whole number of the input's chunk rows
          // so row blocks align with both files.
          const rows = rampChunkRows(inp.chunkRows, L, W);
          if (settings.deramp !== "no") {
            reporter.info(`remove ${settings.deramp} ramp from file: ${tsFile}`);
            reporter.info(mask ? `read mask file: ${mask.path}` : "use mask of the whole area");
            writer = await out.h5(rampFile);
            layoutLike(reader, writer, {
              numDates: K,
              length: L,
              width: W,
              chunkRows: rows,
              reporter,
            });
          } else if (mask) reporter.info(`read mask from file: ${mask.path}`);
          reporter.info(`calculating residual RMS for each epoch from file: ${rampFile}`);
          const res = await streamResidualRms({
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
            // Workers start in ~0.3 s and slow the main thread's reads. Since the deramp runs
            // as fused WASM kernels they lose at every size measured on 2 cores (2M pixels x
            // 98 dates: 4.20 s with 2 workers against 3.19 s in-process; docs/performance/
            // grid.md), so they run only when `--workers` asks (with `--backend ts` at that size
            // they still pay: 4.55 s against 7.13 s).
            workers: resources.workersRequested ? resources.workers : 1,
            reporter,
          });
          rms = res.rms;
          if (writer) reporter.info(`finished writing to file: ${rampFile}`);
          writeRmsTable(out, options, inp.dates, rms);
        }
        return await writeRmsResults(out, options, { dates: inp.dates, rms, skipped });
      });
    } finally {
      mask?.close();
    }
  } finally {
    reader.close();
  }
}

/** The settings of `options` (after the template) and the files they name. */
export function rmsFiles(options: TimeseriesRmsOptions): {
  settings: { maskFile: string | null; deramp: RampType | "no"; cutoff: number };
  tsFile: string;
  rampFile: string;
  rmsFile: string;
  chartBase: string;
} {
  const settings = resolveSettings(options);
  const tsFile = options.timeseriesFile;
  const rampFile = settings.deramp === "no" ? tsFile : `${splitext(tsFile)[0]}_ramp.h5`;
  const rmsFile = join(dirname(rampFile), `rms_${splitext(basename(rampFile))[0]}.txt`);
  const chartBase = splitext(rmsFile)[0];
  return { settings, tsFile, rampFile, rmsFile, chartBase };
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
  const { settings, tsFile, rampFile } = rmsFiles(options);
  const reader = await H5Reader.open(tsFile);
  try {
    const inp = describeInput(reader, tsFile);
    const { numDates: K, length: L, width: W } = inp;
    const resources = await resolveResources(
      { ...options, reporter },
      settings.deramp === "no"
        ? undefined
        : rampProbeShape({ ramp: settings.deramp, length: L, width: W }),
    );
    const mask = settings.maskFile
      ? await MaskFile.open(settings.maskFile, { length: L, width: W, imageName: tsFile })
      : null;
    try {
      return await withOutputs(async (out) => {
        let writer: H5Writer | null = null;
        const rampPart = settings.deramp === "no" ? null : options.tile.partPath(rampFile);
        if (rampPart) {
          writer = await out.h5(rampPart);
          layoutLike(reader, writer, {
            numDates: K,
            length: L,
            width: W,
            chunkRows: rampChunkRows(inp.chunkRows, L, W),
            reporter,
          });
        }
        const res = await streamResidualRms({
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
          alignRows: rampChunkRows(inp.chunkRows, L, W),
          chunkDates: inp.chunkDates,
          dateRange: options.tile.range,
          workers: resources.workersRequested ? resources.workers : 1,
          reporter,
        });
        return { dates: inp.dates, sumSq: res.sumSq, count: res.count, rampPart };
      });
    } finally {
      mask?.close();
    }
  } finally {
    reader.close();
  }
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
