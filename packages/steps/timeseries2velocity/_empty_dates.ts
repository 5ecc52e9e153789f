/**
 * MintPy's rule for range-offset time-series (`timeseriesRg*.h5`, written by
 * `ifgram_inversion -i rangeOffset`): a date whose image sums to zero (NaN ignored) has no
 * observation, and is left out of the fit, except the file's `REF_DATE`.
 * @module
 */
import { basename } from "node:path";
import { InputError } from "@vinsar/core";
import type { TimeseriesFile } from "@vinsar/hdf5";

/** Float32 values read per block of the pass over the file (32 MB). */
const BLOCK_VALUES = 8 * 1024 * 1024;

/** MintPy applies the rule to files whose name starts with `timeseriesRg`, no other. */
export function isRangeOffsetTimeseries(path: string): boolean {
  return basename(path).startsWith("timeseriesRg");
}

/**
 * The dates of `ts` whose image sums to zero with NaN ignored (MintPy's `nansum == 0`: an
 * image of zeros and NaN, or of values that cancel), in file order, without `REF_DATE`.
 * One pass over the file in blocks of at most 32 MB (all dates of a band of rows, or a group
 * of dates of one row when a row of all dates is larger), summed in float64.
 * @param options.blockValues values per block (tests of the blocking).
 * @throws InputError when the file has no `REF_DATE`, or it is not one of its dates (MintPy
 *   stops there too).
 */
export function emptyOffsetDates(
  ts: TimeseriesFile,
  options: { blockValues?: number } = {},
): string[] {
  const refDate = ts.attrs.REF_DATE;
  if (refDate === undefined) {
    throw new InputError(
      `${ts.path}: no REF_DATE attribute, needed to keep the reference date when leaving out ` +
        "the empty dates of a range-offset time-series",
    );
  }
  const refIndex = ts.dates.indexOf(refDate);
  if (refIndex < 0) throw new InputError(`${ts.path}: REF_DATE ${refDate} is not one of its dates`);

  const n = ts.dates.length, L = ts.length, W = ts.width;
  const budget = Math.max(1, options.blockValues ?? BLOCK_VALUES);
  let rows = Math.max(1, Math.min(L, Math.floor(budget / Math.max(1, n * W))));
  if (rows > ts.chunkRows) rows -= rows % ts.chunkRows; // whole chunks per read
  const datesPer = rows > 1 ? n : Math.max(1, Math.min(n, Math.floor(budget / Math.max(1, W))));
  const buf = new Float32Array(datesPer * rows * W);
  const sums = new Float64Array(n);
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows), lanes = (r1 - r0) * W;
    for (let d0 = 0; d0 < n; d0 += datesPer) {
      const d1 = Math.min(n, d0 + datesPer);
      const block = ts.readBlock(r0, r1, d0, d1, buf.subarray(0, (d1 - d0) * lanes));
      for (let d = d0; d < d1; d++) {
        let s = 0;
        const off = (d - d0) * lanes;
        for (let i = 0; i < lanes; i++) {
          const v = block[off + i]!;
          if (v === v) s += v;
        }
        sums[d] = sums[d]! + s;
      }
    }
  }
  return ts.dates.filter((_, d) => d !== refIndex && sums[d] === 0);
}
