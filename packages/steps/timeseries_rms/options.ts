/**
 * The options and result of `timeseries_rms` (MintPy's names for MintPy's meanings).
 * @module
 */
import type { ComputeOptions } from "../pipeline/mod.ts";
import type { RampType } from "@vinsar/core";

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
