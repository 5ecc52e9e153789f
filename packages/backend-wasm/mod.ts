/**
 * The WASM SIMD compute backend (kernels in C compiled to wasm32 with SIMD128).
 * @module
 */
import type { BackendFactory } from "@vinsar/core";

/** Factory for the backend registry; fails to initialise until the kernels are built. */
export const wasmBackend: BackendFactory = {
  name: "wasm",
  priority: 5,
  create: () => Promise.reject(new Error("the WASM kernels are not built yet")),
};
