/**
 * `vinsar demo`: the README's main command. Simulates a stack (no downloads), runs the whole
 * chain like a MintPy user would — ifgram_inversion -> generate_mask -> timeseries2velocity
 * (--save-res) -> timeseries_rms — writes every product plus a velocity map and the RMS
 * chart, and prints a summary with the time of each step and the velocity error against the
 * simulated truth.
 * @module
 */
import { H5Reader } from "@vinsar/hdf5";
import * as steps from "@vinsar/steps";
import type { ComputeOptions } from "@vinsar/steps/pipeline";
import { defineCommand } from "../command.ts";
import { type CommandSpec, numberArg } from "../args.ts";

const spec: CommandSpec = {
  name: "demo",
  usage: "vinsar demo [--out DIR] [--length L] [--width W] [--dates N] [--seed S]",
  description:
    "Simulate an interferogram stack and run ifgram_inversion, generate_mask, timeseries2velocity and timeseries_rms on it, writing every product and chart into DIR.",
  positionals: [],
  options: [
    { names: ["--out"], help: "output folder", default: "vinsar-demo", metavar: "DIR" },
    { names: ["--length"], help: "rows of the simulated stack", default: "400", metavar: "L" },
    { names: ["--width"], help: "columns of the simulated stack", default: "500", metavar: "W" },
    { names: ["--dates"], help: "acquisitions", default: "60", metavar: "N" },
    { names: ["--seed"], help: "random seed", default: "1", metavar: "S" },
  ],
  examples: ["vinsar demo", "vinsar demo --length 1000 --width 1000 --dates 98 --out big-demo"],
};

type Step = { name: string; seconds: number };

/** Run one step of the chain, timed, after a header line naming it. */
async function timed<T>(
  list: Step[],
  name: string,
  compute: ComputeOptions,
  run: () => Promise<T>,
): Promise<T> {
  compute.reporter?.info(`\n== vinsar ${name}`);
  const t0 = performance.now();
  const result = await run();
  list.push({ name, seconds: (performance.now() - t0) / 1000 });
  return result;
}

async function readMap(
  path: string,
  name: string,
): Promise<{ data: Float32Array; attrs: Record<string, string> }> {
  const r = await H5Reader.open(path);
  try {
    return { data: Float32Array.from(r.read(name)), attrs: r.attrs() };
  } finally {
    r.close();
  }
}

/** The demo's options. */
interface DemoOptions {
  outDir: string;
  length: number;
  width: number;
  dates: number;
  seed: number;
  compute: ComputeOptions;
}

/** The whole chain, each step called as a library function, in `outDir`. */
async function runDemo(options: DemoOptions): Promise<void> {
  const { outDir, length, width, dates, seed, compute } = options;
  Deno.mkdirSync(outDir, { recursive: true });
  const home = Deno.cwd();
  Deno.chdir(outDir);
  const list: Step[] = [];
  const t0 = performance.now();
  try {
    const sim = await timed(list, "simulate", compute, () =>
      steps.simulate.run({
        length,
        width,
        numDates: dates,
        seed,
        outfile: "inputs/ifgramStack.h5",
        truthFile: "truth.h5",
        ...compute,
      }));
    await timed(list, "ifgram_inversion", compute, () =>
      steps.ifgram_inversion.run({
        stackFile: "inputs/ifgramStack.h5",
        weightFunc: "var",
        ...compute,
      }));
    await timed(list, "generate_mask", compute, () =>
      steps.generate_mask.run({
        file: "temporalCoherence.h5",
        vmin: 0.7,
        outfile: "maskTempCoh.h5",
        reporter: compute.reporter,
      }));
    const stepDate = sim.scene.stepDate;
    await timed(list, "timeseries2velocity", compute, () =>
      steps.timeseries2velocity.run({
        timeseriesFile: "timeseries.h5",
        outfile: "velocity.h5",
        periodic: [1],
        stepDate: stepDate ? [stepDate] : undefined,
        saveRes: true,
        ...compute,
      }));
    await timed(list, "timeseries_rms", compute, () =>
      steps.timeseries_rms.run({
        timeseriesFile: "timeseriesResidual.h5",
        deramp: "quadratic",
        ...compute,
      }));

    const truthReader = await H5Reader.open("truth.h5");
    const truthNames = truthReader.datasets();
    truthReader.close();
    const vel = await readMap("velocity.h5", "velocity");
    const truth = await readMap("truth.h5", "velocity");
    const mask = await readMap("maskTempCoh.h5", "mask");
    // Both maps through `view` (MintPy's view.py), on one diverging scale around the truth.
    const [lo, hi] = symmetricLimits(truth.data, 1000);
    const shown = { unit: "mm/year", colormap: "RdBu_r", vlim: [lo, hi] as [number, number] };
    await steps.view.run({ file: "velocity.h5", outfile: "velocity.png", ...shown });
    await steps.view.run({
      file: "truth.h5",
      dset: ["velocity"],
      outfile: "velocity_truth.png",
      title: "simulated true velocity",
      ...shown,
    });

    // Velocity error where the mask (temporal coherence >= 0.7) holds, and there outside the
    // simulated trouble spots (unwrapping errors, disconnected or partly missing patches).
    const trouble = new Uint8Array(vel.data.length);
    for (const name of ["disconnectedPatch", "missingPatch", "unwrapErrorCount"]) {
      if (!truthNames.includes(name)) continue;
      const m = await readMap("truth.h5", name);
      for (let i = 0; i < trouble.length; i++) if (m.data[i]) trouble[i] = 1;
    }
    const clean = velocityError(vel.data, truth.data, (i) => mask.data[i] !== 0 && !trouble[i]);
    const all = velocityError(vel.data, truth.data, (i) => mask.data[i] !== 0);
    const total = (performance.now() - t0) / 1000;
    const lines = [
      "",
      `vinsar demo: ${length} x ${width} = ${length * width} pixels, ${dates} dates, in ${outDir}/`,
      ...list.map((s) => `  ${s.name.padEnd(20)} ${s.seconds.toFixed(2).padStart(7)} s`),
      `  ${"total".padEnd(20)} ${total.toFixed(2).padStart(7)} s`,
      `velocity error vs the simulated truth over the ${all.n} pixels of maskTempCoh.h5 (${
        (100 * all.n / (length * width)).toFixed(1)
      }%):`,
      `  RMS ${all.rms.toFixed(3)} mm/year, median |error| ${all.median.toFixed(3)} mm/year`,
      `  outside the simulated unwrapping-error, missing and disconnected patches (${clean.n} pixels): RMS ${
        clean.rms.toFixed(3)
      } mm/year, median |error| ${clean.median.toFixed(3)} mm/year`,
      "products: inputs/ifgramStack.h5 truth.h5 timeseries.h5 temporalCoherence.h5 numInvIfgram.h5 maskTempCoh.h5",
      "          velocity.h5 timeseriesResidual.h5 timeseriesResidual_ramp.h5 rms_timeseriesResidual_ramp.txt",
      "          reference_date.txt velocity.png velocity_truth.png rms_timeseriesResidual_ramp.{pdf,svg,png}",
    ];
    console.log(lines.join("\n"));
  } finally {
    Deno.chdir(home);
  }
}

/** The `demo` command. */
export const command = defineCommand("demo", {
  summary: "simulate a stack and run the whole chain with charts",
  spec,
  common: ["maxMemory", "backend", "workers"],
  options: (args, compute): DemoOptions => ({
    outDir: String(args.out),
    length: numberArg(args.length, "--length")!,
    width: numberArg(args.width, "--width")!,
    dates: numberArg(args.dates, "--dates")!,
    seed: numberArg(args.seed, "--seed")!,
    compute: {
      maxMemory: compute.maxMemory,
      backend: compute.backend,
      workers: compute.workers,
      maxBlockRows: compute.maxBlockRows,
      reporter: compute.reporter,
    },
  }),
  run: runDemo,
});

/** RMS and median of the velocity error (mm/year) over the pixels `keep` accepts. */
function velocityError(
  est: Float32Array,
  truth: Float32Array,
  keep: (i: number) => boolean,
): { n: number; rms: number; median: number } {
  const errs: number[] = [];
  for (let i = 0; i < est.length; i++) {
    if (!keep(i) || !Number.isFinite(est[i]!) || est[i] === 0) continue;
    errs.push((est[i]! - truth[i]!) * 1000);
  }
  const abs = errs.map(Math.abs).sort((a, b) => a - b);
  const rms = Math.sqrt(errs.reduce((s, e) => s + e * e, 0) / Math.max(errs.length, 1));
  return { n: errs.length, rms, median: abs[abs.length >> 1] ?? NaN };
}

/** Colour limits symmetric about 0 covering the 99th percentile of |values| * scale. */
function symmetricLimits(values: Float32Array, scale: number): [number, number] {
  const a: number[] = [];
  for (const v of values) if (Number.isFinite(v) && v !== 0) a.push(Math.abs(v * scale));
  a.sort((x, y) => x - y);
  const m = a[Math.floor(a.length * 0.99)] ?? 1;
  return [-m, m];
}
