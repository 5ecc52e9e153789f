/**
 * The network inversion of one row block as a pipeline kernel: the same code inverts a
 * block in the main thread or in a worker of the pool. A block travels with its buffers
 * (inputs and outputs), transferred to a worker and back, so no block allocates fresh
 * memory; the result carries that block's counts and timings, summed by the caller.
 * @module
 */
import {
  buildNetwork,
  CoherenceWeights,
  type CovarianceCounts,
  type InversionCounts,
  type InversionQuality,
  type InversionTiming,
  type MaskDataset,
  NetworkCovariance,
  NetworkInverter,
  observationVariance,
  OffsetStdWeights,
  type Solver,
} from "@vinsar/core";
import type { Kernel } from "../pipeline/kernel.ts";

/** Everything a worker needs to build the same inverter (plain, structured-clonable data). */
export interface InverterSpec {
  /** Date pairs of the kept interferograms, K. */
  date12: Array<[string, string]>;
  /** MintPy's `-w`: "var", "fim", "coh" or "no" (the weights actually applied). */
  weightFunc: string;
  /** Independent looks of the coherence (1 for "no"). */
  looks: number;
  /**
   * What the weight buffer holds: coherence (default) or the offset Std (weights
   * `1 / Std`, offsets with `-w var`).
   */
  weightBy?: "coherence" | "offsetStd";
  /** Quality output: temporal coherence (default) or residual (offsets). */
  quality?: InversionQuality;
  minNormVelocity: boolean;
  minRedundancy: number;
  maskDataset: MaskDataset | null;
  maskThreshold: number;
  /** Zero phase means no data (phase datasets). */
  zeroIsNoData: boolean;
  /** Metres per unit of observation: `-WAVELENGTH / (4 pi)`, or an offset pixel size. */
  phaseToRange: number;
  /** Backend name every worker creates its solver with. */
  backend: string;
  /** Pixels per batched solve (default 128). */
  lanes?: number;
  /** `--calc-cov`: each block's time-series covariance too, into its `cov` buffer. */
  covariance?: CovarianceSpec;
}

/** What the kernel needs for the time-series covariance (`--calc-cov`). */
export interface CovarianceSpec {
  /** Index of the covariance's reference date among the network's dates. */
  refIndex: number;
  /** Factor of every entry: (metres per unit of observation)². */
  scale: number;
  /**
   * What the weight buffer holds, read whatever `-w` is: coherence (the variance of the `var`
   * weight with `looks`) or the offset Std.
   */
  varianceBy: "coherence" | "offsetStd";
  /** Independent looks of the coherence. */
  looks: number;
}

/**
 * The buffers of one block in flight, sized for the largest block: inputs K x P
 * (interferogram-major, pixel-fastest) and outputs N x P, P, P.
 */
export interface BlockBuffers {
  phase: Float32Array;
  coherence?: Float32Array;
  maskData?: Float32Array;
  ts: Float32Array;
  temporalCoherence: Float32Array;
  numInvObs: Float32Array;
  /** The time-series covariance, N x N x P (`--calc-cov`). */
  cov?: Float32Array;
}

/** One block to invert: its pixel count P, the reference phase (K) and its filled buffers. */
export interface InversionTask {
  pixels: number;
  refPhase: Float32Array;
  /** Pixels to invert (0: skip), P; undefined: all. */
  pixelMask?: Uint8Array;
  buffers: BlockBuffers;
}

/** A finished block: its buffers (outputs filled), and what inverting it took. */
export interface InversionTaskResult {
  pixels: number;
  buffers: BlockBuffers;
  /** This block's pixels by path. */
  counts: InversionCounts;
  /** This block's milliseconds by stage. */
  timing: InversionTiming;
  /** Milliseconds inverting this block. */
  ms: number;
  /** With `--calc-cov`: this block's covariance pixels by path, and its milliseconds. */
  covariance?: { counts: CovarianceCounts; ms: number };
}

/** The inversion kernel, with its inverter (the main thread logs its Cholesky plan). */
export interface InversionKernel extends Kernel<InversionTask, InversionTaskResult> {
  readonly inverter: NetworkInverter;
}

/** Build the inverter of a spec. */
export function makeInverter(spec: InverterSpec, solver: Solver): NetworkInverter {
  return new NetworkInverter(buildNetwork(spec.date12), {
    weights: spec.weightBy === "offsetStd"
      ? new OffsetStdWeights()
      : new CoherenceWeights(spec.weightFunc, spec.looks),
    minNormVelocity: spec.minNormVelocity,
    minRedundancy: spec.minRedundancy,
    maskDataset: spec.maskDataset,
    maskThreshold: spec.maskThreshold,
    zeroIsNoData: spec.zeroIsNoData,
    phaseToRange: spec.phaseToRange,
    quality: spec.quality,
    lanes: spec.lanes,
  }, solver);
}

/** The covariance calculator of a spec with `covariance` set. */
function makeCovariance(spec: InverterSpec, solver: Solver): NetworkCovariance {
  const c = spec.covariance!;
  return new NetworkCovariance(buildNetwork(spec.date12), {
    refIndex: c.refIndex,
    minRedundancy: spec.minRedundancy,
    scale: c.scale,
    varianceOf: observationVariance(
      c.varianceBy === "offsetStd" ? new OffsetStdWeights() : new CoherenceWeights("var", c.looks),
    ),
  }, solver);
}

/** The arrays of a buffer set, to transfer to a worker and back. */
export function blockTransferables(buffers: BlockBuffers): ArrayBuffer[] {
  const b = buffers;
  return [b.phase, b.coherence, b.maskData, b.ts, b.temporalCoherence, b.numInvObs, b.cov]
    .filter((a): a is Float32Array => a !== undefined)
    .map((a) => a.buffer as ArrayBuffer);
}

/**
 * The kernel of a spec: `run` inverts one block into its own output buffers (reused from
 * block to block) and returns them with the block's counts and timings.
 * @throws RangeError (from `run`) for a block whose buffers are shorter than K x P.
 */
export function createKernel(spec: InverterSpec, solver: Solver): InversionKernel {
  const inverter = makeInverter(spec, solver);
  const K = inverter.network.date1.length;
  const cov = spec.covariance ? makeCovariance(spec, solver) : null;
  return {
    inverter,
    run(task: InversionTask): InversionTaskResult {
      const { pixels: P, buffers: b } = task;
      const counts = { ...inverter.counts }, timing = { ...inverter.timing };
      const t = performance.now();
      inverter.invertBlock({
        pixels: P,
        phase: b.phase.subarray(0, K * P),
        refPhase: task.refPhase,
        coherence: b.coherence?.subarray(0, K * P),
        maskData: b.maskData?.subarray(0, K * P),
        pixelMask: task.pixelMask,
      }, { ts: b.ts, temporalCoherence: b.temporalCoherence, numInvObs: b.numInvObs });
      const ms = performance.now() - t;
      for (const k of Object.keys(counts) as Array<keyof InversionCounts>) {
        counts[k] = inverter.counts[k] - counts[k];
      }
      for (const k of Object.keys(timing) as Array<keyof InversionTiming>) {
        timing[k] = inverter.timing[k] - timing[k];
      }
      if (!cov) return { pixels: P, buffers: b, counts, timing, ms };
      // The observations as the inversion left them: referenced, NaN where no data.
      if (!b.coherence || !b.cov) throw new RangeError("Covariance needs weight and cov buffers");
      const before = { ...cov.counts }, t1 = performance.now();
      cov.covarianceBlock({
        pixels: P,
        obs: b.phase,
        varianceSource: b.coherence,
        pixelMask: task.pixelMask,
      }, b.cov);
      const covMs = performance.now() - t1;
      const covCounts = { ...cov.counts };
      for (const k of Object.keys(covCounts) as Array<keyof CovarianceCounts>) {
        covCounts[k] -= before[k];
      }
      return {
        pixels: P,
        buffers: b,
        counts,
        timing,
        ms,
        covariance: { counts: covCounts, ms: covMs },
      };
    },
    transfer: (result) => blockTransferables(result.buffers),
  };
}
