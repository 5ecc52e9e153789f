/**
 * Residual RMS per date and the choices MintPy's `timeseries_rms.py` makes from it: the
 * reference date (minimum RMS) and the outlier dates (RMS above a median-absolute-deviation
 * threshold), plus the `rms_*.txt` table format.
 * @module
 */
import { pyFloat } from "./py_format.ts";
import type { Solver } from "./solver.ts";

/** MintPy's MAD normalisation: MAD / 0.67449 estimates a Gaussian's standard deviation. */
export const MAD_SCALE = 0.67449;

/**
 * Accumulate `sum(d^2)` and the count of non-NaN values per date over the mask, like
 * `nanmean(square(d))` with masked pixels set to NaN. Zero values count (they are data).
 * @param data `(numDates, pixels)` float32, C order (a row block of all dates).
 * @param mask `pixels` bytes, non-zero = in the mask; null = every pixel.
 * @param sumSq `numDates` running sums (float64), updated.
 * @param count `numDates` running counts, updated.
 * @param solver runs the sums as its {@link Solver.maskedSquareSums} kernel (several times
 *   faster with a speckled mask); without it, a plain loop here.
 */
export function accumulateSquares(
  data: Float32Array,
  numDates: number,
  pixels: number,
  mask: Uint8Array | null,
  sumSq: Float64Array,
  count: Float64Array,
  solver?: Solver,
): void {
  if (data.length < numDates * pixels) {
    throw new RangeError("RMS block smaller than dates x pixels");
  }
  if (solver) {
    solver.maskedSquareSums(numDates, pixels, data, mask, sumSq, count);
    return;
  }
  for (let k = 0; k < numDates; k++) {
    const o = k * pixels;
    let s = 0, n = 0;
    if (mask === null) {
      for (let p = 0; p < pixels; p++) {
        const d = data[o + p];
        if (d === d) {
          s += d * d;
          n++;
        }
      }
    } else {
      for (let p = 0; p < pixels; p++) {
        const d = data[o + p];
        if (mask[p] !== 0 && d === d) {
          s += d * d;
          n++;
        }
      }
    }
    sumSq[k] += s;
    count[k] += n;
  }
}

/** `sqrt(sumSq / count)` per date; NaN where no pixel counted (MintPy's all-NaN nanmean). */
export function rmsFromSums(sumSq: Float64Array, count: Float64Array): Float64Array {
  return sumSq.map((s, k) => (count[k]! > 0 ? Math.sqrt(s / count[k]!) : NaN));
}

/** Median of the non-NaN values (NaN when there are none), like `np.nanmedian`. */
export function nanMedian(values: ArrayLike<number>): number {
  const v = Array.from(values).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}

/**
 * MintPy's outlier threshold `center + cutoff * nanmedian(|v - center|) / 0.67449`; with
 * `center = 0` (as `timeseries_rms.py` uses) that is `cutoff * median(RMS) / 0.67449`.
 */
export function madThreshold(values: ArrayLike<number>, cutoff: number, center = 0): number {
  const dev = Array.from(values, (x) => Math.abs(x - center));
  return center + cutoff * nanMedian(dev) / MAD_SCALE;
}

/** Index of the first minimum, ignoring NaN; -1 when every value is NaN. */
export function referenceDateIndex(values: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (!Number.isNaN(x) && (best < 0 || x < values[best]!)) best = i;
  }
  return best;
}

/** What `timeseries_rms.py` decides from the RMS of each date. */
export interface RmsAnalysis {
  /** RMS per date as MintPy reads it back from its text file (rounded to float32). */
  rms: Float64Array;
  /** Date of minimum RMS (the suggested reference date). */
  refIndex: number;
  /** RMS threshold above which a date is an outlier. */
  threshold: number;
  /** Outlier dates, in date order. */
  excluded: number[];
}

/**
 * Reference date, threshold and outlier dates from per-date RMS values, on the float32
 * values MintPy writes and reads back.
 */
export function analyzeRms(rms: ArrayLike<number>, cutoff: number): RmsAnalysis {
  const r = Float64Array.from(rms, (x) => Math.fround(x));
  const threshold = madThreshold(r, cutoff, 0);
  const excluded: number[] = [];
  r.forEach((x, i) => {
    if (x > threshold) excluded.push(i);
  });
  return { rms: r, refIndex: referenceDateIndex(r), threshold, excluded };
}

/**
 * The `rms_<name>.txt` table as MintPy writes it: `#` header lines naming the files, then
 * `date<TAB>rms` with the float32 RMS printed as Python prints it.
 */
export function formatRmsTable(
  dates: readonly string[],
  rms: ArrayLike<number>,
  files: { timeseriesFile: string; maskFile: string },
): string {
  const lines = [
    "# Root Mean Square in space for each acquisition of time-series",
    `# Timeseries file: ${files.timeseriesFile}`,
    `# Mask file: ${files.maskFile}`,
    "# Date\t\tRMS (m)",
  ];
  dates.forEach((d, i) => lines.push(`${d}\t${pyFloat(Math.fround(rms[i]!))}`));
  return lines.join("\n") + "\n";
}

/** Parse an `rms_*.txt` table (comment lines start with `#`). */
export function parseRmsTable(text: string): { dates: string[]; rms: Float64Array } {
  const dates: string[] = [], values: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const [d, v] = t.split(/\s+/);
    if (d === undefined || v === undefined) continue;
    dates.push(d);
    values.push(Number(v));
  }
  return { dates, rms: Float64Array.from(values) };
}
