/**
 * The streaming engine of `timeseries_rms`: residual RMS per date over a mask, optionally
 * after removing each date's ramp, reading a `(dates, rows, width)` stack in row blocks
 * sized by the memory budget.
 *
 * With a ramp: pass 1 accumulates every date's small normal equations over all blocks,
 * pass 2 removes the ramps in place, writes the deramped stack and accumulates the RMS.
 * The last block of pass 1 is still in memory and is processed first in pass 2, so a file
 * that fits the budget is read once. HDF5 reads and writes go in pieces of at most
 * `IO_PIECE_BYTES` (`@vinsar/hdf5`'s `readStackRows`) so h5wasm's heap (which never shrinks) stays small.
 * @module
 */
import {
  accumulateSquares,
  type Block,
  log,
  planRowBlocks,
  type RampFit,
  RampNormalEquations,
  RampStatus,
  type RampType,
  removeRamp,
  rmsFromSums,
  type Solver,
} from "@vinsar/core";
import { type H5Reader, type H5Writer, readStackRows, writeStackRows } from "@vinsar/hdf5";
import type { MaskRows } from "./mask_file.ts";
import { Progress } from "./progress.ts";

/**
 * Largest row block, bytes. Bigger blocks do not go faster: touching fresh memory costs
 * more than re-reading a block from the page cache in pass 2, and small buffers are reused.
 */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** Inputs of {@link streamResidualRms}. */
export interface RmsStreamOptions {
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
  outDataset?: string;
  solver: Solver;
  budgetBytes: number;
  /** Round block rows to this (the chunk rows of the files). */
  alignRows?: number;
  /** Cap on the bytes of one row block, default {@link MAX_BLOCK_BYTES}. */
  maxBlockBytes?: number;
  /** Override of the sub-sampling threshold (tests). */
  maxSamples?: number;
}

/** Results of {@link streamResidualRms}. */
export interface RmsStreamResult {
  /** RMS per date (float64; NaN for a date with no pixel in the mask). */
  rms: Float64Array;
  fit: RampFit | null;
  /** Row blocks used and block reads done (reads > blocks means a second pass re-read). */
  blocks: number;
  reads: number;
}

/** Compute the residual RMS per date (see the module documentation). */
export function streamResidualRms(o: RmsStreamOptions): RmsStreamResult {
  const { reader, dataset, numDates: K, length: L, width: W, mask } = o;
  const plan = planRowBlocks({
    length: L,
    width: W,
    // One float32 value per date (deramped in place) plus the mask byte.
    bytesPerPixel: 4 * K + 1,
    budgetBytes: Math.min(o.budgetBytes, o.maxBlockBytes ?? MAX_BLOCK_BYTES),
    alignRows: o.alignRows,
  });
  const blocks = [...plan.blocks()];
  log.debug(`${blocks.length} row block(s) of up to ${plan.rowsPerBlock} rows`);
  const buf = new Float32Array(K * plan.rowsPerBlock * W);
  const sumSq = new Float64Array(K), count = new Float64Array(K);
  let reads = 0;
  const load = (b: Block): Float32Array => {
    const data = buf.subarray(0, K * (b.row1 - b.row0) * W);
    readStackRows(reader, dataset, [0, K], [b.row0, b.row1], W, data);
    reads++;
    return data;
  };
  const maskRows = (b: Block) => mask ? mask.rows(b.row0, b.row1) : null;

  if (o.ramp === null) {
    const progress = new Progress("residual RMS", L * W);
    for (const b of blocks) {
      const data = load(b);
      accumulateSquares(data, K, (b.row1 - b.row0) * W, maskRows(b), sumSq, count);
      progress.advance((b.row1 - b.row0) * W);
    }
    return { rms: rmsFromSums(sumSq, count), fit: null, blocks: blocks.length, reads };
  }

  if (!o.writer) throw new Error("streamResidualRms: deramping needs a writer");
  const outDataset = o.outDataset ?? dataset;
  const eq = new RampNormalEquations({
    ramp: o.ramp,
    numDates: K,
    length: L,
    width: W,
    maxSamples: o.maxSamples,
  });
  const pass1 = new Progress("estimating ramps", L * W);
  const time = { read: 0, fit: 0, apply: 0, write: 0, rms: 0 };
  let t = performance.now();
  const lap = (key: keyof typeof time) => {
    const now = performance.now();
    time[key] += now - t;
    t = now;
  };
  for (const b of blocks) {
    const data = load(b);
    lap("read");
    eq.add(o.solver, data, b.row0, b.row1 - b.row0, maskRows(b));
    lap("fit");
    pass1.advance((b.row1 - b.row0) * W);
  }
  const fit = eq.solve(o.ref);
  reportFit(fit, eq.maxSamples);

  // The last block is still in `buf`: do it first, then re-read the others.
  const last = blocks[blocks.length - 1]!;
  const pass2 = new Progress("removing ramps", L * W);
  for (const b of [last, ...blocks.slice(0, -1)]) {
    const rows = b.row1 - b.row0;
    const data = b === last ? buf.subarray(0, K * rows * W) : load(b);
    lap("read");
    removeRamp(fit, data, b.row0, rows, data);
    lap("apply");
    writeStackRows(o.writer, outDataset, [0, K], [b.row0, b.row1], W, data);
    lap("write");
    accumulateSquares(data, K, rows * W, maskRows(b), sumSq, count);
    lap("rms");
    pass2.advance(rows * W);
  }
  log.debug(
    "time (s): " + Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(", "),
  );
  return { rms: rmsFromSums(sumSq, count), fit, blocks: blocks.length, reads };
}

/** Log dates whose ramp could not be fitted normally (never an error: MintPy carries on). */
function reportFit(fit: RampFit, maxSamples: number): void {
  let empty = 0, under = 0, sub = 0;
  for (let k = 0; k < fit.numDates; k++) {
    if (fit.status[k] === RampStatus.empty) empty++;
    else if (fit.status[k] === RampStatus.underdetermined) under++;
    if (fit.step[k]! > 1) sub++;
  }
  if (empty) log.warn(`${empty} date(s) have no valid pixel in the mask: left without deramping`);
  if (under) {
    log.warn(`${under} date(s) have too few or collinear valid pixels: minimum-norm ramp used`);
  }
  if (sub) {
    log.info(
      `${sub} date(s) with more than ${maxSamples} valid pixels: ramp fitted on a subsample`,
    );
  }
}
