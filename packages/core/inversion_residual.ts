/**
 * The quality output of the network inversion for offsets: MintPy's `residual`, the
 * Euclidean norm of the unweighted residual `y - G x` of each pixel's valid observations
 * (pixels), in place of the temporal coherence of phase.
 * @module
 */

/**
 * The inversion's quality output: `temporalCoherence` (phase) or `residual` (offsets).
 */
export type InversionQuality = "temporalCoherence" | "residual";

/**
 * Batched residual norm `sqrt(sum_k use_k e_k^2)` with the unweighted residual
 * `e_k = obs_k - (ts[date2[k]] - ts[date1[k]])`: the same flat signature as the solver's
 * `temporalCoherence`, in TypeScript (it costs one multiply-add per observation).
 * @param numObs Observations K.
 * @param lanes Pixels L of the batch.
 * @param date1 K date indices of each observation's first date.
 * @param date2 K date indices of each observation's second date.
 * @param obs `K * L` lane-fastest observations, finite everywhere.
 * @param use `K * L` lane-fastest 1 (observation used) or 0.
 * @param ts `N * L` lane-fastest value of each date (first date, or any offset: only
 *   differences matter).
 * @param out `L` residual norm of each lane (0 for a lane with no observation).
 *
 * @example
 * ```ts
 * import { residualNorm } from "@vinsar/core";
 * const out = new Float64Array(1);
 * // Two dates, one observation of 1.5 fitted by a date difference of 1: residual 0.5.
 * residualNorm(1, 1, Int32Array.of(0), Int32Array.of(1), Float64Array.of(1.5),
 *   Float64Array.of(1), Float64Array.of(0, 1), out);
 * console.log(out[0]); // 0.5
 * ```
 */
export function residualNorm(
  numObs: number,
  lanes: number,
  date1: Int32Array,
  date2: Int32Array,
  obs: Float64Array,
  use: Float64Array,
  ts: Float64Array,
  out: Float64Array,
): void {
  out.fill(0, 0, lanes);
  for (let k = 0; k < numObs; k++) {
    const o = k * lanes, a = date1[k]! * lanes, b = date2[k]! * lanes;
    for (let p = 0; p < lanes; p++) {
      const e = obs[o + p]! - (ts[b + p]! - ts[a + p]!);
      out[p] += use[o + p]! * e * e;
    }
  }
  for (let p = 0; p < lanes; p++) out[p] = Math.sqrt(out[p]!);
}

/**
 * Whether MintPy reports no residual (NaN) for an unweighted pixel: its residual comes from
 * `scipy.linalg.lstsq`'s residues, which are empty unless the pixel's valid design matrix
 * has full column rank (N - 1, a connected network) and more rows than columns.
 * @param numValid The pixel's valid observations.
 * @param numDates Dates N of the network.
 * @param fullRank The pixel's valid network is connected (full column rank).
 */
export function unweightedResidualUndefined(
  numValid: number,
  numDates: number,
  fullRank: boolean,
): boolean {
  return !fullRank || numValid <= numDates - 1;
}
