/**
 * Comparison of MintPy's text outputs: `rms_*.txt` (date and RMS per line, `#` comments)
 * and date lists (`reference_date.txt`, `exclude_date.txt`). I/O free.
 * @module
 */
import type { Verdict } from "./compare.ts";

/** Relative tolerance of the RMS values (README). */
export const RMS_REL_TOL = 1e-4;

/** Dates and RMS values of an `rms_*.txt` file. */
export interface RmsTable {
  dates: string[];
  rms: number[];
}

/** Parse an `rms_*.txt` text: non-comment lines of `<YYYYMMDD> <rms>`. */
export function parseRmsTable(text: string): RmsTable {
  const dates: string[] = [];
  const rms: number[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const [date, value] = t.split(/\s+/);
    dates.push(date!);
    rms.push(value === undefined ? NaN : Number(value));
  }
  return { dates, rms };
}

/** Parse a date list: whitespace-separated tokens, `#` comment lines ignored. */
export function parseDateList(text: string): string[] {
  return text.split(/\r?\n/)
    .filter((l) => !l.trim().startsWith("#"))
    .flatMap((l) => l.trim().split(/\s+/))
    .filter((t) => t.length > 0);
}

/** Compare two `rms_*.txt` texts: same dates, RMS within 1e-4 relative. */
export function compareRmsText(what: string, ours: string, ref: string): Verdict {
  const a = parseRmsTable(ours);
  const b = parseRmsTable(ref);
  const dates = compareDateLists(what, a.dates, b.dates);
  if (!dates.passed) return dates;
  let worst = -1;
  let worstRel = 0;
  let bad = 0;
  for (let i = 0; i < b.rms.length; i++) {
    const x = a.rms[i]!;
    const y = b.rms[i]!;
    const err = Math.abs(x - y);
    // A relative rule needs a floor for an RMS of exactly 0 (a date that is all zero).
    const tol = Math.max(RMS_REL_TOL * Math.abs(y), 1e-12);
    const rel = Number.isNaN(err) ? (Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity) : err / tol;
    if (rel > 1) bad++;
    if (rel > worstRel) {
      worstRel = rel;
      worst = i;
    }
  }
  if (bad > 0) {
    return {
      what,
      passed: false,
      message:
        `${bad}/${b.rms.length} RMS values beyond ${RMS_REL_TOL.toExponential()} rel; worst ${
          b.dates[worst]
        } ours ${a.rms[worst]} MintPy ${b.rms[worst]}`,
    };
  }
  const maxRel = worstRel * RMS_REL_TOL;
  return {
    what,
    passed: true,
    message: `${b.rms.length} dates, RMS within ${RMS_REL_TOL.toExponential()} rel (max rel err ${
      maxRel.toExponential(1)
    })`,
  };
}

/** Compare two date lists: same dates in the same order. */
export function compareDateLists(what: string, ours: string[], ref: string[]): Verdict {
  const same = ours.length === ref.length && ours.every((d, i) => d === ref[i]);
  if (same) {
    return {
      what,
      passed: true,
      message: `${ref.length} date${ref.length === 1 ? "" : "s"} equal`,
    };
  }
  const show = (l: string[]) => l.length > 6 ? `${l.slice(0, 6).join(" ")} ...` : l.join(" ");
  return {
    what,
    passed: false,
    message: `dates differ: ours [${show(ours)}] (${ours.length}), MintPy [${
      show(ref)
    }] (${ref.length})`,
  };
}

/** Compare date-list texts (`reference_date.txt`, `exclude_date.txt`). */
export function compareDateText(what: string, ours: string, ref: string): Verdict {
  return compareDateLists(what, parseDateList(ours), parseDateList(ref));
}
