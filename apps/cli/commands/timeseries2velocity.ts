/**
 * `vinsar timeseries2velocity`: MintPy 1.6.4's `timeseries2velocity.py` (same flags, files
 * and numbers): flags -> `@vinsar/steps/timeseries2velocity`'s `run`.
 * @module
 */
import { InputError, type TimeFunctionFamily, type UncertaintyMethod } from "@vinsar/core";
import type { ComputeOptions } from "@vinsar/steps/pipeline";
import { run, type Timeseries2VelocityOptions } from "@vinsar/steps/timeseries2velocity";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec, type ParsedArgs } from "../args.ts";

const FAMILIES = ["all", "polynomial", "periodic", "step", "polyline", "exp", "log"] as const;

/** An option: its flags ("-o --output"), "dest METAVAR", help, and any other settings. */
function opt(
  flags: string,
  target: string,
  help: string,
  more: Partial<OptionSpec> = {},
): OptionSpec {
  const [dest, metavar] = target.split(" ");
  return { names: flags.split(" "), dest, ...(metavar ? { metavar } : {}), help, ...more };
}
const many = { nargs: "+" } as const;

const options: OptionSpec[] = [
  opt(
    "-t --template",
    "templateFile FILE",
    "template file with mintpy.timeFunc.* options (they override flags, as in MintPy)",
  ),
  opt("-o --output", "outfile FILE", "output file name"),
  opt("--ref-date", "refDate DATE", "reference date in time"),
  opt("--ref-lalo", "refLalo LAT", "reference point: LAT LON (geocoded files)", many),
  opt("--ref-yx", "refYx Y", "reference point: Y X", many),
  opt("-s --start-date", "startDate DATE", "start date for time function estimation"),
  opt("-e --end-date", "endDate DATE", "end date for time function estimation"),
  opt(
    "--ex --ex-date --exclude-date --exclude",
    "excludeDate DATE",
    "date(s) or text file(s) of dates not used (e.g. exclude_date.txt)",
    many,
  ),
  opt(
    "--uq --uncertainty",
    "uncertaintyQuantification VAL",
    "STD from: residue (fit residual), covariance (--ts-cov-file), bootstrap",
    { default: "residue", choices: ["residue", "covariance", "bootstrap"] },
  ),
  opt(
    "--ts-cov --ts-cov-file",
    "timeSeriesCovFile FILE",
    "time-series variance (N, L, W) or covariance (N, N, L, W) file for --uq covariance",
  ),
  opt("--bc --bootstrap-count", "bootstrapCount N", "number of bootstrap resamples", {
    default: "400",
  }),
  opt(
    "--seed",
    "seed N",
    "seed of the bootstrap resampling (vinsar only; default: random, logged)",
  ),
  opt(
    "--poly --polynomial --poly-order",
    "polynomial DEG",
    "polynomial degree: 1 linear, 2 quadratic, ...",
    { default: "1" },
  ),
  opt(
    "--periodic --period --peri",
    "periodic YEARS",
    "periodic function(s) with period in years (1 annual, 0.5 semi-annual)",
    many,
  ),
  opt("--step --step-date", "stepDate DATE", "step function(s) at YYYYMMDD(THHMM)", many),
  opt("--polyline", "polyline DATE", "extra line segment(s) starting at YYYYMMDD(THHMM)", many),
  opt(
    "--exp --exponential",
    "exp ARG",
    "exponential function: onset YYYYMMDD then tau(s) in days (repeatable)",
    { ...many, append: true },
  ),
  opt(
    "--log --logarithmic",
    "log ARG",
    "logarithmic function: onset YYYYMMDD then tau(s) in days (repeatable)",
    { ...many, append: true },
  ),
  opt("--save-res --save_residual", "saveRes", "save the residual time-series", { nargs: 0 }),
  opt(
    "--res-file --residual-file",
    "resFile FILE",
    "residual time-series file name (default: timeseriesResidual.h5)",
  ),
  opt(
    "--rm-timefun",
    "rmTimefun FUNC",
    "time functions removed in the residual: all (default), polynomial, periodic, ...",
    { nargs: "*", choices: FAMILIES },
  ),
  opt(
    "--ram --memory --max-memory",
    "maxMemory GB",
    "memory budget in GB for block data (default: from free memory)",
  ),
];

const spec: CommandSpec = {
  name: "timeseries2velocity",
  usage: "vinsar timeseries2velocity timeseries_file [options]",
  description: "Estimate velocity / time functions from time-series (MintPy's " +
    "timeseries2velocity.py).",
  positionals: ["timeseries_file?"],
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

/** A whole-number flag value, with a one-line error naming the flag. */
function intArg(value: unknown, flag: string): number {
  const text = String(value).trim();
  if (!/^[+-]?\d+$/.test(text)) {
    throw new InputError(`flag ${flag}: "${value}" is not a whole number`);
  }
  return Number(text);
}

/** A count flag (a whole number >= 0), with a one-line error naming the flag. */
function countArg(value: unknown, flag: string): number {
  const n = intArg(value, flag);
  if (n < 0) throw new InputError(`flag ${flag}: ${n} must be a whole number >= 0`);
  return n;
}

/** A flag of two values (`--ref-yx Y X`), each parsed by `parse`. */
function pairArg(
  value: unknown,
  flag: { name: string; metavars: string; parse: (v: string, flag: string) => number },
): [number, number] | undefined {
  if (value === undefined) return undefined;
  const values = value as string[];
  if (values.length !== 2) {
    throw new InputError(`flag ${flag.name} needs 2 values: ${flag.metavars}`);
  }
  return [flag.parse(values[0]!, flag.name), flag.parse(values[1]!, flag.name)];
}

const text = (value: unknown) => value === undefined ? undefined : String(value);
const list = (value: unknown) => value as string[] | undefined;
const float = (v: string, flag: string) => numberArg(v, flag)!;

/** The step's options from the parsed flags. */
function toOptions(
  args: ParsedArgs,
  compute: ComputeOptions & { update: boolean },
): Timeseries2VelocityOptions {
  if (args._.length === 0) {
    throw new InputError(`missing argument timeseries_file (usage: ${spec.usage})`);
  }
  const { update, ...resources } = compute;
  return {
    ...resources,
    timeseriesFile: args._[0]!,
    templateFile: text(args.templateFile),
    outfile: text(args.outfile),
    refDate: text(args.refDate),
    refLalo: pairArg(args.refLalo, { name: "--ref-lalo", metavars: "LAT LON", parse: float }),
    refYx: pairArg(args.refYx, { name: "--ref-yx", metavars: "Y X", parse: intArg }),
    startDate: text(args.startDate),
    endDate: text(args.endDate),
    excludeDate: list(args.excludeDate),
    uncertaintyQuantification: args.uncertaintyQuantification as UncertaintyMethod,
    timeSeriesCovFile: text(args.timeSeriesCovFile),
    bootstrapCount: countArg(args.bootstrapCount, "--bootstrap-count"),
    seed: args.seed === undefined ? undefined : intArg(args.seed, "--seed"),
    polynomial: intArg(args.polynomial, "--polynomial"),
    periodic: list(args.periodic)?.map((v) => float(v, "--periodic")),
    stepDate: list(args.stepDate),
    polyline: list(args.polyline),
    exp: args.exp as string[][] | undefined,
    log: args.log as string[][] | undefined,
    saveRes: args.saveRes === true,
    resFile: text(args.resFile),
    rmTimefun: args.rmTimefun as Array<TimeFunctionFamily | "all"> | undefined,
    updateMode: update,
  };
}

/** The `timeseries2velocity` command. */
export const command: Command = defineCommand("timeseries2velocity", {
  summary: "fit time functions (velocity, ...) to a displacement time-series",
  cluster: "timeseries2velocity",
  spec,
  options: toOptions,
  run,
});
