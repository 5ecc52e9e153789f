/**
 * Worker of `vinsar timeseries2velocity`: builds the fit once, then fits the pixel ranges
 * of the blocks it is sent (see `_timeseries2velocity_engine.ts`).
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver } from "@vinsar/core";
import { registerBuiltinBackends } from "../backends.ts";
import { BlockFitter, type BlockJob, type FitSpec } from "./_timeseries2velocity_engine.ts";

let fitter: BlockFitter | null = null;

self.onmessage = async (
  e: MessageEvent<{ type: string; spec?: FitSpec; job?: BlockJob; start?: number; count?: number }>,
) => {
  try {
    if (e.data.type === "init") {
      await registerBuiltinBackends();
      fitter = new BlockFitter(await createSolver(e.data.spec!.backend), e.data.spec!);
      self.postMessage({ type: "ready" });
      return;
    }
    const fit = fitter!.run(e.data.job!, e.data.start!, e.data.count!);
    self.postMessage(
      { type: "done", fit },
      [fit.params, fit.std, fit.e2, fit.fitted].map((a) => a.buffer as ArrayBuffer),
    );
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
