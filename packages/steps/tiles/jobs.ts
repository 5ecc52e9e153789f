/**
 * The steps that run on a cluster, by name: each step's `tiles.ts` (literal imports, loaded on
 * use).
 * @module
 */
import type { TileJob } from "../pipeline/tile_job.ts";

/** Names of the steps a cluster can run. */
export const TILE_STEPS = ["ifgram_inversion", "timeseries2velocity", "timeseries_rms"] as const;

/** A step a cluster can run. */
export type TileStep = typeof TILE_STEPS[number];

/** The {@link TileJob} of `step`. @throws RangeError for another name. */
export async function loadTileJob(step: string): Promise<TileJob> {
  switch (step) {
    case "ifgram_inversion":
      return (await import("../ifgram_inversion/tiles.ts")).tileJob;
    case "timeseries2velocity":
      return (await import("../timeseries2velocity/tiles.ts")).tileJob;
    case "timeseries_rms":
      return (await import("../timeseries_rms/tiles.ts")).tileJob;
  }
  throw new RangeError(`step "${step}" does not run on a cluster (${TILE_STEPS.join(", ")})`);
}
