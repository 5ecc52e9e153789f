/**
 * Pieces both simulations use: the settings they run with, a date's troposphere, and the
 * truth maps written in row blocks.
 * @module
 */
import { simulate } from "@vinsar/core";
import { type H5Writer, simulatedChunkRows, writeTruthMapRows } from "@vinsar/hdf5";
import { planRowUnits, type RowUnit, runBlocks } from "../pipeline/mod.ts";
import type { Reporter } from "../reporter.ts";

type Scene = simulate.SimulatedScene;

/** What a simulation runs with. */
export interface SimulationSettings {
  /** Memory budget for block data, bytes. */
  budgetBytes: number;
  /** Most image rows per block (Infinity: no cap). */
  maxBlockRows: number;
  /** gzip the big datasets. */
  gzip: boolean;
  /** LZF-compress connectComponent (like MintPy). */
  lzfConnectComponent: boolean;
  reporter: Reporter;
}

/** What was written, for the log. */
export interface SimulationSummary {
  phaseStore: "memory" | "scratch file";
  rowsPerBlock: number;
  seconds: { dates: number; ifgrams: number; truth: number };
}

/** A date's troposphere screen in metres, or null without troposphere. */
export function troposphere(scene: Scene): ((n: number) => Float32Array) | null {
  if (!(scene.options.tropoStd > 0)) return null;
  const screens = new simulate.TurbulenceScreens({
    length: scene.length,
    width: scene.width,
    rowSpacing: scene.rowSpacing,
    colSpacing: scene.colSpacing,
    seed: scene.seed,
  });
  const out = new Float32Array(scene.length * scene.width);
  return (n) => {
    const s = screens.screen(n), sigma = scene.tropoStd[n]!;
    for (let i = 0; i < s.length; i++) out[i] = sigma * s[i]!;
    return out;
  };
}

/** Row units of the truth maps: about 64 bytes a pixel, aligned to the maps' chunk rows. */
export function planTruthUnits(
  scene: Scene,
  settings: Pick<SimulationSettings, "budgetBytes" | "maxBlockRows">,
): Iterable<RowUnit> {
  const { length: L, width: W } = scene;
  return planRowUnits({
    length: L,
    width: W,
    bytesPerPixel: 64,
    budgetBytes: settings.budgetBytes,
    alignRows: simulatedChunkRows(scene, L),
    maxRows: settings.maxBlockRows,
  }).blocks();
}

/**
 * Fill the truth maps of `truth` over `units` (default: all of
 * {@link planTruthUnits}): compute a block's maps, write them.
 */
export async function writeTruthMaps(
  scene: Scene,
  truth: H5Writer,
  settings: Pick<SimulationSettings, "budgetBytes" | "maxBlockRows"> & {
    units?: Iterable<RowUnit>;
  },
): Promise<void> {
  await runBlocks({
    units: settings.units ?? planTruthUnits(scene, settings),
    allocate: () => null,
    compute: (unit) => simulate.truthMapsRows(scene, unit.row0, unit.row1),
    write: (unit, _buffer, maps) =>
      writeTruthMapRows(truth, { scene, row0: unit.row0, row1: unit.row1, maps }),
  });
}
