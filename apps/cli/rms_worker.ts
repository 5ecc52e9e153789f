/**
 * Worker of `vinsar timeseries_rms`: holds the deramp settings and mask, then deramps the
 * dates of the groups it is sent, in shared memory (see `rms_engine.ts`).
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver, type Solver } from "@vinsar/core";
import { registerBuiltinBackends } from "./backends.ts";
import { derampImages, type DerampSpec } from "./rms_engine.ts";

let solver: Solver | null = null;
let spec: DerampSpec | null = null;

self.onmessage = async (
  e: MessageEvent<{ type: string; spec?: DerampSpec; data?: Float32Array; numDates?: number }>,
) => {
  try {
    if (e.data.type === "init") {
      await registerBuiltinBackends();
      spec = e.data.spec!;
      solver = await createSolver(spec.backend);
      self.postMessage({ type: "ready" });
      return;
    }
    const result = derampImages(solver!, spec!, e.data.data!, e.data.numDates!);
    self.postMessage({ type: "done", result });
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
