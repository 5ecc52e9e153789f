/**
 * MintPy's HDF5 files over h5wasm. The only package of vinsar that touches files.
 * @module
 */
export * from "./h5.ts";
export * from "./ifgram_stack.ts";
export * from "./inversion_outputs.ts";
export * from "./covariance_outputs.ts";
export * from "./timeseries_file.ts";
export * from "./simulated_stack.ts";
export { autoChunks } from "./_auto_chunks.ts";
export * from "./stack_rows.ts";
export * from "./template.ts";
export * from "./mask_file.ts";
export * from "./dataset_selector.ts";
