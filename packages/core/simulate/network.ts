/**
 * Small-baseline interferogram networks for simulation: each date paired with its nearest
 * neighbours in time, optionally with pairs about one year long (which bridge seasonal
 * decorrelation in real stacks), and a few interferograms marked dropped (`dropIfgram`
 * False) without disconnecting the kept network.
 * @module
 */
import { daysBetween, parseDate } from "../dates.ts";
import { Rng } from "./rng.ts";

const STREAM_DROP = 0x6472;

/** An interferogram of the simulated network: indices of its two dates, earlier first. */
export interface DatePair {
  readonly ref: number;
  readonly sec: number;
}

/** Settings of {@link smallBaselinePairs}. */
export interface NetworkOptions {
  /** Pairs of each date with the next `neighbours` dates. Default 3. */
  neighbours?: number;
  /** Add, for each date, the pair closest to one year (within +-`annualTolerance` days). */
  annualPairs?: boolean;
  /** Days an annual pair may differ from 365. Default 30. */
  annualTolerance?: number;
}

/**
 * The pairs of a small-baseline network over `dates` (`YYYYMMDD`, ascending), sorted by
 * (ref, sec) like MintPy's date12 list.
 * @throws RangeError when `neighbours` < 1.
 */
export function smallBaselinePairs(
  dates: readonly string[],
  opts: NetworkOptions = {},
): DatePair[] {
  const nb = opts.neighbours ?? 3;
  if (!Number.isInteger(nb) || nb < 1) {
    throw new RangeError(`number of neighbours ${nb} must be an integer >= 1`);
  }
  const N = dates.length;
  const ymd = dates.map((d) => parseDate(d));
  const seen = new Set<number>();
  const pairs: DatePair[] = [];
  const add = (i: number, j: number) => {
    if (seen.has(i * N + j)) return;
    seen.add(i * N + j);
    pairs.push({ ref: i, sec: j });
  };
  for (let i = 0; i < N; i++) for (let j = i + 1; j <= Math.min(N - 1, i + nb); j++) add(i, j);
  if (opts.annualPairs) {
    const tol = opts.annualTolerance ?? 30;
    for (let i = 0; i < N; i++) {
      let best = -1, bestErr = Infinity;
      for (let j = i + 1; j < N; j++) {
        const err = Math.abs(daysBetween(ymd[i]!, ymd[j]!) - 365);
        if (err < bestErr) {
          bestErr = err;
          best = j;
        }
      }
      if (best > 0 && bestErr <= tol) add(i, best);
    }
  }
  pairs.sort((a, b) => a.ref - b.ref || a.sec - b.sec);
  return pairs;
}

/**
 * Number of connected components of the network over `numDates` dates using the pairs
 * whose `keep` flag is set (all when `keep` is omitted). Dates without pairs count alone.
 */
export function countComponents(
  pairs: readonly DatePair[],
  numDates: number,
  keep?: ArrayLike<number | boolean>,
): number {
  const parent = Int32Array.from({ length: numDates }, (_, i) => i);
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  let components = numDates;
  pairs.forEach((p, k) => {
    if (keep && !keep[k]) return;
    const a = find(p.ref), b = find(p.sec);
    if (a !== b) {
      parent[a] = b;
      components--;
    }
  });
  return components;
}

/**
 * Choose `count` interferograms to drop (`dropIfgram` False) at random, never one whose
 * removal would split the kept network or leave a date without interferograms.
 * @returns 1 = keep, 0 = dropped, per pair.
 */
export function chooseDropped(
  pairs: readonly DatePair[],
  numDates: number,
  count: number,
  seed: number,
): Uint8Array {
  const keep = new Uint8Array(pairs.length).fill(1);
  const rng = new Rng(seed, STREAM_DROP);
  const order = Array.from(pairs.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let dropped = 0;
  for (const k of order) {
    if (dropped >= count) break;
    keep[k] = 0;
    if (countComponents(pairs, numDates, keep) === 1) dropped++;
    else keep[k] = 1;
  }
  return keep;
}
