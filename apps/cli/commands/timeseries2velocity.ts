/**
 * `vinsar timeseries2velocity`: MintPy 1.6.4's `timeseries2velocity.py` (same flags, files
 * and numbers): time functions fit to every pixel with one pseudo-inverse, streamed in row
 * blocks, with residue, covariance or closed-form bootstrap uncertainties.
 * @module
 */
import {
  InputError,
  log,
  type ProbeShape,
  TimeFunctionBasis,
  timeFunctionConfigAttrs,
  timeFunctionTileWidth,
} from "@vinsar/core";
import { TimeseriesFile } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  type OptionSpec,
  parseCommandArgs,
} from "../args.ts";
import { isUpToDate, makeContext } from "../context.ts";
import { resolveSettings, type Settings } from "./_timeseries2velocity_settings.ts";
import { runFit } from "./_timeseries2velocity_run.ts";

const FAMILIES = ["all", "polynomial", "periodic", "step", "polyline", "exp", "log"] as const;

const options: OptionSpec[] = [
  { names: ["-h", "--help"], nargs: 0, help: "show this help and exit" },
  {
    names: ["-t", "--template"],
    dest: "templateFile",
    metavar: "FILE",
    help: "template file with mintpy.timeFunc.* options (they override flags, as in MintPy)",
  },
  { names: ["-o", "--output"], dest: "outfile", metavar: "FILE", help: "output file name" },
  { names: ["--ref-date"], dest: "refDate", metavar: "DATE", help: "reference date in time" },
  {
    names: ["--ref-lalo"],
    nargs: "+",
    dest: "refLalo",
    metavar: "LAT",
    help: "reference point: LAT LON (geocoded files)",
  },
  {
    names: ["--ref-yx"],
    nargs: "+",
    dest: "refYx",
    metavar: "Y",
    help: "reference point: Y X",
  },
  {
    names: ["-s", "--start-date"],
    dest: "startDate",
    metavar: "DATE",
    help: "start date for time function estimation",
  },
  {
    names: ["-e", "--end-date"],
    dest: "endDate",
    metavar: "DATE",
    help: "end date for time function estimation",
  },
  {
    names: ["--ex", "--ex-date", "--exclude-date", "--exclude"],
    nargs: "+",
    dest: "excludeDate",
    metavar: "DATE",
    help: "date(s) or text file(s) of dates not used (e.g. exclude_date.txt)",
  },
  {
    names: ["--uq", "--uncertainty"],
    dest: "uncertaintyQuantification",
    default: "residue",
    choices: ["residue", "covariance", "bootstrap"],
    metavar: "VAL",
    help: "STD from: residue (fit residual), covariance (--ts-cov-file), bootstrap",
  },
  {
    names: ["--ts-cov", "--ts-cov-file"],
    dest: "timeSeriesCovFile",
    metavar: "FILE",
    help: "time-series variance (N, L, W) or covariance (N, N, L, W) file for --uq covariance",
  },
  {
    names: ["--bc", "--bootstrap-count"],
    dest: "bootstrapCount",
    default: "400",
    metavar: "N",
    help: "number of bootstrap resamples",
  },
  {
    names: ["--seed"],
    dest: "seed",
    metavar: "N",
    help: "seed of the bootstrap resampling (vinsar only; default: random, logged)",
  },
  {
    names: ["--poly", "--polynomial", "--poly-order"],
    dest: "polynomial",
    default: "1",
    metavar: "DEG",
    help: "polynomial degree: 1 linear, 2 quadratic, ...",
  },
  {
    names: ["--periodic", "--period", "--peri"],
    nargs: "+",
    dest: "periodic",
    metavar: "YEARS",
    help: "periodic function(s) with period in years (1 annual, 0.5 semi-annual)",
  },
  {
    names: ["--step", "--step-date"],
    nargs: "+",
    dest: "stepDate",
    metavar: "DATE",
    help: "step function(s) at YYYYMMDD(THHMM)",
  },
  {
    names: ["--polyline"],
    nargs: "+",
    dest: "polyline",
    metavar: "DATE",
    help: "extra line segment(s) starting at YYYYMMDD(THHMM)",
  },
  {
    names: ["--exp", "--exponential"],
    nargs: "+",
    append: true,
    dest: "exp",
    metavar: "ARG",
    help: "exponential function: onset YYYYMMDD then tau(s) in days (repeatable)",
  },
  {
    names: ["--log", "--logarithmic"],
    nargs: "+",
    append: true,
    dest: "log",
    metavar: "ARG",
    help: "logarithmic function: onset YYYYMMDD then tau(s) in days (repeatable)",
  },
  {
    names: ["--save-res", "--save_residual"],
    nargs: 0,
    dest: "saveRes",
    help: "save the residual time-series",
  },
  {
    names: ["--res-file", "--residual-file"],
    dest: "resFile",
    metavar: "FILE",
    help: "residual time-series file name (default: timeseriesResidual.h5)",
  },
  {
    names: ["--rm-timefun"],
    nargs: "*",
    dest: "rmTimefun",
    choices: FAMILIES,
    metavar: "FUNC",
    help: "time functions removed in the residual: all (default), polynomial, periodic, ...",
  },
  ...commonOptions.map((o) =>
    o.dest === "maxMemory" ? { ...o, names: ["--ram", "--memory", "--max-memory"] } : o
  ),
];

const spec: CommandSpec = {
  name: "timeseries2velocity",
  usage: "vinsar timeseries2velocity timeseries_file [options]",
  description: "Estimate velocity / time functions from time-series (MintPy's " +
    "timeseries2velocity.py).",
  positionals: ["timeseries_file"],
  options,
  examples: [
    "vinsar timeseries2velocity timeseries.h5",
    "vinsar timeseries2velocity timeseries.h5 --start-date 20080201 --end-date 20100508",
    "vinsar timeseries2velocity timeseries.h5 --ex exclude_date.txt",
    "vinsar timeseries2velocity timeseries.h5 --poly 2 --periodic 1 0.5 --step 20170910",
    "vinsar timeseries2velocity timeseries.h5 --exp 20170910 90 --log 20170910 60 200",
    "vinsar timeseries2velocity timeseries.h5 --uq bootstrap --bc 400 --seed 1",
    "vinsar timeseries2velocity timeseries.h5 --save-res --rm-timefun periodic",
  ],
};

/**
 * What a fit runs, for the backend calibration of `--backend auto`: the fused series fit
 * (residue and covariance uncertainties, unless `--rm-timefun` keeps some signal in a saved
 * residual); else, per tile of pixels, the GEMMs of the parameters
 * `m (P x w) = pinv (P x N) * d (N x w)` and of the residual `d -= G (N x P) * m (P x w)`,
 * `w` being the tile width over blocks of at most `pixels`.
 */
export function fitProbe(s: Settings, pixels: number): ProbeShape[] {
  const N = s.dates.length, P = new TimeFunctionBasis(s.model).numParams;
  const residual = s.resFile !== null;
  if (s.uncertainty !== "bootstrap" && (!residual || s.rmFamilies.includes("all"))) {
    return [{ kind: "seriesFit", numDates: N, numParams: P, residual }];
  }
  const w = timeFunctionTileWidth(N, Math.max(1, pixels));
  return [{ kind: "gemm", m: P, n: w, k: N }, { kind: "gemm", m: N, n: w, k: P }];
}

/** The `timeseries2velocity` command. */
export const command: Command = {
  summary: "fit time functions (velocity, ...) to a displacement time-series",
  async run(argv: string[]): Promise<void> {
    const args = parseCommandArgs({ ...spec, positionals: ["timeseries_file?"] }, argv);
    if (args.help) {
      console.log(formatHelp(spec));
      return;
    }
    if (args._.length === 0) {
      throw new InputError(`missing argument timeseries_file (usage: ${spec.usage})`);
    }
    const start = performance.now();
    if (args.quiet) log.setLevel("warn");
    const ts = await TimeseriesFile.open(args._[0]!);
    try {
      log.info(`open timeseries file: ${ts.path}`);
      const s = resolveSettings(args, ts);
      const ctx = await makeContext(args, fitProbe(s, ts.length * ts.width));
      const outputs = s.resFile ? [s.outfile, s.resFile] : [s.outfile];
      const expected = timeFunctionConfigAttrs(s.config);
      if (args.update) {
        log.info("update mode: ON");
        if (await isUpToDate([s.tsPath], outputs, expected)) {
          log.info(`run or skip: skip (${outputs.join(", ")} up to date with the same settings)`);
          return;
        }
        log.info("run or skip: run");
      }
      await runFit(ts, s, ctx);
    } finally {
      ts.close();
    }
    const secs = (performance.now() - start) / 1000;
    log.info(
      `time used: ${String(Math.floor(secs / 60)).padStart(2, "0")} mins ${
        (secs % 60).toFixed(1)
      } secs.`,
    );
  },
};
