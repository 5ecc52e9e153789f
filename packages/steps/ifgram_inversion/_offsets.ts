/**
 * The `--mask-dset *OffsetStd` observation mask of the inversion, applied while blocks are
 * read: its high-SNR exception compares each offset with the median of its interferogram
 * over the patch MintPy processes it in, so the medians are measured first, over MintPy's
 * own patches (`split2boxes` of `--max-memory`), whatever rows vinsar's blocks hold.
 * @module
 */
import { maskByOffsetStd, offsetStdMedian } from "@vinsar/core";
import type { IfgramStack } from "@vinsar/hdf5";

/** MintPy's default `--ram/--memory` (GB), which sizes its patches. */
const MINTPY_DEFAULT_MEMORY_GB = 4;

/**
 * The row ranges of MintPy's patches (`ifgramStack.split2boxes`): enough patches for
 * 1.5 x the (2 x interferograms + dates) float32 images to fit `maxMemoryGB`, each a
 * multiple of 10 rows but the last.
 * @param numIfgram Interferograms in the file, dropped ones included.
 * @param numDate Dates of all of them.
 */
export function mintpyPatches(
  size: { length: number; width: number; numIfgram: number; numDate: number },
  maxMemoryGB = MINTPY_DEFAULT_MEMORY_GB,
): Array<[number, number]> {
  const { length, width } = size;
  const bytes = (size.numIfgram * 2 + size.numDate) * length * width * 4;
  let count = Math.max(1, Math.ceil((bytes * 1.5) / (maxMemoryGB * 1024 ** 3)));
  const step = Math.max(1, Math.ceil(length / count / 10) * 10);
  count = Math.ceil(length / step);
  const patches: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) patches.push([i * step, Math.min(length, (i + 1) * step)]);
  return patches;
}

/** The `*OffsetStd` mask of a run: its dataset, threshold and per-patch medians. */
export interface OffsetStdMask {
  /** The mask dataset (`azimuthOffsetStd`, ...). */
  dataset: string;
  threshold: number;
  /** MintPy's patches and the median of each kept interferogram over each (K values). */
  patches: Array<{ row0: number; row1: number; median: Float32Array }>;
}

/**
 * Measure the medians of an `*OffsetStd` mask: one kept interferogram of one patch at a
 * time (two images in memory).
 */
export function measureOffsetStdMask(
  stack: IfgramStack,
  options: {
    obs: string;
    dataset: string;
    threshold: number;
    refPhase: Float32Array;
    zeroIsNoData: boolean;
    maxMemoryGB?: number;
  },
): OffsetStdMask {
  const K = stack.keep.length;
  const patchRows = mintpyPatches({
    length: stack.length,
    width: stack.width,
    numIfgram: stack.date12All.length,
    numDate: new Set(stack.date12All.flat()).size,
  }, options.maxMemoryGB);
  const largest = Math.max(...patchRows.map(([a, b]) => b - a)) * stack.width;
  const obs = new Float32Array(largest), std = new Float32Array(largest);
  const patches = patchRows.map(([row0, row1]) => {
    const median = new Float32Array(K);
    for (let i = 0; i < K; i++) {
      median[i] = offsetStdMedian({
        obs: stack.readIfgram(options.obs, i, row0, row1, obs),
        std: stack.readIfgram(options.dataset, i, row0, row1, std),
        ref: options.refPhase[i]!,
        threshold: options.threshold,
        zeroIsNoData: options.zeroIsNoData,
      });
    }
    return { row0, row1, median };
  });
  return { dataset: options.dataset, threshold: options.threshold, patches };
}

/**
 * Mask the observations of rows `[row0, row1)` (a block, K x rows x WIDTH, not yet
 * referenced) with an `*OffsetStd` mask, each row with its patch's medians.
 * @returns the number of observations masked.
 */
export function applyOffsetStdMask(
  mask: OffsetStdMask,
  block: {
    row0: number;
    row1: number;
    width: number;
    obs: Float32Array;
    std: Float32Array;
    refPhase: Float32Array;
  },
): number {
  const { row0, row1, width } = block;
  const P = (row1 - row0) * width;
  let masked = 0;
  for (const patch of mask.patches) {
    const a = Math.max(row0, patch.row0), b = Math.min(row1, patch.row1);
    if (a >= b) continue;
    masked += maskByOffsetStd(
      {
        pixels: P,
        obs: block.obs,
        std: block.std,
        refPhase: block.refPhase,
        median: patch.median,
        threshold: mask.threshold,
      },
      (a - row0) * width,
      (b - row0) * width,
    );
  }
  return masked;
}
