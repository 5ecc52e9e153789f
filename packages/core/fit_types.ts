/**
 * The types of a time-function fit, shared by `fit_time_functions.ts` and the private
 * modules it is made of (re-exported by `fit_time_functions.ts`).
 * @module
 */
import type { BootstrapMoments, BootstrapSetup } from "./bootstrap.ts";

/** How the parameter standard deviations are estimated (MintPy's `--uq`). */
export type UncertaintyMethod = "residue" | "covariance" | "bootstrap";

/** A design matrix with what every pixel's fit needs from it. */
export interface TimeFunctionFit {
  readonly numDates: number;
  readonly numParams: number;
  /** G, row-major `N x P`. */
  readonly design: Float64Array;
  /** G+, row-major `P x N`. */
  readonly pinv: Float64Array;
  /** `diag((G^T G)^-1)`, length P. */
  readonly normalDiag: Float64Array;
  /** Numerical rank of G; the fit is unique only when it equals P. */
  readonly rank: number;
}

/** Time-series (co)variance of a block (MintPy's `--ts-cov-file`), float64 lane-fastest. */
export interface TimeSeriesCovariance {
  /** "variance": `N x lanes` variances; "full": `N x N x lanes` covariance matrices. */
  readonly kind: "variance" | "full";
  readonly values: Float64Array;
}

/** Options of `fitTimeFunctionsBlock` (`fit_time_functions.ts`). */
export interface BlockFitOptions {
  readonly uncertainty: UncertaintyMethod;
  /** Required for "covariance". */
  readonly covariance?: TimeSeriesCovariance;
  /**
   * Required for "bootstrap": the resamples, and the closed-form operators for pixels
   * with every date (`bootstrapMoments(bootstrapWeights(setup))`, computed once per run).
   */
  readonly bootstrap?: { readonly setup: BootstrapSetup; readonly moments: BootstrapMoments };
  /** Lane of the reference pixel (fit even when its series is all zero), or -1. */
  readonly refLane: number;
  /**
   * Columns of G whose fitted signal is removed in the residual (`--rm-timefun`);
   * default: all.
   */
  readonly residualColumns?: Int32Array;
}

/** What happened to the pixels of a block. */
export interface BlockFitCounts {
  /** Pixels fit (including those missing some dates). */
  fitted: number;
  /** Pixels skipped as MintPy does: every date NaN or a zero mean. */
  skipped: number;
  /** Fit pixels that miss some dates. */
  partial: number;
  /** Distinct patterns of missing dates among them. */
  partialPatterns: number;
  /** Pixels missing so many dates that the fit is not unique (left at 0). */
  unsolvable: number;
  /** Bootstrap resamples that were rank-deficient for some pattern of missing dates. */
  rankDeficientResamples: number;
}

/** Results of a block fit; pixels not fit hold 0. */
export interface BlockFit {
  /** `P x lanes` parameters. */
  readonly params: Float64Array;
  /** `P x lanes` standard deviations. */
  readonly std: Float64Array;
  /** `lanes` sums of squared residuals over the dates used. */
  readonly e2: Float64Array;
  /** `lanes` 1 where the pixel was fit. */
  readonly fitted: Uint8Array;
  readonly counts: BlockFitCounts;
}

/**
 * A block as float32 series (see `Solver.fitSeriesFloat32`): date k of lane l is
 * `((data[rowOffset[k] + l] - data[refOffset + l]) - shift[k]) * scale` (no reference term
 * when `refOffset < 0`).
 */
export interface Float32Series {
  readonly data: Float32Array;
  readonly rowOffset: Int32Array;
  readonly refOffset: number;
  readonly shift: Float64Array;
  readonly scale: number;
  /**
   * Where the residual of date k of lane l goes in `data` (`residualOffset[k] + l`), or null
   * when no residual is kept. Must agree with the source's `store`.
   */
  readonly residualOffset: Int32Array | null;
}

/** Where the pixels of a block come from and where their residual goes, a tile at a time. */
export interface BlockSource {
  /** The block as float32 series, for the fused fit; `load` then serves single pixels. */
  readonly float32?: Float32Series;
  /**
   * Fill `dst` (`N x width`, row stride `width`) with the displacements (m) of lanes
   * `[l0, l0 + width)`, NaN where a date has no data.
   */
  load(l0: number, width: number, dst: Float64Array, sum?: Float64Array): void;
  /**
   * True when `load` also fills `sum[q]` (`width` values) with each lane's sum over the
   * dates (NaN when a date is NaN), saving the fit a pass over the tile.
   */
  readonly sumsOnLoad?: boolean;
  /**
   * Take the residual of lanes `[l0, l0 + width)` (`N x width`, row stride `width`): NaN for
   * pixels not fit and for dates without data. Pixels missing some dates are stored again
   * (width 1) once their own fit is done.
   */
  store?(l0: number, width: number, residual: Float64Array): void;
}
