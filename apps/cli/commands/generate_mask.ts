/**
 * `vinsar generate_mask`: MintPy 1.6.4's `generate_mask.py` without its interactive parts,
 * e.g. `generate_mask temporalCoherence.h5 -m 0.7 -o maskTempCoh.h5`; see
 * `@vinsar/steps/generate-mask`.
 * @module
 */
import { InputError } from "@vinsar/core";
import * as step from "@vinsar/steps/generate-mask";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec, type ParsedArgs } from "../args.ts";

/** An option: names, dest, help, and the rest of its spec. */
function option(
  names: string[],
  dest: string,
  help: string,
  more: Partial<OptionSpec> = {},
): OptionSpec {
  return { names, dest, help, ...more };
}

const spec: CommandSpec = {
  name: "generate_mask",
  usage: "vinsar generate_mask FILE [DSET] [-m MIN] [-M MAX] [-o OUTFILE] [options]",
  description: "Generate a mask file from an input file (MintPy's generate_mask.py).",
  positionals: ["file", "dset?"],
  options: [
    option(["-o", "--output"], "outfile", "output file name"),
    option(["--keep-nan"], "keepNan", "do not exclude NaN pixels", { nargs: 0 }),
    option(["--revert"], "revert", "revert 0 and 1 of the output mask", { nargs: 0 }),
    option(["-m", "--min"], "vmin", "minimum value for selected pixels"),
    option(["-M", "--max"], "vmax", "maximum value for selected pixels"),
    option(
      ["-p", "--mp", "--minpixels"],
      "minpixels",
      "remove 4-connected pixel clusters smaller than this",
    ),
    option(["--vx"], "vSubsetX", "AOI in x for thresholds", { nargs: "+", metavar: "XMIN XMAX" }),
    option(["--vy"], "vSubsetY", "AOI in y for thresholds", { nargs: "+", metavar: "YMIN YMAX" }),
    option(["--vstd"], "vstd", "keep pixels with |velocity| > vstd-num * velocityStd", {
      nargs: 0,
    }),
    option(["--vstd-num"], "vstdNum", "multiple of velocityStd", { default: "2" }),
    option(["-x", "--sub-x"], "subsetX", "keep x in range", { nargs: "+", metavar: "XMIN XMAX" }),
    option(["-y", "--sub-y"], "subsetY", "keep y in range", { nargs: "+", metavar: "YMIN YMAX" }),
    option(["--ex-circle"], "exCircle", "exclude a circle", { nargs: "+", metavar: "X Y RADIUS" }),
    option(["--in-circle"], "inCircle", "keep only a circle", {
      nargs: "+",
      metavar: "X Y RADIUS",
    }),
    option(["--base"], "baseFile", "exclude pixels where this file equals --base-value"),
    option(["--base-dset", "--base-dataset"], "baseDataset", "dataset of --base"),
    option(["--base-value"], "baseValue", "value of --base to exclude", { default: "0" }),
    option(["--nonzero"], "nonzero", "select non-zero pixels (all kept ifgrams of a stack)", {
      nargs: 0,
    }),
    option(["--roipoly"], "roipoly", "interactive selection (not supported)", { nargs: 0 }),
    option(["--vroipoly"], "vroipoly", "interactive selection (not supported)", { nargs: 0 }),
    option(["--view-cmd"], "viewCmd", "for --roipoly (not supported)"),
  ],
  examples: [
    "vinsar generate_mask temporalCoherence.h5 -m 0.7 -o maskTempCoh.h5",
    "vinsar generate_mask inputs/ifgramStack.h5 --nonzero -o maskConnComp.h5",
    "vinsar generate_mask velocity.h5 --vstd --vstd-num 3",
  ],
};

/** Integer pairs/triples of a flag, checked. */
function ints<T extends number[]>(
  args: ParsedArgs,
  key: string,
  flag: string,
  n: T["length"],
): T | undefined {
  const v = args[key] as string[] | undefined;
  if (v === undefined) return undefined;
  const out = v.map((x) => numberArg(x, flag)!);
  if (out.length !== n || !out.every(Number.isInteger)) {
    throw new InputError(`flag ${flag}: expected ${n} integers`);
  }
  return out as T;
}

type Pair = [number, number];

/** The `generate_mask` command. */
export const command: Command = defineCommand("generate_mask", {
  summary: "threshold a file into a mask (e.g. maskTempCoh.h5)",
  spec,
  options: (args, { update, ...compute }): step.GenerateMaskOptions => {
    if (args.roipoly || args.vroipoly || args.viewCmd) {
      throw new InputError("flag --roipoly/--vroipoly: interactive selection is not supported");
    }
    return {
      file: args._[0]!,
      dset: args._[1],
      outfile: args.outfile as string | undefined,
      keepNan: args.keepNan === true,
      revert: args.revert === true,
      vmin: numberArg(args.vmin, "-m/--min"),
      vmax: numberArg(args.vmax, "-M/--max"),
      minPixels: numberArg(args.minpixels, "-p/--minpixels"),
      vSubsetX: ints<Pair>(args, "vSubsetX", "--vx", 2),
      vSubsetY: ints<Pair>(args, "vSubsetY", "--vy", 2),
      subsetX: ints<Pair>(args, "subsetX", "-x/--sub-x", 2),
      subsetY: ints<Pair>(args, "subsetY", "-y/--sub-y", 2),
      exCircle: ints<[number, number, number]>(args, "exCircle", "--ex-circle", 3),
      inCircle: ints<[number, number, number]>(args, "inCircle", "--in-circle", 3),
      vstd: args.vstd === true,
      vstdNum: numberArg(args.vstdNum, "--vstd-num")!,
      baseFile: args.baseFile === undefined ? undefined : String(args.baseFile),
      baseDataset: args.baseDataset as string | undefined,
      baseValue: numberArg(args.baseValue, "--base-value")!,
      nonzero: args.nonzero === true,
      updateMode: update,
      ...compute,
    };
  },
  run: step.run,
});
