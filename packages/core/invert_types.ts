/**
 * The types of the network inversion (`NetworkInverter`): its settings, one block of
 * pixels in and out, and what it counts and times.
 * @module
 */
import type { InversionQuality } from "./inversion_residual.ts";
import type { ObservationWeights } from "./weights.ts";

/**
 * Datasets MintPy can mask observations with (`--mask-dset`): coherence, connected
 * components, offset SNR, or an offset Std (`azimuthOffsetStd`, `rangeOffsetStd`; masked by
 * `maskByOffsetStd` before the inversion, which needs a median over MintPy's patch).
 */
export type MaskDataset = "coherence" | "connectComponent" | "offsetSNR" | `${string}OffsetStd`;

/** Settings of one inversion run. */
export interface InversionSettings {
  /**
   * Weights (`-w`) from coherence (`CoherenceWeights`) or from the offset Std
   * (`OffsetStdWeights`); `weights.unweighted` for `-w no`.
   */
  weights: ObservationWeights;
  /** Minimum-norm velocity (default) rather than minimum-norm phase (`--min-norm-phase`). */
  minNormVelocity: boolean;
  /** Every date (but the reference date) needs this many valid interferograms. */
  minRedundancy: number;
  /** Observation mask dataset and threshold (`--mask-dset`, `--mask-thres`). */
  maskDataset: MaskDataset | null;
  maskThreshold: number;
  /** Zero phase means no data (true for phase datasets). */
  zeroIsNoData: boolean;
  /**
   * Metres per unit of observation: `-WAVELENGTH / (4 pi)` for phase, the offset pixel size
   * for offsets (`offsetUnit`), 1 to keep the observation's unit.
   */
  phaseToRange: number;
  /**
   * The quality output: `temporalCoherence` (default; 0 where not inverted) or `residual`
   * (offsets: the norm of the unweighted residual, NaN where not inverted).
   */
  quality?: InversionQuality;
  /** Relative singular-value cut-off of the dense path (MintPy: 1e-5). */
  rcond?: number;
  /** Pixels per batched solve (default 128). */
  lanes?: number;
}

/** One block of P pixels; per-interferogram arrays are K x P, pixel-fastest (HDF5 order). */
export interface InversionBlock {
  /** Number of pixels P. */
  pixels: number;
  /** Observations (radians), K x P; modified in place (referenced, NaN where no data). */
  phase: Float32Array;
  /** Phase of each interferogram at the reference pixel (zeros with `--skip-ref`), K. */
  refPhase: Float32Array;
  /** What the weights are computed from (coherence, or the offset Std), K x P, needed unless unweighted. */
  coherence?: Float32Array;
  /** The mask dataset, K x P, when `maskDataset` is set. */
  maskData?: Float32Array;
  /** Pixels to invert (0: skip, e.g. water or zero average coherence), P. */
  pixelMask?: Uint8Array;
}

/** Outputs of one block, in the layout of MintPy's files. */
export interface InversionResult {
  /** Displacement time-series (m), N x P, first date 0. */
  ts: Float32Array;
  /** Temporal coherence, or with quality `residual` the residual norm (NaN: not inverted), P. */
  temporalCoherence: Float32Array;
  /** Number of observations used, P (0 for skipped pixels). */
  numInvObs: Float32Array;
}

/** How many pixels took each path. */
export interface InversionCounts {
  pixels: number;
  /** Skipped: masked out, or no valid observation. */
  skipped: number;
  /** Failed the minimum-redundancy check (outputs 0). */
  redundancy: number;
  /** Solved by the batched sparse Cholesky. */
  cholesky: number;
  /**
   * Valid network disconnected: minimum-norm solution, solved per connected component in
   * the batched sparse Cholesky (the dense path only if that fails).
   */
  svd: number;
  /** Connected, but the Cholesky failed numerically; solved by the dense path. */
  choleskyFallback: number;
}

/** Milliseconds spent in each stage. */
export interface InversionTiming {
  prepare: number;
  gather: number;
  solve: number;
  coherence: number;
  /** Minimum-norm projection of disconnected pixels, and the dense fallback. */
  dense: number;
}

/** Counts of no pixels, to add blocks' counts into. */
export function zeroInversionCounts(): InversionCounts {
  return { pixels: 0, skipped: 0, redundancy: 0, cholesky: 0, svd: 0, choleskyFallback: 0 };
}

/** Timings of nothing yet, to add blocks' timings into. */
export function zeroInversionTiming(): InversionTiming {
  return { prepare: 0, gather: 0, solve: 0, coherence: 0, dense: 0 };
}
