/**
 * The TypeScript backend against the `Solver` conformance suite (every kernel against
 * core's reference kernels).
 */
import { solverConformance } from "@vinsar/core/testing/solver-conformance";
import { createTsSolver } from "./mod.ts";

solverConformance("ts", () => Promise.resolve(createTsSolver()));
