/**
 * `vinsar timeseries_rms`: MintPy 1.6.4's `timeseries_rms.py` (the step is
 * `@vinsar/steps/timeseries-rms`): the RMS per date of a (deramped) residual time-series, the
 * reference date (minimum RMS), the outlier dates and the RMS chart.
 * @module
 */
import { InputError, RAMP_TYPES, type RampType } from "@vinsar/core";
import * as timeseriesRms from "@vinsar/steps/timeseries-rms";
import { defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type ParsedArgs } from "../args.ts";

const spec: CommandSpec = {
  name: "timeseries_rms",
  usage: "vinsar timeseries_rms TIMESERIES_FILE [-m MASK] [-r RAMP] [--cutoff N] [options]",
  description:
    "Calculate Root Mean Square (RMS) of deramped residual phase time-series (MintPy's " +
    "timeseries_rms.py):\nthe reference date (minimum RMS) and outlier dates " +
    "(RMS > cutoff * median RMS / 0.67449).",
  positionals: ["timeseries_file"],
  options: [
    {
      names: ["-t", "--template"],
      dest: "templateFile",
      help: "template file with mintpy.residualRMS.* options",
    },
    {
      names: ["-m", "--mask"],
      dest: "maskFile",
      default: "maskTempCoh.h5",
      help: "mask file for estimation (whole area when absent)",
    },
    {
      names: ["-r", "--ramp", "--deramp"],
      dest: "deramp",
      default: "quadratic",
      help: `ramp removed before the RMS: ${RAMP_TYPES.join(", ")}, or no`,
    },
    {
      names: ["--cutoff"],
      default: "3",
      help: "M-score for outlier detection with the median absolute deviation",
    },
    {
      names: ["--figsize"],
      nargs: "+",
      dest: "figSize",
      metavar: "WID LEN",
      help: "chart size in inches (default 5 3, wider beyond 120 dates)",
    },
    {
      names: ["--tick-year-num"],
      dest: "tickYearNum",
      default: "1",
      help: "years per major tick of the chart",
    },
  ],
  examples: [
    "vinsar timeseries_rms timeseriesResidual.h5",
    "vinsar timeseries_rms timeseriesResidual.h5 -m maskTempCoh.h5 --cutoff 3",
    "vinsar timeseries_rms timeseriesResidual.h5 -r no",
  ],
};

/** `--figsize WID LEN`: two positive numbers, or null when absent. */
function figSizeArg(value: unknown): [number, number] | null {
  if (value === undefined) return null;
  const v = (value as string[]).map((x) => numberArg(x, "--figsize")!);
  if (v.length !== 2 || !(v[0]! > 0 && v[1]! > 0)) {
    throw new InputError(`flag --figsize: expected two positive numbers (width and length)`);
  }
  return [v[0]!, v[1]!];
}

/** `--tick-year-num`: a positive integer. */
function tickYearNumArg(value: unknown): number {
  const n = numberArg(value, "--tick-year-num")!;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new InputError(`flag --tick-year-num: "${value}" is not a positive integer`);
  }
  return n;
}

/** The `timeseries_rms` command. */
export const command = defineCommand<timeseriesRms.TimeseriesRmsOptions>("timeseries_rms", {
  summary: "residual RMS per date, reference date and outlier dates",
  cluster: "timeseries_rms",
  spec,
  options: (args: ParsedArgs, compute) => {
    // Parsed before the step runs so a flag's syntax error comes first (the step checks the
    // ramp name, and the template's values, which override these).
    const cutoff = numberArg(args.cutoff, "--cutoff")!;
    return {
      ...compute,
      timeseriesFile: args._[0]!,
      templateFile: args.templateFile === undefined ? undefined : String(args.templateFile),
      maskFile: String(args.maskFile),
      deramp: String(args.deramp) as RampType | "no",
      cutoff,
      figSize: figSizeArg(args.figSize),
      tickYearNum: tickYearNumArg(args.tickYearNum),
      updateMode: compute.update,
    };
  },
  run: timeseriesRms.run,
});
