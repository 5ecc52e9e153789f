/**
 * vinsar core: compute interfaces, block planning, MintPy conventions and the three
 * operations over in-memory blocks. No file I/O here.
 * @module
 */
export * from "./solver.ts";
export * from "./registry.ts";
export * from "./calibrate.ts";
export * from "./chunker.ts";
export * from "./dates.ts";
export * from "./errors.ts";
export * from "./log.ts";
export * from "./deramp.ts";
export * from "./remove_ramp.ts";
export * from "./symmetric_pinv.ts";
export * from "./residual_rms.ts";
export * from "./network.ts";
export * from "./weights.ts";
export * from "./cholesky_plan.ts";
export * from "./invert_system.ts";
export * from "./invert_dense.ts";
export * from "./invert_network.ts";
export * from "./inversion_residual.ts";
export * from "./offsets.ts";
export * from "./invert_attrs.ts";
export * from "./timeseries_covariance.ts";
export * from "./mask_rules.ts";
export * from "./time_functions.ts";
export * from "./time_function_outputs.ts";
export * from "./fit_time_functions.ts";
export * from "./bootstrap.ts";
export * from "./pinv.ts";
export * from "./py_format.ts";
export * from "./time_function_config.ts";
export * as simulate from "./simulate/mod.ts";
export * from "./random.ts";
export * from "./workspace.ts";
