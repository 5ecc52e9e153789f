/**
 * The one worker of the pool (see `executor.ts` for the protocol): creates its backend's
 * solver and loads its kernel's module as soon as it starts (named in the worker's name: the
 * WASM kernels compile and the HDF5 library loads while the main thread plans and reads),
 * builds the named kernel on `init` (and starts opening what it reads by itself: a step's
 * stack, from which it reads its own row units; tasks wait for it), then runs the tasks it is
 * sent.
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver, type Solver } from "@vinsar/core";
import { registerBuiltinBackends } from "./backends.ts";
import type { Kernel } from "./kernel.ts";
import { loadKernel } from "./kernels.ts";
import type { WorkerHint } from "./executor.ts";

/** The backend and kernel the pool named (the worker's name, see `WorkerHint`). */
function hint(): WorkerHint {
  try {
    const h = JSON.parse(self.name || "{}");
    return typeof h === "object" && h !== null ? h : {};
  } catch {
    return {};
  }
}
const { backend, kernel: kernelName } = hint();

/** The named backend, ready before the step's settings arrive. */
const warm: Promise<Solver | null> = registerBuiltinBackends()
  .then(() => createSolver(backend))
  .catch(() => null);
// The named kernel's module and what it loads ahead (the HDF5 library), meanwhile.
if (kernelName) loadKernel(kernelName).then((m) => m.prepare?.()).catch(() => {});

let kernel: Kernel<unknown, unknown> | null = null;
/** The kernel's own files being opened: tasks wait for it, `init` does not. */
let opened: Promise<void> = Promise.resolve();

type Message =
  | { type: "init"; kernel: string; backend: string; spec: unknown }
  | { type: "run"; task: unknown };

self.onmessage = async (e: MessageEvent<Message>) => {
  try {
    const msg = e.data;
    if (msg.type === "init") {
      const [module, solver] = await Promise.all([loadKernel(msg.kernel), warm]);
      const built = module.createKernel(
        msg.spec,
        solver?.name === msg.backend ? solver : await createSolver(msg.backend),
      );
      // The files the kernel reads its units from, opened in this worker's own h5wasm while
      // the main thread goes on (plans, creates its outputs); a failure fails the first task.
      opened = built.open?.() ?? Promise.resolve();
      opened.catch(() => {});
      kernel = built;
      self.postMessage({ type: "ready" });
      return;
    }
    if (!kernel) throw new Error("task before init");
    await opened;
    const result = kernel.run(msg.task);
    self.postMessage({ type: "done", result }, kernel.transfer?.(result) ?? []);
  } catch (err) {
    self.postMessage({
      type: "error",
      message: err instanceof Error ? err.message : String(err),
      kind: err instanceof Error ? err.name : undefined,
    });
  }
};
