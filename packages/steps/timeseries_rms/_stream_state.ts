/**
 * The inputs, results and running state of `timeseries_rms`'s streaming pipeline (see
 * `residual_rms_stream.ts`), shared by its date-group and row-block loops.
 * @module
 */
import { type RampFit, type RampType, rmsFromSums, type Solver } from "@vinsar/core";
import { type H5Reader, type H5Writer, type MaskRows, readStackRows } from "@vinsar/hdf5";
import type { RowUnit } from "../pipeline/mod.ts";
import { logReporter, type Reporter } from "../reporter.ts";

/** Inputs of `streamResidualRms`. */
export interface ResidualRmsStreamOptions {
  reader: H5Reader;
  /** 3-D dataset `(numDates, length, width)`, e.g. "timeseries". */
  dataset: string;
  numDates: number;
  length: number;
  width: number;
  mask: MaskRows | null;
  /** Ramp to remove, or null for the RMS of the data as they are. */
  ramp: RampType | null;
  /** Reference pixel of the ramps (REF_Y, REF_X), or null. */
  ref: { y: number; x: number } | null;
  /** Receives the deramped stack in `outDataset` (created by the caller), when deramping. */
  writer: H5Writer | null;
  /** Dataset of `writer` receiving the deramped stack (default `dataset`). */
  outDataset?: string;
  solver: Solver;
  budgetBytes: number;
  /** Round block rows to this (the chunk rows of the files). */
  alignRows?: number;
  /** Dates per chunk of the input: date groups are a whole number of them. */
  chunkDates?: number;
  /** Cap on the bytes of one row block, default `MAX_BLOCK_BYTES`. */
  maxBlockBytes?: number;
  /** Cap on the rows of one row block (default: none). */
  maxBlockRows?: number;
  /** Workers deramping date groups (1 or absent: in-process). */
  workers?: number;
  /** Override of the sub-sampling threshold (tests). */
  maxSamples?: number;
  /**
   * Run only the units `[first, last)` of the plan (`planResidualRms`): what one
   * cluster task runs. Dates outside them get no sums (RMS NaN). The two row-block passes of
   * a deramp need every block (the ramps are fit over the whole image) and take no range.
   */
  unitRange?: readonly [number, number];
  /**
   * Only the dates `[first, last)`, in groups of whole images (a cluster task's share; other
   * dates get no sums). Needs a group of whole images to fit the budget.
   */
  dateRange?: readonly [number, number];
  /** Where log lines and progress go (default: core's log). */
  reporter?: Reporter;
}

/** Results of `streamResidualRms`. */
export interface ResidualRmsStreamResult {
  /** RMS per date (float64; NaN for a date with no pixel in the mask). */
  rms: Float64Array;
  /** Per date: sum of squares and count of the values in the mask (to combine unit ranges). */
  sumSq: Float64Array;
  count: Float64Array;
  /** The ramps of the dates deramped (in date order), or null without a ramp. */
  fit: RampFit | null;
  /**
   * Row blocks (or date groups) used and block reads done (reads > blocks means a second
   * pass re-read).
   */
  blocks: number;
  reads: number;
}

/** `time (s): read 0.12, ...` from timings in milliseconds. */
export function timeLine(time: Record<string, number>): string {
  return "time (s): " +
    Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(", ");
}

/** The state of one run: the sums per date and the block reads. */
export class StreamState {
  readonly options: ResidualRmsStreamOptions;
  readonly reporter: Reporter;
  readonly sumSq: Float64Array;
  readonly count: Float64Array;
  readonly pixels: number;
  reads = 0;

  constructor(options: ResidualRmsStreamOptions) {
    this.options = options;
    this.reporter = options.reporter ?? logReporter();
    this.sumSq = new Float64Array(options.numDates);
    this.count = new Float64Array(options.numDates);
    this.pixels = options.length * options.width;
  }

  /** The result so far: the RMS from the sums. */
  result(fit: RampFit | null, blocks: number): ResidualRmsStreamResult {
    const { sumSq, count, reads } = this;
    return { rms: rmsFromSums(sumSq, count), sumSq, count, fit, blocks, reads };
  }

  /** Read the dates `[date0, date1)` of rows `[row0, row1)` into the start of `buffer`. */
  read(buffer: Float32Array, dates: [number, number], rows: [number, number]): Float32Array {
    const { reader, dataset, width: W } = this.options;
    const data = buffer.subarray(0, (dates[1] - dates[0]) * (rows[1] - rows[0]) * W);
    readStackRows(reader, dataset, dates, rows, W, data);
    this.reads++;
    return data;
  }

  /** The mask's rows of a row unit (null: every pixel). */
  maskRows(unit: RowUnit): Uint8Array | null {
    return this.options.mask ? this.options.mask.rows(unit.row0, unit.row1) : null;
  }
}
