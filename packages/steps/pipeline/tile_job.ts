/**
 * What a step tells the cluster tiles (`@vinsar/steps/tiles`) about one of its runs: the
 * axis it is split along, the files that identify its inputs, the outputs a merge assembles
 * from the tasks' part files, and how a task runs and how the merge ends. Each step that
 * runs on a cluster has a `tiles.ts` exporting one {@link TileJob}.
 * @module
 */
import type { OutputSet } from "./staged_outputs.ts";
import type { TileScope } from "./units.ts";

/** A planned run of a step, as the plan records it. */
export interface TileJobDescription {
  /** Split along image rows, or (timeseries_rms) along dates. */
  axis: "rows" | "dates";
  /** Rows (or dates) in all. */
  extent: number;
  /** Image size. */
  length: number;
  width: number;
  /** Bytes of input per row (or date): sizes the tiles from the memory of a task. */
  bytesPerUnit: number;
  /** Files that are inputs of the run (existing ones only): their identity is recorded. */
  inputs: string[];
  /** The HDF5 outputs, assembled by the merge from the part files of every task. */
  outputs: string[];
  /**
   * The options every task runs with: the given ones, plus what was decided once for the
   * whole stack (a bootstrap seed, the reference pixel's phase, ...). JSON values only.
   */
  options: Record<string, unknown>;
}

/** The cluster side of a step. */
export interface TileJob {
  /** Resolve the options against the inputs (errors as the step gives them). */
  describe(options: Record<string, unknown>): Promise<TileJobDescription>;
  /** Run one task on its tile; what it returns (JSON) is kept in the task's done marker. */
  run(options: Record<string, unknown>, tile: TileScope): Promise<unknown>;
  /** Stage the outputs made from every task's returned value (after the HDF5 parts). */
  finish?(
    out: OutputSet,
    options: Record<string, unknown>,
    results: unknown[],
  ): Promise<void> | void;
}
