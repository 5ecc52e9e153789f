/**
 * `vinsar simulate`: a realistic simulated `ifgramStack.h5` of any size (or, with
 * `--timeseries-only`, a `timeseries.h5`) and its truth file; see `@vinsar/steps/simulate`.
 * Seeded: the same flags give the same files.
 * @module
 */
import { InputError, normalizeDate, type simulate } from "@vinsar/core";
import * as step from "@vinsar/steps/simulate";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec, type ParsedArgs } from "../args.ts";

/** A flag with a value: names, dest, help, default. */
function flag(names: string[], dest: string, help: string, value?: string): OptionSpec {
  return value === undefined ? { names, dest, help } : { names, dest, help, default: value };
}

/** A flag without a value. */
function toggle(names: string[], dest: string, help: string): OptionSpec {
  return { names, dest, help, nargs: 0 };
}

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
    flag(["--length"], "length", "image rows", "200"),
    flag(["--width"], "width", "image columns", "250"),
    flag(
      ["--pixels"],
      "pixels",
      "image size in pixels (rows x columns about 3:4), instead of --length/--width",
    ),
    flag(["--dates"], "dates", "number of acquisitions", "50"),
    flag(["--seed"], "seed", "random seed", "1"),
    flag(["--start-date"], "startDate", "first acquisition (YYYYMMDD)", "20150107"),
    flag(["-o", "--out"], "out", "output file (default: ifgramStack.h5, or timeseries.h5)"),
    flag(["--truth"], "truth", "truth file", "truth.h5"),
    toggle(["--no-truth"], "noTruth", "do not write the truth file"),
    flag(
      ["--neighbours", "--neighbors"],
      "neighbours",
      "nearest neighbours in time paired with each date",
      "3",
    ),
    toggle(["--annual-pairs"], "annualPairs", "add ~1-year pairs"),
    flag(["--drop"], "drop", "interferograms marked dropIfgram=False", "2"),
    toggle(["--gzip"], "gzip", "gzip-compress the big datasets"),
    toggle(["--lzf-cc"], "lzfCc", "LZF-compress connectComponent (like MintPy)"),
    flag(["--wavelength"], "wavelength", "radar wavelength (m)", "0.05546576"),
    flag(["--alooks"], "alooks", "azimuth looks (ALOOKS); noise looks = ALOOKS*RLOOKS/1.94", "3"),
    flag(["--rlooks"], "rlooks", "range looks (RLOOKS)", "9"),
    flag(
      ["--tropo-std"],
      "tropoStd",
      "median std of one date's tropospheric delay (m), 0: none",
      "0.006",
    ),
    flag(
      ["--unwrap-errors"],
      "unwrapErrors",
      "fraction of interferograms with an unwrapping-error patch",
      "0.1",
    ),
    flag(["--missing"], "missing", "fraction of interferograms missing the no-data patch", "0.2"),
    toggle(["--no-decorrelation"], "noDecorrelation", "no decorrelation phase noise"),
    toggle(["--no-cycle-offsets"], "noCycleOffsets", "no whole-cycle offsets per interferogram"),
    toggle(["--no-regions"], "noRegions", "no water, missing or disconnected patches"),
    toggle(
      ["--noise-free"],
      "noiseFree",
      "no troposphere, decorrelation noise, unwrapping errors or cycle offsets",
    ),
    toggle(
      ["--timeseries-only"],
      "timeseriesOnly",
      "write a MintPy timeseries.h5 instead of a stack",
    ),
    flag(["--noise-std"], "noiseStd", "with --timeseries-only: white noise per date (m)", "0.002"),
    flag(["--ramp-std"], "rampStd", "with --timeseries-only: per-date ramp size (m)", "0"),
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
function sceneOptions(args: ParsedArgs): simulate.SceneOptions {
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

/** The `simulate` command. */
export const command: Command = defineCommand("simulate", {
  summary: "write a realistic simulated ifgramStack.h5 (or timeseries.h5) and its truth",
  spec,
  common: ["maxMemory"],
  options: (args, compute): step.SimulateOptions => {
    const timeseriesOnly = args.timeseriesOnly === true, noiseFree = args.noiseFree === true;
    // The noise flags count only with --timeseries-only.
    const noise = (key: string, flag: string) =>
      !timeseriesOnly ? undefined : noiseFree ? 0 : nonNegative(args, key, flag);
    return {
      ...sceneOptions(args),
      outfile: args.out === undefined ? undefined : String(args.out),
      truthFile: args.noTruth === true ? null : String(args.truth),
      gzip: args.gzip === true,
      lzfConnectComponent: args.lzfCc === true,
      timeseriesOnly,
      noiseStd: noise("noiseStd", "--noise-std"),
      rampStd: noise("rampStd", "--ramp-std"),
      maxMemory: compute.maxMemory,
      maxBlockRows: compute.maxBlockRows,
      reporter: compute.reporter,
    };
  },
  run: step.run,
});
