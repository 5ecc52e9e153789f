/**
 * Axis ticks: "nice" numeric steps (1, 2, 2.5, 5 x 10^k), 1-2-5 ticks on a log axis, short
 * "12k"/"2M" labels, and calendar ticks on a decimal-year axis (months or years, thinned until
 * the labels fit).
 * @module
 */
import { decimalYear } from "@vinsar/core/dates";

/** A nice step near `range / target`: 1, 2, 2.5 or 5 times a power of ten. */
export function niceStep(range: number, target = 5): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const raw = range / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

/** Ticks at multiples of a nice step covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): { ticks: number[]; step: number } {
  const step = niceStep(max - min, target);
  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let i = first; i * step <= max + step * 1e-9; i++) ticks.push(i * step + 0);
  return { ticks, step };
}

/** Round `max` up to a multiple of a nice step. */
export function niceCeil(max: number, target = 5): number {
  const step = niceStep(max, target);
  return Math.ceil(max / step - 1e-9) * step;
}

/** Tick label with as many decimals as the step needs; negatives with a minus sign. */
export function formatTick(value: number, step: number): string {
  let dec = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(step * 10 ** dec - Math.round(step * 10 ** dec)) > 1e-6) dec++;
  const s = value.toFixed(Math.min(dec, 12));
  // matplotlib's labels use the minus sign (U+2212), and never "-0".
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s.replace("-", "\u2212");
}

/**
 * Ticks of a logarithmic axis: `1, 2, 5` (or the given mantissas) times powers of ten within
 * [min, max]; empty unless `0 < min <= max`.
 */
export function logTicks(
  min: number,
  max: number,
  mantissas: readonly number[] = [1, 2, 5],
): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    for (const m of mantissas) {
      const v = Number((m * 10 ** e).toPrecision(12));
      if (v >= min && v <= max) ticks.push(v);
    }
  }
  return ticks;
}

/** `12000` -> "12k", `2000000` -> "2M", `0.5` -> "0.5": axis labels for counts and rates. */
export function shortNumber(v: number): string {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** Calendar ticks of a date axis, in decimal years. */
export interface DateTicks {
  major: Array<{ t: number; label: string }>;
  minor: number[];
}

function monthStart(year: number, month: number): number {
  const y = year + Math.floor((month - 1) / 12), m = ((month - 1) % 12 + 12) % 12 + 1;
  return decimalYear({ year: y, month: m, day: 1 });
}

/**
 * Month or year ticks between decimal years `t0` and `t1`, the densest whose labels fit:
 * `labelWidth(text)` gives a label's width in pixels, `pxPerYear` the axis scale. Years are
 * stepped in multiples of `tickYearNum` (MintPy's `--tick-year-num`).
 */
export function dateTicks(
  t0: number,
  t1: number,
  pxPerYear: number,
  labelWidth: (text: string) => number,
  tickYearNum = 1,
): DateTicks {
  const y0 = Math.floor(t0), y1 = Math.ceil(t1);
  const gap = labelWidth("00");
  const span = t1 - t0;
  const monthly = (step: number): DateTicks => {
    const major: DateTicks["major"] = [], minor: number[] = [];
    for (let y = y0; y <= y1; y++) {
      for (let m = 1; m <= 12; m++) {
        const t = monthStart(y, m);
        if (t < t0 || t > t1) continue;
        if ((m - 1) % step === 0) {
          major.push({ t, label: `${y}-${String(m).padStart(2, "0")}` });
        } else minor.push(t);
      }
    }
    return { major, minor };
  };
  const yearly = (step: number): DateTicks => {
    const major: DateTicks["major"] = [], minor: number[] = [];
    const monthMinor = pxPerYear / 12 >= 4 && step <= 2;
    for (let y = y0; y <= y1; y++) {
      const t = monthStart(y, 1);
      if (t >= t0 && t <= t1) {
        if (y % step === 0) major.push({ t, label: String(y) });
        else minor.push(t);
      }
      if (monthMinor) {
        for (let m = 2; m <= 12; m++) {
          const tm = monthStart(y, m);
          if (tm >= t0 && tm <= t1) minor.push(tm);
        }
      }
    }
    return { major, minor };
  };
  const fits = (ticks: DateTicks, stepYears: number) =>
    ticks.major.length > 0 &&
    stepYears * pxPerYear >= Math.max(...ticks.major.map((m) => labelWidth(m.label))) + gap;
  if (span < 2.5) {
    for (const step of [1, 2, 3, 6]) {
      const ticks = monthly(step);
      if (ticks.major.length >= 2 && fits(ticks, step / 12)) return ticks;
    }
  }
  const n = Math.max(1, Math.round(tickYearNum));
  for (const m of [1, 2, 5, 10, 20, 50, 100, 200, 500]) {
    const ticks = yearly(n * m);
    if (fits(ticks, n * m) || m === 500) {
      if (ticks.major.length === 0 && span < 2.5) return monthly(6);
      return ticks;
    }
  }
  return yearly(n);
}
