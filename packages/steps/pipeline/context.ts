/**
 * The resources a step runs with: the compute backend, the memory budget for block data
 * and the threads, from the common options (`--max-memory`, `--backend`, `--workers`); and
 * MintPy's `--update` rule.
 * @module
 */
import { createSolver, memoryBudget, type ProbeShape, type Solver } from "@vinsar/core";
import { configureCommits, H5Reader } from "@vinsar/hdf5";
import { chooseBackend } from "./backend_choice.ts";
import { registerBuiltinBackends } from "./backends.ts";
import { logReporter, type Reporter } from "../reporter.ts";

/** The options every computing step takes (MintPy's `--memory`, plus the backend). */
export interface ComputeOptions {
  /** Memory budget for block data, GB (`--max-memory`); default from free memory. */
  maxMemory?: number;
  /** "auto" (default: measured on the step's work), or a backend name ("ts", "wasm"). */
  backend?: string;
  /** Threads; undefined: every core, and the step decides whether workers pay. */
  workers?: number;
  /** Most image rows per block (tests: many blocks on a small file). */
  maxBlockRows?: number;
  /** Where log lines and progress go (default {@link logReporter}). */
  reporter?: Reporter;
  /**
   * Sync each output to disk before its rename and its folder after (default true);
   * false (`--no-sync`) for scratch runs: faster, but a power cut may leave an empty output.
   */
  sync?: boolean;
}

/** What a step runs with. */
export interface Resources {
  solver: Solver;
  /** Memory budget for block data, bytes. */
  budgetBytes: number;
  /** Threads the step may use. */
  workers: number;
  /** True when the caller chose the thread count (then the step does not second-guess it). */
  workersRequested: boolean;
  /** Most image rows per block (Infinity: no cap). */
  maxBlockRows: number;
  reporter: Reporter;
}

/**
 * The {@link Resources} of `options`.
 * The built-in backends are registered first (once).
 * @param probe the step's work (e.g. `{ kind: "inversion", lanes, network }`): with backend
 *   "auto", the available backends are timed on it (or the cached timing is reused) and the
 *   fastest is used. Without a probe, auto takes the highest-priority backend that initialises.
 * @throws RangeError for a non-positive `maxMemory` or `workers`.
 */
export async function resolveResources(
  options: ComputeOptions,
  probe?: ProbeShape | readonly ProbeShape[],
): Promise<Resources> {
  const reporter = options.reporter ?? logReporter();
  // Commits are process-wide (every writer of the step, and `withOutputs`, use them).
  configureCommits({ sync: options.sync !== false, debug: (m) => reporter.debug(m) });
  await registerBuiltinBackends();
  const maxMemory = options.maxMemory;
  if (maxMemory !== undefined && !(maxMemory > 0)) {
    throw new RangeError(`flag --max-memory: "${maxMemory}" must be a positive number of GB`);
  }
  if (
    options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 1)
  ) {
    throw new RangeError(`flag --workers: "${options.workers}" must be a positive whole number`);
  }
  let free = 8 * 1024 ** 3;
  try {
    const m = Deno.systemMemoryInfo();
    free = m.available || m.free;
  } catch { /* not available */ }
  const budgetBytes = memoryBudget(maxMemory, free);
  const workers = options.workers ?? navigator.hardwareConcurrency ?? 1;
  const backend = options.backend ?? "auto";
  const solver = backend === "auto" && probe
    ? await chooseBackend(probe, budgetBytes)
    : await createSolver(backend);
  reporter.debug(
    `backend ${solver.name}, memory budget ${(budgetBytes / 1024 ** 2).toFixed(0)} MB`,
  );
  return {
    solver,
    budgetBytes,
    workers,
    workersRequested: options.workers !== undefined,
    maxBlockRows: options.maxBlockRows ?? Infinity,
    reporter,
  };
}

/**
 * MintPy's `--update` rule: skip when every output exists, is newer than every input, and
 * its attributes `keys` equal `expected`.
 */
export async function isUpToDate(
  inputs: string[],
  outputs: string[],
  expected: Record<string, string>,
): Promise<boolean> {
  try {
    if (!outputsAreNewer(outputs, inputs)) return false;
    const r = await H5Reader.open(outputs[0]!);
    try {
      const attrs = r.attrs();
      for (const [k, v] of Object.entries(expected)) if (attrs[k] !== v) return false;
    } finally {
      r.close();
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * True when every output exists and none is older than any input. A missing input makes
 * it false, except the `optionalInputs` (e.g. a mask used only when present), which count
 * only when they exist.
 */
export function outputsAreNewer(
  outputs: string[],
  inputs: string[],
  optionalInputs: string[] = [],
): boolean {
  const mtime = (p: string) => Deno.statSync(p).mtime?.getTime() ?? Infinity;
  try {
    const times = inputs.map(mtime);
    for (const p of optionalInputs) {
      try {
        times.push(mtime(p));
      } catch { /* absent: not an input */ }
    }
    const tIn = Math.max(0, ...times);
    return outputs.every((p) => (Deno.statSync(p).mtime?.getTime() ?? 0) >= tIn);
  } catch {
    return false;
  }
}

/** True when `path` is an existing regular file (false for a folder or a missing path). */
export function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
