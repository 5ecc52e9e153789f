/**
 * What `timeseries2velocity` decides before touching pixels, as MintPy does: which dates
 * are fit (`--start-date`, `--end-date`, `--ex`) and the `mintpy.timeFunc.*` attributes
 * that record the configuration (also used by `--update`).
 * @module
 */
import { decimalYearOf } from "./time_functions.ts";
import { normalizeDate } from "./dates.ts";
import { pyStr, type PyValue } from "./py_format.ts";

/** The dates to fit and those left out. */
export interface DateSelection {
  /** Dates fit, in file order. */
  readonly used: string[];
  /** `used[i]` is file date `index[i]`. */
  readonly index: Int32Array;
  /** Dates left out, sorted. */
  readonly excluded: string[];
  /** Log lines in MintPy's words (which date was removed by which rule). */
  readonly messages: string[];
}

/**
 * MintPy's date selection: the excluded dates (already resolved, present in the file),
 * then dates before `startDate` or after `endDate` (compared as decimal years).
 */
export function selectDates(
  fileDates: readonly string[],
  opts: { startDate?: string; endDate?: string; excludeDates?: readonly string[] },
): DateSelection {
  const ex = new Set<string>();
  const messages: string[] = [];
  if (opts.excludeDates && opts.excludeDates.length > 0) {
    const list = [...new Set(opts.excludeDates)].sort();
    for (const d of list) ex.add(d);
    messages.push(`exclude date: ${pyStr(list)}`);
  }
  const years = fileDates.map((d) => decimalYearOf(d));
  const bound = (flag: string, value: string | undefined, before: boolean) => {
    if (value === undefined) return;
    const d = normalizeDate(value, `flag ${flag}`);
    messages.push(`${before ? "start   date" : "end     date"}: ${d}`);
    const y = decimalYearOf(d);
    fileDates.forEach((date, i) => {
      if ((before ? years[i]! < y : years[i]! > y) && !ex.has(date)) {
        messages.push(`  remove date: ${date}`);
        ex.add(date);
      }
    });
  };
  bound("--start-date", opts.startDate, true);
  bound("--end-date", opts.endDate, false);
  const used: string[] = [], index: number[] = [];
  fileDates.forEach((d, i) => {
    if (!ex.has(d)) {
      used.push(d);
      index.push(i);
    }
  });
  return { used, index: Int32Array.from(index), excluded: [...ex].sort(), messages };
}

/** The configuration as the user gave it (MintPy's `inps` fields of `config_keys`). */
export interface TimeFunctionConfig {
  startDate: string | null;
  endDate: string | null;
  /** As given: dates and/or text files. */
  excludeDate: string[];
  polynomial: number;
  periodic: number[];
  stepDate: string[];
  exp: string[][];
  log: string[][];
  uncertaintyQuantification: string;
  timeSeriesCovFile: string | null;
  bootstrapCount: number;
}

/** `mintpy.timeFunc.*` attributes, formatted as Python's `str()` like MintPy writes them. */
export function timeFunctionConfigAttrs(c: TimeFunctionConfig): Record<string, string> {
  const p = "mintpy.timeFunc.";
  const v: Array<[string, PyValue]> = [
    ["startDate", c.startDate],
    ["endDate", c.endDate],
    ["excludeDate", c.excludeDate],
    ["polynomial", { int: c.polynomial }],
    ["periodic", c.periodic],
    ["stepDate", [...c.stepDate].sort()],
    ["exp", c.exp],
    ["log", c.log],
    ["uncertaintyQuantification", c.uncertaintyQuantification],
    ["timeSeriesCovFile", c.timeSeriesCovFile],
    ["bootstrapCount", { int: c.bootstrapCount }],
  ];
  return Object.fromEntries(v.map(([k, x]) => [p + k, pyStr(x)]));
}
