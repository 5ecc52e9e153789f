/**
 * The one worker of the pool (see `executor.ts` for the protocol): creates its backend's
 * solver as soon as it starts (the WASM kernels compile while the main thread plans and reads),
 * builds the named kernel on `init`, then runs the tasks it is sent.
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver, type Solver } from "@vinsar/core";
import { registerBuiltinBackends } from "./backends.ts";
import type { Kernel } from "./kernel.ts";
import { loadKernel } from "./kernels.ts";

/**
 * The backend named by the pool (the worker's name), ready before the step's settings
 * arrive.
 */
const warm: Promise<Solver | null> = registerBuiltinBackends()
  .then(() => createSolver(self.name || undefined))
  .catch(() => null);

let kernel: Kernel<unknown, unknown> | null = null;

type Message =
  | { type: "init"; kernel: string; backend: string; spec: unknown }
  | { type: "run"; task: unknown };

self.onmessage = async (e: MessageEvent<Message>) => {
  try {
    const msg = e.data;
    if (msg.type === "init") {
      const [module, solver] = await Promise.all([loadKernel(msg.kernel), warm]);
      kernel = module.createKernel(
        msg.spec,
        solver?.name === msg.backend ? solver : await createSolver(msg.backend),
      );
      self.postMessage({ type: "ready" });
      return;
    }
    if (!kernel) throw new Error("task before init");
    const result = kernel.run(msg.task);
    self.postMessage({ type: "done", result }, kernel.transfer?.(result) ?? []);
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
