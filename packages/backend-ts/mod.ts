/**
 * The pure-TypeScript compute backend: every {@link Solver} kernel on flat typed arrays.
 * @module
 */
import type { BackendFactory, Solver } from "@vinsar/core";
import { dgemm } from "./dgemm.ts";
import { sparseCholeskySolve } from "./sparse_cholesky.ts";
import { assembleNormalEquations } from "./normal_equations.ts";
import { temporalCoherence } from "./temporal_coherence.ts";
import { groupedSquaredNorms } from "./squared_norms.ts";
import { rampRowSums } from "./ramp_row_sums.ts";
import { maskedSquareSums } from "./masked_square_sums.ts";
import { fitSeriesFloat32 } from "./fit_series.ts";
import { removeRampRows } from "./remove_ramp_rows.ts";
import { networkLanesKernel } from "./network_lanes.ts";

export {
  assembleNormalEquations,
  dgemm,
  fitSeriesFloat32,
  groupedSquaredNorms,
  maskedSquareSums,
  networkLanesKernel,
  rampRowSums,
  removeRampRows,
  sparseCholeskySolve,
  temporalCoherence,
};

/** Create the TypeScript solver. */
export function createTsSolver(): Solver {
  return {
    name: "ts",
    dgemm,
    sparseCholeskySolve,
    assembleNormalEquations,
    temporalCoherence,
    groupedSquaredNorms,
    rampRowSums,
    maskedSquareSums,
    fitSeriesFloat32,
    removeRampRows,
    invertNetworkLanes: networkLanesKernel(),
  };
}

/** Factory for the backend registry. */
export const tsBackend: BackendFactory = {
  name: "ts",
  priority: 10,
  create: () => Promise.resolve(createTsSolver()),
};
