/**
 * Where `timeseries2velocity` fits its row blocks: in-process, or split by pixels across a
 * pool of workers (one per core) that read the block from shared memory, so the main
 * thread reads the next block and writes the previous one meanwhile.
 * @module
 */
import { request, startWorkers } from "../worker_rpc.ts";
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
  zeroBlockFitCounts,
} from "@vinsar/core";

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

/** Everything needed to rebuild the fit elsewhere (structured-clonable). */
export interface FitSpec {
  readonly backend: string;
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

/** Fits blocks. */
export interface FitEngine {
  readonly name: string;
  /** A block's fit; its arrays may be reused by the next call, so use them before it. */
  fitBlock(job: BlockJob): Promise<BlockFit>;
  close(): void;
}

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

/** The fit of a spec, ready to run blocks (in-process or in a worker). */
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

/** Fits blocks in the calling thread. */
export class LocalEngine implements FitEngine {
  readonly name = "in-process";
  readonly #fitter: BlockFitter;

  constructor(solver: Solver, spec: FitSpec) {
    this.#fitter = new BlockFitter(solver, spec);
  }

  fitBlock(job: BlockJob): Promise<BlockFit> {
    return Promise.resolve(this.#fitter.run(job));
  }

  close(): void {}
}

/** Where the workers write a block's fit: arrays over SharedArrayBuffers, sized for it. */
export interface SharedFit {
  readonly params: Float64Array;
  readonly std: Float64Array;
  readonly e2: Float64Array;
  readonly fitted: Uint8Array;
}

/** A worker's share of a block: lanes `[start, start + count)`, its results into `out`. */
export interface FitJobMessage {
  readonly type: "fit";
  readonly job: BlockJob;
  readonly start: number;
  readonly count: number;
  readonly out: SharedFit;
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

/** Messages from a worker. */
type WorkerReply =
  | { type: "ready" }
  | { type: "error"; message: string }
  | { type: "done"; counts: BlockFitCounts };

/**
 * Fits each block split by pixels across workers; the block (`raw`) must live in a
 * SharedArrayBuffer so every worker reads, and writes its residual, in place. The workers
 * write the fit into shared arrays that the next block reuses (no fresh memory per block:
 * on a VM, first touches of new pages cost more than the copies).
 */
export class WorkerEngine implements FitEngine {
  readonly name: string;
  readonly #workers: Worker[];
  readonly #numParams: number;
  #out: SharedFit | null = null;

  private constructor(workers: Worker[], numParams: number) {
    this.#workers = workers;
    this.#numParams = numParams;
    this.name = `${workers.length} worker${workers.length > 1 ? "s" : ""}`;
  }

  /** Start `n` workers and build the fit in each; rejects if one fails. */
  static async start(spec: FitSpec, n: number): Promise<WorkerEngine> {
    const workers = await startWorkers(
      new URL("./_timeseries2velocity_worker.ts", import.meta.url),
      n,
      { type: "init", spec },
    );
    return new WorkerEngine(workers, spec.fit.numParams);
  }

  /** The shared output arrays, grown to `lanes`. */
  #outputs(lanes: number): SharedFit {
    const p = this.#numParams;
    if (!this.#out || this.#out.e2.length < lanes) {
      const f64 = (n: number) => new Float64Array(new SharedArrayBuffer(8 * n));
      this.#out = {
        params: f64(p * lanes),
        std: f64(p * lanes),
        e2: f64(lanes),
        fitted: new Uint8Array(new SharedArrayBuffer(lanes)),
      };
    }
    return this.#out;
  }

  async fitBlock(job: BlockJob): Promise<BlockFit> {
    const { lanes } = job, p = this.#numParams, k = this.#workers.length;
    const out = this.#outputs(lanes);
    const step = Math.ceil(lanes / k / 8) * 8;
    const parts: Array<{ start: number; count: number }> = [];
    for (let a = 0; a < lanes; a += step) {
      parts.push({ start: a, count: Math.min(step, lanes - a) });
    }
    const replies = await Promise.all(
      parts.map((part, i) =>
        request<WorkerReply>(
          this.#workers[i]!,
          { type: "fit", job, ...part, out } satisfies FitJobMessage,
        )
      ),
    );
    const counts = zeroBlockFitCounts();
    for (const reply of replies) {
      if (reply.type !== "done") throw new Error("worker: unexpected reply");
      for (const key of Object.keys(counts) as Array<keyof BlockFitCounts>) {
        counts[key] += reply.counts[key];
      }
    }
    return {
      params: out.params.subarray(0, p * lanes),
      std: out.std.subarray(0, p * lanes),
      e2: out.e2.subarray(0, lanes),
      fitted: out.fitted.subarray(0, lanes),
      counts,
    };
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}
