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

/**
 * What one cluster task of a step computes (`vinsar tile run`): a range of the step's
 * partition axis (image rows `[row0, row1)`, or dates `[date0, date1)` for `timeseries_rms`),
 * written to part files instead of the outputs. The step's other settings are the plan's.
 */
export interface TileScope {
  /** `[first, last)` rows (or dates) of this task. */
  readonly range: readonly [number, number];
  /** Where this task writes the output `path` (a part file; the merge assembles them). */
  partPath(path: string): string;
}

/**
 * The row units of `units` clipped to `[row0, row1)` (the units outside dropped, the two at
 * the ends cut), renumbered from 0. The whole image's units when `range` is undefined.
 */
export function* clipRowUnits(
  units: Iterable<RowUnit>,
  range: readonly [number, number] | undefined,
): Iterable<RowUnit> {
  if (!range) {
    yield* units;
    return;
  }
  let index = 0;
  for (const u of units) {
    const row0 = Math.max(u.row0, range[0]), row1 = Math.min(u.row1, range[1]);
    if (row1 > row0) yield { ...u, index: index++, row0, row1 };
  }
}
