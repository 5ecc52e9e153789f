/**
 * `vinsar ifgram_inversion`: MintPy 1.6.4's `ifgram_inversion.py` (same flags, files and
 * numbers) with the batched sparse-Cholesky network inversion. Each MintPy flag is
 * supported or rejected with a clear error; the step is `@vinsar/steps/ifgram-inversion`.
 * @module
 */
import { type MaskDataset, normalizeDate, WEIGHT_FUNCS, type WeightFunc } from "@vinsar/core";
import {
  type IfgramInversionOptions,
  prestartInversionWorkers,
  run,
} from "@vinsar/steps/ifgram-inversion";
import { commonOptions, numberArg, type OptionSpec } from "../args.ts";
import { type Command, defineCommand } from "../command.ts";

const flag = (
  names: string[],
  dest: string,
  help: string,
  more: Partial<OptionSpec> = {},
): OptionSpec => ({ names, dest, help, ...more });

const options: OptionSpec[] = [
  flag(
    ["-t", "--template"],
    "templateFile",
    "MintPy template (smallbaselineApp.cfg): mintpy.networkInversion.*, mintpy.compute.* " +
      "keys; a flag given wins",
    { metavar: "FILE" },
  ),
  flag(
    ["-i", "-d", "--dset"],
    "obsDatasetName",
    "dataset to invert, e.g. unwrapPhase, unwrapPhase_bridging (default: unwrapPhase)",
    { metavar: "DSET" },
  ),
  flag(
    ["-m", "--water-mask"],
    "waterMaskFile",
    "skip pixels where this file's waterMask/mask dataset is 0",
    { metavar: "FILE" },
  ),
  flag(["-o", "--output"], "outfile", "three output names: TS_FILE TCOH_FILE NUM_INV_FILE", {
    nargs: 3,
    metavar: "FILE",
  }),
  flag(
    ["--ref-date"],
    "refDate",
    "accepted and ignored, as in MintPy 1.6.4 (REF_DATE is the first date)",
    { metavar: "DATE" },
  ),
  flag(
    ["--skip-reference", "--skip-ref"],
    "skipRef",
    "do not apply spatial referencing (no REF_Y/REF_X needed)",
    { nargs: 0 },
  ),
  flag(
    ["-w", "--weight-func"],
    "weightFunc",
    "weight from coherence: var (inverse phase variance), fim, coh, no (default: var)",
    { choices: WEIGHT_FUNCS },
  ),
  flag(
    ["--min-norm-phase"],
    "minNormPhase",
    "minimum-norm phase instead of the default minimum-norm velocity",
    { nargs: 0 },
  ),
  flag(
    ["--calc-cov"],
    "calcCov",
    "also write the time-series covariance timeseriesDecorCov.h5 (REF_DATE from the " +
      "smallbaselineApp.cfg two folders above the stack)",
    { nargs: 0 },
  ),
  flag(
    ["--mask-dset", "--mask-dataset", "--md"],
    "maskDataset",
    "mask observations with: coherence, connectComponent, offsetSNR, *OffsetStd",
    { metavar: "DSET" },
  ),
  flag(
    ["--mask-thres", "--mask-threshold", "--mt"],
    "maskThreshold",
    "threshold of --mask-dset coherence/offsetSNR/*OffsetStd (default: 0.4)",
    { metavar: "NUM" },
  ),
  flag(
    ["--min-redun", "--min-redundancy", "--mr"],
    "minRedundancy",
    "minimum number of interferograms of every date (default: 1.0)",
    { metavar: "NUM" },
  ),
  // MintPy's --ram, spelled as the common --max-memory/--memory too.
  {
    ...commonOptions.find((o) => o.dest === "maxMemory")!,
    names: ["--ram", "--memory", "--max-memory"],
    // --ram and --memory are MintPy's own here: `--r` is ambiguous with --ref-date, as in MintPy.
    addition: false,
  },
];

/** The command. */
export const command: Command = defineCommand<IfgramInversionOptions>("ifgram_inversion", {
  summary: "invert an interferogram stack into a displacement time-series",
  cluster: "ifgram_inversion",
  spec: {
    name: "ifgram_inversion",
    usage: "vinsar ifgram_inversion ifgramStackFile [options]",
    description:
      "Invert network of interferograms into time-series (MintPy's ifgram_inversion.py).",
    positionals: ["ifgramStackFile"],
    options,
    examples: [
      "vinsar ifgram_inversion inputs/ifgramStack.h5",
      "vinsar ifgram_inversion inputs/ifgramStack.h5 -w no",
      "vinsar ifgram_inversion inputs/ifgramStack.h5 -w coh --mask-dset coherence --mask-thres 0.4",
    ],
  },
  // The worker threads of a large stack start while the run checks and plans.
  prestart: prestartInversionWorkers,
  // Only the flags given become options: the step fills the others from the template (-t),
  // then from MintPy's defaults, so a flag given always wins over a template key.
  options(args, compute) {
    // Exactly three (nargs 3, as MintPy's argparse): the stack file may follow them.
    const outfile = args.outfile as string[] | undefined;
    const maskThreshold = numberArg(args.maskThreshold, "--mask-thres");
    const minRedundancy = numberArg(args.minRedundancy, "--min-redun");
    if (args.refDate !== undefined) {
      const date = normalizeDate(String(args.refDate), "flag --ref-date");
      compute.reporter!.warn(
        `--ref-date ${date} is ignored, as in MintPy 1.6.4: REF_DATE is the first date`,
      );
    }
    const { update, ...computeOptions } = compute;
    return {
      ...computeOptions,
      stackFile: args._[0]!,
      obsDatasetName: args.obsDatasetName === undefined ? undefined : String(args.obsDatasetName),
      waterMaskFile: args.waterMaskFile ? String(args.waterMaskFile) : undefined,
      outfile: outfile as [string, string, string] | undefined,
      skipRef: args.skipRef === true,
      weightFunc: args.weightFunc === undefined ? undefined : args.weightFunc as WeightFunc,
      minNormVelocity: args.minNormPhase ? false : undefined,
      maskDataset: args.maskDataset === undefined
        ? undefined
        : String(args.maskDataset) as MaskDataset,
      maskThreshold,
      minRedundancy,
      updateMode: update,
      templateFile: args.templateFile === undefined ? undefined : String(args.templateFile),
      calcCov: args.calcCov === true,
    };
  },
  run,
});
