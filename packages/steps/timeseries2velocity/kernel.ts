/**
 * The kernel of `timeseries2velocity`: the time-function fit of a share of a row block's
 * pixels (lanes), the same in process and in a worker of the pool. In process the fit is
 * returned as it is (no copies); on the pool the block lives in a SharedArrayBuffer, every
 * worker reads (and writes its residual) in place and writes its lanes' fit into shared
 * output arrays (`out`), returning only its counts.
 * @module
 */
import {
  type BlockFit,
  type BlockFitCounts,
  type BlockSource,
  type BootstrapMoments,
  fitTimeFunctionsStream,
  type Float32Series,
  type Solver,
  TimeFunctionBasis,
  type TimeFunctionFit,
  type TimeFunctionModel,
  type TimeSeriesCovariance,
  type UncertaintyMethod,
  Workspace,
} from "@vinsar/core";
import type { Kernel } from "../pipeline/kernel.ts";

/** How the dates fit are taken out of a float32 block read from the file. */
export interface SourceSpec {
  /** File index of each date fit. */
  readonly dateIndex: Int32Array;
  /** File index of the block's first row of dates. */
  readonly firstDate: number;
  /** File index of the reference date to subtract, or -1. */
  readonly refDateIndex: number;
  /** Reference point's series (file dates), already referenced in time, or null. */
  readonly refSeries: Float64Array | null;
  /** Multiplies the data (0.001 for a file in mm). */
  readonly unitScale: number;
}

/** Everything needed to build the fit in a worker (structured-clonable). */
export interface FitSpec {
  readonly fit: TimeFunctionFit;
  readonly uncertainty: UncertaintyMethod;
  readonly residualColumns?: Int32Array;
  readonly model: TimeFunctionModel;
  readonly bootstrap?: {
    readonly years: Float64Array;
    readonly samples: Int32Array;
    readonly count: number;
    readonly moments: BootstrapMoments;
  };
  readonly source: SourceSpec;
}

/** One row block to fit. */
export interface BlockJob {
  /**
   * Float32 `(dates read, rows, width)`, each date `stride` values after the previous one;
   * takes the residual (date k at row k) when asked.
   */
  readonly raw: Float32Array;
  readonly lanes: number;
  /** Values from one date of `raw` to the next (at least `lanes`). */
  readonly stride: number;
  readonly refLane: number;
  readonly residual: boolean;
  readonly covariance?: TimeSeriesCovariance;
}

/** Where the workers write a block's fit: arrays over SharedArrayBuffers, sized for it. */
export interface SharedFit {
  /** `P x lanes` parameters. */
  readonly params: Float64Array;
  /** `P x lanes` standard deviations. */
  readonly std: Float64Array;
  /** `lanes` sums of squared residuals. */
  readonly e2: Float64Array;
  /** `lanes` 1 where the pixel was fit. */
  readonly fitted: Uint8Array;
}

/**
 * A kernel task: lanes `[start, start + count)` of a block; with `out`, their fit is
 * written into it (the block's lanes `[start, start + count)`) and only the counts return.
 */
export interface FitTask {
  readonly job: BlockJob;
  readonly start: number;
  readonly count: number;
  readonly out?: SharedFit;
}

/** A task's fit: the whole {@link BlockFit} without `out`, else its counts. */
export type FitResult = BlockFit | { readonly counts: BlockFitCounts };

/**
 * The pixels `[laneStart, laneStart + count)` of a block for the fit: the dates fit,
 * float32 to float64, referenced to the reference date (same pixel) and point (same date),
 * NaN kept. With `residual`, each tile's residual is written back into the read buffer,
 * date k at row k: a tile's own lanes are not needed once loaded, so one buffer holds both.
 * The block is also offered as float32 series, for the fused fit. Date rows of `raw` are
 * `stride` values apart.
 */
export function blockSource(
  raw: Float32Array,
  lanes: number,
  spec: SourceSpec,
  residual: boolean,
  laneStart = 0,
  stride = lanes,
): BlockSource {
  const idx = spec.dateIndex, n = idx.length, scale = spec.unitScale, i0 = spec.firstDate;
  const refRow = spec.refDateIndex >= 0 ? (spec.refDateIndex - i0) * stride : -1;
  const refSeries = spec.refSeries;
  const float32: Float32Series = {
    data: raw,
    rowOffset: Int32Array.from(idx, (fi) => (fi - i0) * stride + laneStart),
    refOffset: refRow >= 0 ? refRow + laneStart : -1,
    shift: Float64Array.from(idx, (fi) => refSeries ? refSeries[fi]! : 0),
    scale,
    residualOffset: residual ? Int32Array.from(idx, (_, k) => k * stride + laneStart) : null,
  };
  return {
    float32,
    sumsOnLoad: true,
    // Each date's row is converted and summed in one pass (the fit needs the sums to find
    // the pixels to skip).
    load(l0: number, w: number, dst: Float64Array, sum?: Float64Array): void {
      const a = laneStart + l0;
      const acc = sum ?? new Float64Array(w);
      acc.fill(0, 0, w);
      for (let k = 0; k < n; k++) {
        const fi = idx[k]!;
        const src = (fi - i0) * stride + a, d = k * w;
        const shift = refSeries ? refSeries[fi]! : 0;
        if (refRow >= 0) {
          const ref = refRow + a;
          for (let q = 0; q < w; q++) {
            const v = (raw[src + q]! - raw[ref + q]! - shift) * scale;
            dst[d + q] = v;
            acc[q] += v;
          }
        } else if (shift !== 0 || scale !== 1) {
          for (let q = 0; q < w; q++) {
            const v = (raw[src + q]! - shift) * scale;
            dst[d + q] = v;
            acc[q] += v;
          }
        } else {
          for (let q = 0; q < w; q++) {
            const v = raw[src + q]!;
            dst[d + q] = v;
            acc[q] += v;
          }
        }
      }
    },
    store: residual
      ? (l0: number, w: number, r: Float64Array): void => {
        const a = laneStart + l0;
        for (let k = 0; k < n; k++) {
          const d = k * stride + a, src = k * w;
          for (let q = 0; q < w; q++) raw[d + q] = r[src + q]!;
        }
      }
      : undefined,
  };
}

/** The fit of a spec, ready to run blocks (in process or in a worker). */
export class BlockFitter {
  readonly #solver: Solver;
  readonly #spec: FitSpec;
  readonly #bootstrap;
  /** The result of a run lives here until the next run. */
  readonly #work = new Workspace();

  constructor(solver: Solver, spec: FitSpec) {
    this.#solver = solver;
    this.#spec = spec;
    const b = spec.bootstrap;
    this.#bootstrap = b
      ? {
        setup: {
          basis: new TimeFunctionBasis(spec.model),
          years: b.years,
          samples: b.samples,
          count: b.count,
        },
        moments: b.moments,
      }
      : undefined;
  }

  /** Fit lanes `[laneStart, laneStart + count)` of a block (valid until the next run). */
  run(job: BlockJob, laneStart = 0, count = job.lanes): BlockFit {
    const ref = job.refLane - laneStart;
    return fitTimeFunctionsStream(
      this.#solver,
      this.#spec.fit,
      blockSource(job.raw, job.lanes, this.#spec.source, job.residual, laneStart, job.stride),
      count,
      {
        uncertainty: this.#spec.uncertainty,
        covariance: job.covariance,
        bootstrap: this.#bootstrap,
        refLane: ref >= 0 && ref < count ? ref : -1,
        residualColumns: this.#spec.residualColumns,
      },
      this.#work,
    );
  }
}

/**
 * Copy the fit (`p` parameters) of lanes `[start, start + count)` into a whole block's
 * arrays (`lanes`).
 */
export function writeFitPart(
  fit: BlockFit,
  out: SharedFit,
  p: number,
  lanes: number,
  start: number,
  count: number,
): void {
  for (let j = 0; j < p; j++) {
    out.params.set(fit.params.subarray(j * count, (j + 1) * count), j * lanes + start);
    out.std.set(fit.std.subarray(j * count, (j + 1) * count), j * lanes + start);
  }
  out.e2.set(fit.e2.subarray(0, count), start);
  out.fitted.set(fit.fitted.subarray(0, count), start);
}

/**
 * The kernel of `spec` on `solver`: a task without `out` returns its fit as it is (valid
 * until the next task); with `out` it writes its lanes there and returns its counts.
 */
export function createKernel(spec: FitSpec, solver: Solver): Kernel<FitTask, FitResult> {
  const fitter = new BlockFitter(solver, spec);
  const p = spec.fit.numParams;
  return {
    run(task: FitTask): FitResult {
      const fit = fitter.run(task.job, task.start, task.count);
      if (!task.out) return fit;
      writeFitPart(fit, task.out, p, task.job.lanes, task.start, task.count);
      return { counts: fit.counts };
    },
  };
}
