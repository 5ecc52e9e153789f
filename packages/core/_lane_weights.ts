/**
 * The squared weights of the `var` weight function as the table that
 * `Solver.invertNetworkLanes` looks coherence up in (the same bins as
 * `CoherenceWeights.squaredWeightFunction`).
 * @module
 */
import {
  coherenceLutAxis,
  CoherenceWeights,
  MIN_WEIGHT_COHERENCE,
  type ObservationWeights,
} from "./weights.ts";

/** Bin width of MintPy's coherence lookup table. */
const COH_STEP = 0.005;

/** A squared-weight table and its bins (see `NetworkLanes`). */
export interface LaneWeightTable {
  readonly table: Float64Array;
  readonly min: number;
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
}

/**
 * The table of `weights` when they are a lookup over coherence bins (`-w var`), else null
 * (the other weight functions are not tabulated).
 */
export function laneWeightTable(weights: ObservationWeights): LaneWeightTable | null {
  if (!(weights instanceof CoherenceWeights) || weights.func !== "var") return null;
  const axis = coherenceLutAxis();
  const lo = axis.reduce((a, b) => Math.min(a, b)), hi = axis.reduce((a, b) => Math.max(a, b));
  const bins = Math.trunc((hi - lo) / COH_STEP) + 1;
  const weightOf = weights.squaredWeightFunction();
  // The centre of each bin falls in that bin: its weight is the bin's.
  const table = Float64Array.from({ length: bins }, (_, i) => weightOf(lo + (i + 0.5) * COH_STEP));
  return { table, min: MIN_WEIGHT_COHERENCE, lo, hi, step: COH_STEP };
}
