import { strictEqual, throws } from "node:assert/strict";
import {
  dayOfYear,
  daysBetween,
  decimalYear,
  formatDate,
  InputError,
  normalizeDate,
  parseDate,
} from "./mod.ts";

Deno.test("parseDate accepts MintPy's spellings and rejects impossible dates", () => {
  strictEqual(formatDate(parseDate("20180106")), "20180106");
  strictEqual(normalizeDate("2018-01-06"), "20180106");
  strictEqual(normalizeDate("180106"), "20180106");
  throws(
    () => parseDate("20180230", "--ref-date"),
    (e: Error) => e instanceof InputError && /--ref-date: "20180230"/.test(e.message),
  );
  throws(() => parseDate("2018016"), InputError);
  throws(() => parseDate("abc", "--ex"), /--ex: "abc" is not a date/);
});

Deno.test("decimal year follows year + (doy - 1) / 365.25 + seconds / (365.25 * 86400)", () => {
  const d = parseDate("20180106");
  strictEqual(dayOfYear(d), 6);
  strictEqual(decimalYear(d), 2018 + 5 / 365.25);
  strictEqual(decimalYear(d, 2426.020257), 2018 + 5 / 365.25 + 2426.020257 / (365.25 * 86400));
  strictEqual(dayOfYear(parseDate("20201231")), 366);
  strictEqual(daysBetween(parseDate("20180106"), parseDate("20180717")), 192);
});
