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
import { parseBuildRecord } from "./build_config.ts";

export * from "./wasm_solver.ts";
export { WasmArena } from "./wasm_memory.ts";

const WASM_URL = new URL("./kernels.wasm", import.meta.url);
const HASH_URL = new URL("./kernels.hash", import.meta.url);

async function readAsset(url: URL): Promise<Uint8Array> {
  if (url.protocol === "file:") return await Deno.readFile(url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot load ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

let compiled: Promise<WebAssembly.Module> | null = null;

/**
 * The compiled kernel module (compiled once per thread). Rejects where WebAssembly SIMD is
 * unavailable or the file is missing.
 */
export function loadKernels(): Promise<WebAssembly.Module> {
  compiled ??= readAsset(WASM_URL).then((bytes) =>
    WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>)
  );
  compiled.catch(() => (compiled = null));
  return compiled;
}

/**
 * Hash identifying the kernels (sha-256 of `kernels.wasm` as recorded in `kernels.hash`),
 * for calibration caches.
 */
export async function kernelsHash(): Promise<string> {
  return parseBuildRecord(new TextDecoder().decode(await readAsset(HASH_URL))).wasm;
}

/** A new solver on its own instance (own memory) of the kernels. */
export async function createWasmSolver(options: WasmSolverOptions = {}): Promise<WasmSolver> {
  const instance = await WebAssembly.instantiate(await loadKernels(), {});
  return wasmSolverFromInstance(instance, options);
}

/** Factory for the backend registry. */
export const wasmBackend: BackendFactory = {
  name: "wasm",
  priority: 20,
  create: () => createWasmSolver(),
  fingerprint: kernelsHash,
};
