/**
 * The interferogram stack of a simulated scene, in two passes. Pass 1, date by date: the
 * phase of each date (deformation + troposphere, whose FFT needs the whole image) and the
 * true displacement. Pass 2, the block pipeline over row units: every interferogram of a
 * block, computed into reused buffers and written.
 *
 * Memory stays bounded: the date phases are kept in memory when they fit half the budget,
 * otherwise in a scratch HDF5 file beside the output; the row units are sized from the
 * budget.
 * @module
 */
import { dirname, join } from "node:path";
import { type Chunker, simulate } from "@vinsar/core";
import {
  createScratchPhaseStore,
  type DatePhaseStore,
  type H5Writer,
  MAX_SINGLE_READ_BYTES,
  simulatedStackChunks,
  startSimulatedStack,
  startSimulatedTimeseries,
} from "@vinsar/hdf5";
import { type PipelineTiming, planRowUnits, type RowUnit, runBlocks } from "../pipeline/mod.ts";
import {
  type SimulationSettings,
  type SimulationSummary,
  troposphere,
  writeTruthMaps,
} from "./_scene_parts.ts";

type Scene = simulate.SimulatedScene;

/** The row units of pass 2 and where the date phases live. */
export interface IfgramPlan {
  /** Date phases kept in memory (else in a scratch file). */
  inMemory: boolean;
  /** Row units, whole numbers of chunks (except under `maxBlockRows`). */
  units: Chunker;
}

/** Plan pass 2 of `scene` from the budget. */
export function planIfgramUnits(
  simulator: simulate.IfgramSimulator,
  settings: Pick<SimulationSettings, "budgetBytes" | "maxBlockRows">,
): IfgramPlan {
  const scene = simulator.scene;
  const { length: L, width: W } = scene, N = scene.dates.length, K = scene.pairs.length;
  const phaseBytes = N * L * W * 4;
  const inMemory = phaseBytes <= settings.budgetBytes / 2;
  // Block rows: the simulator's outputs and maps, the copy of the largest write in the HDF5
  // heap (K float32), and the date phases read from scratch (JS array + heap copy).
  const budget = {
    length: L,
    width: W,
    bytesPerPixel: simulator.bytesPerPixel + K * 4 + (inMemory ? 0 : N * 8),
    budgetBytes: inMemory ? settings.budgetBytes - phaseBytes : settings.budgetBytes,
    maxReadBytes: Math.min(256 * 2 ** 20, MAX_SINGLE_READ_BYTES),
    readBytesPerPixel: 4 * Math.max(K, N),
    maxRows: settings.maxBlockRows,
  };
  // Units of whole chunk rows (MintPy's chunks: a few tens of rows): each chunk written once.
  const chunkRows = simulatedStackChunks(K, L, W).float32[1]!;
  return { inMemory, units: planRowUnits({ ...budget, alignRows: chunkRows }) };
}

/** Date phases of the whole image in one array (N * L * W). */
function memoryPhaseStore(numDates: number, length: number, width: number): DatePhaseStore {
  const P = length * width;
  const data = new Float32Array(numDates * P);
  return {
    put: (n, phase) => data.set(phase, n * P),
    finish: () => Promise.resolve(),
    rows: (row0) => ({ data, offset: row0 * width, stride: P }),
    close: () => {},
  };
}

/** Pass 1, date by date: each date's phase into `phases`, its displacement into `truth`. */
async function simulateDatePhases(
  scene: Scene,
  phases: DatePhaseStore,
  options: { truth: H5Writer | null; reporter: SimulationSettings["reporter"] },
): Promise<void> {
  const { length: L } = scene, N = scene.dates.length, P = L * scene.width;
  const bar = options.reporter.progress("dates", N * P);
  const coef = scene.deformation.coefficientsRows(0, L);
  const tropo = troposphere(scene);
  const toPhase = (-4 * Math.PI) / scene.options.wavelength;
  const disp = new Float32Array(P), phase = new Float32Array(P);
  for (let n = 0; n < N; n++) {
    scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, n, n + 1, disp);
    options.truth?.write("timeseries", [[n, n + 1]], disp);
    const t = tropo?.(n);
    for (let p = 0; p < P; p++) phase[p] = toPhase * (disp[p]! + (t ? t[p]! : 0));
    phases.put(n, phase);
    bar.advance(P);
  }
  await phases.finish();
}

/** What {@link simulateIfgramUnits} needs. */
export interface IfgramUnitsOptions {
  simulator: simulate.IfgramSimulator;
  /** Every date's phase (pass 1 done). */
  phases: DatePhaseStore;
  /** The stack, started with `startSimulatedStack`. */
  stack: H5Writer;
  /** The units to run (a plan's, or a range of them). */
  units: Iterable<RowUnit>;
  /** Most rows of a unit (the buffers' size). */
  rowsPerBlock: number;
  /** Called after a unit is written. */
  onWritten?: (unit: RowUnit) => void;
}

/**
 * Pass 2 over `units`: every interferogram of a unit's rows (`IfgramSimulator.simulateRows`,
 * reading the date phases), then unwrapPhase, coherence and connectComponent written.
 */
export function simulateIfgramUnits(options: IfgramUnitsOptions): Promise<PipelineTiming> {
  const { simulator, phases, stack } = options;
  const { length: L, width: W } = simulator.scene, K = simulator.scene.pairs.length;
  const n = K * Math.min(options.rowsPerBlock, L) * W;
  return runBlocks({
    units: options.units,
    // One set of output buffers for every block (fresh ones would page-fault each time).
    allocate: (): simulate.IfgramRows => ({
      unwrapPhase: new Float32Array(n),
      coherence: new Float32Array(n),
      connectComponent: new Int16Array(n),
    }),
    compute: ({ row0, row1 }, buffers) => {
      const m = K * (row1 - row0) * W;
      return simulator.simulateRows(row0, row1, phases.rows(row0, row1), {
        unwrapPhase: buffers.unwrapPhase.subarray(0, m),
        coherence: buffers.coherence.subarray(0, m),
        connectComponent: buffers.connectComponent.subarray(0, m),
      });
    },
    write: (unit, _buffers, out) => {
      const ranges: Array<[number, number]> = [[0, K], [unit.row0, unit.row1], [0, W]];
      stack.write("unwrapPhase", ranges, out.unwrapPhase);
      stack.write("coherence", ranges, out.coherence);
      stack.write("connectComponent", ranges, out.connectComponent);
      options.onWritten?.(unit);
    },
  });
}

/**
 * Write the interferogram stack of `scene` to `stack` and, when given, its truth to
 * `truth` (both uncommitted writers: the caller commits or aborts them).
 */
export async function simulateStack(
  scene: Scene,
  files: { stack: H5Writer; truth: H5Writer | null },
  settings: SimulationSettings,
): Promise<SimulationSummary> {
  const { stack, truth } = files, { reporter } = settings;
  const { length: L, width: W } = scene, N = scene.dates.length;
  const t0 = performance.now();
  const simulator = new simulate.IfgramSimulator(scene);
  const plan = planIfgramUnits(simulator, settings);
  startSimulatedStack(scene, stack, {
    gzip: settings.gzip,
    lzfConnectComponent: settings.lzfConnectComponent,
  });
  const phases = plan.inMemory ? memoryPhaseStore(N, L, W) : await createScratchPhaseStore(
    join(dirname(stack.tmpPath), `.vinsar-simulate-${Deno.pid}.h5`),
    { numDates: N, length: L, width: W },
  );
  try {
    if (truth) startSimulatedTimeseries(scene, truth, { truth: true, gzip: settings.gzip });
    await simulateDatePhases(scene, phases, { truth, reporter });
    const t1 = performance.now();

    const bar = reporter.progress("interferograms", L * W);
    const timing = await simulateIfgramUnits({
      simulator,
      phases,
      stack,
      units: plan.units.blocks(),
      rowsPerBlock: plan.units.rowsPerBlock,
      onWritten: (unit) => bar.advance((unit.row1 - unit.row0) * W),
    });
    reporter.debug(
      `simulate: interferograms computed in ${(timing.compute / 1000).toFixed(2)} s, written in ${
        (timing.write / 1000).toFixed(2)
      } s`,
    );
    const t2 = performance.now();
    if (truth) await writeTruthMaps(scene, truth, settings);
    const t3 = performance.now();
    reporter.debug(
      `simulate: ${plan.inMemory ? "date phases in memory" : "date phases in a scratch file"}`,
    );
    return {
      phaseStore: plan.inMemory ? "memory" : "scratch file",
      rowsPerBlock: plan.units.rowsPerBlock,
      seconds: { dates: (t1 - t0) / 1000, ifgrams: (t2 - t1) / 1000, truth: (t3 - t2) / 1000 },
    };
  } finally {
    phases.close();
  }
}
