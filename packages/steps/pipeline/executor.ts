/**
 * Where a step's kernel runs: in the calling thread ({@link LocalExecutor}) or on a pool of
 * workers ({@link WorkerPool}), behind one interface. Every worker runs `worker.ts`, which
 * loads the kernel by name (`kernels.ts`), so every step shares one message protocol:
 *
 * - to a worker: `{ type: "init", kernel, backend, spec }`, then `{ type: "run", task }` (a
 *   kernel that reads its own inputs opens them after `init`; tasks wait for that);
 * - from a worker: `{ type: "ready" }`, `{ type: "done", result }` or
 *   `{ type: "error", message, kind }` (which rejects the task: with an error of the same kind
 *   when it is one the user is told about in one line, an input or HDF5 error).
 * @module
 */
import { InputError } from "@vinsar/core";
import { H5Error } from "@vinsar/hdf5";
import type { Kernel } from "./kernel.ts";
import type { KernelName } from "./kernels.ts";

/** Runs tasks of one kernel; `threads` of them at once. */
export interface Executor<Task, Result> {
  /** "in-process", "N workers" or "N workers and the main thread". */
  readonly name: string;
  readonly threads: number;
  /**
   * Tasks worth having in flight at once (a caller's buffer sets): 1 in process; with
   * workers, enough that none waits while the caller writes a finished task.
   */
  readonly capacity: number;
  /** Run one task (its buffers in `transfer` move to the worker and are not to be used). */
  run(task: Task, transfer?: Transferable[]): Promise<Result>;
  close(): void;
}

/** Runs the kernel in the calling thread, one task at a time. */
export class LocalExecutor<Task, Result> implements Executor<Task, Result> {
  readonly name = "in-process";
  readonly threads = 1;
  readonly capacity = 1;
  readonly kernel: Kernel<Task, Result>;

  constructor(kernel: Kernel<Task, Result>) {
    this.kernel = kernel;
  }

  run(task: Task): Promise<Result> {
    try {
      return Promise.resolve(this.kernel.run(task));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  close(): void {}
}

/** A worker's reply. */
type Reply<Result> =
  | { type: "ready" }
  | { type: "done"; result: Result }
  | { type: "error"; message: string; kind?: string };

/**
 * A worker's error as the caller's: an input, HDF5 or range error keeps its kind and message
 * (the file or flag at fault, told in one line); anything else is the worker's failure.
 */
function workerError(data: { message: string; kind?: string }): Error {
  switch (data.kind) {
    case "InputError":
      return new InputError(data.message);
    case "H5Error":
      return new H5Error(data.message);
    case "RangeError":
      return new RangeError(data.message);
    default:
      return new Error(`worker: ${data.message}`);
  }
}

/** Post `message` to `worker` and resolve with its next reply ("error" rejects). */
function request<Result>(
  worker: Worker,
  message: unknown,
  transfer: Transferable[] = [],
): Promise<Reply<Result>> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Reply<Result>>) => {
      if (e.data.type === "error") reject(workerError(e.data));
      else resolve(e.data);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(`worker: ${e.message}`));
    };
    worker.postMessage(message, transfer);
  });
}

/**
 * The pool's worker module. From source (and in a `deno compile` binary, which embeds the
 * sources: the `compile` task passes `--include packages/steps/pipeline/worker.ts`), this
 * file is `executor.ts` and the worker is `worker.ts` beside it. In a bundle this code sits in
 * the bundle's one file (`dist/vinsar.js`), and the worker is the second bundle that
 * `deno task bundle` writes beside it, `worker.js`.
 */
export const WORKER_URL: URL = new URL(
  import.meta.url.endsWith(".ts") ? "./worker.ts" : "./worker.js",
  import.meta.url,
);

/**
 * What a worker is told as it starts (its name, as JSON): the backend to create and the
 * kernel to load before the step's settings arrive; either may be unknown yet.
 */
export interface WorkerHint {
  backend?: string;
  kernel?: KernelName;
}

function spawnWorker(hint: WorkerHint): Worker {
  return new Worker(WORKER_URL, { type: "module", name: JSON.stringify(hint) });
}

/** Workers started ahead, by kernel, not yet taken by a pool. */
const prestarted = new Map<KernelName, Worker[]>();

/**
 * Start `workers` workers loading `kernel` (and `backend`, when known) before a step knows
 * its settings, so that their start (a runtime, the modules, the backend's kernels, the HDF5
 * library) overlaps the step's own opening and planning: the next {@link WorkerPool} of that
 * kernel takes them over. Nothing is started when workers of that kernel are waiting already.
 * Whoever starts them stops the ones not taken ({@link stopPrestartedWorkers}): a waiting
 * worker keeps the process alive.
 */
export function prestartWorkers(kernel: KernelName, workers: number, backend?: string): void {
  if (prestarted.has(kernel) || !(workers >= 1)) return;
  const hint: WorkerHint = backend && backend !== "auto" ? { backend, kernel } : { kernel };
  const started: Worker[] = [];
  try {
    for (let i = 0; i < workers; i++) {
      const w = spawnWorker(hint);
      // A worker that cannot load (e.g. a bundle without its worker file) must not take the
      // process down before a pool handles its errors: it is dropped, and the pool's own
      // workers report why.
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        failedToStart.add(w);
      };
      started.push(w);
    }
  } catch {
    // Workers unavailable here: the pool's own start reports it.
  }
  prestarted.set(kernel, started);
}

/** Workers started ahead that failed before a pool took them. */
const failedToStart = new WeakSet<Worker>();

/** Whether workers of `kernel` were started ahead and wait for a pool. */
export function hasPrestartedWorkers(kernel: KernelName): boolean {
  return prestarted.has(kernel);
}

/** Up to `n` of the workers started ahead for `kernel`, now the caller's. */
function takePrestarted(kernel: KernelName, n: number): Worker[] {
  const ws = prestarted.get(kernel);
  if (!ws) return [];
  prestarted.delete(kernel);
  const alive = ws.filter((w) => !failedToStart.has(w));
  const taken = alive.splice(0, n);
  for (const w of ws) if (!taken.includes(w)) w.terminate();
  return taken;
}

/** Stop the workers started ahead and not taken (of `kernel`, or of every kernel). */
export function stopPrestartedWorkers(kernel?: KernelName): void {
  for (const [k, ws] of prestarted) {
    if (kernel && k !== kernel) continue;
    for (const w of ws) w.terminate();
    prestarted.delete(k);
  }
}

/** Settings of {@link WorkerPool.start}. */
export interface PoolOptions<Spec> {
  /** The kernel every worker loads. */
  kernel: KernelName;
  /** Its settings (structured-clonable). */
  spec: Spec;
  /** The compute backend each worker creates. */
  backend: string;
  /** Workers to start (at least 1). */
  workers: number;
}

/** A task sent to a worker, waiting for its reply. */
interface Pending<Result> {
  resolve(reply: Reply<Result>): void;
  reject(e: Error): void;
}

/**
 * Runs tasks on a pool of workers: each worker holds up to `depth` tasks (it runs them in
 * the order sent and replies in that order), the least busy one gets the next; others wait.
 */
export class WorkerPool<Task, Result> implements Executor<Task, Result> {
  readonly name: string;
  readonly threads: number;
  readonly capacity: number;
  readonly #workers: Worker[];
  readonly #pending = new Map<Worker, Array<Pending<Result>>>();
  readonly #depth: number;
  readonly #waiting: Array<() => void> = [];

  private constructor(workers: Worker[], depth: number) {
    this.#workers = workers;
    this.#depth = depth;
    this.threads = workers.length;
    this.capacity = workers.length > 1 ? workers.length + 1 : 1;
    this.name = `${workers.length} worker${workers.length > 1 ? "s" : ""}`;
    for (const w of workers) {
      const pending: Array<Pending<Result>> = [];
      this.#pending.set(w, pending);
      w.onmessage = (e: MessageEvent<Reply<Result>>) => {
        const p = pending.shift();
        if (e.data.type === "error") p?.reject(workerError(e.data));
        else p?.resolve(e.data);
        this.#waiting.shift()?.();
      };
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        for (const p of pending.splice(0)) p.reject(new Error(`worker: ${e.message}`));
        this.#waiting.shift()?.();
      };
    }
  }

  /**
   * Start the workers and build the kernel in each; rejects (all stopped) if one fails.
   * @param depth Tasks a worker may hold at once (2: one queued behind the one running).
   */
  static async start<Spec, Task, Result>(
    options: PoolOptions<Spec>,
    depth = 1,
  ): Promise<WorkerPool<Task, Result>> {
    const workers: Worker[] = [];
    const init = {
      type: "init",
      kernel: options.kernel,
      backend: options.backend,
      spec: options.spec,
    };
    try {
      const n = Math.max(1, options.workers);
      workers.push(...takePrestarted(options.kernel, n));
      // A worker's name tells it the backend and kernel: it loads them as soon as it starts.
      const hint: WorkerHint = { backend: options.backend, kernel: options.kernel };
      while (workers.length < n) workers.push(spawnWorker(hint));
      await Promise.all(workers.map((w) => request(w, init)));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new WorkerPool(workers, Math.max(1, depth));
  }

  /** Workers holding no task. */
  get idle(): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.length === 0) n++;
    return n;
  }

  /** The least busy worker with room for a task, or undefined. */
  #pick(): Worker | undefined {
    let best: Worker | undefined, load = this.#depth;
    for (const w of this.#workers) {
      const n = this.#pending.get(w)!.length;
      if (n < load) {
        best = w;
        load = n;
      }
    }
    return best;
  }

  async run(task: Task, transfer: Transferable[] = []): Promise<Result> {
    let w = this.#pick();
    while (!w) {
      await new Promise<void>((r) => this.#waiting.push(r));
      w = this.#pick();
    }
    const worker = w;
    const reply = await new Promise<Reply<Result>>((resolve, reject) => {
      this.#pending.get(worker)!.push({ resolve, reject });
      worker.postMessage({ type: "run", task }, transfer);
    });
    if (reply.type !== "done") throw new Error("worker: unexpected reply");
    return reply.result;
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/**
 * Workers and the calling thread together: a task goes to an idle worker, else to the
 * calling thread when it is free, else it queues on a worker (two tasks each, so a worker
 * has its next task while this thread computes one). The calling thread starts at once; the
 * workers join when they have started (if they cannot, it goes on alone). On a small machine
 * this spares a worker's start (its runtime, kernels and HDF5 library) and its memory: with 2
 * cores, one worker and this thread do the work of two workers.
 */
export class SharedExecutor<Task, Result> implements Executor<Task, Result> {
  readonly name: string;
  readonly threads: number;
  readonly capacity: number;
  readonly #kernel: Kernel<Task, Result>;
  readonly #starting: Promise<unknown>;
  #pool: WorkerPool<Task, Result> | null = null;
  #failed = false;
  #closed = false;
  #busy = false;
  #freed: Array<() => void> = [];

  /**
   * @param pool The workers, or their start (see {@link WorkerPool.start} with depth 2).
   * @param onPoolError Told why the workers could not start.
   */
  constructor(
    pool: WorkerPool<Task, Result> | Promise<WorkerPool<Task, Result>>,
    workers: number,
    kernel: Kernel<Task, Result>,
    onPoolError?: (message: string) => void,
  ) {
    this.#kernel = kernel;
    this.threads = workers + 1;
    // Two tasks per worker, one in this thread.
    this.capacity = 2 * workers + 1;
    this.name = `${workers} worker${workers > 1 ? "s" : ""} and the main thread`;
    if (pool instanceof WorkerPool) this.#pool = pool;
    this.#starting = Promise.resolve(pool).then((p) => {
      if (this.#closed) p.close();
      else this.#pool = p;
    }, (e) => {
      this.#failed = true;
      onPoolError?.(e instanceof Error ? e.message : String(e));
    });
  }

  async run(task: Task, transfer: Transferable[] = []): Promise<Result> {
    for (;;) {
      const pool = this.#pool;
      if (pool && (this.#busy || pool.idle > 0)) return await pool.run(task, transfer);
      if (!this.#busy) break;
      // This thread is busy and the workers are not there yet: whichever comes first.
      const freed = new Promise<void>((r) => this.#freed.push(r));
      await (this.#failed ? freed : Promise.race([freed, this.#starting]));
    }
    this.#busy = true;
    try {
      // Let the workers' finished tasks be taken first: they get their next one before
      // this thread is busy for a whole task.
      await new Promise((r) => setTimeout(r, 0));
      return this.#kernel.run(task);
    } finally {
      this.#busy = false;
      for (const f of this.#freed.splice(0)) f();
    }
  }

  close(): void {
    this.#closed = true;
    this.#pool?.close();
  }
}

/** Settings of {@link startExecutor}. */
export interface ExecutorOptions<Spec, Task, Result> extends PoolOptions<Spec> {
  /** The in-process kernel: used with no workers, or when the pool cannot start. */
  local: () => Kernel<Task, Result>;
  /** The calling thread also runs tasks, beside the `workers` ({@link SharedExecutor}). */
  shareMain?: boolean;
  /** Told why the pool could not start (the run goes on in process). */
  onPoolError?: (message: string) => void;
}

/**
 * A {@link WorkerPool} of `workers` threads (0: none) when they start (with `shareMain`, a
 * {@link SharedExecutor} of those workers and the calling thread), else a
 * {@link LocalExecutor} (its kernel opened, as a worker opens its own).
 */
export async function startExecutor<Spec, Task, Result>(
  options: ExecutorOptions<Spec, Task, Result>,
): Promise<Executor<Task, Result>> {
  if (options.workers >= 1) {
    try {
      if (options.shareMain) {
        const kernel = options.local();
        await kernel.open?.();
        const pool = await WorkerPool.start<Spec, Task, Result>(options, 2);
        return new SharedExecutor(
          Promise.resolve(pool),
          options.workers,
          kernel,
          options.onPoolError,
        );
      }
      return await WorkerPool.start<Spec, Task, Result>(options);
    } catch (e) {
      options.onPoolError?.(e instanceof Error ? e.message : String(e));
    }
  }
  stopPrestartedWorkers(options.kernel);
  const kernel = options.local();
  await kernel.open?.();
  return new LocalExecutor(kernel);
}
