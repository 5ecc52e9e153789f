/**
 * Worker of `vinsar ifgram_inversion`: builds the inverter once, then inverts the blocks it
 * is sent and sends their buffers back (see `_ifgram_inversion_engine.ts`).
 * @module
 */
/// <reference lib="deno.worker" />
import { createSolver, type NetworkInverter } from "@vinsar/core";
import { registerBuiltinBackends } from "../backends.ts";
import {
  type BlockTask,
  type InverterSpec,
  invertTask,
  makeInverter,
} from "./_ifgram_inversion_engine.ts";

let inverter: NetworkInverter | null = null;

self.onmessage = async (
  e: MessageEvent<{ type: string; spec?: InverterSpec; task?: BlockTask }>,
) => {
  try {
    if (e.data.type === "init") {
      await registerBuiltinBackends();
      inverter = makeInverter(e.data.spec!, await createSolver(e.data.spec!.backend));
      self.postMessage({ type: "ready" });
      return;
    }
    const task = e.data.task!;
    const before = { ...inverter!.counts }, timing = { ...inverter!.timing };
    const t = performance.now();
    invertTask(inverter!, task);
    const ms = performance.now() - t;
    const counts = { ...inverter!.counts }, timing2 = { ...inverter!.timing };
    for (const k of Object.keys(counts) as Array<keyof typeof counts>) counts[k] -= before[k];
    for (const k of Object.keys(timing2) as Array<keyof typeof timing2>) timing2[k] -= timing[k];
    const b = task.buffers;
    const transfer = [b.phase, b.coherence, b.maskData, b.ts, b.temporalCoherence, b.numInvObs]
      .filter((a): a is Float32Array => a !== undefined)
      .map((a) => a.buffer as ArrayBuffer);
    self.postMessage(
      { type: "done", pixels: task.pixels, buffers: b, counts, timing: timing2, ms },
      transfer,
    );
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};
