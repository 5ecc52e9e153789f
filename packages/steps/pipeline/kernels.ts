/**
 * The kernels a worker of the pool can run, by name. Literal imports, so a bundler can
 * follow them; a kernel module imports `@vinsar/core` and `kernel.ts`, and a kernel that
 * reads its own units (`ifgram_inversion`) its step's reader over `@vinsar/hdf5`.
 * @module
 */
import type { KernelModule } from "./kernel.ts";

/** The name of a kernel a worker can load. */
export type KernelName = "ifgram_inversion" | "timeseries2velocity" | "timeseries_rms";

type AnyKernelModule = KernelModule<unknown, unknown, unknown>;

/** Loaders of the kernel modules, by step. */
export const KERNELS: Readonly<Record<KernelName, () => Promise<AnyKernelModule>>> = {
  ifgram_inversion: () => import("../ifgram_inversion/kernel.ts") as Promise<AnyKernelModule>,
  timeseries2velocity: () => import("../timeseries2velocity/kernel.ts") as Promise<AnyKernelModule>,
  timeseries_rms: () => import("../timeseries_rms/kernel.ts") as Promise<AnyKernelModule>,
};

/** Load a kernel module by name. */
export async function loadKernel(name: string): Promise<AnyKernelModule> {
  const loader = (KERNELS as Record<string, () => Promise<AnyKernelModule>>)[name];
  if (!loader) throw new RangeError(`Unknown kernel "${name}"`);
  return await loader();
}
