/**
 * The compute backends the CLI offers, registered explicitly (nothing registers itself on
 * import): the pure-TypeScript one always, the WASM one when its module loads. The main
 * thread and every worker call this once before creating a solver.
 * @module
 */
import { log, registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";

/** Register the built-in backends. */
export async function registerBuiltinBackends(): Promise<void> {
  registerBackend(tsBackend);
  try {
    const { wasmBackend } = await import("@vinsar/backend-wasm");
    registerBackend(wasmBackend);
  } catch (e) {
    log.debug(`wasm backend unavailable: ${e instanceof Error ? e.message : e}`);
  }
}
