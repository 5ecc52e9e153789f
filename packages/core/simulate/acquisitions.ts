/**
 * Simulated acquisitions: Sentinel-1-like dates (mostly 12-day repeats, 6 days when two
 * satellites fly, 24 or 36 when an acquisition is missed) and perpendicular baselines that
 * wander inside the orbital tube.
 * @module
 */
import { dateToUtcMs, formatDate, parseDate } from "../dates.ts";
import { Rng } from "./rng.ts";

const STREAM_DATES = 0x6461;
const STREAM_BPERP = 0x6270;

/** Revisit gaps (days) and their probabilities. */
const GAPS: ReadonlyArray<readonly [number, number]> = [[6, 0.3], [12, 0.55], [24, 0.12], [
  36,
  0.03,
]];

/**
 * `count` acquisition dates (`YYYYMMDD`, ascending) from `start`, with gaps drawn from
 * Sentinel-1's 6/12/24/36-day repeats.
 * @throws RangeError when `start` is not a date or `count` < 2.
 */
export function simulateDates(start: string, count: number, seed: number): string[] {
  if (!Number.isInteger(count) || count < 2) {
    throw new RangeError(`number of dates ${count} must be an integer >= 2`);
  }
  let t = dateToUtcMs(parseDate(start, "start date"));
  const rng = new Rng(seed, STREAM_DATES);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    const d = new Date(t);
    out.push(
      formatDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }),
    );
    let u = rng.next(), gap = GAPS[GAPS.length - 1]![0];
    for (const [g, p] of GAPS) {
      if (u < p) {
        gap = g;
        break;
      }
      u -= p;
    }
    t += gap * 86400000;
  }
  return out;
}

/**
 * Perpendicular baseline of each date relative to the first (m, float32): a random walk of
 * 40 m steps reflected at +-`tube` m.
 */
export function simulateDateBperp(count: number, seed: number, tube = 100): Float32Array {
  const rng = new Rng(seed, STREAM_BPERP);
  const out = new Float32Array(count);
  let b = 0;
  for (let n = 1; n < count; n++) {
    b += 40 * rng.normal();
    // Reflect into [-tube, tube].
    for (let i = 0; i < 4 && Math.abs(b) > tube; i++) b = Math.sign(b) * 2 * tube - b;
    b = Math.max(-tube, Math.min(tube, b));
    out[n] = b;
  }
  return out;
}
