/**
 * `vinsar simulate`: a realistic simulated `ifgramStack.h5` of any size (or, with
 * `--timeseries-only`, a `timeseries.h5`) and its truth file: Sentinel-1-like dates, a
 * small-baseline network, Mogi inflation with an eruption step, a seasonal subsiding basin
 * and a trend, power-law tropospheric turbulence, decorrelation noise drawn from the
 * coherence, unwrapping errors, a water body, a patch missing in some interferograms, a
 * patch with a disconnected network and whole-cycle offsets. Seeded: the same flags give
 * the same files.
 * @module
 */
import { dirname, resolve } from "node:path";
import { InputError, log, normalizeDate, simulate } from "@vinsar/core";
import { writeSimulatedStack, writeSimulatedTimeseries } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  numberArg,
  parseCommandArgs,
  type ParsedArgs,
} from "../args.ts";
import { makeContext } from "../context.ts";
import { withOutputs } from "../outputs.ts";
import { Progress } from "../progress.ts";

const spec: CommandSpec = {
  name: "simulate",
  usage: "vinsar simulate [--length L --width W | --pixels P] [--dates N] [--seed S] [options]",
  description:
    "Write a simulated MintPy interferogram stack (ifgramStack.h5) and its truth (truth.h5:\n" +
    "true displacement time-series, velocity, step, annual terms and masks of the special\n" +
    "areas), or with --timeseries-only a MintPy timeseries.h5. Outputs land in the current\n" +
    "folder.",
  positionals: [],
  options: [
    { names: ["--length"], help: "image rows", default: "200" },
    { names: ["--width"], help: "image columns", default: "250" },
    {
      names: ["--pixels"],
      help: "image size in pixels (rows x columns about 3:4), instead of --length/--width",
    },
    { names: ["--dates"], help: "number of acquisitions", default: "50" },
    { names: ["--seed"], help: "random seed", default: "1" },
    {
      names: ["--start-date"],
      dest: "startDate",
      help: "first acquisition (YYYYMMDD)",
      default: "20150107",
    },
    {
      names: ["-o", "--out"],
      dest: "out",
      help: "output file (default: ifgramStack.h5, or timeseries.h5)",
    },
    { names: ["--truth"], help: "truth file", default: "truth.h5" },
    { names: ["--no-truth"], dest: "noTruth", nargs: 0, help: "do not write the truth file" },
    {
      names: ["--neighbours", "--neighbors"],
      dest: "neighbours",
      help: "nearest neighbours in time paired with each date",
      default: "3",
    },
    { names: ["--annual-pairs"], dest: "annualPairs", nargs: 0, help: "add ~1-year pairs" },
    { names: ["--drop"], help: "interferograms marked dropIfgram=False", default: "2" },
    { names: ["--gzip"], nargs: 0, help: "gzip-compress the big datasets" },
    {
      names: ["--lzf-cc"],
      dest: "lzfCc",
      nargs: 0,
      help: "LZF-compress connectComponent (like MintPy)",
    },
    { names: ["--wavelength"], help: "radar wavelength (m)", default: "0.05546576" },
    {
      names: ["--alooks"],
      help: "azimuth looks (ALOOKS); noise looks = ALOOKS*RLOOKS/1.94",
      default: "3",
    },
    { names: ["--rlooks"], help: "range looks (RLOOKS)", default: "9" },
    {
      names: ["--tropo-std"],
      dest: "tropoStd",
      help: "median std of one date's tropospheric delay (m), 0: none",
      default: "0.006",
    },
    {
      names: ["--unwrap-errors"],
      dest: "unwrapErrors",
      help: "fraction of interferograms with an unwrapping-error patch",
      default: "0.1",
    },
    {
      names: ["--missing"],
      help: "fraction of interferograms missing the no-data patch",
      default: "0.2",
    },
    {
      names: ["--no-decorrelation"],
      dest: "noDecorrelation",
      nargs: 0,
      help: "no decorrelation phase noise",
    },
    {
      names: ["--no-cycle-offsets"],
      dest: "noCycleOffsets",
      nargs: 0,
      help: "no whole-cycle offsets per interferogram",
    },
    {
      names: ["--no-regions"],
      dest: "noRegions",
      nargs: 0,
      help: "no water, missing or disconnected patches",
    },
    {
      names: ["--noise-free"],
      dest: "noiseFree",
      nargs: 0,
      help: "no troposphere, decorrelation noise, unwrapping errors or cycle offsets",
    },
    {
      names: ["--timeseries-only"],
      dest: "timeseriesOnly",
      nargs: 0,
      help: "write a MintPy timeseries.h5 instead of a stack",
    },
    {
      names: ["--noise-std"],
      dest: "noiseStd",
      help: "with --timeseries-only: white noise per date (m)",
      default: "0.002",
    },
    {
      names: ["--ramp-std"],
      dest: "rampStd",
      help: "with --timeseries-only: per-date ramp size (m)",
      default: "0",
    },
    ...commonOptions.filter((o) => o.names.includes("--max-memory") || o.names.includes("--quiet")),
  ],
  examples: [
    "vinsar simulate                                   # 200 x 250 pixels, 50 dates",
    "vinsar simulate --pixels 500000 --dates 102 --lzf-cc",
    "vinsar simulate --length 60 --width 80 --dates 30 --seed 7 --annual-pairs",
    "vinsar simulate --timeseries-only --pixels 100000 --dates 60 -o timeseries.h5",
  ],
};

function intArg(args: ParsedArgs, key: string, flag: string, min: number): number {
  const v = numberArg(args[key], flag)!;
  if (!Number.isInteger(v) || v < min) {
    throw new InputError(`flag ${flag}: "${args[key]}" must be an integer >= ${min}`);
  }
  return v;
}

function fractionArg(args: ParsedArgs, key: string, flag: string): number {
  const v = numberArg(args[key], flag)!;
  if (!(v >= 0 && v <= 1)) throw new InputError(`flag ${flag}: "${args[key]}" must be in [0, 1]`);
  return v;
}

function nonNegative(args: ParsedArgs, key: string, flag: string): number {
  const v = numberArg(args[key], flag)!;
  if (!(v >= 0)) throw new InputError(`flag ${flag}: "${args[key]}" must be >= 0`);
  return v;
}

/** Scene settings from the flags. */
export function sceneOptions(args: ParsedArgs): simulate.SceneOptions {
  let length: number, width: number;
  if (args.pixels !== undefined) {
    const P = intArg(args, "pixels", "--pixels", 1);
    length = Math.max(1, Math.round(Math.sqrt((P * 3) / 4)));
    width = Math.max(1, Math.round(P / length));
  } else {
    length = intArg(args, "length", "--length", 1);
    width = intArg(args, "width", "--width", 1);
  }
  const noiseFree = args.noiseFree === true, noRegions = args.noRegions === true;
  const wavelength = numberArg(args.wavelength, "--wavelength")!;
  if (!(wavelength > 0)) {
    throw new InputError(`flag --wavelength: "${args.wavelength}" must be positive`);
  }
  return {
    length,
    width,
    numDates: intArg(args, "dates", "--dates", 2),
    seed: intArg(args, "seed", "--seed", 0),
    startDate: normalizeDate(String(args.startDate), "flag --start-date"),
    neighbours: intArg(args, "neighbours", "--neighbours", 1),
    annualPairs: args.annualPairs === true,
    drop: intArg(args, "drop", "--drop", 0),
    wavelength,
    alooks: intArg(args, "alooks", "--alooks", 1),
    rlooks: intArg(args, "rlooks", "--rlooks", 1),
    tropoStd: noiseFree ? 0 : nonNegative(args, "tropoStd", "--tropo-std"),
    decorrelation: !noiseFree && args.noDecorrelation !== true,
    unwrapErrors: noiseFree ? 0 : fractionArg(args, "unwrapErrors", "--unwrap-errors"),
    missingFraction: fractionArg(args, "missing", "--missing"),
    cycleOffsets: !noiseFree && args.noCycleOffsets !== true,
    water: !noRegions,
    missingPatch: !noRegions,
    disconnectedPatch: !noRegions,
  };
}

async function run(argv: string[]): Promise<void> {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(formatHelp(spec));
    return;
  }
  const args = parseCommandArgs(spec, argv);
  const opts = sceneOptions(args);
  const ctx = await makeContext(args);
  const tsOnly = args.timeseriesOnly === true;
  const outPath = String(args.out ?? (tsOnly ? "timeseries.h5" : "ifgramStack.h5"));
  const truthPath = args.noTruth === true ? null : String(args.truth);
  if (truthPath !== null && truthPath === outPath) {
    throw new InputError(`flags --out and --truth: both name ${outPath}`);
  }
  // Output folders are created (the demo writes inputs/ifgramStack.h5).
  for (const p of [outPath, truthPath]) {
    if (p) Deno.mkdirSync(dirname(resolve(p)), { recursive: true });
  }
  const t0 = performance.now();
  const scene = simulate.createScene(opts);
  const K = scene.pairs.length, N = scene.dates.length;
  log.info(
    `simulate ${scene.length} x ${scene.width} pixels, ${N} dates (${scene.dates[0]} - ${
      scene.dates[N - 1]
    }), ${K} interferograms (${
      K - scene.keep.reduce((s, v) => s + v, 0)
    } dropped), seed ${scene.seed}`,
  );
  log.info(
    `reference pixel y/x: ${scene.refY}/${scene.refX}; eruption after ${scene.stepDate}; ` +
      `looks ${scene.looks}; ${scene.unwrapErrors.length} unwrapping-error patches`,
  );
  // One bar per pass; the writers report totals done, the bar takes increments.
  const bars = new Map<string, { bar: Progress; done: number }>();
  const onProgress = (pass: string, done: number, total: number) => {
    let b = bars.get(pass);
    if (!b) bars.set(pass, b = { bar: new Progress(pass, total), done: 0 });
    b.bar.advance(done - b.done);
    b.done = done;
  };
  await withOutputs(async (out) => {
    const main = await out.h5(outPath);
    const truth = truthPath ? await out.h5(truthPath) : null;
    const settings = {
      budgetBytes: ctx.budgetBytes,
      gzip: args.gzip === true,
      lzfConnectComponent: args.lzfCc === true,
      onProgress,
    };
    const summary = tsOnly
      ? writeSimulatedTimeseries(scene, main, truth, {
        ...settings,
        noiseStd: args.noiseFree === true ? 0 : nonNegative(args, "noiseStd", "--noise-std"),
        rampStd: args.noiseFree === true ? 0 : nonNegative(args, "rampStd", "--ramp-std"),
      })
      : await writeSimulatedStack(scene, main, truth, settings);
    const s = summary.seconds;
    log.info(
      `dates ${s.dates.toFixed(2)} s, interferograms ${s.ifgrams.toFixed(2)} s, truth ${
        s.truth.toFixed(2)
      } s (date phases in ${summary.phaseStore}, ${summary.rowsPerBlock} rows per block)`,
    );
  });
  log.info(
    `wrote ${outPath}${truthPath ? ` and ${truthPath}` : ""} in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s`,
  );
}

/** The `simulate` command. */
export const command: Command = {
  summary: "write a realistic simulated ifgramStack.h5 (or timeseries.h5) and its truth",
  run,
};
