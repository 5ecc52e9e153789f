/**
 * Work units of the block pipeline: row ranges of the image (or groups of dates of whole
 * images), planned from the memory budget. A unit is also what a cluster task runs: a step
 * can run any sub-range of its units and write that range's result on its own.
 * @module
 */
import { type Block, type Chunker, planRowBlocks, type RowBlockOptions } from "@vinsar/core";

/** A row range `[row0, row1)` of the image, `index` in the plan. */
export type RowUnit = Block;

/** A group of dates `[date0, date1)` of whole images, `index` in the plan. */
export interface DateUnit {
  readonly index: number;
  readonly date0: number;
  readonly date1: number;
}

/** Settings of {@link planRowUnits}: the block budget, plus a cap on rows. */
export interface RowUnitOptions extends RowBlockOptions {
  /** Most rows per unit (default: no cap). */
  maxRows?: number;
}

/**
 * Row units as large as the budget allows (core's `planRowBlocks`), at most `maxRows` rows
 * each (then not aligned to the chunk rows).
 */
export function planRowUnits(options: RowUnitOptions): Chunker {
  const plan = planRowBlocks(options);
  const maxRows = options.maxRows ?? Infinity;
  if (!(maxRows >= 1) || plan.rowsPerBlock <= maxRows) return plan;
  const bytesPerRow = options.width * options.bytesPerPixel;
  return planRowBlocks({
    ...options,
    budgetBytes: Math.floor(maxRows) * bytesPerRow,
    alignRows: 1,
  });
}

/** The units `[first, last)` of a plan (all by default): what one cluster task runs. */
export function* unitRange<U extends { index: number }>(
  units: Iterable<U>,
  first = 0,
  last = Infinity,
): Iterable<U> {
  for (const u of units) if (u.index >= first && u.index < last) yield u;
}

/** Groups of `groupSize` consecutive dates out of `numDates`. */
export function* dateUnits(numDates: number, groupSize: number): Iterable<DateUnit> {
  const size = Math.max(1, Math.floor(groupSize));
  for (let i = 0, d = 0; d < numDates; i++, d += size) {
    yield { index: i, date0: d, date1: Math.min(numDates, d + size) };
  }
}
