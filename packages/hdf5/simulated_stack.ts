/**
 * Writes a simulated scene as MintPy files: `ifgramStack.h5` (unwrapPhase, coherence,
 * connectComponent, date, bperp, dropIfgram) or a `timeseries.h5`, and the truth file
 * (FILE_TYPE=timeseries: the true displacement, plus velocity/step/annual maps and masks of
 * the special areas).
 *
 * Memory stays bounded: the phase of each date (deformation + troposphere, whose FFT needs
 * the whole image) is computed date by date and kept in memory when it fits half the
 * budget, otherwise in a scratch HDF5 file beside the output; the interferograms are then
 * computed and written in row blocks sized from the budget.
 * @module
 */
import { dirname, join } from "node:path";
import { log, planRowBlocks, simulate } from "@vinsar/core";
import { H5Reader, H5Writer, MAX_SINGLE_READ_BYTES } from "./h5.ts";

type Scene = simulate.SimulatedScene;

/** Settings of the writers. */
export interface SimulatedWriteOptions {
  /** Memory budget for block data, bytes. */
  budgetBytes: number;
  /** gzip the big datasets. */
  gzip?: boolean;
  /** LZF-compress connectComponent (like MintPy). */
  lzfConnectComponent?: boolean;
  /** Progress: pixels of the current pass done out of total. */
  onProgress?: (pass: string, done: number, total: number) => void;
}

/** Chunk rows of a (.., L, W) float32 dataset: about 1 MB, at most `maxRows`. */
function chunkRows(length: number, width: number, maxRows: number): number {
  return Math.max(1, Math.min(length, maxRows, Math.floor(2 ** 20 / (4 * width))));
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
  const opts = { chunks: [chunkRows(L, W, L), W], compression: gzip ? "gzip" as const : null };
  for (const [name, , unit] of truthFloats(scene)) {
    w.create(name, [L, W], "<f", opts);
    w.setDatasetAttrs(name, { UNIT: unit });
  }
  for (const name of TRUTH_BOOLS) w.create(name, [L, W], "bool", opts);
  w.create("unwrapErrorCount", [L, W], "<h", opts);
}

/** Fill the truth maps in row blocks. */
function writeTruthMaps(scene: Scene, w: H5Writer, budgetBytes: number): void {
  const { length: L, width: W } = scene;
  const plan = planRowBlocks({
    length: L,
    width: W,
    bytesPerPixel: 64,
    budgetBytes,
    alignRows: chunkRows(L, W, L),
  });
  for (const b of plan.blocks()) {
    const t = simulate.truthMapsRows(scene, b.row0, b.row1);
    const rows: Array<[number, number]> = [[b.row0, b.row1], [0, W]];
    for (const [name, key] of truthFloats(scene)) w.write(name, rows, t[key]);
    for (const name of TRUTH_BOOLS) w.write(name, rows, t[name]);
    w.write("unwrapErrorCount", rows, t.unwrapErrorCount);
  }
}

/** Date phases (rad) of the whole image, in memory or in a scratch file. */
interface PhaseStore {
  put(n: number, phase: Float32Array): void;
  /** Called once every date is in. */
  finish(): Promise<void>;
  /** Phases of all dates over rows [row0, row1). */
  rows(row0: number, row1: number): simulate.DatePhases;
  close(): void;
}

function memoryStore(N: number, L: number, W: number): PhaseStore {
  const data = new Float32Array(N * L * W);
  return {
    put: (n, phase) => data.set(phase, n * L * W),
    finish: () => Promise.resolve(),
    rows: (row0) => ({ data, offset: row0 * W, stride: L * W }),
    close: () => {},
  };
}

async function scratchStore(path: string, N: number, L: number, W: number): Promise<PhaseStore> {
  const w = await H5Writer.create(path);
  w.create("phase", [N, L, W], "<f", { chunks: [1, chunkRows(L, W, L), W] });
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

/** A date's troposphere screen in metres, or null without troposphere. */
function troposphere(scene: Scene): ((n: number) => Float32Array) | null {
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

/** Write the truth file's time-series header datasets and create `timeseries`. */
function startTimeseries(
  scene: Scene,
  w: H5Writer,
  attrs: Record<string, string>,
  gzip: boolean,
  truthMaps: boolean,
): void {
  const { length: L, width: W } = scene, N = scene.dates.length;
  w.setAttrs(attrs);
  w.writeWhole("date", [...scene.dates]);
  w.writeWhole("bperp", scene.bperpDate);
  if (truthMaps) createTruthMaps(scene, w, gzip);
  w.create("timeseries", [N, L, W], "<f", {
    chunks: [1, chunkRows(L, W, L), W],
    compression: gzip ? "gzip" : null,
  });
}

/** What was written, for the log. */
export interface SimulationSummary {
  phaseStore: "memory" | "scratch file";
  rowsPerBlock: number;
  seconds: { dates: number; ifgrams: number; truth: number };
}

/**
 * Write the interferogram stack of `scene` to `stack` and, when given, its truth to
 * `truth` (both uncommitted writers: the caller commits or aborts them).
 */
export async function writeSimulatedStack(
  scene: Scene,
  stack: H5Writer,
  truth: H5Writer | null,
  opts: SimulatedWriteOptions,
): Promise<SimulationSummary> {
  const { length: L, width: W } = scene, N = scene.dates.length, K = scene.pairs.length;
  const P = L * W;
  const gzip = opts.gzip ?? false;
  const t0 = performance.now();
  stack.setAttrs(scene.attributes);
  // Small datasets first: their headers (dropIfgram's bool type is patched at commit) then
  // sit at the start of the file.
  stack.writeWhole("dropIfgram", scene.keep, { dtype: "bool" });
  stack.writeWhole("date", scene.pairs.flatMap((p) => [scene.dates[p.ref]!, scene.dates[p.sec]!]), {
    shape: [K, 2],
  });
  stack.writeWhole("bperp", scene.bperpIfgram);

  // Block rows: the simulator's outputs and maps, the copy of the largest write in the HDF5
  // heap (K float32), and the date phases read from scratch (JS array + heap copy).
  const inMemory = N * P * 4 <= opts.budgetBytes / 2;
  const left = inMemory ? opts.budgetBytes - N * P * 4 : opts.budgetBytes;
  const sim = new simulate.IfgramSimulator(scene);
  const bytesPerPixel = sim.bytesPerPixel + K * 4 + (inMemory ? 0 : N * 8);
  const maxRead = Math.min(256 * 2 ** 20, MAX_SINGLE_READ_BYTES);
  const plan = planRowBlocks({
    length: L,
    width: W,
    bytesPerPixel,
    budgetBytes: left,
    maxReadBytes: maxRead,
    readBytesPerPixel: 4 * Math.max(K, N),
  });
  const cr = chunkRows(L, W, plan.rowsPerBlock);
  const rowsPerBlock = plan.rowsPerBlock >= L
    ? L
    : Math.max(cr, plan.rowsPerBlock - plan.rowsPerBlock % cr);
  const compression = gzip ? "gzip" as const : null;
  stack.create("unwrapPhase", [K, L, W], "<f", { chunks: [1, cr, W], compression });
  stack.create("coherence", [K, L, W], "<f", { chunks: [1, cr, W], compression });
  stack.create("connectComponent", [K, L, W], "<h", {
    chunks: [1, cr, W],
    compression: opts.lzfConnectComponent ? "lzf" : compression,
  });

  // Pass 1, date by date: the phase of each date, and the true displacement.
  const store = inMemory
    ? memoryStore(N, L, W)
    : await scratchStore(join(dirname(stack.tmpPath), `.vinsar-simulate-${Deno.pid}.h5`), N, L, W);
  try {
    if (truth) {
      startTimeseries(
        scene,
        truth,
        timeseriesAttributes(scene, truthAttributes(scene)),
        gzip,
        true,
      );
    }
    const coef = scene.deformation.coefficientsRows(0, L);
    const tropo = troposphere(scene);
    const toPhase = (-4 * Math.PI) / scene.options.wavelength;
    const disp = new Float32Array(P), phase = new Float32Array(P);
    for (let n = 0; n < N; n++) {
      scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, n, n + 1, disp);
      truth?.write("timeseries", [[n, n + 1]], disp);
      const t = tropo?.(n);
      for (let p = 0; p < P; p++) phase[p] = toPhase * (disp[p]! + (t ? t[p]! : 0));
      store.put(n, phase);
      opts.onProgress?.("dates", (n + 1) * P, N * P);
    }
    await store.finish();
    const t1 = performance.now();

    // Pass 2, row blocks: every interferogram.

    let done = 0, computeMs = 0, writeMs = 0;
    // One set of output buffers for every block (fresh ones would page-fault each time).
    const n = K * Math.min(rowsPerBlock, L) * W;
    const buffers: simulate.IfgramRows = {
      unwrapPhase: new Float32Array(n),
      coherence: new Float32Array(n),
      connectComponent: new Int16Array(n),
    };
    for (let row0 = 0; row0 < L; row0 += rowsPerBlock) {
      const row1 = Math.min(L, row0 + rowsPerBlock), m = K * (row1 - row0) * W;
      const ta = performance.now();
      const out = sim.simulateRows(row0, row1, store.rows(row0, row1), {
        unwrapPhase: buffers.unwrapPhase.subarray(0, m),
        coherence: buffers.coherence.subarray(0, m),
        connectComponent: buffers.connectComponent.subarray(0, m),
      });
      const tb = performance.now();
      const ranges: Array<[number, number]> = [[0, K], [row0, row1], [0, W]];
      stack.write("unwrapPhase", ranges, out.unwrapPhase);
      stack.write("coherence", ranges, out.coherence);
      stack.write("connectComponent", ranges, out.connectComponent);
      computeMs += tb - ta;
      writeMs += performance.now() - tb;
      done += (row1 - row0) * W;
      opts.onProgress?.("interferograms", done, P);
    }
    log.debug(
      `simulate: interferograms computed in ${(computeMs / 1000).toFixed(2)} s, written in ${
        (writeMs / 1000).toFixed(2)
      } s`,
    );
    const t2 = performance.now();
    if (truth) writeTruthMaps(scene, truth, opts.budgetBytes);
    const t3 = performance.now();
    log.debug(`simulate: ${inMemory ? "date phases in memory" : "date phases in a scratch file"}`);
    return {
      phaseStore: inMemory ? "memory" : "scratch file",
      rowsPerBlock,
      seconds: { dates: (t1 - t0) / 1000, ifgrams: (t2 - t1) / 1000, truth: (t3 - t2) / 1000 },
    };
  } finally {
    store.close();
  }
}

/** Settings of {@link writeSimulatedTimeseries}. */
export interface SimulatedTimeseriesOptions extends SimulatedWriteOptions {
  /** White noise per date and pixel, m. Default 0. */
  noiseStd?: number;
  /** Per-date ramp size, m. Default 0. */
  rampStd?: number;
}

/**
 * Write a MintPy-layout `timeseries.h5` of `scene` (deformation + troposphere + optional
 * noise and ramps, zero on the first date and at the reference pixel), and its truth.
 */
export function writeSimulatedTimeseries(
  scene: Scene,
  ts: H5Writer,
  truth: H5Writer | null,
  opts: SimulatedTimeseriesOptions,
): SimulationSummary {
  const { length: L } = scene, N = scene.dates.length;
  const gzip = opts.gzip ?? false;
  const t0 = performance.now();
  startTimeseries(scene, ts, timeseriesAttributes(scene, {}), gzip, false);
  if (truth) {
    startTimeseries(scene, truth, timeseriesAttributes(scene, truthAttributes(scene)), gzip, true);
  }
  const coef = scene.deformation.coefficientsRows(0, L);
  const regionFlags = new Uint8Array(L * scene.width);
  scene.regions.fillRows(0, L, regionFlags);
  const screens = troposphere(scene);
  // Date 0's screen is needed with every date: keep a copy rather than recompute its FFT.
  const first = screens ? Float32Array.from(screens(0)) : null;
  const tropo = screens ? (n: number) => (n === 0 ? first! : screens(n)) : null;
  const buffer = new Float32Array(L * scene.width), disp = new Float32Array(L * scene.width);
  for (let n = 0; n < N; n++) {
    const noisy = simulate.simulateTimeseriesRows(scene, 0, L, {
      noiseStd: opts.noiseStd,
      rampStd: opts.rampStd,
      tropo,
      dates: [n, n + 1],
      coefficients: coef,
      regionFlags,
      out: buffer,
    });
    ts.write("timeseries", [[n, n + 1]], noisy);
    if (truth) {
      truth.write(
        "timeseries",
        [[n, n + 1]],
        scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, n, n + 1, disp),
      );
    }
    opts.onProgress?.("dates", (n + 1) * L * scene.width, N * L * scene.width);
  }
  const t1 = performance.now();
  if (truth) writeTruthMaps(scene, truth, opts.budgetBytes);
  const t2 = performance.now();
  return {
    phaseStore: "memory",
    rowsPerBlock: L,
    seconds: { dates: (t1 - t0) / 1000, ifgrams: 0, truth: (t2 - t1) / 1000 },
  };
}
