/**
 * A pool of Deno Workers that runs a batched kernel over pixel lanes split across the
 * workers: each worker owns a solver (its own wasm instance for the wasm backend) and
 * solves a contiguous range of lanes of arrays shared through SharedArrayBuffers, so the
 * block data is never copied between threads. Only the sparse Cholesky kernel is offered
 * (the inversion's dominant cost); its plan is sent once per worker and cached there.
 *
 * The pool is generic: the worker entry (which registers the backends, e.g.
 * `apps/cli/lane_worker.ts`) is passed by URL, since core cannot import the backends.
 *
 * @example
 * ```ts ignore
 * const pool = await LanePool.create(new URL("../../apps/cli/lane_worker.ts", import.meta.url), 2, "wasm");
 * const values = LanePool.sharedFloat64(plan.nnz * lanes); // fill, then:
 * await pool.sparseCholeskySolve(plan, lanes, values, rhs, status);
 * pool.close();
 * ```
 * @module
 */
import type { CholeskyPlan } from "./solver.ts";

/** The structured-cloneable part of a plan (a `CholeskyAnalysis` also has a function). */
export type PlanData = Pick<
  CholeskyPlan,
  "n" | "perm" | "colPtr" | "rowIdx" | "nnz" | "updPtr" | "updTarget" | "updA" | "updB"
>;

/** Messages to a lane worker. */
export type LaneWorkerRequest =
  | { type: "init"; backend: string }
  | { type: "plan"; id: number; plan: PlanData }
  | {
    type: "cholesky";
    id: number;
    lanes: number;
    p0: number;
    p1: number;
    values: Float64Array;
    rhs: Float64Array;
    status: Uint8Array;
  };

/** Messages from a lane worker. */
export type LaneWorkerReply =
  | { type: "ready"; backend: string }
  | { type: "done"; ms: number }
  | { type: "error"; message: string };

/** Lane ranges start at multiples of this (the wasm kernels' tile width). */
const LANE_ALIGN = 8;

const isShared = (a: ArrayBufferView): boolean => a.buffer instanceof SharedArrayBuffer;

/** A pool of lane workers. */
export class LanePool {
  readonly size: number;
  readonly #workers: Worker[];
  readonly #planIds = new WeakMap<CholeskyPlan, number>();
  readonly #sent: Array<Set<number>>;
  #nextPlan = 1;
  #scratch: { values: Float64Array; rhs: Float64Array; status: Uint8Array } | null = null;
  /** Time each worker spent in its last call, ms (for load-balance checks). */
  lastMs: number[] = [];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.size = workers.length;
    this.#sent = workers.map(() => new Set());
  }

  /**
   * Start `size` workers running `workerUrl`, each creating the solver `backend`.
   * @throws Error when a worker cannot start or its backend cannot initialise.
   */
  static async create(workerUrl: URL | string, size: number, backend: string): Promise<LanePool> {
    const workers = Array.from(
      { length: Math.max(1, size) },
      () => new Worker(workerUrl, { type: "module" }),
    );
    const pool = new LanePool(workers);
    try {
      await Promise.all(workers.map((w) => pool.#call(w, { type: "init", backend })));
    } catch (e) {
      pool.close();
      throw e;
    }
    return pool;
  }

  /** A Float64Array on shared memory (what the pool solves in place without copies). */
  static sharedFloat64(length: number): Float64Array {
    return new Float64Array(new SharedArrayBuffer(length * 8));
  }

  /** A Uint8Array on shared memory. */
  static sharedUint8(length: number): Uint8Array {
    return new Uint8Array(new SharedArrayBuffer(length));
  }

  #call(w: Worker, msg: LaneWorkerRequest): Promise<LaneWorkerReply> {
    return new Promise((resolve, reject) => {
      w.onmessage = (e: MessageEvent<LaneWorkerReply>) => {
        if (e.data.type === "error") reject(new Error(`lane worker: ${e.data.message}`));
        else resolve(e.data);
      };
      w.onerror = (e) => {
        e.preventDefault();
        reject(new Error(`lane worker: ${e.message}`));
      };
      w.postMessage(msg);
    });
  }

  /**
   * {@link import("./solver.ts").Solver.sparseCholeskySolve} with the lanes split across
   * the workers. Arrays on SharedArrayBuffers are solved in place; others are copied to
   * shared scratch and back.
   */
  async sparseCholeskySolve(
    plan: CholeskyPlan,
    lanes: number,
    values: Float64Array,
    rhs: Float64Array,
    status: Uint8Array,
  ): Promise<void> {
    let id = this.#planIds.get(plan);
    if (id === undefined) {
      id = this.#nextPlan++;
      this.#planIds.set(plan, id);
    }
    const nV = plan.nnz * lanes, nR = plan.n * lanes;
    const shared = isShared(values) && isShared(rhs) && isShared(status);
    let v = values, r = rhs, s = status;
    if (!shared) {
      const sc = this.#scratch;
      if (!sc || sc.values.length < nV || sc.rhs.length < nR || sc.status.length < lanes) {
        this.#scratch = {
          values: LanePool.sharedFloat64(nV),
          rhs: LanePool.sharedFloat64(nR),
          status: LanePool.sharedUint8(lanes),
        };
      }
      v = this.#scratch!.values.subarray(0, nV);
      r = this.#scratch!.rhs.subarray(0, nR);
      s = this.#scratch!.status.subarray(0, lanes);
      v.set(values.subarray(0, nV));
      r.set(rhs.subarray(0, nR));
    }
    // Contiguous lane ranges, aligned to the kernels' tile.
    const per = Math.ceil(lanes / this.size / LANE_ALIGN) * LANE_ALIGN;
    const jobs: Promise<LaneWorkerReply>[] = [];
    for (let wi = 0; wi < this.size; wi++) {
      const p0 = wi * per, p1 = Math.min(lanes, p0 + per);
      if (p0 >= p1) break;
      const w = this.#workers[wi]!;
      const sent = this.#sent[wi]!;
      const planId = id;
      jobs.push((async () => {
        if (!sent.has(planId)) {
          const { n, perm, colPtr, rowIdx, nnz, updPtr, updTarget, updA, updB } = plan;
          const data: PlanData = { n, perm, colPtr, rowIdx, nnz, updPtr, updTarget, updA, updB };
          await this.#call(w, { type: "plan", id: planId, plan: data });
          sent.add(planId);
        }
        return await this.#call(w, {
          type: "cholesky",
          id: planId,
          lanes,
          p0,
          p1,
          values: v,
          rhs: r,
          status: s,
        });
      })());
    }
    const replies = await Promise.all(jobs);
    this.lastMs = replies.map((x) => (x.type === "done" ? x.ms : NaN));
    if (!shared) {
      values.set(v);
      rhs.set(r);
      status.set(s);
    }
  }

  /** Stop the workers. */
  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/**
 * Copy lanes `p0 .. p1-1` of a lane-fastest array of `items` items into a compact array of
 * `p1 - p0` lanes (for a worker solving its range with any solver).
 */
export function gatherLaneRange(
  src: Float64Array,
  items: number,
  lanes: number,
  p0: number,
  p1: number,
  dst: Float64Array,
): void {
  const w = p1 - p0;
  for (let i = 0; i < items; i++) dst.set(src.subarray(i * lanes + p0, i * lanes + p1), i * w);
}

/** Inverse of {@link gatherLaneRange}. */
export function scatterLaneRange(
  src: Float64Array,
  items: number,
  lanes: number,
  p0: number,
  p1: number,
  dst: Float64Array,
): void {
  const w = p1 - p0;
  for (let i = 0; i < items; i++) dst.set(src.subarray(i * w, (i + 1) * w), i * lanes + p0);
}
