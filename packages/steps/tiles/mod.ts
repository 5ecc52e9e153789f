/**
 * Beyond one machine: a step split into tiles of rows (or dates) that independent tasks run
 * (`vinsar tile run`, on SLURM job arrays, AWS Batch array jobs or Kubernetes Indexed Jobs),
 * and one merge that assembles MintPy's outputs (`vinsar tile merge`), equal to a run on one
 * machine. `--cluster slurm` does the whole round trip (`runOnSlurm`).
 *
 * ```ts ignore
 * import { createPlan, mergeTiles, runTile } from "@vinsar/steps/tiles";
 * const { path } = await createPlan("timeseries2velocity", { timeseriesFile: "timeseries.h5" }, {
 *   workers: 4,
 *   taskBytes: 4e9,
 * });
 * for (let i = 0; i < 4; i++) await runTile(path, i);
 * await mergeTiles(path);
 * ```
 * @module
 */
export * from "./cluster_config.ts";
export * from "./fingerprint.ts";
export * from "./jobs.ts";
export * from "./merge.ts";
export * from "./merge_parts.ts";
export * from "./plan.ts";
export * from "./run_tile.ts";
export * from "./slurm.ts";
export * from "./task_index.ts";
export * from "./local.ts";
