/**
 * What every compute command sets up from the common flags: log level, memory budget,
 * compute backend.
 * @module
 */
import { createSolver, log, memoryBudget, type ProbeShape, type Solver } from "@vinsar/core";
import { numberArg, type ParsedArgs } from "./args.ts";
import { H5Reader } from "@vinsar/hdf5";
import { chooseBackend } from "./backend_choice.ts";

/** Run settings shared by the commands. */
export interface RunContext {
  solver: Solver;
  /** Memory budget for block data, bytes. */
  budgetBytes: number;
  workers: number;
}

/**
 * Build the {@link RunContext} from parsed common flags.
 * @param probe the command's work (e.g. `{ kind: "inversion", lanes, network }` or
 *   `{ kind: "gemm", m, n, k }`): with `--backend auto`, the available backends are timed
 *   on it (or the cached timing is reused) and the fastest is used. Without a probe, auto
 *   takes the highest-priority backend that initialises.
 */
export async function makeContext(
  args: ParsedArgs,
  probe?: ProbeShape | readonly ProbeShape[],
): Promise<RunContext> {
  if (args.quiet) log.setLevel("warn");
  const maxMemory = numberArg(args.maxMemory, "--max-memory");
  if (maxMemory !== undefined && !(maxMemory > 0)) {
    throw new RangeError(`flag --max-memory: "${args.maxMemory}" must be a positive number of GB`);
  }
  let free = 8 * 1024 ** 3;
  try {
    const m = Deno.systemMemoryInfo();
    free = m.available || m.free;
  } catch { /* not available */ }
  const budgetBytes = memoryBudget(maxMemory, free);
  const workers = numberArg(args.workers, "--workers") ?? navigator.hardwareConcurrency ?? 1;
  const backend = String(args.backend ?? "auto");
  const solver = backend === "auto" && probe
    ? await chooseBackend(probe, budgetBytes)
    : await createSolver(backend);
  log.debug(`backend ${solver.name}, memory budget ${(budgetBytes / 1024 ** 2).toFixed(0)} MB`);
  return { solver, budgetBytes, workers };
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
