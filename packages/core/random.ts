/**
 * A small seeded uniform generator (mulberry32) for reproducible test data, benchmarks and
 * calibration problems. Not for statistics that need a long period: the bootstrap and the
 * simulator have their own generators.
 * @module
 */

/**
 * Deterministic uniform numbers in [0, 1) from a 32-bit seed.
 * @example
 * ```ts
 * import { uniformRandom } from "@vinsar/core";
 * const rand = uniformRandom(42);
 * const x = rand(); // the same sequence for the same seed
 * ```
 */
export function uniformRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
