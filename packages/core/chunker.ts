/**
 * Row-block planning: how many image rows to hold at once given a memory budget.
 * @module
 */

/** A block of image rows `[row0, row1)`. */
export interface Block {
  readonly index: number;
  readonly row0: number;
  readonly row1: number;
}

/** Splits an image into row blocks. */
export interface Chunker {
  readonly length: number;
  readonly width: number;
  readonly rowsPerBlock: number;
  readonly count: number;
  blocks(): Iterable<Block>;
}

/** Inputs of {@link planRowBlocks}. */
export interface RowBlockOptions {
  /** Image rows (LENGTH). */
  length: number;
  /** Image columns (WIDTH). */
  width: number;
  /** Bytes one pixel needs at once: inputs, outputs and scratch of the operation. */
  bytesPerPixel: number;
  /** Memory budget in bytes for the block data. */
  budgetBytes: number;
  /** Round rows down to a multiple of this (the file's chunk rows), when possible. */
  alignRows?: number;
  /**
   * Cap on the bytes of one HDF5 read (the wasm heap is capped at 2 GB and never shrinks);
   * with `readBytesPerPixel` it bounds rows too.
   */
  maxReadBytes?: number;
  readBytesPerPixel?: number;
}

/** The wasm heap of h5wasm is capped at 2 GB: keep any single read to this. */
export const MAX_READ_BYTES = 256 * 1024 * 1024;

/** Plan row blocks: as many rows as fit the budget, at least one. */
export function planRowBlocks(opts: RowBlockOptions): Chunker {
  const { length, width, bytesPerPixel, budgetBytes } = opts;
  const rowBytes = Math.max(1, width * bytesPerPixel);
  let rows = Math.max(1, Math.floor(budgetBytes / rowBytes));
  const readRowBytes = width * (opts.readBytesPerPixel ?? 0);
  if (readRowBytes > 0) {
    rows = Math.min(
      rows,
      Math.max(1, Math.floor((opts.maxReadBytes ?? MAX_READ_BYTES) / readRowBytes)),
    );
  }
  rows = Math.min(rows, Math.max(1, length));
  const align = opts.alignRows ?? 1;
  if (align > 1 && rows > align && rows < length) rows -= rows % align;
  const rowsPerBlock = rows;
  const count = Math.max(1, Math.ceil(length / rowsPerBlock));
  return {
    length,
    width,
    rowsPerBlock,
    count,
    *blocks(): Iterable<Block> {
      for (let i = 0, r = 0; r < length; i++, r += rowsPerBlock) {
        yield { index: i, row0: r, row1: Math.min(length, r + rowsPerBlock) };
      }
    },
  };
}

/**
 * The memory budget in bytes: `maxMemoryGB` when given (like MintPy's `--memory`), else
 * half of the reported free memory, at most 4 GB, at least 256 MB.
 */
export function memoryBudget(maxMemoryGB: number | undefined, freeBytes: number): number {
  if (maxMemoryGB !== undefined) return Math.max(16 * 1024 * 1024, maxMemoryGB * 1024 ** 3);
  return Math.min(4 * 1024 ** 3, Math.max(256 * 1024 ** 2, freeBytes / 2));
}
