/**
 * The inversion's row-unit size from the memory budget, counting who holds what: each
 * reading thread (every worker, or the main thread without workers) its unit's inputs and
 * its own HDF5 heap; the main thread the output sets in flight, plus h5wasm's staging of one
 * write, in its HDF5 heap.
 * @module
 */

/**
 * What reading adds to a worker's memory beyond its runtime: h5wasm stages each read (4 MB,
 * `IfgramStack.readKept`), HDF5 caches a dataset's chunks (1 MiB) while it reads, and the
 * pages of h5wasm's heap these touch (measured: +22 MB resident over a fresh instance after
 * reading row units of a 2 GB stack).
 */
export const READER_HEAP_BYTES = 24 * 2 ** 20;

/** What {@link inversionBlockBudget} sizes the units for. */
export interface InversionBudgetOptions {
  /** Kept interferograms K. */
  numIfgram: number;
  /** Dates N. */
  numDate: number;
  /**
   * K x float32 images read per pixel: observations, weights, mask dataset (an
   * `*OffsetStd` mask's rows are held instead of the mask dataset: same size).
   */
  inputs: number;
  /** `--calc-cov`: the N x N float32 covariance of each pixel is an output too. */
  covariance: boolean;
  /**
   * Threads each reading and inverting their own units when there are several (workers, and
   * the main thread when it shares the work); 0: the main thread alone.
   */
  workers: number;
  /** Output sets in flight (the executor's capacity); default one more than `workers`. */
  outputSets?: number;
  /** The memory budget (`--max-memory`), bytes. */
  budgetBytes: number;
  /** The most block data (bytes of one unit's inputs and outputs) worth holding. */
  blockCapBytes: number;
  /**
   * Kept out of the budget for this thread's HDF5 heap (read staging, chunk caches, the
   * writer's staging); each worker's own heap is counted as {@link READER_HEAP_BYTES}.
   */
  ioReserveBytes: number;
  /** Each computing thread's scratch outside the units (the covariance's batches). */
  threadScratchBytes: number;
}

/**
 * The `bytesPerPixel` and `budgetBytes` for `planRowUnits`: the bytes every holder keeps per
 * pixel of a unit, and the budget left for them.
 *
 * - a reading thread: K x `inputs` float32 values and 16 bytes of per-pixel flags;
 * - the main thread: one output set (N + 2 float32, and N x N with `--calc-cov`) per worker
 *   plus one waiting for the first worker to finish (1 set without workers), and one unit's
 *   write staged in h5wasm's heap (N + 2 values; a first-date slab of the covariance);
 * - the HDF5 heap of this thread (`ioReserveBytes`), and each worker's
 *   ({@link READER_HEAP_BYTES}).
 *
 * The cap applies to one unit's own data, as without workers.
 */
export function inversionBlockBudget(
  options: InversionBudgetOptions,
): { bytesPerPixel: number; budgetBytes: number } {
  const K = options.numIfgram, N = options.numDate;
  const workers = Math.max(0, Math.floor(options.workers));
  const readers = Math.max(1, workers);
  const threads = readers;
  const outputSets = options.outputSets ?? (workers > 0 ? workers + 1 : 1);
  const input = 4 * K * options.inputs + 16;
  const output = 4 * (N + 2) + (options.covariance ? 4 * N * N : 0);
  const staging = 4 * (N + 2) + (options.covariance ? 4 * N : 0);
  const perPixel = readers * input + outputSets * output + staging;
  const oneUnit = input + output + staging;
  const available = options.budgetBytes - options.ioReserveBytes - workers * READER_HEAP_BYTES -
    threads * options.threadScratchBytes;
  return {
    bytesPerPixel: perPixel,
    budgetBytes: Math.min(Math.max(0, available), options.blockCapBytes * perPixel / oneUnit),
  };
}
