/**
 * Least-squares fit of time functions to every pixel of a row block, with MintPy's
 * uncertainty options, vectorized across pixels.
 *
 * G (dates x parameters) is shared by all pixels, so `m = G+ d` is one GEMM over the
 * pixels (lane-fastest: date i of pixel l at `i * lanes + l`, as a `(N, rows, W)` HDF5
 * block arrives); the residual `d - G m` and its sum of squares `e2` are one more pass.
 * The block is processed in tiles of a few hundred pixels that stay in cache through all
 * the GEMMs, loaded (float32 to float64, referenced) and stored by the caller's
 * {@link BlockSource}, so no float64 copy of the whole block is ever made.
 * Pixels missing some dates (NaN) are grouped by their pattern of missing dates and each
 * group is fit with its own rows of G (MintPy stops with an error on such pixels).
 * @module
 */
import type { Solver } from "./solver.ts";
import type { BootstrapMoments, BootstrapSetup } from "./bootstrap.ts";
import {
  columnContext,
  fitColumns,
  type TimeFunctionFit,
  type UncertaintyMethod,
} from "./_fit_columns.ts";
import { fitPartialDates, PartialDatesCollector } from "./_fit_partial_dates.ts";

export { planTimeFunctionFit } from "./_fit_columns.ts";
export type { TimeFunctionFit, UncertaintyMethod } from "./_fit_columns.ts";

/** Time-series (co)variance of a block (MintPy's `--ts-cov-file`), float64 lane-fastest. */
export interface TimeSeriesCovariance {
  /** "variance": `N x lanes` variances; "full": `N x N x lanes` covariance matrices. */
  readonly kind: "variance" | "full";
  readonly values: Float64Array;
}

/** Options of {@link fitTimeFunctionsBlock}. */
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

/** Where the pixels of a block come from and where their residual goes, a tile at a time. */
export interface BlockSource {
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

/** Bytes of one tile of float64 data: stays in a core's L2 cache through the GEMMs. */
const TILE_BYTES = 384 * 1024;

/**
 * Pixels per tile of a fit of `numDates` dates over `lanes` pixels: the column count of its
 * GEMMs (what a backend calibration should time).
 */
export function timeFunctionTileWidth(numDates: number, lanes: number): number {
  return Math.max(8, Math.min(lanes, Math.floor(TILE_BYTES / (8 * numDates))));
}

/**
 * Fit the time functions of `fit` to a block of `lanes` pixels streamed from `source`.
 * A pixel is skipped (0 everywhere, NaN residual) when its mean over the dates with data is
 * NaN or exactly 0, as MintPy does, except the reference pixel.
 */
export function fitTimeFunctionsStream(
  solver: Solver,
  fit: TimeFunctionFit,
  source: BlockSource,
  lanes: number,
  opts: BlockFitOptions,
): BlockFit {
  const n = fit.numDates, p = fit.numParams;
  const params = new Float64Array(p * lanes);
  const std = new Float64Array(p * lanes);
  const e2 = new Float64Array(lanes);
  const fitted = new Uint8Array(lanes);
  const counts: BlockFitCounts = {
    fitted: 0,
    skipped: 0,
    partial: 0,
    partialPatterns: 0,
    unsolvable: 0,
    rankDeficientResamples: 0,
  };
  const ctx = columnContext(
    solver,
    fit,
    opts.uncertainty,
    opts.covariance?.kind,
    opts.residualColumns,
  );
  const boot = opts.uncertainty === "bootstrap" ? opts.bootstrap! : undefined;
  if (boot) ctx.boot = { moments: boot.moments };
  const tileWidth = timeFunctionTileWidth(n, lanes);
  const tile = new Float64Array(n * tileWidth);
  const scratch = new Float64Array(boot ? p * boot.moments.rank * tileWidth : 0);
  const nanCount = new Int32Array(tileWidth);
  const sum = new Float64Array(tileWidth);
  const partial = new PartialDatesCollector(n);

  for (let l0 = 0; l0 < lanes; l0 += tileWidth) {
    const w = Math.min(tileWidth, lanes - l0);
    const t = tile.subarray(0, n * w);
    // MintPy's mask: skip pixels whose nan-mean over dates is NaN or exactly zero. A plain
    // sum first (NaN when any date is NaN); only such pixels have their NaN counted.
    if (source.sumsOnLoad) source.load(l0, w, t, sum);
    else {
      source.load(l0, w, t);
      sum.fill(0);
      for (let i = 0; i < n; i++) {
        const r = i * w;
        for (let q = 0; q < w; q++) sum[q] += t[r + q]!;
      }
    }
    for (let q = 0; q < w; q++) {
      nanCount[q] = 0;
      if (sum[q] === sum[q]) continue;
      let s = 0, c = 0;
      for (let i = 0; i < n; i++) {
        const v = t[i * w + q]!;
        if (v === v) s += v;
        else c++;
      }
      sum[q] = s;
      nanCount[q] = c;
    }
    for (let q = 0; q < w; q++) {
      const l = l0 + q;
      if ((nanCount[q]! < n && sum[q] !== 0) || l === opts.refLane) {
        fitted[l] = 1;
        if (nanCount[q]! > 0) partial.add(l, t, w, q);
      }
    }
    fitColumns(
      ctx,
      t,
      w,
      w,
      params.subarray(l0),
      std.subarray(l0),
      e2.subarray(l0),
      lanes,
      opts.covariance?.values.subarray(l0),
      lanes,
      scratch,
    );
    for (let q = 0; q < w; q++) {
      if (fitted[l0 + q] && nanCount[q] === 0) continue;
      // Skipped pixels; pixels missing dates (fit below) are NaN here until then.
      for (let i = 0; i < n; i++) t[i * w + q] = NaN;
    }
    source.store?.(l0, w, t);
  }

  if (partial.size > 0) {
    fitPartialDates(
      solver,
      fit,
      partial.groups(),
      lanes,
      opts,
      { params, std, e2, fitted },
      counts,
      source,
    );
  }
  for (let l = 0; l < lanes; l++) {
    if (fitted[l]) {
      counts.fitted++;
      continue;
    }
    for (let j = 0; j < p; j++) params[j * lanes + l] = std[j * lanes + l] = 0;
    e2[l] = 0;
  }
  counts.skipped = lanes - counts.fitted - counts.unsolvable;
  return { params, std, e2, fitted, counts };
}

/**
 * Fit the time functions of `fit` to a block of `lanes` pixels held in memory.
 * @param data `N x lanes` lane-fastest displacements (m), NaN where a date has no data.
 *   Overwritten with the residual time-series: NaN for pixels not fit and for missing dates.
 */
export function fitTimeFunctionsBlock(
  solver: Solver,
  fit: TimeFunctionFit,
  data: Float64Array,
  lanes: number,
  opts: BlockFitOptions,
): BlockFit {
  const n = fit.numDates;
  const copy = (toTile: boolean) => (l0: number, w: number, tile: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const row = data.subarray(i * lanes + l0, i * lanes + l0 + w);
      if (toTile) tile.set(row, i * w);
      else row.set(tile.subarray(i * w, (i + 1) * w));
    }
  };
  return fitTimeFunctionsStream(solver, fit, { load: copy(true), store: copy(false) }, lanes, opts);
}
