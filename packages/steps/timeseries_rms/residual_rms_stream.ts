/**
 * The streaming pipeline of `timeseries_rms`: residual RMS per date over a mask, optionally
 * after removing each date's ramp, from a `(dates, rows, width)` stack, in memory bounded by
 * the budget.
 *
 * When a few whole images fit the budget (the usual case) the stack is read once, a group of
 * dates at a time (a whole number of the file's chunk dates): a date's ramp needs only its
 * own image, so each group is fit, deramped, written and summed before the next is read.
 * Otherwise (images too large for the budget), two passes over row blocks: pass 1
 * accumulates every date's small normal equations over all blocks, pass 2 removes the ramps
 * in place, writes the deramped stack and accumulates the RMS (the last block of pass 1 is
 * still in memory and goes first). HDF5 reads and writes go in pieces of at most
 * `IO_PIECE_BYTES` (`@vinsar/hdf5`'s `readStackRows`) so h5wasm's heap (which never shrinks)
 * stays small.
 *
 * Every loop is one {@link runBlocks} call over date units ({@link dateUnits}) or row units
 * ({@link planRowUnits}).
 * @module
 */
import { dateUnits, planRowUnits, unitRange } from "../pipeline/mod.ts";
import type { DateUnit, RowUnit } from "../pipeline/mod.ts";
import { deRampByDateGroups, squaresByDateGroups } from "./_date_groups.ts";
import { deRampByRowBlocks, squaresByRowBlocks } from "./_row_blocks.ts";
import {
  type ResidualRmsStreamOptions,
  type ResidualRmsStreamResult,
  StreamState,
} from "./_stream_state.ts";

export type { ResidualRmsStreamOptions, ResidualRmsStreamResult } from "./_stream_state.ts";

/**
 * Largest row block, bytes. Bigger blocks do not go faster: touching fresh memory costs
 * more than re-reading a block from the page cache in pass 2, and small buffers are reused.
 */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** Target bytes of one group of whole images when deramping date by date (cache-friendly). */
export const DATE_GROUP_BYTES = 16 * 1024 * 1024;

/** How {@link streamResidualRms} goes through the stack. */
export type ResidualRmsPlan =
  | { kind: "dates"; groupSize: number; units: DateUnit[] }
  | { kind: "rows"; rowsPerBlock: number; units: RowUnit[] };

/**
 * The units of the stack: groups of whole images ({@link DATE_GROUP_BYTES}, a whole number
 * of the chunk dates) when one chunk of dates of whole images fits the budget, else row
 * blocks for the two passes.
 */
export function planResidualRms(options: ResidualRmsStreamOptions): ResidualRmsPlan {
  const { numDates: K, length: L, width: W } = options;
  const budget = Math.min(options.budgetBytes, options.maxBlockBytes ?? MAX_BLOCK_BYTES);
  const chunk = Math.max(1, Math.min(K, options.chunkDates ?? 1));
  // One float32 value per date plus the mask byte per pixel.
  const imageBytes = (4 + 1) * L * W;
  const range = options.dateRange;
  if (range && chunk * imageBytes > budget) {
    throw new RangeError(
      `--max-memory: a group of ${chunk} whole image(s) of ${L} x ${W} pixels does not fit the ` +
        `memory budget, which a task of dates needs: give it more memory, or run without --cluster`,
    );
  }
  if (chunk * imageBytes <= budget) {
    const chunks = Math.max(
      1,
      Math.floor(Math.min(budget, DATE_GROUP_BYTES) / (chunk * imageBytes)),
    );
    const groupSize = Math.min(K, chunk * chunks);
    if (range) {
      const [d0, d1] = range;
      const units = [...dateUnits(d1 - d0, groupSize)].map((u) => ({
        index: u.index,
        date0: u.date0 + d0,
        date1: u.date1 + d0,
      }));
      return { kind: "dates", groupSize, units };
    }
    return { kind: "dates", groupSize, units: [...dateUnits(K, groupSize)] };
  }
  const plan = planRowUnits({
    length: L,
    width: W,
    // One float32 value per date (deramped in place) plus the mask byte.
    bytesPerPixel: 4 * K + 1,
    budgetBytes: budget,
    alignRows: options.alignRows,
    maxRows: options.maxBlockRows,
  });
  return { kind: "rows", rowsPerBlock: plan.rowsPerBlock, units: [...plan.blocks()] };
}

/** Compute the residual RMS per date (see the module documentation). */
export async function streamResidualRms(
  options: ResidualRmsStreamOptions,
): Promise<ResidualRmsStreamResult> {
  if (options.ramp !== null && !options.writer) {
    throw new Error("streamResidualRms: deramping needs a writer");
  }
  const plan = planResidualRms(options);
  const [first, last] = options.unitRange ?? [0, Infinity];
  const state = new StreamState(options);
  if (plan.kind === "dates") {
    const units = unitRange(plan.units, first, last);
    if (options.ramp === null) return await squaresByDateGroups(state, units, plan.groupSize);
    return await deRampByDateGroups(state, units, plan.groupSize);
  }
  state.reporter.debug(`${plan.units.length} row block(s) of up to ${plan.rowsPerBlock} rows`);
  if (options.ramp === null) {
    return await squaresByRowBlocks(state, [...unitRange(plan.units, first, last)], plan);
  }
  if (options.unitRange) {
    throw new RangeError("a deramp by row blocks fits the ramps over every block: no unit range");
  }
  return await deRampByRowBlocks(state, plan);
}
