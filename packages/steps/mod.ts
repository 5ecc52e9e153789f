/**
 * MintPy's steps as library calls: each `run(options)` takes typed options (MintPy's names
 * for MintPy's meanings), writes MintPy's files, and returns a typed result. Log lines and
 * progress go through `options.reporter`; nothing here reads argv or writes to the console.
 *
 * ```ts
 * import * as steps from "@vinsar/steps";
 * await steps.ifgram_inversion.run({ stackFile: "inputs/ifgramStack.h5", weightFunc: "var" });
 * ```
 * @module
 */
export * as ifgram_inversion from "./ifgram_inversion/mod.ts";
export * as timeseries2velocity from "./timeseries2velocity/mod.ts";
export * as timeseries_rms from "./timeseries_rms/mod.ts";
export * as generate_mask from "./generate_mask/mod.ts";
export * as simulate from "./simulate/mod.ts";
export * as view from "./view/mod.ts";
export * as plot_network from "./plot_network/mod.ts";
export * as tsview from "./tsview/mod.ts";
export * from "./reporter.ts";
