/**
 * Moving row blocks of a `(dates, LENGTH, WIDTH)` float32 stack (`timeseries`, residuals)
 * between a file and a lane-fastest buffer, in pieces of at most {@link IO_PIECE_BYTES}:
 * h5wasm stages every read and write in its wasm heap, which never shrinks, so no piece
 * may be the size of a whole block.
 * @module
 */
import type { H5Reader, H5Writer } from "./h5.ts";

/** Largest single HDF5 read or write of a stack block, bytes. */
export const IO_PIECE_BYTES = 4 * 1024 * 1024;

/** One contiguous piece of a block: dates `[d0, d1)`, rows `[r0, r1)`, at `offset`. */
export interface StackPiece {
  d0: number;
  d1: number;
  r0: number;
  r1: number;
  /** Start of the piece in the block buffer (C order), values. */
  offset: number;
  /** Values in the piece. */
  size: number;
}

/**
 * The pieces a block of dates `[date0, date1)` and rows `[row0, row1)` moves in: several whole
 * dates when one date's rows are small, else one date's rows in parts. Each piece is
 * contiguous in the block buffer `(date1 - date0, row1 - row0, width)`.
 */
export function* stackPieces(
  [date0, date1]: [number, number],
  [row0, row1]: [number, number],
  width: number,
): Generator<StackPiece> {
  const lanes = (row1 - row0) * width;
  const perDate = Math.floor(IO_PIECE_BYTES / (4 * Math.max(1, lanes)));
  if (perDate >= 1) {
    for (let d0 = date0; d0 < date1; d0 += perDate) {
      const d1 = Math.min(date1, d0 + perDate);
      yield { d0, d1, r0: row0, r1: row1, offset: (d0 - date0) * lanes, size: (d1 - d0) * lanes };
    }
    return;
  }
  const rows = Math.max(1, Math.floor(IO_PIECE_BYTES / (4 * width)));
  for (let d = date0; d < date1; d++) {
    for (let r0 = row0; r0 < row1; r0 += rows) {
      const r1 = Math.min(row1, r0 + rows);
      yield {
        d0: d,
        d1: d + 1,
        r0,
        r1,
        offset: (d - date0) * lanes + (r0 - row0) * width,
        size: (r1 - r0) * width,
      };
    }
  }
}

/** Read dates `dates` of rows `rows` of `dataset` into `dst` (`(dates, rows, width)` C order). */
export function readStackRows(
  reader: H5Reader,
  dataset: string,
  dates: [number, number],
  rows: [number, number],
  width: number,
  dst: Float32Array,
): void {
  for (const p of stackPieces(dates, rows, width)) {
    reader.readInto(dataset, [[p.d0, p.d1], [p.r0, p.r1], [0, width]], dst, p.offset);
  }
}

/** Write `src` (`(dates, rows, width)` C order) into dates `dates`, rows `rows` of `dataset`. */
export function writeStackRows(
  writer: H5Writer,
  dataset: string,
  dates: [number, number],
  rows: [number, number],
  width: number,
  src: Float32Array,
): void {
  for (const p of stackPieces(dates, rows, width)) {
    writer.write(
      dataset,
      [[p.d0, p.d1], [p.r0, p.r1], [0, width]],
      src.subarray(p.offset, p.offset + p.size),
    );
  }
}
