/**
 * The WASM SIMD compute backend: every {@link Solver} kernel in C (`src/`), compiled to
 * wasm32 with SIMD128 by `build.ts` into the committed `kernels.wasm`.
 *
 * @example
 * ```ts
 * import { createWasmSolver } from "@vinsar/backend-wasm";
 * const solver = await createWasmSolver();
 * const c = new Float64Array(4);
 * solver.dgemm(false, false, 2, 2, 1, 1, Float64Array.of(1, 2), 1, Float64Array.of(3, 4), 2, 0, c, 2);
 * // c = [3, 4, 6, 8]
 * ```
 * @module
 */
import type { BackendFactory } from "@vinsar/core";
import { type WasmSolver, wasmSolverFromInstance, type WasmSolverOptions } from "./wasm_solver.ts";
import { KERNELS_WASM_BASE64, KERNELS_WASM_SHA256 } from "./kernels_wasm.ts";

export * from "./wasm_solver.ts";
export { WasmArena } from "./wasm_memory.ts";

let compiled: Promise<WebAssembly.Module> | null = null;

/** The kernels' bytes, decoded from the embedded base64 (no file next to the module is read,
 * so bundles and compiled binaries work). */
export function kernelsWasmBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * The compiled kernel module (compiled once per thread). Rejects where WebAssembly SIMD is
 * unavailable.
 */
export function loadKernels(): Promise<WebAssembly.Module> {
  compiled ??= WebAssembly.compile(kernelsWasmBytes());
  compiled.catch(() => (compiled = null));
  return compiled;
}

/** sha-256 of the kernels' wasm, identifying their build (e.g. for calibration caches). */
export function kernelsHash(): Promise<string> {
  return Promise.resolve(KERNELS_WASM_SHA256);
}

/** Pages of 64 KiB a kernel memory may grow to (the module's own maximum, 4 GiB). */
const MAX_PAGES = 65536;

/** A new solver on its own instance (own shared memory) of the kernels. */
export async function createWasmSolver(options: WasmSolverOptions = {}): Promise<WasmSolver> {
  const module = await loadKernels();
  const want = WebAssembly.Module.imports(module).find((i) => i.kind === "memory");
  if (!want) throw new Error("kernels.wasm does not import its memory");
  // The module's data and stack need a few pages; the arena grows it from there.
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  const instance = await WebAssembly.instantiate(module, {
    [want.module]: { [want.name]: memory },
  });
  return wasmSolverFromInstance(instance, memory, options);
}

/** Factory for the backend registry. */
export const wasmBackend: BackendFactory = {
  name: "wasm",
  priority: 20,
  create: () => createWasmSolver(),
  fingerprint: kernelsHash,
};
