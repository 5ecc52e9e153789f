/**
 * Simulated InSAR stacks with their truth: dates and small-baseline networks, deformation
 * (Mogi inflation, eruption step, seasonal basin, trend), power-law tropospheric turbulence,
 * decorrelation noise drawn from the phase PDF of distributed scatterers, unwrapping errors,
 * no-data and disconnected areas. Pure computation over row blocks; files are written by
 * the CLI through `@vinsar/hdf5`.
 * @module
 */
export * from "./rng.ts";
export * from "./fft.ts";
export * from "./smooth_field.ts";
export * from "./acquisitions.ts";
export * from "./network.ts";
export * from "./regions.ts";
export * from "./deformation.ts";
export * from "./coherence.ts";
export * from "./decorrelation.ts";
export * from "./turbulence.ts";
export * from "./scene.ts";
export * from "./ifgrams.ts";
export * from "./truth.ts";
export * from "./timeseries.ts";
