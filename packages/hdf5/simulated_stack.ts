/**
 * The layout of a simulated scene's MintPy files: `ifgramStack.h5` (unwrapPhase, coherence,
 * connectComponent, date, bperp, dropIfgram) or a `timeseries.h5`, and the truth file
 * (FILE_TYPE=timeseries: the true displacement, plus velocity/step/annual maps and masks of
 * the special areas); and the scratch file that holds the date phases when they do not fit
 * in memory.
 *
 * Only the files are here: the simulation (date by date, then the interferograms in row
 * blocks) is `@vinsar/steps/simulate`.
 * @module
 */
import type { simulate } from "@vinsar/core";
import type { ImageShape } from "./dataset_selector.ts";
import { autoChunks } from "./_auto_chunks.ts";
import { H5Reader, H5Writer } from "./h5.ts";

type Scene = simulate.SimulatedScene;

/**
 * Chunk rows of a (.., L, W) float32 dataset of the scene: about 1 MB, at most `maxRows`.
 *
 * @example
 * ```ts
 * import { simulatedChunkRows } from "@vinsar/hdf5";
 * simulatedChunkRows({ length: 1000, width: 1024 }, 1000); // 256
 * ```
 */
export function simulatedChunkRows(size: ImageShape, maxRows: number): number {
  const { length, width } = size;
  return Math.max(1, Math.min(length, maxRows, Math.floor(2 ** 20 / (4 * width))));
}

/**
 * Chunks of the stack's three (K, L, W) datasets: h5py's automatic chunks, as MintPy's
 * `load_data` writes them (a few tens of rows and columns and a few interferograms per chunk),
 * so a simulated stack is read the way a user's stack is.
 *
 * @example
 * ```ts
 * import { simulatedStackChunks } from "@vinsar/hdf5";
 * simulatedStackChunks(361, 612, 817).float32; // [12, 39, 52]
 * ```
 */
export function simulatedStackChunks(
  numIfgram: number,
  length: number,
  width: number,
): { float32: number[]; int16: number[] } {
  const shape = [numIfgram, length, width];
  return { float32: autoChunks(shape, 4), int16: autoChunks(shape, 2) };
}

/** How the stack's three big datasets are stored. */
export interface SimulatedStackLayout {
  /** gzip the big datasets. */
  gzip?: boolean;
  /** LZF-compress connectComponent (like MintPy). */
  lzfConnectComponent?: boolean;
}

/**
 * Start the stack of `scene` in `stack` (an uncommitted writer): root attributes, the small
 * datasets, and the three (K, L, W) datasets created empty, to be written in row blocks.
 *
 * @example
 * ```ts ignore
 * startSimulatedStack(scene, writer, { lzfConnectComponent: true });
 * writer.write("unwrapPhase", [[0, K], [row0, row1], [0, W]], phase);
 * ```
 */
export function startSimulatedStack(
  scene: Scene,
  stack: H5Writer,
  layout: SimulatedStackLayout,
): void {
  const { length: L, width: W } = scene, K = scene.pairs.length;
  stack.setAttrs(scene.attributes);
  // Small datasets first: their headers (dropIfgram's bool type is patched at commit) then
  // sit at the start of the file.
  stack.writeWhole("dropIfgram", scene.keep, { dtype: "bool" });
  stack.writeWhole("date", scene.pairs.flatMap((p) => [scene.dates[p.ref]!, scene.dates[p.sec]!]), {
    shape: [K, 2],
  });
  stack.writeWhole("bperp", scene.bperpIfgram);
  const compression = layout.gzip ? "gzip" as const : null;
  const chunks = simulatedStackChunks(K, L, W);
  stack.create("unwrapPhase", [K, L, W], "<f", { chunks: chunks.float32, compression });
  stack.create("coherence", [K, L, W], "<f", { chunks: chunks.float32, compression });
  stack.create("connectComponent", [K, L, W], "<h", {
    chunks: chunks.int16,
    compression: layout.lzfConnectComponent ? "lzf" : compression,
  });
}

/** Attributes of the truth / time-series file derived from the stack's. */
function timeseriesAttributes(scene: Scene, extra: Record<string, string>): Record<string, string> {
  const a: Record<string, string> = { ...scene.attributes };
  a.FILE_TYPE = "timeseries";
  a.UNIT = "m";
  a.REF_DATE = scene.dates[0]!;
  a.START_DATE = scene.dates[0]!;
  a.END_DATE = scene.dates[scene.dates.length - 1]!;
  return { ...a, ...extra };
}

/** Scene facts recorded on the truth file. */
function truthAttributes(scene: Scene): Record<string, string> {
  const o = scene.options;
  return {
    VINSAR_TRUTH: "true deformation of the simulated stack (no noise), relative to REF_Y/REF_X",
    SIM_STEP_DATE: scene.stepDate,
    SIM_GAP_DATE: o.disconnectedPatch ? scene.dates[scene.gapIndex]! : "None",
    SIM_NUM_IFGRAM: String(scene.pairs.length),
    SIM_LOOKS: String(scene.looks),
    SIM_TROPO_STD: String(o.tropoStd),
    SIM_DECORRELATION: o.decorrelation ? "True" : "False",
    SIM_UNWRAP_ERRORS: String(scene.unwrapErrors.length),
    SIM_MISSING_IFGRAMS: String(scene.missingIfgram.reduce((s, v) => s + v, 0)),
    SIM_SEED: String(scene.seed),
  };
}

const TRUTH_BOOLS = ["waterMask", "missingPatch", "disconnectedPatch", "lowCoherence"] as const;

/** Float truth maps: dataset name, field of {@link simulate.TruthMaps}, unit. */
function truthFloats(
  scene: Scene,
): Array<[string, "velocity" | "step" | "annualAmplitude" | "annualPhase", string]> {
  return [
    ["velocity", "velocity", "m/year"],
    [`step${scene.stepDate}`, "step", "m"],
    ["annualAmplitude", "annualAmplitude", "m"],
    ["annualPhase", "annualPhase", "radian"],
  ];
}

/**
 * Create the truth maps (velocity, step<date>, annual*, masks). Done before the big
 * time-series so the bool datasets' headers sit near the start of the file, where the
 * commit looks for them.
 */
function createTruthMaps(scene: Scene, w: H5Writer, gzip: boolean): void {
  const { length: L, width: W } = scene;
  const opts = {
    chunks: [simulatedChunkRows(scene, L), W],
    compression: gzip ? "gzip" as const : null,
  };
  for (const [name, , unit] of truthFloats(scene)) {
    w.create(name, [L, W], "<f", opts);
    w.setDatasetAttrs(name, { UNIT: unit });
  }
  for (const name of TRUTH_BOOLS) w.create(name, [L, W], "bool", opts);
  w.create("unwrapErrorCount", [L, W], "<h", opts);
}

/** What {@link startSimulatedTimeseries} writes. */
export interface SimulatedTimeseriesLayout {
  /**
   * The truth file: the scene's facts as `SIM_*` attributes and the truth maps (filled with
   * {@link writeTruthMapRows}); else a plain MintPy `timeseries.h5`.
   */
  truth: boolean;
  /** gzip the big datasets. */
  gzip?: boolean;
}

/**
 * Start a MintPy-layout time-series file of `scene` in `writer` (uncommitted): attributes,
 * `date`, `bperp`, the truth maps when `layout.truth`, and `timeseries` (N, L, W) created
 * empty, to be written date by date.
 *
 * @example
 * ```ts ignore
 * startSimulatedTimeseries(scene, truth, { truth: true });
 * truth.write("timeseries", [[n, n + 1]], displacement);
 * ```
 */
export function startSimulatedTimeseries(
  scene: Scene,
  writer: H5Writer,
  layout: SimulatedTimeseriesLayout,
): void {
  const { length: L, width: W } = scene, N = scene.dates.length;
  const gzip = layout.gzip ?? false;
  writer.setAttrs(timeseriesAttributes(scene, layout.truth ? truthAttributes(scene) : {}));
  writer.writeWhole("date", [...scene.dates]);
  writer.writeWhole("bperp", scene.bperpDate);
  if (layout.truth) createTruthMaps(scene, writer, gzip);
  writer.create("timeseries", [N, L, W], "<f", {
    chunks: [1, simulatedChunkRows(scene, L), W],
    compression: gzip ? "gzip" : null,
  });
}

/** One row block of the truth maps. */
export interface TruthMapRows {
  scene: Scene;
  row0: number;
  row1: number;
  /** `simulate.truthMapsRows(scene, row0, row1)`. */
  maps: simulate.TruthMaps;
}

/**
 * Write rows `[row0, row1)` of the truth maps into a truth file started with
 * {@link startSimulatedTimeseries} (`truth: true`).
 */
export function writeTruthMapRows(truth: H5Writer, rows: TruthMapRows): void {
  const { scene, row0, row1, maps } = rows;
  const ranges: Array<[number, number]> = [[row0, row1], [0, scene.width]];
  for (const [name, key] of truthFloats(scene)) truth.write(name, ranges, maps[key]);
  for (const name of TRUTH_BOOLS) truth.write(name, ranges, maps[name]);
  truth.write("unwrapErrorCount", ranges, maps.unwrapErrorCount);
}

/** Date phases (rad) of the whole image, in memory or in a scratch file. */
export interface DatePhaseStore {
  /** Store the phase (L * W) of date `n`. */
  put(n: number, phase: Float32Array): void;
  /** Called once every date is in. */
  finish(): Promise<void>;
  /** Phases of all dates over rows [row0, row1). */
  rows(row0: number, row1: number): simulate.DatePhases;
  /** Release the store (a scratch file is removed). */
  close(): void;
}

/** Dates and image size of a {@link DatePhaseStore}. */
export interface DatePhaseShape extends ImageShape {
  numDates: number;
}

/**
 * A {@link DatePhaseStore} in a scratch HDF5 file at `path` (one (N, L, W) float32 dataset,
 * chunked by date and about 1 MB of rows), removed by `close()`.
 *
 * @example
 * ```ts ignore
 * const store = await createScratchPhaseStore("/tmp/.phases.h5", { numDates, length, width });
 * try {
 *   for (let n = 0; n < numDates; n++) store.put(n, phaseOfDate(n));
 *   await store.finish();
 *   const block = store.rows(0, 10);
 * } finally {
 *   store.close();
 * }
 * ```
 */
export async function createScratchPhaseStore(
  path: string,
  shape: DatePhaseShape,
): Promise<DatePhaseStore> {
  const { numDates: N, length: L, width: W } = shape;
  const w = await H5Writer.create(path);
  w.create("phase", [N, L, W], "<f", { chunks: [1, simulatedChunkRows(shape, L), W] });
  let r: H5Reader | null = null;
  let committed = false;
  return {
    put: (n, phase) => w.write("phase", [[n, n + 1]], phase),
    finish: async () => {
      w.commit();
      committed = true;
      r = await H5Reader.open(path);
    },
    rows: (row0, row1) => ({
      data: r!.read("phase", [[0, N], [row0, row1], [0, W]]) as Float32Array,
      offset: 0,
      stride: (row1 - row0) * W,
    }),
    close: () => {
      r?.close();
      if (!committed) w.abort();
      try {
        Deno.removeSync(path);
      } catch { /* not created */ }
    },
  };
}
