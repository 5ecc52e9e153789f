/**
 * Where the blocks of `vinsar ifgram_inversion` are inverted: in the main thread, or in a
 * pool of workers so that several blocks are inverted at once while the main thread reads
 * the next block (h5wasm is synchronous, so reading cannot overlap computing otherwise).
 * Each block travels with its buffers (inputs and outputs), transferred to a worker and
 * back, so no block allocates fresh memory.
 * @module
 */
import { request, startWorkers } from "../worker_rpc.ts";
import {
  buildNetwork,
  CoherenceWeights,
  type InversionCounts,
  type InversionResult,
  type InversionTiming,
  type MaskDataset,
  NetworkInverter,
  type Solver,
} from "@vinsar/core";

/** Everything a worker needs to build the same inverter (plain data). */
export interface InverterSpec {
  date12: Array<[string, string]>;
  weightFunc: string;
  looks: number;
  minNormVelocity: boolean;
  minRedundancy: number;
  maskDataset: MaskDataset | null;
  maskThreshold: number;
  zeroIsNoData: boolean;
  phaseToRange: number;
  backend: string;
  /** Pixels per batched solve (default 128). */
  lanes?: number;
}

/** Build the inverter of a spec. */
export function makeInverter(spec: InverterSpec, solver: Solver): NetworkInverter {
  return new NetworkInverter(buildNetwork(spec.date12), {
    weights: new CoherenceWeights(spec.weightFunc, spec.looks),
    minNormVelocity: spec.minNormVelocity,
    minRedundancy: spec.minRedundancy,
    maskDataset: spec.maskDataset,
    maskThreshold: spec.maskThreshold,
    zeroIsNoData: spec.zeroIsNoData,
    phaseToRange: spec.phaseToRange,
    lanes: spec.lanes,
  }, solver);
}

/** The buffers of one block in flight: inputs (K x P) and outputs, sized for the largest block. */
export interface BlockBuffers {
  phase: Float32Array;
  coherence?: Float32Array;
  maskData?: Float32Array;
  ts: Float32Array;
  temporalCoherence: Float32Array;
  numInvObs: Float32Array;
}

/** One block to invert: its pixel count, the reference phase and its filled buffers. */
export interface BlockTask {
  pixels: number;
  refPhase: Float32Array;
  pixelMask?: Uint8Array;
  buffers: BlockBuffers;
}

/** A finished block: the outputs (views into the buffers) and the buffers to reuse. */
export interface BlockDone {
  result: InversionResult;
  buffers: BlockBuffers;
}

/** Inverts blocks; `capacity` of them can be in flight at once. */
export interface InversionEngine {
  readonly capacity: number;
  readonly counts: InversionCounts;
  readonly timing: InversionTiming;
  /** Milliseconds spent inverting, summed over threads. */
  readonly invertMs: number;
  invert(task: BlockTask): Promise<BlockDone>;
  close(): void;
}

/** Add counts and timings of a block into totals. */
function accumulate(
  into: { counts: InversionCounts; timing: InversionTiming },
  counts: InversionCounts,
  timing: InversionTiming,
): void {
  for (const k of Object.keys(counts) as Array<keyof InversionCounts>) into.counts[k] += counts[k];
  for (const k of Object.keys(timing) as Array<keyof InversionTiming>) into.timing[k] += timing[k];
}

function zeroCounts(): InversionCounts {
  return { pixels: 0, skipped: 0, redundancy: 0, cholesky: 0, svd: 0, choleskyFallback: 0 };
}

function zeroTiming(): InversionTiming {
  return { prepare: 0, gather: 0, solve: 0, coherence: 0, dense: 0 };
}

/** Invert one task with an inverter, reusing the task's output buffers. */
export function invertTask(inv: NetworkInverter, task: BlockTask): InversionResult {
  const { pixels: P, buffers: b } = task;
  const K = inv.network.date1.length;
  return inv.invertBlock({
    pixels: P,
    phase: b.phase.subarray(0, K * P),
    refPhase: task.refPhase,
    coherence: b.coherence?.subarray(0, K * P),
    maskData: b.maskData?.subarray(0, K * P),
    pixelMask: task.pixelMask,
  }, { ts: b.ts, temporalCoherence: b.temporalCoherence, numInvObs: b.numInvObs });
}

/** Inversion in the main thread, one block at a time. */
export class InProcessEngine implements InversionEngine {
  readonly capacity = 1;
  readonly #inv: NetworkInverter;
  invertMs = 0;

  constructor(inv: NetworkInverter) {
    this.#inv = inv;
  }

  get counts(): InversionCounts {
    return this.#inv.counts;
  }

  get timing(): InversionTiming {
    return this.#inv.timing;
  }

  invert(task: BlockTask): Promise<BlockDone> {
    const t = performance.now();
    const result = invertTask(this.#inv, task);
    this.invertMs += performance.now() - t;
    return Promise.resolve({ result, buffers: task.buffers });
  }

  close(): void {}
}

/** Messages from a worker. */
type WorkerReply =
  | { type: "ready" }
  | { type: "error"; message: string }
  | {
    type: "done";
    pixels: number;
    buffers: BlockBuffers;
    counts: InversionCounts;
    timing: InversionTiming;
    ms: number;
  };

function transferables(b: BlockBuffers): ArrayBuffer[] {
  return [b.phase, b.coherence, b.maskData, b.ts, b.temporalCoherence, b.numInvObs]
    .filter((a): a is Float32Array => a !== undefined)
    .map((a) => a.buffer as ArrayBuffer);
}

/** Inversion in a pool of workers, one block per worker at a time. */
export class WorkerEngine implements InversionEngine {
  readonly capacity: number;
  readonly counts = zeroCounts();
  readonly timing = zeroTiming();
  invertMs = 0;
  readonly #workers: Worker[];
  readonly #idle: Worker[];
  readonly #waiting: Array<(w: Worker) => void> = [];
  readonly #numDates: number;

  private constructor(workers: Worker[], numDates: number) {
    this.#workers = workers;
    this.#numDates = numDates;
    this.#idle = [...workers];
    this.capacity = workers.length;
  }

  /** Start `n` workers and build the inverter in each; rejects if one fails. */
  static async start(spec: InverterSpec, n: number): Promise<WorkerEngine> {
    const workers = await startWorkers(
      new URL("./_ifgram_inversion_worker.ts", import.meta.url),
      n,
      { type: "init", spec },
    );
    return new WorkerEngine(workers, new Set(spec.date12.flat()).size);
  }

  async invert(task: BlockTask): Promise<BlockDone> {
    const w = this.#idle.pop() ?? await new Promise<Worker>((r) => this.#waiting.push(r));
    try {
      const reply = await request<WorkerReply>(
        w,
        { type: "invert", task },
        transferables(task.buffers),
      );
      if (reply.type !== "done") throw new Error("worker: unexpected reply");
      accumulate(this, reply.counts, reply.timing);
      this.invertMs += reply.ms;
      const P = reply.pixels, b = reply.buffers;
      return {
        buffers: b,
        result: {
          ts: b.ts.subarray(0, this.#numDates * P),
          temporalCoherence: b.temporalCoherence.subarray(0, P),
          numInvObs: b.numInvObs.subarray(0, P),
        },
      };
    } finally {
      const next = this.#waiting.shift();
      if (next) next(w);
      else this.#idle.push(w);
    }
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** Post a message to a worker and wait for its reply (an error reply rejects). */
