/**
 * The inversion's block loop, apart from planning and file layout: any range of row units
 * is read from the stack, inverted on the executor and written to the outputs, so a caller
 * (the whole image, or a cluster task of units [a, b)) chooses the units and the files.
 * @module
 */
import {
  type CovarianceCounts,
  type InversionCounts,
  type InversionTiming,
  zeroInversionCounts,
  zeroInversionTiming,
} from "@vinsar/core";
import type { CovarianceOutput, IfgramStack, InversionOutputs, MaskRows } from "@vinsar/hdf5";
import type { Executor } from "../pipeline/executor.ts";
import { type PipelineTiming, runBlocks } from "../pipeline/run_blocks.ts";
import type { RowUnit } from "../pipeline/units.ts";
import type { ProgressBar } from "../reporter.ts";
import { applyOffsetStdMask, type OffsetStdMask } from "./_offsets.ts";
import {
  type BlockBuffers,
  blockTransferables,
  type InversionTask,
  type InversionTaskResult,
} from "./kernel.ts";

/** What {@link invertBlocks} reads, inverts with and writes to. */
export interface BlockInversion {
  stack: IfgramStack;
  /** Dataset inverted (`unwrapPhase`, ...). */
  obs: string;
  /** The weight dataset is read (weighted inversion). */
  weighted: boolean;
  /** The dataset the weights come from: "coherence" (default) or an offset Std. */
  weightDataset?: string;
  /** An `*OffsetStd` observation mask, applied as the blocks are read. */
  stdMask?: OffsetStdMask;
  /** Observation mask dataset, read when set. */
  maskDataset: string | null;
  /** Per-pixel skip masks (water, zero average spatial coherence), ANDed. */
  masks: readonly MaskRows[];
  executor: Executor<InversionTask, InversionTaskResult>;
  /** Phase of each kept interferogram at the reference pixel, K. */
  refPhase: Float32Array;
  /** Reference pixel (y, x), or null with `skipRef`. */
  refYX: readonly [number, number] | null;
  /** Quality written at the reference pixel: 1 (temporal coherence, default) or 0 (residual). */
  refQuality?: number;
  /** Dates N. */
  numDate: number;
  /** Rows of the largest unit (buffers are sized for it). */
  rowsPerBlock: number;
  files: InversionOutputs;
  /** `--calc-cov`: the covariance file (the weight dataset is then read whatever `-w`). */
  covFile?: CovarianceOutput;
  progress: ProgressBar;
}

/** What inverting the units did, summed over them. */
export interface BlockInversionTotals {
  pipeline: PipelineTiming;
  counts: InversionCounts;
  stages: InversionTiming;
  /** Milliseconds inverting, summed over threads. */
  invertMs: number;
  /** With `--calc-cov`: covariance pixels by path, and milliseconds summed over threads. */
  covariance?: { counts: CovarianceCounts; ms: number };
}

/** A buffer set in the loop: it travels to a worker and back, so the slot holds the latest. */
interface BlockSlot {
  buffers: BlockBuffers;
  pixelMask?: Uint8Array;
  /** The `*OffsetStd` mask dataset's rows (stays in this thread). */
  stdRows?: Float32Array;
}

/**
 * Invert `units` (row ranges of the stack) and write them, blocks written as they finish:
 * one block per thread in flight, plus (with workers) the one being read.
 */
export async function invertBlocks(
  units: Iterable<RowUnit>,
  job: BlockInversion,
): Promise<BlockInversionTotals> {
  const { stack, executor, files } = job;
  const W = stack.width, K = stack.keep.length, N = job.numDate;
  const maxP = job.rowsPerBlock * W;
  const counts = zeroInversionCounts();
  const stages = zeroInversionTiming();
  let invertMs = 0;
  let covariance: BlockInversionTotals["covariance"];
  const threads = executor.threads;
  const pipeline = await runBlocks<RowUnit, BlockSlot, InversionTaskResult>({
    units,
    // Buffer sets are reused from block to block (fresh memory is slow to touch).
    allocate: () => ({
      buffers: {
        phase: new Float32Array(K * maxP),
        coherence: job.weighted || job.covFile ? new Float32Array(K * maxP) : undefined,
        maskData: job.maskDataset ? new Float32Array(K * maxP) : undefined,
        ts: new Float32Array(N * maxP),
        temporalCoherence: new Float32Array(maxP),
        numInvObs: new Float32Array(maxP),
        cov: job.covFile ? new Float32Array(N * N * maxP) : undefined,
      },
      stdRows: job.stdMask ? new Float32Array(K * maxP) : undefined,
    }),
    // Blocks in flight: one per worker, plus the one being read.
    buffers: threads + (threads > 1 ? 1 : 0),
    inFlight: threads,
    ordered: false,
    read: (unit, slot) => {
      const b = slot.buffers, P = (unit.row1 - unit.row0) * W;
      stack.readKept(job.obs, unit.row0, unit.row1, b.phase);
      if (job.stdMask) {
        const std = stack.readKept(job.stdMask.dataset, unit.row0, unit.row1, slot.stdRows);
        applyOffsetStdMask(job.stdMask, {
          row0: unit.row0,
          row1: unit.row1,
          width: W,
          obs: b.phase.subarray(0, K * P),
          std,
          refPhase: job.refPhase,
        });
      }
      if (b.coherence) {
        stack.readKept(job.weightDataset ?? "coherence", unit.row0, unit.row1, b.coherence);
      }
      if (b.maskData) stack.readKept(job.maskDataset!, unit.row0, unit.row1, b.maskData);
      let pixelMask: Uint8Array | undefined;
      for (const m of job.masks) {
        const rows = m.rows(unit.row0, unit.row1);
        if (!pixelMask) pixelMask = rows;
        else for (let i = 0; i < P; i++) pixelMask[i]! &= rows[i]!;
      }
      slot.pixelMask = pixelMask;
    },
    compute: async (unit, slot) => {
      const task: InversionTask = {
        pixels: (unit.row1 - unit.row0) * W,
        refPhase: job.refPhase,
        pixelMask: slot.pixelMask,
        buffers: slot.buffers,
      };
      const result = await executor.run(task, blockTransferables(slot.buffers));
      slot.buffers = result.buffers;
      for (const k of Object.keys(counts) as Array<keyof InversionCounts>) {
        counts[k] += result.counts[k];
      }
      for (const k of Object.keys(stages) as Array<keyof InversionTiming>) {
        stages[k] += result.timing[k];
      }
      invertMs += result.ms;
      if (result.covariance) {
        const c = covariance ??= {
          counts: { pixels: 0, skipped: 0, redundancy: 0, connected: 0, disconnected: 0 },
          ms: 0,
        };
        for (const k of Object.keys(c.counts) as Array<keyof CovarianceCounts>) {
          c.counts[k] += result.covariance.counts[k];
        }
        c.ms += result.covariance.ms;
      }
      return result;
    },
    write: (unit, slot) => {
      const b = slot.buffers, P = (unit.row1 - unit.row0) * W;
      const ts = b.ts.subarray(0, N * P);
      const temporalCoherence = b.temporalCoherence.subarray(0, P);
      const numInvObs = b.numInvObs.subarray(0, P);
      const ref = job.refYX;
      if (ref && ref[0] >= unit.row0 && ref[0] < unit.row1) {
        // MintPy's convention at the reference pixel.
        const i = (ref[0] - unit.row0) * W + ref[1];
        temporalCoherence[i] = job.refQuality ?? 1;
        numInvObs[i] = K;
      }
      files.writeRows(unit.row0, unit.row1, ts, temporalCoherence, numInvObs);
      job.covFile?.writeRows(unit.row0, unit.row1, b.cov!.subarray(0, N * N * P));
      job.progress.advance(P);
    },
  });
  return { pipeline, counts, stages, invertMs, covariance };
}
