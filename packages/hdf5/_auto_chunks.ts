/**
 * The chunk shape h5py gives a dataset created with `chunks=True`, which is how MintPy's
 * `load_data` writes `ifgramStack.h5` (and so the layout its users' stacks have): a target
 * chunk size that grows with the dataset (16 KiB times 2 to the power of log10 of the
 * dataset's size in MiB, kept within 8 KiB .. 1 MiB), reached by halving the dimensions in
 * turn, first to last, until the chunk is under the target or within half of it (and under
 * 1 MiB).
 * @module
 */

const BASE = 16 * 1024;
const MIN = 8 * 1024;
const MAX = 1024 * 1024;

/**
 * h5py's automatic chunk shape of a dataset of `shape` with `bytesPerElement`-byte values.
 *
 * @example
 * ```ts
 * import { autoChunks } from "@vinsar/hdf5";
 * autoChunks([30, 60, 100], 4); // [8, 15, 25], as in a MintPy ifgramStack.h5
 * ```
 */
export function autoChunks(shape: readonly number[], bytesPerElement: number): number[] {
  // A zero-length dimension counts as 1024 (it may grow).
  const chunks = shape.map((n) => (n > 0 ? n : 1024));
  const total = chunks.reduce((p, n) => p * n, 1) * bytesPerElement;
  const target = Math.min(MAX, Math.max(MIN, BASE * 2 ** Math.log10(total / 2 ** 20)));
  for (let i = 0;; i++) {
    const count = chunks.reduce((p, n) => p * n, 1);
    const bytes = count * bytesPerElement;
    const near = bytes < target || Math.abs(bytes - target) / target < 0.5;
    if ((near && bytes < MAX) || count === 1) return chunks;
    const d = i % chunks.length;
    chunks[d] = Math.ceil(chunks[d]! / 2);
  }
}
