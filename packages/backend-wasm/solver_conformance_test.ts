/**
 * The WASM backend against the `Solver` conformance suite (every kernel against core's
 * reference kernels, on data copied in and on data in its `blockBuffer`): with the default
 * slabs, and with tiny slabs that force every split path of the binding (GEMM sum and column
 * slabs, lane slabs, row slabs, pieces of rows longer than a slab).
 */
import { solverConformance } from "@vinsar/core/testing/solver-conformance";
import { createWasmSolver } from "./mod.ts";

solverConformance("wasm", () => createWasmSolver());
solverConformance("wasm, 6000-byte slabs", () => createWasmSolver({ slabBytes: 6000 }));
