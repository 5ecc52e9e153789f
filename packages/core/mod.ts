/**
 * vinsar core: compute interfaces, block planning, MintPy conventions and the three
 * operations over in-memory blocks. No file I/O here.
 * @module
 */
export * from "./solver.ts";
export * from "./registry.ts";
export * from "./chunker.ts";
export * from "./dates.ts";
export * from "./errors.ts";
export * from "./log.ts";
