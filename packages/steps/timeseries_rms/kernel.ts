/**
 * The kernel of `timeseries_rms`: fits, removes (in place) and sums the squares of the
 * ramps of whole images. It runs in process, or on the worker pool where each worker
 * deramps a share of a group's dates in shared memory while the main thread reads the next
 * group and writes the previous one (HDF5 stays on the main thread).
 *
 * ```ts
 * import { createTsSolver } from "@vinsar/backend-ts";
 * import { createKernel } from "@vinsar/steps/timeseries-rms";
 * const kernel = createKernel(
 *   { ramp: "linear", length: 2, width: 3, mask: null, ref: null },
 *   createTsSolver(),
 * );
 * const { sumSq, count } = kernel.run({ data: new Float32Array([0, 1, 2, 1, 2, 3]), numDates: 1 });
 * ```
 * @module
 */
import {
  type RampFit,
  RampNormalEquations,
  type RampType,
  removeRampSquares,
  type Solver,
} from "@vinsar/core";
import type { Kernel } from "../pipeline/kernel.ts";

/** Everything a deramp of whole images needs besides the data (structured-clonable). */
export interface DerampSpec {
  readonly ramp: RampType;
  readonly length: number;
  readonly width: number;
  /** `length * width` bytes, non-zero = in the mask; null = every pixel. */
  readonly mask: Uint8Array | null;
  /** Reference pixel of the ramps (REF_Y, REF_X), or null. */
  readonly ref: { y: number; x: number } | null;
  /** Override of the sub-sampling threshold (tests). */
  readonly maxSamples?: number;
}

/** Some dates of whole images to deramp in place. */
export interface DerampTask {
  /**
   * `(numDates, length, width)` float32, C order; in a SharedArrayBuffer when the task goes
   * to a worker (the deramped values are written back into it).
   */
  readonly data: Float32Array;
  readonly numDates: number;
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
export class ImageDeramper implements Kernel<DerampTask, DerampResult> {
  readonly #solver: Solver;
  readonly #spec: DerampSpec;
  #maskMoments: Float64Array | null = null;

  constructor(spec: DerampSpec, solver: Solver) {
    this.#solver = solver;
    this.#spec = spec;
  }

  /** Deramp the task's `numDates` whole images in place. */
  run(task: DerampTask): DerampResult {
    const { data, numDates } = task;
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

/** The `timeseries_rms` kernel (what the worker pool loads by name). */
export function createKernel(spec: DerampSpec, solver: Solver): Kernel<DerampTask, DerampResult> {
  return new ImageDeramper(spec, solver);
}
