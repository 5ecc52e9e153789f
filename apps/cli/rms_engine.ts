/**
 * Where `timeseries_rms` deramps its groups of whole images: in-process, or split by dates
 * across a pool of workers that work on the group in shared memory while the main thread
 * reads the next group and writes the previous one (HDF5 stays on the main thread).
 * @module
 */
import {
  type RampFit,
  RampNormalEquations,
  type RampType,
  removeRampSquares,
  type Solver,
} from "@vinsar/core";
import { request, startWorkers } from "./worker_rpc.ts";

/** Everything a deramp of whole images needs besides the data (structured-clonable). */
export interface DerampSpec {
  readonly backend: string;
  readonly ramp: RampType;
  readonly length: number;
  readonly width: number;
  /** `length * width` bytes, non-zero = in the mask; null = every pixel. */
  readonly mask: Uint8Array | null;
  readonly ref: { y: number; x: number } | null;
  readonly maxSamples?: number;
}

/** The result of deramping some dates: their ramps and residual sums of squares. */
export interface DerampResult {
  readonly fit: RampFit;
  /** Per date: sum of squares and count of the deramped values in the mask (not NaN). */
  readonly sumSq: Float64Array;
  readonly count: Float64Array;
}

/**
 * Fits, removes (in place) and sums the squares of the ramps of groups of whole images; the
 * mask's image moments (the same for every group) are computed once.
 */
export class ImageDeramper {
  readonly #solver: Solver;
  readonly #spec: DerampSpec;
  #maskMoments: Float64Array | null = null;

  constructor(solver: Solver, spec: DerampSpec) {
    this.#solver = solver;
    this.#spec = spec;
  }

  /** Deramp `numDates` whole images (`(numDates, length, width)` float32, C order). */
  run(data: Float32Array, numDates: number): DerampResult {
    const { length: L, width: W, mask } = this.#spec;
    const eq = new RampNormalEquations({
      ramp: this.#spec.ramp,
      numDates,
      length: L,
      width: W,
      maxSamples: this.#spec.maxSamples,
    });
    if (this.#maskMoments) eq.reuseMaskMoments(this.#maskMoments);
    eq.add(this.#solver, data, 0, L, mask);
    this.#maskMoments ??= eq.maskMoments();
    const fit = eq.solve(this.#spec.ref);
    const sumSq = new Float64Array(numDates), count = new Float64Array(numDates);
    removeRampSquares(this.#solver, fit, data, 0, L, mask, sumSq, count);
    return { fit, sumSq, count };
  }
}

/** Deramps groups of whole images. */
export interface DerampEngine {
  readonly name: string;
  /** Deramp the `numDates` images of `data` in place (shared memory for workers). */
  run(data: Float32Array, numDates: number): Promise<DerampResult[]>;
  close(): void;
}

/** Deramps in the calling thread. */
export class LocalDeramp implements DerampEngine {
  readonly name = "in-process";
  readonly #deramper: ImageDeramper;

  constructor(solver: Solver, spec: DerampSpec) {
    this.#deramper = new ImageDeramper(solver, spec);
  }

  run(data: Float32Array, numDates: number): Promise<DerampResult[]> {
    return Promise.resolve([this.#deramper.run(data, numDates)]);
  }

  close(): void {}
}

/** A worker's reply. */
type Reply = { type: "ready" } | { type: "error"; message: string } | {
  type: "done";
  result: DerampResult;
};

/** Splits each group's dates across workers; `data` must live in a SharedArrayBuffer. */
export class WorkerDeramp implements DerampEngine {
  readonly name: string;
  readonly #workers: Worker[];
  readonly #pixels: number;

  private constructor(workers: Worker[], pixels: number) {
    this.#workers = workers;
    this.#pixels = pixels;
    this.name = `${workers.length} workers`;
  }

  /** Start `n` workers holding `spec`; rejects if one fails. */
  static async start(spec: DerampSpec, n: number): Promise<WorkerDeramp> {
    const workers = await startWorkers(new URL("./rms_worker.ts", import.meta.url), n, {
      type: "init",
      spec,
    });
    return new WorkerDeramp(workers, spec.length * spec.width);
  }

  async run(data: Float32Array, numDates: number): Promise<DerampResult[]> {
    const k = Math.min(this.#workers.length, numDates), px = this.#pixels;
    const parts: Promise<Reply>[] = [];
    for (let i = 0, d0 = 0; i < k; i++) {
      const d1 = Math.round((numDates * (i + 1)) / k);
      parts.push(request<Reply>(this.#workers[i]!, {
        type: "run",
        data: data.subarray(d0 * px, d1 * px),
        numDates: d1 - d0,
      }));
      d0 = d1;
    }
    return (await Promise.all(parts)).map((r) => {
      if (r.type !== "done") throw new Error("worker: unexpected reply");
      return r.result;
    });
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}
