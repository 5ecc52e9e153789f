/**
 * Worker of `vinsar timeseries2velocity`: builds the fit once, then fits the pixel ranges
 * of the blocks it is sent and writes their results into the shared output arrays (see
 * `_timeseries2velocity_engine.ts`). The backends load, and the preferred one initialises
 * (the WASM kernels compile), as soon as the worker starts, while the main thread plans
 * the fit and reads the first block.
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver, type Solver } from "@vinsar/core";
import { registerBuiltinBackends } from "../backends.ts";
import {
  BlockFitter,
  type FitJobMessage,
  type FitSpec,
  writeFitPart,
} from "./_timeseries2velocity_engine.ts";

/** The first backend that initialises, ready before the fit is known. */
const warm: Promise<Solver | null> = registerBuiltinBackends()
  .then(() => createSolver())
  .catch(() => null);

let fitter: BlockFitter | null = null;
let numParams = 0;

self.onmessage = async (e: MessageEvent<{ type: "init"; spec: FitSpec } | FitJobMessage>) => {
  try {
    const msg = e.data;
    if (msg.type === "init") {
      const solver = await warm;
      fitter = new BlockFitter(
        solver?.name === msg.spec.backend ? solver : await createSolver(msg.spec.backend),
        msg.spec,
      );
      numParams = msg.spec.fit.numParams;
      self.postMessage({ type: "ready" });
      return;
    }
    const fit = fitter!.run(msg.job, msg.start, msg.count);
    writeFitPart(fit, msg.out, numParams, msg.job.lanes, msg.start, msg.count);
    self.postMessage({ type: "done", counts: fit.counts });
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
