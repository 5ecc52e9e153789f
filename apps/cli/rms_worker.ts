/**
 * Worker of `vinsar timeseries_rms`: holds the deramp settings and mask, then deramps the
 * dates of the groups it is sent, in shared memory (see `rms_engine.ts`).
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver } from "@vinsar/core";
import { registerBuiltinBackends } from "./backends.ts";
import { type DerampSpec, ImageDeramper } from "./rms_engine.ts";

let deramper: ImageDeramper | null = null;

self.onmessage = async (
  e: MessageEvent<{ type: string; spec?: DerampSpec; data?: Float32Array; numDates?: number }>,
) => {
  try {
    if (e.data.type === "init") {
      await registerBuiltinBackends();
      const spec = e.data.spec!;
      deramper = new ImageDeramper(await createSolver(spec.backend), spec);
      self.postMessage({ type: "ready" });
      return;
    }
    const result = deramper!.run(e.data.data!, e.data.numDates!);
    self.postMessage({ type: "done", result });
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
