/**
 * The network inversion of one row block as a pipeline kernel: the same code inverts a
 * block in the main thread or in a worker of the pool. A task is either a row unit (rows
 * `[row0, row1)`: the kernel reads its inputs itself, from the stack its {@link UnitSource}
 * names, into buffers it keeps, in its backend's block memory when it has one) or a block
 * whose inputs travel with it. Output buffers are transferred to a worker and back, so no
 * block allocates fresh memory; the result carries that block's counts and timings, summed
 * by the caller.
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
import { loadH5wasm } from "@vinsar/hdf5";
import type { Kernel } from "../pipeline/kernel.ts";
import { type UnitInputs, UnitReader, type UnitSource } from "./_unit_reader.ts";

export type { UnitSource } from "./_unit_reader.ts";

/** What a worker loads before the spec arrives: the HDF5 library its units are read with. */
export async function prepare(): Promise<void> {
  await loadH5wasm();
}

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
  /** The stack a worker opens to read its row units ({@link UnitTask}) itself. */
  source?: UnitSource;
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

/** The outputs of one block in flight, sized for the largest block: N x P, P, P. */
export interface OutputBuffers {
  ts: Float32Array;
  temporalCoherence: Float32Array;
  numInvObs: Float32Array;
  /** The time-series covariance, N x N x P (`--calc-cov`). */
  cov?: Float32Array;
}

/**
 * The buffers of one block whose inputs travel with it: inputs K x P (interferogram-major,
 * pixel-fastest) and outputs.
 */
export interface BlockBuffers extends OutputBuffers {
  phase: Float32Array;
  coherence?: Float32Array;
  maskData?: Float32Array;
}

/** One block to invert: its pixel count P, the reference phase (K) and its filled buffers. */
export interface InversionTask {
  pixels: number;
  refPhase: Float32Array;
  /** Pixels to invert (0: skip), P; undefined: all. */
  pixelMask?: Uint8Array;
  buffers: BlockBuffers;
}

/**
 * One row unit to read and invert (rows `[row0, row1)`, P = rows x WIDTH pixels) into
 * `buffers`. The kernel holds input buffers for `capacity` pixels (the largest unit), made on
 * the first unit and reused.
 */
export interface UnitTask {
  row0: number;
  row1: number;
  capacity: number;
  refPhase: Float32Array;
  buffers: OutputBuffers;
}

/** A finished block: its buffers (outputs filled), and what inverting it took. */
export interface InversionTaskResult {
  pixels: number;
  /** The task's buffers (a {@link UnitTask}'s outputs, an {@link InversionTask}'s all). */
  buffers: OutputBuffers | BlockBuffers;
  /** Milliseconds reading the unit's inputs (a {@link UnitTask}; 0 otherwise). */
  readMs: number;
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
export interface InversionKernel extends Kernel<InversionTask | UnitTask, InversionTaskResult> {
  readonly inverter: NetworkInverter;
  /** Its spec, with the reader's {@link UnitSource} when given one: what a worker is sent. */
  readonly spec: InverterSpec;
  /** Open the spec's {@link UnitSource} (a worker), unless the kernel was given a reader. */
  open(): Promise<void>;
  /** Close the files {@link InversionKernel.open} opened. */
  close(): void;
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
export function blockTransferables(buffers: OutputBuffers | BlockBuffers): ArrayBuffer[] {
  const b = buffers as Partial<BlockBuffers>;
  return [b.phase, b.coherence, b.maskData, b.ts, b.temporalCoherence, b.numInvObs, b.cov]
    .filter((a): a is Float32Array => a !== undefined)
    .map((a) => a.buffer as ArrayBuffer);
}

/**
 * Input buffers for `capacity` pixels of `source`'s datasets: the float32 arrays the solver
 * reads in one region of its own memory when it offers one (`Solver.blockBuffer`: the fused
 * inversion kernel then reads the block in place), else JavaScript arrays.
 */
function unitInputs(source: UnitSource, K: number, capacity: number, solver: Solver): UnitInputs {
  const n = K * capacity;
  const parts = 1 + (source.weightDataset ? 1 : 0) + (source.maskDataset ? 1 : 0);
  const region = solver.blockBuffer?.(parts * n) ?? new Float32Array(parts * n);
  let at = 0;
  const next = () => region.subarray(n * at, n * ++at);
  return {
    phase: next(),
    coherence: source.weightDataset ? next() : undefined,
    maskData: source.maskDataset ? next() : undefined,
    stdRows: source.stdMask ? new Float32Array(n) : undefined,
  };
}

/**
 * The kernel of a spec: `run` inverts one block (a {@link UnitTask} it reads itself, or an
 * {@link InversionTask} with its inputs) into its output buffers (reused from block to
 * block) and returns them with the block's counts and timings.
 * @param reader Where {@link UnitTask}s are read from (the main thread's open files); a
 *   worker's kernel opens `spec.source` instead ({@link InversionKernel.open}).
 * @throws RangeError (from `run`) for a block whose buffers are shorter than K x P, or a
 *   {@link UnitTask} with no stack to read it from.
 */
export function createKernel(
  spec: InverterSpec,
  solver: Solver,
  reader?: UnitReader,
): InversionKernel {
  const inverter = makeInverter(spec, solver);
  const K = inverter.network.date1.length;
  const cov = spec.covariance ? makeCovariance(spec, solver) : null;
  let source: UnitReader | null = reader ?? null;
  let opened = false;
  let inputs: { capacity: number; arrays: UnitInputs } | null = null;

  /** Invert P pixels of `data` into `out`; `data.phase` is K x P (or longer). */
  const invert = (
    P: number,
    refPhase: Float32Array,
    pixelMask: Uint8Array | undefined,
    data: { phase: Float32Array; coherence?: Float32Array; maskData?: Float32Array },
    out: OutputBuffers,
  ): Omit<InversionTaskResult, "buffers" | "readMs"> => {
    const counts = { ...inverter.counts }, timing = { ...inverter.timing };
    const t = performance.now();
    const phase = data.phase.subarray(0, K * P), coherence = data.coherence?.subarray(0, K * P);
    inverter.invertBlock({
      pixels: P,
      phase,
      refPhase,
      coherence,
      maskData: data.maskData?.subarray(0, K * P),
      pixelMask,
    }, { ts: out.ts, temporalCoherence: out.temporalCoherence, numInvObs: out.numInvObs });
    const ms = performance.now() - t;
    for (const k of Object.keys(counts) as Array<keyof InversionCounts>) {
      counts[k] = inverter.counts[k] - counts[k];
    }
    for (const k of Object.keys(timing) as Array<keyof InversionTiming>) {
      timing[k] = inverter.timing[k] - timing[k];
    }
    if (!cov) return { pixels: P, counts, timing, ms };
    // The observations as the inversion left them: referenced, NaN where no data.
    if (!coherence || !out.cov) throw new RangeError("Covariance needs weight and cov buffers");
    const before = { ...cov.counts }, t1 = performance.now();
    cov.covarianceBlock({ pixels: P, obs: phase, varianceSource: coherence, pixelMask }, out.cov);
    const covMs = performance.now() - t1;
    const covCounts = { ...cov.counts };
    for (const k of Object.keys(covCounts) as Array<keyof CovarianceCounts>) {
      covCounts[k] -= before[k];
    }
    return { pixels: P, counts, timing, ms, covariance: { counts: covCounts, ms: covMs } };
  };

  return {
    inverter,
    spec: reader ? { ...spec, source: reader.source } : spec,
    async open() {
      if (source || !spec.source) return;
      source = await UnitReader.open(spec.source);
      opened = true;
    },
    close() {
      if (opened) source?.close();
      source = null;
      opened = false;
    },
    run(task: InversionTask | UnitTask): InversionTaskResult {
      if (!("row0" in task)) {
        const b = task.buffers;
        return {
          ...invert(task.pixels, task.refPhase, task.pixelMask, b, b),
          buffers: b,
          readMs: 0,
        };
      }
      if (!source) throw new RangeError("Row unit task without a stack to read it from");
      const P = (task.row1 - task.row0) * source.stack.width;
      if (!(P <= task.capacity)) {
        throw new RangeError(`Row unit of ${P} pixels exceeds the capacity ${task.capacity}`);
      }
      if (!inputs || inputs.capacity < task.capacity) {
        inputs = {
          capacity: task.capacity,
          arrays: unitInputs(source.source, K, task.capacity, solver),
        };
      }
      const t = performance.now();
      const pixelMask = source.read(task.row0, task.row1, inputs.arrays, task.refPhase);
      const readMs = performance.now() - t;
      const b = task.buffers;
      return { ...invert(P, task.refPhase, pixelMask, inputs.arrays, b), buffers: b, readMs };
    },
    transfer: (result) => blockTransferables(result.buffers),
  };
}
