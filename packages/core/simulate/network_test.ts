import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { daysBetween, parseDate } from "../dates.ts";
import { simulateDateBperp, simulateDates } from "./acquisitions.ts";
import { chooseDropped, countComponents, smallBaselinePairs } from "./network.ts";

Deno.test("dates: ascending, Sentinel-1 gaps, from the start date", () => {
  const dates = simulateDates("20150107", 200, 3);
  strictEqual(dates[0], "20150107");
  const gaps = new Set<number>();
  for (let i = 1; i < dates.length; i++) {
    gaps.add(daysBetween(parseDate(dates[i - 1]!), parseDate(dates[i]!)));
  }
  deepStrictEqual([...gaps].sort((a, b) => a - b), [6, 12, 24, 36]);
  throws(() => simulateDates("20150107", 1, 3), RangeError);
  const b = simulateDateBperp(500, 3);
  strictEqual(b[0], 0);
  ok(b.every((v) => Math.abs(v) <= 100), "baselines inside the tube");
  ok(Math.max(...b) - Math.min(...b) > 100, "baselines wander");
});

Deno.test("nearest-neighbour network: N*n - n(n+1)/2 pairs, sorted, unique, connected", () => {
  const dates = simulateDates("20150107", 30, 1);
  for (const n of [1, 3, 5]) {
    const pairs = smallBaselinePairs(dates, { neighbours: n });
    strictEqual(pairs.length, 30 * n - (n * (n + 1)) / 2);
    for (let k = 1; k < pairs.length; k++) {
      const a = pairs[k - 1]!, b = pairs[k]!;
      ok(a.ref < b.ref || (a.ref === b.ref && a.sec < b.sec), "sorted by (ref, sec)");
    }
    ok(pairs.every((p) => p.sec - p.ref >= 1 && p.sec - p.ref <= n));
    strictEqual(countComponents(pairs, 30), 1);
  }
  throws(() => smallBaselinePairs(dates, { neighbours: 0 }), RangeError);
});

Deno.test("annual pairs are about a year long and added once", () => {
  const dates = simulateDates("20150107", 90, 2);
  const plain = smallBaselinePairs(dates, { neighbours: 3 });
  const annual = smallBaselinePairs(dates, { neighbours: 3, annualPairs: true });
  const extra = annual.filter((p) => p.sec - p.ref > 3);
  ok(extra.length > 20, `${extra.length} annual pairs`);
  strictEqual(annual.length, plain.length + extra.length);
  for (const p of extra) {
    const d = daysBetween(parseDate(dates[p.ref]!), parseDate(dates[p.sec]!));
    ok(Math.abs(d - 365) <= 30, `annual pair of ${d} days`);
  }
  strictEqual(new Set(annual.map((p) => `${p.ref}_${p.sec}`)).size, annual.length);
});

Deno.test("dropped interferograms never disconnect the network", () => {
  const dates = simulateDates("20150107", 25, 4);
  const pairs = smallBaselinePairs(dates, { neighbours: 2 });
  for (const count of [0, 2, 10, 200]) {
    const keep = chooseDropped(pairs, 25, count, 9);
    const dropped = keep.length - keep.reduce((s, v) => s + v, 0);
    // A tree over 25 dates needs 24 pairs: at most K - 24 can go.
    strictEqual(dropped, Math.min(count, pairs.length - 24));
    strictEqual(countComponents(pairs, 25, keep), 1);
  }
  // Removing every pair that bridges a date gap splits the network in two.
  const bridging = Uint8Array.from(pairs, (p) => (p.ref < 12 && 12 <= p.sec ? 0 : 1));
  strictEqual(countComponents(pairs, 25, bridging), 2);
});
