/**
 * The compute backends the steps offer, registered explicitly (nothing registers itself on
 * import): the pure-TypeScript one always, the WASM one when its module loads. The main
 * thread (through {@link resolveResources}) and every worker call this before creating a
 * solver; it registers once per thread.
 * @module
 */
import { log, registerBackend } from "@vinsar/core";
import { tsBackend } from "@vinsar/backend-ts";

let registered: Promise<void> | null = null;

/** Register the built-in backends (once; later calls return the same promise). */
export function registerBuiltinBackends(): Promise<void> {
  registered ??= (async () => {
    registerBackend(tsBackend);
    try {
      const { wasmBackend } = await import("@vinsar/backend-wasm");
      registerBackend(wasmBackend);
    } catch (e) {
      log.debug(`wasm backend unavailable: ${e instanceof Error ? e.message : e}`);
    }
  })();
  return registered;
}
