/**
 * Attributes of the network-inversion outputs, as MintPy writes them: the input stack's
 * attributes, the `mintpy.networkInversion.*` configuration printed with Python's `str()`,
 * and each file's own FILE_TYPE / UNIT / REF_DATE.
 * @module
 */
import { pyFloat } from "./py_format.ts";

/** The configuration MintPy records as `mintpy.networkInversion.<key>`. */
export interface InversionConfig {
  obsDatasetName: string;
  numIfgram: number;
  weightFunc: string;
  /** null prints as `None`. */
  maskDataset: string | null;
  maskThreshold: number;
  minRedundancy: number;
  minNormVelocity: boolean;
}

/** The `mintpy.networkInversion.*` attributes of a configuration. */
export function inversionConfigAttrs(cfg: InversionConfig): Record<string, string> {
  const p = "mintpy.networkInversion.";
  return {
    [`${p}obsDatasetName`]: cfg.obsDatasetName,
    [`${p}numIfgram`]: String(cfg.numIfgram),
    [`${p}weightFunc`]: cfg.weightFunc,
    [`${p}maskDataset`]: cfg.maskDataset ?? "None",
    [`${p}maskThreshold`]: pyFloat(cfg.maskThreshold),
    [`${p}minRedundancy`]: pyFloat(cfg.minRedundancy),
    [`${p}minNormVelocity`]: cfg.minNormVelocity ? "True" : "False",
  };
}

/** Root attributes of the three outputs of the network inversion. */
export interface InversionAttrs {
  timeseries: Record<string, string>;
  quality: Record<string, string>;
  numInv: Record<string, string>;
}

/**
 * Attributes of `timeseries.h5`, `temporalCoherence.h5` and `numInvIfgram.h5`.
 * @param stackAttrs The stack's root attributes, with START_DATE / END_DATE over all of
 *   its interferograms (as MintPy's ifgramStack metadata).
 * @param firstDate The first date of the kept network (REF_DATE of the time-series).
 * @param qualityName `temporalCoherence` (phase) or `residual` (offsets).
 */
export function inversionAttrs(
  stackAttrs: Record<string, string>,
  cfg: InversionConfig,
  firstDate: string,
  qualityName = "temporalCoherence",
): InversionAttrs {
  const meta = { ...stackAttrs, ...inversionConfigAttrs(cfg) };
  const timeseries = { ...meta, FILE_TYPE: "timeseries", UNIT: "m", REF_DATE: firstDate };
  const quality: Record<string, string> = {
    ...meta,
    FILE_TYPE: qualityName,
    UNIT: qualityName === "residual" ? "pixel" : "1",
  };
  delete quality.REF_DATE;
  const numInv: Record<string, string> = { ...quality, FILE_TYPE: "mask", UNIT: "1" };
  delete numInv.NO_DATA_VALUE;
  return { timeseries, quality, numInv };
}
