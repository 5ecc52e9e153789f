/**
 * The inversion's block loop, apart from planning and file layout: any range of row units
 * is read and inverted on the executor (each worker reads its own units from its own
 * read-only view of the stack; without workers the kernel reads them in this thread) and
 * written to the outputs here (one HDF5 writer), so a caller (the whole image, or a cluster
 * task of units [a, b)) chooses the units and the files.
 * @module
 */
import {
  type CovarianceCounts,
  type InversionCounts,
  type InversionTiming,
  zeroInversionCounts,
  zeroInversionTiming,
} from "@vinsar/core";
import type { CovarianceOutput, InversionOutputs } from "@vinsar/hdf5";
import type { Executor } from "../pipeline/executor.ts";
import { type PipelineTiming, runBlocks } from "../pipeline/run_blocks.ts";
import type { RowUnit } from "../pipeline/units.ts";
import type { ProgressBar } from "../reporter.ts";
import {
  blockTransferables,
  type InversionTask,
  type InversionTaskResult,
  type OutputBuffers,
  type UnitTask,
} from "./kernel.ts";

/** What {@link invertBlocks} inverts with and writes to. */
export interface BlockInversion {
  /**
   * Runs {@link UnitTask}s: its kernel reads each unit (a worker from its own view of the
   * stack, the in-process kernel from the step's open files).
   */
  executor: Executor<InversionTask | UnitTask, InversionTaskResult>;
  /** Image width (pixels per row). */
  width: number;
  /** Kept interferograms K. */
  numIfgram: number;
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
  /** `--calc-cov`: units compute each pixel's covariance too (written to `outputs.cov`). */
  covariance?: boolean;
  /**
   * The output files (and `--calc-cov`'s covariance file), possibly still being created:
   * the first write waits for them.
   */
  outputs: Promise<{ files: InversionOutputs; cov?: CovarianceOutput }>;
  progress: ProgressBar;
}

/** What inverting the units did, summed over them. */
export interface BlockInversionTotals {
  /** The loop's timing; `read` is the kernels' reading, summed over threads. */
  pipeline: PipelineTiming;
  counts: InversionCounts;
  stages: InversionTiming;
  /** Milliseconds inverting, summed over threads. */
  invertMs: number;
  /** With `--calc-cov`: covariance pixels by path, and milliseconds summed over threads. */
  covariance?: { counts: CovarianceCounts; ms: number };
}

/**
 * Invert `units` (row ranges of the stack) and write them, blocks written as they finish.
 * As many units are in flight as the executor's capacity (with workers, one more than they
 * run, or one queued on each), so no worker waits while this thread writes.
 */
export async function invertBlocks(
  units: Iterable<RowUnit>,
  job: BlockInversion,
): Promise<BlockInversionTotals> {
  const { executor } = job;
  const W = job.width, K = job.numIfgram, N = job.numDate;
  const maxP = job.rowsPerBlock * W;
  const counts = zeroInversionCounts();
  const stages = zeroInversionTiming();
  let invertMs = 0, readMs = 0;
  let covariance: BlockInversionTotals["covariance"];
  const sets = executor.capacity;
  /** A unit's output buffers travel to a worker and back: the slot holds the latest. */
  const pipeline = await runBlocks<RowUnit, { buffers: OutputBuffers }, InversionTaskResult>({
    units,
    // Buffer sets are reused from block to block (fresh memory is slow to touch).
    allocate: () => ({
      buffers: {
        ts: new Float32Array(N * maxP),
        temporalCoherence: new Float32Array(maxP),
        numInvObs: new Float32Array(maxP),
        cov: job.covariance ? new Float32Array(N * N * maxP) : undefined,
      },
    }),
    buffers: sets,
    inFlight: sets,
    ordered: false,
    compute: async (unit, slot) => {
      const task: UnitTask = {
        row0: unit.row0,
        row1: unit.row1,
        capacity: maxP,
        refPhase: job.refPhase,
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
      readMs += result.readMs;
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
    write: async (unit, slot) => {
      const { files, cov } = await job.outputs;
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
      cov?.writeRows(unit.row0, unit.row1, b.cov!.subarray(0, N * N * P));
      job.progress.advance(P);
    },
  });
  // Reading happens in the kernels now: their read time, summed over threads.
  return { pipeline: { ...pipeline, read: readMs }, counts, stages, invertMs, covariance };
}
