/**
 * `vinsar demo`: the README's main command. Simulates a stack (no downloads), runs the whole
 * chain like a MintPy user would — ifgram_inversion -> generate_mask -> timeseries2velocity
 * (--save-res) -> timeseries_rms — writes every product plus a velocity map and the RMS
 * chart, and prints a summary with the time of each step and the velocity error against the
 * simulated truth.
 * @module
 */
import { log } from "@vinsar/core";
import { H5Reader } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  numberArg,
  parseCommandArgs,
} from "../args.ts";
import { withOutputs } from "../outputs.ts";
import { renderMapPng } from "../plot/raster_map.ts";

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
    ...commonOptions.filter((o) => o.names[0] !== "--update"),
  ],
  examples: ["vinsar demo", "vinsar demo --length 1000 --width 1000 --dates 98 --out big-demo"],
};

type Step = { name: string; seconds: number };

/** Literal imports, so a bundler can follow them. */
const stepCommands: Record<string, () => Promise<{ command: Command }>> = {
  simulate: () => import("./simulate.ts"),
  ifgram_inversion: () => import("./ifgram_inversion.ts"),
  generate_mask: () => import("./generate_mask.ts"),
  timeseries2velocity: () => import("./timeseries2velocity.ts"),
  timeseries_rms: () => import("./timeseries_rms.ts"),
};

async function runStep(steps: Step[], name: string, argv: string[]): Promise<void> {
  const { command } = await stepCommands[name]!();
  log.info(`\n== vinsar ${name} ${argv.join(" ")}`);
  const t0 = performance.now();
  await command.run(argv);
  steps.push({ name, seconds: (performance.now() - t0) / 1000 });
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

export const command: Command = {
  summary: "simulate a stack and run the whole chain with charts",
  async run(argv) {
    if (argv.includes("-h") || argv.includes("--help")) {
      console.log(formatHelp(spec));
      return;
    }
    const args = parseCommandArgs(spec, argv);
    const length = numberArg(args.length, "--length")!;
    const width = numberArg(args.width, "--width")!;
    const dates = numberArg(args.dates, "--dates")!;
    const seed = numberArg(args.seed, "--seed")!;
    const common = [
      ...(args.maxMemory ? ["--max-memory", String(args.maxMemory)] : []),
      "--backend",
      String(args.backend),
      ...(args.workers ? ["--workers", String(args.workers)] : []),
      ...(args.quiet ? ["-q"] : []),
    ];
    const outDir = String(args.out);
    Deno.mkdirSync(outDir, { recursive: true });
    const home = Deno.cwd();
    Deno.chdir(outDir);
    const steps: Step[] = [];
    const t0 = performance.now();
    try {
      await runStep(steps, "simulate", [
        "--length",
        String(length),
        "--width",
        String(width),
        "--dates",
        String(dates),
        "--seed",
        String(seed),
        "--out",
        "inputs/ifgramStack.h5",
        "--truth",
        "truth.h5",
        ...(args.quiet ? ["-q"] : []),
      ]);
      await runStep(steps, "ifgram_inversion", ["inputs/ifgramStack.h5", "-w", "var", ...common]);
      await runStep(steps, "generate_mask", [
        "temporalCoherence.h5",
        "-m",
        "0.7",
        "-o",
        "maskTempCoh.h5",
      ]);

      const truthReader = await H5Reader.open("truth.h5");
      const truthNames = truthReader.datasets();
      truthReader.close();
      const stepName = truthNames.find((n) => /^step\d{8}$/.test(n));
      const fnArgs = ["--periodic", "1", ...(stepName ? ["--step", stepName.slice(4)] : [])];
      await runStep(steps, "timeseries2velocity", [
        "timeseries.h5",
        "-o",
        "velocity.h5",
        ...fnArgs,
        "--save-res",
        ...common,
      ]);
      await runStep(steps, "timeseries_rms", [
        "timeseriesResidual.h5",
        "-r",
        "quadratic",
        ...common,
      ]);

      const vel = await readMap("velocity.h5", "velocity");
      const truth = await readMap("truth.h5", "velocity");
      const mask = await readMap("maskTempCoh.h5", "mask");
      const refY = Number(vel.attrs.REF_Y), refX = Number(vel.attrs.REF_X);
      const marker = Number.isFinite(refY) && Number.isFinite(refX)
        ? { y: refY, x: refX }
        : undefined;
      const opts = { unit: "mm/year", scale: 1000, cmap: "RdBu_r", marker } as const;
      const [lo, hi] = symmetricLimits(truth.data, 1000);
      await withOutputs((out) => {
        out.bytes(
          "velocity.png",
          renderMapPng(vel.data, length, width, {
            ...opts,
            title: "vinsar velocity",
            vmin: lo,
            vmax: hi,
          }),
        );
        out.bytes(
          "velocity_truth.png",
          renderMapPng(truth.data, length, width, {
            ...opts,
            title: "simulated true velocity",
            vmin: lo,
            vmax: hi,
          }),
        );
        return Promise.resolve();
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
        `vinsar demo: ${length} x ${width} = ${
          length * width
        } pixels, ${dates} dates, in ${outDir}/`,
        ...steps.map((s) => `  ${s.name.padEnd(20)} ${s.seconds.toFixed(2).padStart(7)} s`),
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
        "          reference_date.txt velocity.png velocity_truth.png rms_timeseriesResidual_ramp.{svg,png}",
      ];
      console.log(lines.join("\n"));
    } finally {
      Deno.chdir(home);
    }
  },
};

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
