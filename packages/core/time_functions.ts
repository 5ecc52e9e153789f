/**
 * MintPy's deformation model: a suite of time functions (polynomial, periodic, step,
 * polyline, exponential, logarithmic) and its design matrix G (dates x parameters).
 *
 * Time is MintPy's decimal year, `year + (dayOfYear - 1) / 365.25` plus the acquisition
 * time of day (`CENTER_LINE_UTC` seconds) for acquisitions; event onsets have no seconds.
 * The polynomial and periodic columns use time relative to an origin (the first date of
 * the list the matrix is built for); step, polyline, exp and log use absolute time.
 * MintPy stores G as float32 and solves in float32; here G and every solve are float64
 * (the exact time functions), which agrees with MintPy within its own float32 rounding.
 * @module
 */
import { dayOfYear, parseDate } from "./dates.ts";
import { InputError } from "./errors.ts";
import { log } from "./log.ts";

/** One onset of an exponential or logarithmic function with its characteristic times. */
export interface OnsetTaus {
  /** Onset `YYYYMMDD` or `YYYYMMDDTHHMM`. */
  readonly onset: string;
  /** Characteristic times in whole days (MintPy drops the fraction). */
  readonly taus: readonly number[];
}

/** A validated deformation model, like MintPy's `model` dict. */
export interface TimeFunctionModel {
  /** Polynomial degree: 0 offset, 1 linear, 2 quadratic, ... */
  readonly polynomial: number;
  /** Periods in years (1 annual, 0.5 semi-annual). */
  readonly periodic: readonly number[];
  /** Step onsets, sorted. */
  readonly stepDate: readonly string[];
  /** Onsets of extra line segments, sorted. */
  readonly polyline: readonly string[];
  /** Exponential functions, in order of first appearance of each onset. */
  readonly exp: readonly OnsetTaus[];
  /** Logarithmic functions, in order of first appearance of each onset. */
  readonly log: readonly OnsetTaus[];
}

/** The time-function flags as the user gave them (MintPy's `inps`). */
export interface TimeFunctionSpec {
  polynomial: number;
  periodic: number[];
  stepDate: string[];
  polyline: string[];
  /** Each `--exp` occurrence: onset then one or more taus in days. */
  exp: string[][];
  /** Each `--log` occurrence: onset then one or more taus in days. */
  log: string[][];
}

const SECONDS_PER_YEAR = 365.25 * 24 * 60 * 60;

/**
 * MintPy's decimal year of `YYYYMMDD` (plus `seconds` of the day) or `YYYYMMDDTHHMM`
 * (whose own time is used and `seconds` ignored).
 * @throws InputError for a malformed date.
 * @example
 * ```ts
 * decimalYearOf("20200101"); // 2020
 * ```
 */
export function decimalYearOf(date: string, seconds = 0, what = "date"): number {
  const m = /^(\d{8})T(\d{2})(\d{2})$/.exec(date);
  const day = parseDate(m ? m[1]! : date, what);
  let y = day.year + (dayOfYear(day) - 1) / 365.25;
  if (m) {
    const hour = Number(m[2]), minute = Number(m[3]);
    if (hour > 23 || minute > 59) throw new InputError(`${what}: "${date}" is not a valid time`);
    y += hour / (365.25 * 24);
    y += minute / (365.25 * 24 * 60);
  } else if (seconds) {
    y += seconds / SECONDS_PER_YEAR;
  }
  return y;
}

/** Number of parameters P of a model. */
export function timeFunctionParamCount(model: TimeFunctionModel): number {
  return model.polynomial + 1 + 2 * model.periodic.length + model.stepDate.length +
    model.polyline.length + model.exp.reduce((s, e) => s + e.taus.length, 0) +
    model.log.reduce((s, e) => s + e.taus.length, 0);
}

/**
 * Validate the flags against the dates used (first and last) and build the model, with
 * MintPy's checks: periods and taus positive, step and polyline onsets strictly inside the
 * date range, exp/log onsets before the last date; fractional taus are truncated to whole
 * days with a warning; a repeated exp/log onset keeps its first position and its last taus.
 * @throws InputError naming the flag at fault.
 */
export function buildTimeFunctionModel(
  spec: TimeFunctionSpec,
  dates: readonly string[],
): TimeFunctionModel {
  if (!Number.isInteger(spec.polynomial) || spec.polynomial < 0) {
    throw new InputError(`flag --polynomial: ${spec.polynomial} must be a whole number >= 0`);
  }
  if (spec.polyline.length > 0 && spec.polynomial === 0) {
    throw new InputError("flag --polyline is not supported with --polynomial 0");
  }
  for (const p of spec.periodic) {
    if (!(p > 0)) throw new InputError(`flag --periodic: period ${p} must be positive`);
  }
  const d0 = dates[0]!, d1 = dates[dates.length - 1]!;
  const ymin = decimalYearOf(d0), ymax = decimalYearOf(d1);
  const inside = (flag: string, list: readonly string[]) => {
    for (const d of list) {
      const y = decimalYearOf(d, 0, `flag ${flag}`);
      if (!(ymin < y && y < ymax)) {
        throw new InputError(
          `flag ${flag}: date ${d} is outside the dates used (${d0} to ${d1}, exclusive)`,
        );
      }
    }
  };
  inside("--step", spec.stepDate);
  inside("--polyline", spec.polyline);
  const onsets = (flag: string, occurrences: readonly string[][]): OnsetTaus[] => {
    const byOnset = new Map<string, number[]>();
    for (const occ of occurrences) {
      const [onset, ...rest] = occ;
      if (onset === undefined || rest.length === 0) {
        throw new InputError(
          `flag ${flag}: needs an onset date and at least one characteristic time in days` +
            ` (e.g. ${flag} 20181026 60)`,
        );
      }
      if (!/^\d{8}(T\d{4})?$/.test(onset)) {
        throw new InputError(`flag ${flag}: onset "${onset}" is not YYYYMMDD or YYYYMMDDTHHMM`);
      }
      if (decimalYearOf(onset, 0, `flag ${flag}`) >= ymax) {
        throw new InputError(`flag ${flag}: onset ${onset} is not before the last date ${d1}`);
      }
      const taus = rest.map((s) => {
        const v = Number(s);
        if (s.trim() === "" || !Number.isFinite(v)) {
          throw new InputError(`flag ${flag}: characteristic time "${s}" is not a number`);
        }
        if (!(v > 0)) {
          throw new InputError(`flag ${flag}: characteristic time ${s} must be positive`);
        }
        const whole = Math.trunc(v);
        if (whole !== v) {
          log.warn(`${flag}: fractional characteristic time ${s} days truncated to ${whole} days`);
        }
        return whole;
      });
      if (taus.some((t) => t === 0)) {
        throw new InputError(`flag ${flag}: characteristic times must be at least 1 day`);
      }
      byOnset.set(onset, taus);
    }
    return [...byOnset].map(([onset, taus]) => ({ onset, taus }));
  };
  return {
    polynomial: spec.polynomial,
    periodic: [...spec.periodic],
    stepDate: [...spec.stepDate].sort(),
    polyline: [...spec.polyline].sort(),
    exp: onsets("--exp", spec.exp),
    log: onsets("--log", spec.log),
  };
}

/**
 * A model with its onset times resolved, ready to build design matrices for any list of
 * acquisition times (e.g. bootstrap resamples) without re-parsing dates.
 */
export class TimeFunctionBasis {
  readonly model: TimeFunctionModel;
  /** Number of parameters P. */
  readonly numParams: number;
  readonly #steps: Float64Array;
  readonly #plines: Float64Array;
  readonly #exps: Array<[number, number]>;
  readonly #logs: Array<[number, number]>;
  readonly #factorials: Float64Array;

  constructor(model: TimeFunctionModel) {
    this.model = model;
    this.numParams = timeFunctionParamCount(model);
    this.#steps = Float64Array.from(model.stepDate, (d) => decimalYearOf(d));
    this.#plines = Float64Array.from(model.polyline, (d) => decimalYearOf(d));
    const flat = (list: readonly OnsetTaus[]) =>
      list.flatMap((e) =>
        e.taus.map((tau) => [decimalYearOf(e.onset), tau / 365.25] as [number, number])
      );
    this.#exps = flat(model.exp);
    this.#logs = flat(model.log);
    this.#factorials = new Float64Array(model.polynomial + 1);
    for (let i = 0, f = 1; i <= model.polynomial; i++) {
      f *= Math.max(i, 1);
      this.#factorials[i] = f;
    }
  }

  /**
   * Design matrix for acquisitions at decimal years `years` (with their time of day), time
   * origin `origin` for the polynomial and periodic columns.
   * @returns row-major `years.length x numParams`.
   */
  matrix(years: ArrayLike<number>, origin: number): Float64Array {
    const n = years.length, p = this.numParams, m = this.model;
    const g = new Float64Array(n * p);
    for (let r = 0; r < n; r++) {
      const t = years[r]!;
      const dt = t - origin;
      const row = r * p;
      let c = 0;
      for (let i = 0; i <= m.polynomial; i++) g[row + c++] = dt ** i / this.#factorials[i]!;
      for (const period of m.periodic) {
        const w = 2 * Math.PI / period;
        g[row + c++] = Math.cos(w * dt);
        g[row + c++] = Math.sin(w * dt);
      }
      for (const ts of this.#steps) g[row + c++] = t > ts ? 1 : 0;
      for (const ts of this.#plines) g[row + c++] = t > ts ? t - ts : 0;
      for (const [ts, tau] of this.#exps) g[row + c++] = t > ts ? 1 - Math.exp(-(t - ts) / tau) : 0;
      for (const [ts, tau] of this.#logs) g[row + c++] = t > ts ? Math.log(1 + (t - ts) / tau) : 0;
    }
    return g;
  }
}

/**
 * MintPy's design matrix for `dates` (`YYYYMMDD`), time origin `refDate` (default: the
 * first date), acquisition time of day `seconds` (`CENTER_LINE_UTC`).
 * @returns row-major `dates.length x P`.
 * @example
 * ```ts
 * const model = buildTimeFunctionModel(
 *   { polynomial: 1, periodic: [], stepDate: [], polyline: [], exp: [], log: [] },
 *   ["20200101", "20210101"],
 * );
 * timeFunctionDesignMatrix(["20200101", "20210101"], model); // [1, 0, 1, 1]
 * ```
 */
export function timeFunctionDesignMatrix(
  dates: readonly string[],
  model: TimeFunctionModel,
  opts: { refDate?: string; seconds?: number } = {},
): Float64Array {
  const seconds = opts.seconds ?? 0;
  const years = dates.map((d) => decimalYearOf(d, seconds));
  const refIndex = opts.refDate === undefined ? 0 : dates.indexOf(opts.refDate);
  if (refIndex < 0) throw new InputError(`reference date ${opts.refDate} is not among the dates`);
  return new TimeFunctionBasis(model).matrix(years, years[refIndex]!);
}

/** Families of time functions, as `--rm-timefun` names them. */
export type TimeFunctionFamily = "polynomial" | "periodic" | "step" | "polyline" | "exp" | "log";

/** Columns of G belonging to `families`, ascending (for `--rm-timefun`). */
export function timeFunctionColumns(
  model: TimeFunctionModel,
  families: readonly TimeFunctionFamily[],
): Int32Array {
  const sizes: Array<[TimeFunctionFamily, number]> = [
    ["polynomial", model.polynomial + 1],
    ["periodic", 2 * model.periodic.length],
    ["step", model.stepDate.length],
    ["polyline", model.polyline.length],
    ["exp", model.exp.reduce((s, e) => s + e.taus.length, 0)],
    ["log", model.log.reduce((s, e) => s + e.taus.length, 0)],
  ];
  const cols: number[] = [];
  let c0 = 0;
  for (const [fam, size] of sizes) {
    if (families.includes(fam)) { for (let c = c0; c < c0 + size; c++) cols.push(c); }
    c0 += size;
  }
  return Int32Array.from(cols);
}
