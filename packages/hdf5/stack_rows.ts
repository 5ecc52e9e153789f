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
 * dates when one date's rows are small, else one date's rows in parts. In the block buffer
 * `(date1 - date0, row1 - row0, width)`, date d starts at `(d - date0) * dateStride` (by
 * default `(row1 - row0) * width`: contiguous), so a piece of one date is contiguous and a
 * piece of several dates is one run per date.
 */
export function* stackPieces(
  [date0, date1]: [number, number],
  [row0, row1]: [number, number],
  width: number,
  dateStride = (row1 - row0) * width,
): Generator<StackPiece> {
  const lanes = (row1 - row0) * width;
  const perDate = Math.floor(IO_PIECE_BYTES / (4 * Math.max(1, lanes)));
  if (perDate >= 1) {
    for (let d0 = date0; d0 < date1; d0 += perDate) {
      const d1 = Math.min(date1, d0 + perDate);
      yield {
        d0,
        d1,
        r0: row0,
        r1: row1,
        offset: (d0 - date0) * dateStride,
        size: (d1 - d0) * lanes,
      };
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
        offset: (d - date0) * dateStride + (r0 - row0) * width,
        size: (r1 - r0) * width,
      };
    }
  }
}

/**
 * Read dates `dates` of rows `rows` of `dataset` into `dst`: `(dates, rows, width)` C order,
 * each date's rows `dateStride` values after the previous date's (default: contiguous).
 */
export function readStackRows(
  reader: H5Reader,
  dataset: string,
  dates: [number, number],
  rows: [number, number],
  width: number,
  dst: Float32Array,
  dateStride = (rows[1] - rows[0]) * width,
): void {
  for (const p of stackPieces(dates, rows, width, dateStride)) {
    reader.readInto(dataset, [[p.d0, p.d1], [p.r0, p.r1], [0, width]], dst, p.offset, dateStride);
  }
}

/**
 * Write `src` (`(dates, rows, width)` C order, each date's rows `dateStride` values after
 * the previous date's) into dates `dates`, rows `rows` of `dataset`.
 */
export function writeStackRows(
  writer: H5Writer,
  dataset: string,
  dates: [number, number],
  rows: [number, number],
  width: number,
  src: Float32Array,
  dateStride = (rows[1] - rows[0]) * width,
): void {
  const lanes = (rows[1] - rows[0]) * width;
  for (const p of stackPieces(dates, rows, width, dateStride)) {
    const range: Array<[number, number]> = [[p.d0, p.d1], [p.r0, p.r1], [0, width]];
    if (dateStride === lanes || p.d1 - p.d0 === 1) {
      writer.write(dataset, range, src.subarray(p.offset, p.offset + p.size));
    } else {
      // One write per date keeps the pieces contiguous in `src`.
      for (let d = p.d0; d < p.d1; d++) {
        const o = p.offset + (d - p.d0) * dateStride;
        writer.write(
          dataset,
          [[d, d + 1], [p.r0, p.r1], [0, width]],
          src.subarray(o, o + lanes),
        );
      }
    }
  }
}
