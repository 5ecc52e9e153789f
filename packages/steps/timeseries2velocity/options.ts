/**
 * The options and result of `timeseries2velocity`'s `run`: MintPy's
 * `timeseries2velocity.py` arguments under MintPy's names (`inps.*`), as typed values.
 * @module
 */
import type { BlockFitCounts, TimeFunctionFamily, UncertaintyMethod } from "@vinsar/core";
import type { ComputeOptions, PipelineTiming, TileScope } from "../pipeline/mod.ts";

/**
 * What to fit and where to write it (MintPy's `timeseries2velocity.py` arguments). Dates are
 * `YYYYMMDD` (or `YYMMDD`, `YYYY-MM-DD`); the template file's `mintpy.timeFunc.*` keys
 * override these, as in MintPy.
 *
 * @example
 * ```ts
 * const options: Timeseries2VelocityOptions = {
 *   timeseriesFile: "timeseries.h5",
 *   periodic: [1, 0.5],
 *   stepDate: ["20170910"],
 *   saveRes: true,
 * };
 * ```
 */
export interface Timeseries2VelocityOptions extends ComputeOptions {
  /** The displacement time-series, e.g. `timeseries.h5` (MintPy's `timeseries_file`). */
  timeseriesFile: string;
  /**
   * A cluster task's share (`vinsar tile run`): only these rows, written to part files;
   * `--update` does not apply.
   */
  tile?: TileScope;
  /** Template file whose `mintpy.timeFunc.*` keys override these options (`-t`). */
  templateFile?: string;
  /** Output file (default `velocity.h5`, or MintPy's name for the input and `rmTimefun`). */
  outfile?: string;
  /** Reference date in time (default: the file's `REF_DATE`, else the first date used). */
  refDate?: string;
  /** Reference point (latitude, longitude), geocoded files. */
  refLalo?: readonly [number, number];
  /** Reference point (y, x); `refLalo` wins when both are given. */
  refYx?: readonly [number, number];
  /** First date to fit. */
  startDate?: string;
  /** Last date to fit. */
  endDate?: string;
  /** Dates not fit, and/or text files of dates (e.g. `exclude_date.txt`). */
  excludeDate?: readonly string[];
  /** How the STDs are estimated (default "residue"); "covariance" needs `timeSeriesCovFile`. */
  uncertaintyQuantification?: UncertaintyMethod;
  /** Time-series variance `(N, L, W)` or covariance `(N, N, L, W)` file. */
  timeSeriesCovFile?: string;
  /** Bootstrap resamples (default 400). */
  bootstrapCount?: number;
  /** Seed of the bootstrap resampling (vinsar only; default random, logged and returned). */
  seed?: number;
  /** Polynomial degree (default 1: linear). */
  polynomial?: number;
  /** Periods of periodic functions, years (1 annual, 0.5 semi-annual). */
  periodic?: readonly number[];
  /** Dates of step functions, `YYYYMMDD(THHMM)`. */
  stepDate?: readonly string[];
  /** Starts of extra line segments, `YYYYMMDD(THHMM)`. */
  polyline?: readonly string[];
  /** Exponential functions: each an onset date then characteristic times in days. */
  exp?: ReadonlyArray<readonly string[]>;
  /** Logarithmic functions: each an onset date then characteristic times in days. */
  log?: ReadonlyArray<readonly string[]>;
  /** Write the residual time-series. */
  saveRes?: boolean;
  /** Residual file (default `timeseriesResidual.h5`). */
  resFile?: string;
  /** Time functions removed in the residual (default `["all"]`). */
  rmTimefun?: ReadonlyArray<TimeFunctionFamily | "all">;
  /** MintPy's `--update`: skip when the outputs are newer than the input, same settings. */
  updateMode?: boolean;
}

/** How a fit ran. */
export interface Timeseries2VelocityFit {
  /** What happened to the pixels (fitted, skipped, partial, unsolvable, ...). */
  counts: BlockFitCounts;
  /** Pixels of the image. */
  pixels: number;
  /** Row blocks, and rows per block. */
  blocks: number;
  rowsPerBlock: number;
  /** Where the fit ran: "in-process" or "N worker(s)". */
  executor: string;
  /** Milliseconds spent reading, computing and writing the blocks. */
  timing: PipelineTiming;
  /** The bootstrap's seed (the one drawn when none was given), or null. */
  seed: number | null;
}

/**
 * What `run` did.
 *
 * @example
 * ```ts ignore
 * import { run } from "@vinsar/steps/timeseries2velocity";
 * const result: Timeseries2VelocityResult = await run({ timeseriesFile: "timeseries.h5" });
 * console.log(result.outfile, result.fit?.counts.fitted);
 * ```
 */
export interface Timeseries2VelocityResult {
  /** The velocity (time functions) file. */
  outfile: string;
  /** The residual time-series file, or null. */
  resFile: string | null;
  /** True when `updateMode` found the outputs up to date (nothing written). */
  skipped: boolean;
  /** The dates fit. */
  dates: string[];
  /** The uncertainty method used (after MintPy's fall-backs). */
  uncertainty: UncertaintyMethod;
  /** How the fit ran; null when skipped. */
  fit: Timeseries2VelocityFit | null;
  /** Wall time of the run, seconds. */
  seconds: number;
}
