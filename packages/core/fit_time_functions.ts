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
 * A source that offers its float32 block ({@link BlockSource.float32}) is fit by the fused
 * kernel `Solver.fitSeriesFloat32` instead (every option but the bootstrap and a stored
 * residual that keeps some signal, `--rm-timefun`): one pass over the float32 data, no tiles
 * loaded by the caller.
 * Pixels missing some dates (NaN) are grouped by their pattern of missing dates and each
 * group is fit with its own rows of G (MintPy stops with an error on such pixels).
 * @module
 */
import type { Solver } from "./solver.ts";
import { analyticStd, type ColumnContext, columnContext, fitColumns } from "./_fit_columns.ts";
import { fitPartialDates, PartialDatesCollector } from "./_fit_partial_dates.ts";
import type {
  BlockFit,
  BlockFitCounts,
  BlockFitOptions,
  BlockSource,
  Float32Series,
  TimeFunctionFit,
} from "./fit_types.ts";
import { Workspace } from "./workspace.ts";

export { planTimeFunctionFit } from "./_fit_columns.ts";
export type * from "./fit_types.ts";

/** Counts of nothing yet, to add blocks' counts to. */
export function zeroBlockFitCounts(): BlockFitCounts {
  return {
    fitted: 0,
    skipped: 0,
    partial: 0,
    partialPatterns: 0,
    unsolvable: 0,
    rankDeficientResamples: 0,
  };
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
 * @param work where the result and scratch arrays live: pass the same one for every block
 *   of a loop (the result is then valid until the next call), or none for fresh arrays.
 */
export function fitTimeFunctionsStream(
  solver: Solver,
  fit: TimeFunctionFit,
  source: BlockSource,
  lanes: number,
  opts: BlockFitOptions,
  work: Workspace = new Workspace(),
): BlockFit {
  const n = fit.numDates, p = fit.numParams;
  const params = work.f64("params", p * lanes);
  const std = work.f64("std", p * lanes);
  const e2 = work.f64("e2", lanes);
  const fitted = work.u8("fitted", lanes);
  const counts = zeroBlockFitCounts();
  const ctx = columnContext(
    solver,
    fit,
    opts.uncertainty,
    opts.covariance?.kind,
    opts.residualColumns,
  );
  const boot = opts.uncertainty === "bootstrap" ? opts.bootstrap! : undefined;
  if (boot) ctx.boot = { moments: boot.moments };
  const partial = new PartialDatesCollector(n);
  // The kept signal (`--rm-timefun`) only changes a stored residual.
  if (source.float32 && !boot && (!ctx.keepDesign || !source.float32.residualOffset)) {
    const out = { params, std, e2, fitted };
    fitFused(ctx, source, source.float32, lanes, opts, out, partial, work);
  } else {
    fitTiles(ctx, source, lanes, opts, { params, std, e2, fitted }, partial);
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

/** A block's result arrays (`P x lanes` and `lanes`). */
interface BlockArrays {
  readonly params: Float64Array;
  readonly std: Float64Array;
  readonly e2: Float64Array;
  readonly fitted: Uint8Array;
}

/**
 * MintPy's mask: a pixel is fit when its nan-mean over the dates is a number other than
 * exactly zero (`sum` over its `nanCount` NaN-free dates of `n`), or when it is the
 * reference pixel.
 */
function isFit(sum: number, nanCount: number, n: number, lane: number, refLane: number) {
  return (nanCount < n && sum !== 0) || lane === refLane;
}

/** The general fit: tiles loaded by the source, fit by GEMMs (every option). */
function fitTiles(
  ctx: ColumnContext,
  source: BlockSource,
  lanes: number,
  opts: BlockFitOptions,
  out: BlockArrays,
  partial: PartialDatesCollector,
): void {
  const n = ctx.fit.numDates, p = ctx.fit.numParams;
  const { params, std, e2, fitted } = out;
  const tileWidth = timeFunctionTileWidth(n, lanes);
  const tile = new Float64Array(n * tileWidth);
  const rank = ctx.boot?.moments?.rank ?? 0;
  const scratch = new Float64Array(p * rank * tileWidth);
  const nanCount = new Int32Array(tileWidth);
  const sum = new Float64Array(tileWidth);
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
      if (isFit(sum[q]!, nanCount[q]!, n, l, opts.refLane)) {
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
}

/**
 * The fused fit of a float32 source: one kernel call for the whole block, then the pixels
 * the kernel lists as special (sum NaN or zero), with each one's NaN count and the sum of its
 * other values: MintPy's mask decides which are fit; one missing only some dates is loaded
 * on its own for its own fit; skipped pixels get a NaN residual.
 */
function fitFused(
  ctx: ColumnContext,
  source: BlockSource,
  f: Float32Series,
  lanes: number,
  opts: BlockFitOptions,
  out: BlockArrays,
  partial: PartialDatesCollector,
  work: Workspace,
): void {
  const { fit, solver } = ctx;
  const n = fit.numDates, p = fit.numParams;
  const { params, std, e2, fitted } = out;
  const sums = work.f64("sums", lanes);
  const special = work.i32("special", lanes);
  const specialNaN = work.i32("specialNaN", lanes), specialSum = work.f64("specialSum", lanes);
  const res = f.residualOffset;
  const residue = ctx.uncertainty === "residue";
  const numSpecial = solver.fitSeriesFloat32({
    n,
    p,
    lanes,
    data: f.data,
    rowOffset: f.rowOffset,
    refOffset: f.refOffset,
    shift: f.shift,
    scale: f.scale,
    pinv: fit.pinv,
    design: fit.design,
    params,
    ldParams: lanes,
    sums,
    e2,
    stdScale: residue ? fit.normalDiag.map((v) => v / (n - p)) : null,
    std: residue ? std : null,
    residual: res ? f.data : null,
    residualOffset: res,
    special,
    specialNaN,
    specialSum,
  });
  fitted.fill(1);
  const col = new Float64Array(n);
  const data = f.data;
  for (let i = 0; i < numSpecial; i++) {
    const l = special[i]!, sum = specialSum[i]!, nanCount = specialNaN[i]!;
    const fitHere = isFit(sum, nanCount, n, l, opts.refLane);
    if (fitHere && nanCount > 0) {
      source.load(l, 1, col);
      partial.add(l, col, 1, 0);
    }
    if (!fitHere) fitted[l] = 0;
    // The kernel left the data of pixels with a NaN sum in place (read just above): their
    // residual is NaN, until the fit of a pixel missing dates stores its own.
    if (res && (!fitHere || sums[l] !== sums[l])) {
      for (let k = 0; k < n; k++) data[res[k]! + l] = NaN;
    }
  }
  if (!residue) analyticStd(ctx, lanes, e2, std, lanes, opts.covariance?.values, lanes);
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
