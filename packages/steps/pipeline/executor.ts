/**
 * Where a step's kernel runs: in the calling thread ({@link LocalExecutor}) or on a pool of
 * workers ({@link WorkerPool}), behind one interface. Every worker runs `worker.ts`, which
 * loads the kernel by name (`kernels.ts`), so every step shares one message protocol:
 *
 * - to a worker: `{ type: "init", kernel, backend, spec }`, then `{ type: "run", task }` (a
 *   kernel that reads its own inputs opens them after `init`; tasks wait for that);
 * - from a worker: `{ type: "ready" }`, `{ type: "done", result }` or
 *   `{ type: "error", message }` (which rejects the task).
 * @module
 */
import type { Kernel } from "./kernel.ts";
import type { KernelName } from "./kernels.ts";

/** Runs tasks of one kernel; `threads` of them at once. */
export interface Executor<Task, Result> {
  /** "in-process" or "N workers". */
  readonly name: string;
  readonly threads: number;
  /** Run one task (its buffers in `transfer` move to the worker and are not to be used). */
  run(task: Task, transfer?: Transferable[]): Promise<Result>;
  close(): void;
}

/** Runs the kernel in the calling thread, one task at a time. */
export class LocalExecutor<Task, Result> implements Executor<Task, Result> {
  readonly name = "in-process";
  readonly threads = 1;
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
  | { type: "error"; message: string };

/** Post `message` to `worker` and resolve with its next reply ("error" rejects). */
function request<Result>(
  worker: Worker,
  message: unknown,
  transfer: Transferable[] = [],
): Promise<Reply<Result>> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<Reply<Result>>) => {
      if (e.data.type === "error") reject(new Error(`worker: ${e.data.message}`));
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

/** Runs tasks on a pool of workers, one task per idle worker; others wait for one. */
export class WorkerPool<Task, Result> implements Executor<Task, Result> {
  readonly name: string;
  readonly threads: number;
  readonly #workers: Worker[];
  readonly #idle: Worker[];
  readonly #waiting: Array<(w: Worker) => void> = [];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    this.#idle = [...workers];
    this.threads = workers.length;
    this.name = `${workers.length} worker${workers.length > 1 ? "s" : ""}`;
  }

  /** Start the workers and build the kernel in each; rejects (all stopped) if one fails. */
  static async start<Spec, Task, Result>(
    options: PoolOptions<Spec>,
  ): Promise<WorkerPool<Task, Result>> {
    const workers: Worker[] = [];
    const init = {
      type: "init",
      kernel: options.kernel,
      backend: options.backend,
      spec: options.spec,
    };
    try {
      for (let i = 0; i < Math.max(1, options.workers); i++) {
        // The worker's name is its backend: it creates that solver as soon as it loads.
        workers.push(
          new Worker(WORKER_URL, {
            type: "module",
            name: options.backend,
          }),
        );
      }
      await Promise.all(workers.map((w) => request(w, init)));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
    return new WorkerPool(workers);
  }

  async run(task: Task, transfer: Transferable[] = []): Promise<Result> {
    const w = this.#idle.pop() ?? await new Promise<Worker>((r) => this.#waiting.push(r));
    try {
      const reply = await request<Result>(w, { type: "run", task }, transfer);
      if (reply.type !== "done") throw new Error("worker: unexpected reply");
      return reply.result;
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

/** Settings of {@link startExecutor}. */
export interface ExecutorOptions<Spec, Task, Result> extends PoolOptions<Spec> {
  /** The in-process kernel: used with no workers, or when the pool cannot start. */
  local: () => Kernel<Task, Result>;
  /** Told why the pool could not start (the run goes on in process). */
  onPoolError?: (message: string) => void;
}

/**
 * A {@link WorkerPool} of `workers` threads (0: none) when they start, else a
 * {@link LocalExecutor} (its kernel opened, as a worker opens its own).
 */
export async function startExecutor<Spec, Task, Result>(
  options: ExecutorOptions<Spec, Task, Result>,
): Promise<Executor<Task, Result>> {
  if (options.workers >= 1) {
    try {
      return await WorkerPool.start<Spec, Task, Result>(options);
    } catch (e) {
      options.onPoolError?.(e instanceof Error ? e.message : String(e));
    }
  }
  const kernel = options.local();
  await kernel.open?.();
  return new LocalExecutor(kernel);
}
