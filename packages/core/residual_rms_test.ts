import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  accumulateSquares,
  analyzeRms,
  formatRmsTable,
  madThreshold,
  nanMedian,
  parseRmsTable,
  referenceDateIndex,
  rmsFromSums,
} from "./mod.ts";

Deno.test("RMS per date over the mask: NaN skipped, zeros counted", () => {
  // 2 dates x 4 pixels; pixel 3 is outside the mask.
  const data = new Float32Array([3, 4, NaN, 100, 0, 2, 2, 100]);
  const mask = new Uint8Array([1, 1, 1, 0]);
  const sumSq = new Float64Array(2), count = new Float64Array(2);
  // Two pixel blocks (pixels 0-1, then 2-3, each laid out date by date) accumulate.
  accumulateSquares(new Float32Array([3, 4, 0, 2]), 2, 2, mask.subarray(0, 2), sumSq, count);
  accumulateSquares(new Float32Array([NaN, 100, 2, 100]), 2, 2, mask.subarray(2), sumSq, count);
  const rms = rmsFromSums(sumSq, count);
  ok(Math.abs(rms[0]! - Math.sqrt(25 / 2)) < 1e-15);
  ok(Math.abs(rms[1]! - Math.sqrt(8 / 3)) < 1e-15);
  const noMask = new Float64Array(2), n2 = new Float64Array(2);
  accumulateSquares(data, 2, 4, null, noMask, n2);
  deepStrictEqual(Array.from(n2), [3, 4]);
  ok(Number.isNaN(rmsFromSums(new Float64Array(1), new Float64Array(1))[0]!));
});

Deno.test("threshold = cutoff * median / 0.67449, reference = first minimum", () => {
  strictEqual(nanMedian([3, 1, 2]), 2);
  strictEqual(nanMedian([4, 1, NaN, 2, 3]), 2.5);
  strictEqual(madThreshold([1, 2, 3, 4], 3), 3 * 2.5 / 0.67449);
  strictEqual(referenceDateIndex([5, 2, NaN, 2, 7]), 1);
  strictEqual(referenceDateIndex([NaN, NaN]), -1);
  // median 1 -> threshold 4.4478...; 5 and 9 are outliers.
  const a = analyzeRms([1, 0.5, 5, 1, 9, 1, 0.75], 3);
  strictEqual(a.refIndex, 1);
  deepStrictEqual(a.excluded, [2, 4]);
  ok(Math.abs(a.threshold - 3 / 0.67449) < 1e-12);
  deepStrictEqual(analyzeRms([1, 1.1, 0.9], 3).excluded, []);
});

Deno.test("rms table round trip in MintPy's layout", () => {
  const text = formatRmsTable(["20150101", "20150113"], [0.01, 0.02], {
    timeseriesFile: "ts.h5",
    maskFile: "maskTempCoh.h5",
  });
  const lines = text.split("\n");
  strictEqual(lines[0], "# Root Mean Square in space for each acquisition of time-series");
  strictEqual(lines[3], "# Date\t\tRMS (m)");
  strictEqual(lines[4], "20150101\t0.009999999776482582");
  // numpy prints float32 values as the float64 repr, scientific below 1e-4.
  strictEqual(
    formatRmsTable(["20150101"], [1.2e-5], { timeseriesFile: "a", maskFile: "b" }).split("\n")[4],
    "20150101\t1.2000000424450263e-05",
  );
  const back = parseRmsTable(text);
  deepStrictEqual(back.dates, ["20150101", "20150113"]);
  strictEqual(back.rms[1], Math.fround(0.02));
});
