/**
 * MintPy's date conventions: `YYYYMMDD` strings, decimal years, day counts.
 * @module
 */
import { InputError } from "./errors.ts";

/** A calendar date in UTC (midnight). */
export interface Ymd {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Parse `YYYYMMDD` (or `YYMMDD`, `YYYY-MM-DD`) into a date. `what` names the source in
 * the error message (a flag or a file).
 * @throws InputError for a malformed or impossible date.
 */
export function parseDate(text: string, what = "date"): Ymd {
  const s = text.trim().replaceAll("-", "");
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) {
    const m6 = /^(\d{2})(\d{2})(\d{2})$/.exec(s);
    if (m6) {
      m = [
        s,
        String(Number(m6[1]) < 50 ? 2000 + Number(m6[1]) : 1900 + Number(m6[1])),
        m6[2]!,
        m6[3]!,
      ] as unknown as RegExpExecArray;
    }
  }
  if (!m) throw new InputError(`${what}: "${text}" is not a date (expected YYYYMMDD)`);
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  const t = new Date(Date.UTC(year, month - 1, day));
  if (t.getUTCFullYear() !== year || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) {
    throw new InputError(`${what}: "${text}" is not a valid calendar date`);
  }
  return { year, month, day };
}

/** Normalise a date string to `YYYYMMDD`. */
export function normalizeDate(text: string, what = "date"): string {
  return formatDate(parseDate(text, what));
}

/** Format as `YYYYMMDD`. */
export function formatDate(d: Ymd): string {
  return `${d.year}${String(d.month).padStart(2, "0")}${String(d.day).padStart(2, "0")}`;
}

/** Milliseconds since the epoch of the date's midnight UTC. */
export function dateToUtcMs(d: Ymd): number {
  return Date.UTC(d.year, d.month - 1, d.day);
}

/** 1-based day of the year. */
export function dayOfYear(d: Ymd): number {
  return Math.round((dateToUtcMs(d) - Date.UTC(d.year, 0, 1)) / 86400000) + 1;
}

/**
 * MintPy's decimal year: `year + (dayOfYear - 1) / 365.25 + seconds / (365.25 * 86400)`,
 * with `seconds` the acquisition time of day (`CENTER_LINE_UTC`), 0 for event onsets.
 */
export function decimalYear(d: Ymd, seconds = 0): number {
  return d.year + (dayOfYear(d) - 1) / 365.25 + seconds / (365.25 * 86400);
}

/** Whole days from `a` to `b`. */
export function daysBetween(a: Ymd, b: Ymd): number {
  return Math.round((dateToUtcMs(b) - dateToUtcMs(a)) / 86400000);
}
