/**
 * The options and result of the network inversion (MintPy's names for MintPy's meanings),
 * and their checks against the interferogram stack.
 * @module
 */
import { basename } from "node:path";
import {
  type CovarianceCounts,
  InputError,
  type InversionConfig,
  type InversionCounts,
  type InversionQuality,
  type InversionTiming,
  isOffsetDataset,
  isOffsetStdMask,
  type MaskDataset,
  type WeightFunc,
} from "@vinsar/core";
import type { IfgramStack } from "@vinsar/hdf5";
import type { ComputeOptions } from "../pipeline/context.ts";
import type { TileScope } from "../pipeline/units.ts";

/**
 * Options of the network inversion: MintPy 1.6.4's `ifgram_inversion.py` settings, plus
 * the compute options (memory budget, backend, workers, reporter).
 *
 * @example
 * ```ts
 * const options: IfgramInversionOptions = {
 *   stackFile: "inputs/ifgramStack.h5",
 *   weightFunc: "coh",
 *   maskDataset: "coherence",
 *   maskThreshold: 0.4,
 * };
 * ```
 */
export interface IfgramInversionOptions extends ComputeOptions {
  /** The interferogram stack (`inputs/ifgramStack.h5`). */
  stackFile: string;
  /**
   * A cluster task's share (`vinsar tile run`): only these rows, written to part files;
   * `--update` does not apply.
   */
  tile?: TileScope;
  /**
   * The reference pixel's value per kept interferogram, as a cluster plan read it once for
   * every task (default: read from the stack at REF_Y/REF_X).
   */
  referencePhase?: readonly number[];
  /**
   * Dataset to invert (`-i`), e.g. "unwrapPhase_bridging", or the offsets "azimuthOffset",
   * "rangeOffset" (weighted by their `*Std` dataset, residual as quality output, metres);
   * default "unwrapPhase".
   */
  obsDatasetName?: string;
  /** Skip pixels where this file's waterMask/mask dataset is 0 (`-m`); absent file: ignored. */
  waterMaskFile?: string;
  /**
   * The three outputs (`-o`): time-series, quality (temporal coherence; `residual` when
   * the name contains "residual"), number of inverted interferograms; default
   * `timeseries.h5 temporalCoherence.h5 numInvIfgram.h5` (the `ion` names for an `ion*`
   * stack, `timeseriesAz.h5 residualInvAz.h5 numInvOffAz.h5` for `azimuthOffset*`, the `Rg`
   * names for `rangeOffset*`).
   */
  outfile?: readonly [string, string, string];
  /**
   * No spatial referencing: no REF_Y/REF_X needed (`--skip-ref`); implied for offsets when
   * the stack has neither REF_Y nor REF_X.
   */
  skipRef?: boolean;
  /**
   * Weight (`-w`): var (default), fim, coh, no. Offsets: var weighs by `1 / *OffsetStd`,
   * the others leave them unweighted (as MintPy).
   */
  weightFunc?: WeightFunc;
  /** Minimum-norm deformation velocity (default true); false: minimum-norm phase. */
  minNormVelocity?: boolean;
  /**
   * Mask observations with this dataset (`--mask-dset`): coherence, connectComponent,
   * offsetSNR or an `*OffsetStd` dataset; default none.
   */
  maskDataset?: MaskDataset | null;
  /**
   * Threshold of a coherence/offsetSNR (minimum) or `*OffsetStd` (maximum) `maskDataset`
   * (`--mask-thres`); default 0.4.
   */
  maskThreshold?: number;
  /** Minimum number of interferograms of every date (`--min-redun`); default 1.0. */
  minRedundancy?: number;
  /** Skip when the outputs are newer than the stack with the same settings (`--update`). */
  updateMode?: boolean;
  /**
   * MintPy's template file (`-t`, e.g. `smallbaselineApp.cfg`): its
   * `mintpy.networkInversion.*` and `mintpy.compute.*` keys (and `mintpy.unwrapError.method`
   * for the dataset) fill the options left undefined here, so what a caller sets (the CLI:
   * the flags given) wins over the template.
   */
  templateFile?: string;
  /**
   * Also write the time-series covariance (`--calc-cov`): `timeseriesDecorCov.h5` beside the
   * time-series file, referenced to `mintpy.reference.date` of the `smallbaselineApp.cfg` two
   * folders above the stack.
   */
  calcCov?: boolean;
}

/** Milliseconds the inversion spent. */
export interface InversionRunTiming {
  total: number;
  read: number;
  write: number;
  /** Inverting, summed over threads. */
  invert: number;
  /** Inverting, by stage, summed over threads. */
  stages: InversionTiming;
}

/** What one inversion did. */
export interface InversionStats {
  /** Kept interferograms K, dates N, image rows and columns. */
  numIfgram: number;
  numDate: number;
  length: number;
  width: number;
  /** Row blocks and rows per block. */
  blocks: number;
  rowsPerBlock: number;
  /** Threads inverting, the executor ("in-process", "N workers") and the backend. */
  threads: number;
  executor: string;
  backend: string;
  /**
   * Pixels by path (masked, below minimum redundancy, sparse Cholesky, disconnected network by
   * connected components: `svd`).
   */
  counts: InversionCounts;
  timing: InversionRunTiming;
  /** With `calcCov`: the covariance's pixels by path and milliseconds (summed over threads). */
  covariance?: { counts: CovarianceCounts; ms: number };
}

/**
 * What {@link IfgramInversionOptions} produced.
 *
 * @example
 * ```ts
 * const result: IfgramInversionResult = {
 *   outfile: ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"],
 *   skipped: true,
 *   stats: null,
 * };
 * ```
 */
export interface IfgramInversionResult {
  /** The three outputs written (or found up to date). */
  outfile: [string, string, string];
  /** True when `updateMode` found the outputs up to date: nothing was computed. */
  skipped: boolean;
  /** What the inversion did; null when skipped. */
  stats: InversionStats | null;
  /** With `calcCov`: the covariance file (`timeseriesDecorCov.h5`). */
  covFile?: string;
}

/** The options checked against the stack. */
export interface ResolvedOptions {
  stackFile: string;
  obs: string;
  outfile: [string, string, string];
  config: InversionConfig;
  waterMaskFile: string | null;
  skipRef: boolean;
  /** Why referencing is skipped: the flag, or an offset stack without REF_Y/REF_X. */
  skipRefReason: "flag" | "offset" | null;
  /** The observations are offsets (a dataset name containing "offset"). */
  offset: boolean;
  /** What the inversion computes as quality: temporal coherence (phase) or residual (offsets). */
  quality: InversionQuality;
  /**
   * The quality file's dataset name, FILE_TYPE and UNIT (MintPy decides it by the file
   * name: `residual` when it contains "residual", else `temporalCoherence`).
   */
  qualityName: InversionQuality;
  /** The dataset the weights come from (coherence, `<obs>Std`), null when unweighted. */
  weightDataset: string | null;
}

const MASK_DATASETS: readonly string[] = ["coherence", "connectComponent", "offsetSNR"];

/**
 * Check the options against the stack and MintPy's rules.
 * @throws InputError naming the flag or dataset at fault; RangeError for an `outfile` that
 *   is not 3 paths.
 */
export function resolveOptions(
  options: IfgramInversionOptions,
  stack: IfgramStack,
): ResolvedOptions {
  const stackFile = options.stackFile;
  const obs = options.obsDatasetName ?? "unwrapPhase";
  if (!stack.hasDataset(obs)) {
    throw new InputError(`input dataset name "${obs}" not found in file: ${stackFile}`);
  }
  const offset = isOffsetDataset(obs);
  let outfile: [string, string, string];
  if (options.outfile !== undefined) {
    const names = options.outfile;
    if (names.length !== 3) {
      throw new RangeError(`outfile: 3 paths expected (TS TCOH NUM_INV), got ${names.length}`);
    }
    outfile = [names[0], names[1], names[2]];
  } else if (obs.startsWith("unwrapPhase")) {
    outfile = basename(stackFile).startsWith("ion")
      ? ["ion.h5", "temporalCoherenceIon.h5", "numInvIon.h5"]
      : ["timeseries.h5", "temporalCoherence.h5", "numInvIfgram.h5"];
  } else if (obs.startsWith("azimuthOffset")) {
    outfile = ["timeseriesAz.h5", "residualInvAz.h5", "numInvOffAz.h5"];
  } else if (obs.startsWith("rangeOffset")) {
    outfile = ["timeseriesRg.h5", "residualInvRg.h5", "numInvOffRg.h5"];
  } else {
    throw new InputError(`un-recognized input observation dataset name: ${obs} (give -o)`);
  }
  if (!obs.startsWith("unwrapPhase") && !obs.startsWith("ion") && !offset) {
    throw new InputError(`un-recognized observation dataset name: ${obs}`);
  }
  const weightFunc = options.weightFunc ?? "var";
  let weightDataset: string | null = null;
  if (offset) {
    // MintPy weighs offsets by their Std with var only; fim/coh/no leave them unweighted,
    // and its covariance of offsets stops on fim and coh.
    if (options.calcCov && (weightFunc === "fim" || weightFunc === "coh")) {
      throw new InputError(
        `flag --calc-cov: un-supported weight function ${weightFunc} for offsets (use -w var or no)`,
      );
    }
    if (weightFunc === "var") {
      weightDataset = `${obs}Std`;
      if (!stack.hasDataset(weightDataset)) {
        throw new InputError(
          `flag -w var: no ${weightDataset} dataset in ${stackFile} (use -w no)`,
        );
      }
    }
  } else if (weightFunc !== "no") {
    weightDataset = "coherence";
    if (!stack.hasDataset("coherence")) {
      throw new InputError(
        `flag -w ${weightFunc}: no coherence dataset in ${stackFile} (use -w no)`,
      );
    }
  }
  const maskDataset = options.maskDataset ?? null;
  if (maskDataset !== null) {
    if (!MASK_DATASETS.includes(maskDataset) && !isOffsetStdMask(maskDataset)) {
      throw new InputError(
        `flag --mask-dset: un-recognized mask dataset name "${maskDataset}" (choose from ${
          MASK_DATASETS.join(", ")
        }, or an *OffsetStd dataset)`,
      );
    }
    if (!stack.hasDataset(maskDataset)) {
      throw new InputError(`flag --mask-dset: dataset "${maskDataset}" not found in ${stackFile}`);
    }
  }
  if (stack.keep.length === 0) {
    throw new InputError(`${stackFile}: every interferogram is dropped`);
  }
  // MintPy skips the referencing of an offset stack that has neither REF_Y nor REF_X.
  const attrs = stack.attrs;
  const skipRefReason = options.skipRef
    ? "flag"
    : offset && attrs.REF_Y === undefined && attrs.REF_X === undefined
    ? "offset"
    : null;
  return {
    stackFile,
    obs,
    outfile,
    waterMaskFile: options.waterMaskFile || null,
    skipRef: skipRefReason !== null,
    skipRefReason,
    offset,
    quality: offset ? "residual" : "temporalCoherence",
    qualityName: basename(outfile[1]).toLowerCase().includes("residual")
      ? "residual"
      : "temporalCoherence",
    weightDataset,
    config: {
      obsDatasetName: obs,
      numIfgram: stack.keep.length,
      weightFunc,
      maskDataset,
      maskThreshold: options.maskThreshold ?? 0.4,
      minRedundancy: options.minRedundancy ?? 1.0,
      minNormVelocity: options.minNormVelocity ?? true,
    },
  };
}
