/**
 * Flags of `vinsar ifgram_inversion` and their checks against the stack (MintPy 1.6.4's
 * argparse of `ifgram_inversion.py`: each flag supported or rejected with a clear error).
 * @module
 */
import { basename } from "node:path";
import { InputError, type InversionConfig, log, normalizeDate, WEIGHT_FUNCS } from "@vinsar/core";
import type { IfgramStack } from "@vinsar/hdf5";
import { type CommandSpec, commonOptions, numberArg, type OptionSpec } from "../args.ts";

const options: OptionSpec[] = [
  {
    names: ["-t", "--template"],
    dest: "templateFile",
    help: "template file (not supported: use flags)",
  },
  {
    names: ["-i", "-d", "--dset"],
    dest: "obsDatasetName",
    metavar: "DSET",
    help: "dataset to invert, e.g. unwrapPhase, unwrapPhase_bridging (default: unwrapPhase)",
  },
  {
    names: ["-m", "--water-mask"],
    dest: "waterMaskFile",
    metavar: "FILE",
    help: "skip pixels where this file's waterMask/mask dataset is 0",
  },
  {
    names: ["-o", "--output"],
    nargs: "+",
    dest: "outfile",
    metavar: "FILE",
    help: "three output names: TS_FILE TCOH_FILE NUM_INV_FILE",
  },
  {
    names: ["--ref-date"],
    dest: "refDate",
    metavar: "DATE",
    help: "accepted and ignored, as in MintPy 1.6.4 (REF_DATE is the first date)",
  },
  {
    names: ["--skip-reference", "--skip-ref"],
    nargs: 0,
    dest: "skipRef",
    help: "do not apply spatial referencing (no REF_Y/REF_X needed)",
  },
  {
    names: ["-w", "--weight-func"],
    dest: "weightFunc",
    default: "var",
    choices: WEIGHT_FUNCS,
    help: "weight from coherence: var (inverse phase variance), fim, coh, no",
  },
  {
    names: ["--min-norm-phase"],
    nargs: 0,
    dest: "minNormPhase",
    help: "minimum-norm phase instead of the default minimum-norm velocity",
  },
  {
    names: ["--calc-cov"],
    nargs: 0,
    dest: "calcCov",
    help: "time-series covariance (not supported)",
  },
  {
    names: ["--mask-dset", "--mask-dataset", "--md"],
    dest: "maskDataset",
    metavar: "DSET",
    help: "mask observations with: coherence, connectComponent, offsetSNR",
  },
  {
    names: ["--mask-thres", "--mask-threshold", "--mt"],
    dest: "maskThreshold",
    metavar: "NUM",
    default: "0.4",
    help: "threshold of --mask-dset coherence/offsetSNR",
  },
  {
    names: ["--min-redun", "--min-redundancy", "--mr"],
    dest: "minRedundancy",
    metavar: "NUM",
    default: "1.0",
    help: "minimum number of interferograms of every date",
  },
  {
    names: ["-c", "--cluster", "--cluster-type"],
    dest: "cluster",
    choices: ["lsf", "pbs", "slurm", "local"],
    help: "MintPy's dask cluster: accepted, vinsar runs locally",
  },
  { names: ["--num-worker"], dest: "numWorker", metavar: "N", help: "accepted, see --workers" },
  { names: ["--config", "--config-name"], dest: "config", help: "accepted and ignored (dask)" },
  ...commonOptions.map((o) =>
    o.dest === "maxMemory" ? { ...o, names: ["--ram", "--memory", "--max-memory"] } : o
  ),
];

/** The command's flags (MintPy's `ifgram_inversion.py` plus the common ones). */
export const spec: CommandSpec = {
  name: "ifgram_inversion",
  usage: "vinsar ifgram_inversion ifgramStackFile [options]",
  description: "Invert network of interferograms into time-series (MintPy's ifgram_inversion.py).",
  positionals: ["ifgramStackFile"],
  options,
  examples: [
    "vinsar ifgram_inversion inputs/ifgramStack.h5",
    "vinsar ifgram_inversion inputs/ifgramStack.h5 -w no",
    "vinsar ifgram_inversion inputs/ifgramStack.h5 -w coh --mask-dset coherence --mask-thres 0.4",
  ],
};

const MASK_DATASETS: readonly string[] = ["coherence", "connectComponent", "offsetSNR"];

/** Parsed and checked settings. */
export interface Settings {
  stackFile: string;
  obs: string;
  outputs: [string, string, string];
  config: InversionConfig;
  waterMask: string | null;
  skipRef: boolean;
}

/**
 * Check the flags against the stack and MintPy's rules.
 * @throws InputError naming the flag or dataset at fault.
 */
export function settingsFrom(
  args: Record<string, unknown> & { _: string[] },
  stack: IfgramStack,
): Settings {
  const stackFile = args._[0]!;
  if (args.templateFile) {
    throw new InputError("flag -t/--template is not supported: give the options as flags");
  }
  if (args.calcCov) {
    throw new InputError("flag --calc-cov is not supported (time-series covariance)");
  }
  const obs = String(args.obsDatasetName ?? "unwrapPhase");
  if (!stack.hasDataset(obs)) {
    throw new InputError(`input dataset name "${obs}" not found in file: ${stackFile}`);
  }
  if (obs.toLowerCase().includes("offset")) {
    throw new InputError(`dataset "${obs}": offset inversion is not supported (phase only)`);
  }
  let outputs: [string, string, string];
  if (args.outfile !== undefined) {
    const o = args.outfile as string[];
    if (o.length !== 3) {
      throw new InputError(`flag -o/--output needs 3 names (TS TCOH NUM_INV), got ${o.length}`);
    }
    outputs = [o[0]!, o[1]!, o[2]!];
  } else if (obs.startsWith("unwrapPhase")) {
    outputs = basename(stackFile).startsWith("ion")
      ? ["ion.h5", "temporalCoherenceIon.h5", "numInvIon.h5"]
      : ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"];
  } else {
    throw new InputError(`un-recognized input observation dataset name: ${obs} (give -o)`);
  }
  if (!obs.startsWith("unwrapPhase") && !obs.startsWith("ion")) {
    throw new InputError(`un-recognized observation dataset name: ${obs}`);
  }
  if (args.weightFunc !== "no" && !stack.hasDataset("coherence")) {
    throw new InputError(
      `flag -w ${args.weightFunc}: no coherence dataset in ${stackFile} (use -w no)`,
    );
  }
  const maskDataset = args.maskDataset === undefined ? null : String(args.maskDataset);
  if (maskDataset !== null) {
    if (!MASK_DATASETS.includes(maskDataset)) {
      throw new InputError(
        `flag --mask-dset: un-recognized mask dataset name "${maskDataset}" (choose from ${
          MASK_DATASETS.join(", ")
        })`,
      );
    }
    if (!stack.hasDataset(maskDataset)) {
      throw new InputError(`flag --mask-dset: dataset "${maskDataset}" not found in ${stackFile}`);
    }
  }
  const maskThreshold = numberArg(args.maskThreshold, "--mask-thres")!;
  const minRedundancy = numberArg(args.minRedundancy, "--min-redun")!;
  if (args.refDate !== undefined) {
    const d = normalizeDate(String(args.refDate), "flag --ref-date");
    log.warn(`--ref-date ${d} is ignored, as in MintPy 1.6.4: REF_DATE is the first date`);
  }
  if (args.cluster || args.numWorker || args.config) {
    log.info("dask options (-c/--num-worker/--config) are ignored: vinsar runs locally");
  }
  const waterMask = args.waterMaskFile ? String(args.waterMaskFile) : null;
  return {
    stackFile,
    obs,
    outputs,
    waterMask,
    skipRef: Boolean(args.skipRef),
    config: {
      obsDatasetName: obs,
      numIfgram: stack.keep.length,
      weightFunc: String(args.weightFunc),
      maskDataset,
      maskThreshold,
      minRedundancy,
      minNormVelocity: !args.minNormPhase,
    },
  };
}
