/**
 * Backend registry: backends register a factory with a priority; {@link createSolver}
 * initialises the requested one, or for "auto" the best one that initialises, falling back
 * (with a warning) when one fails. Nothing registers itself on import: the app does it.
 * @module
 */
import type { Solver } from "./solver.ts";
import { log } from "./log.ts";
import { InputError } from "./errors.ts";

/** How to build a backend. */
export interface BackendFactory {
  readonly name: string;
  /** Higher is preferred by "auto" before any calibration. */
  readonly priority: number;
  create(): Promise<Solver>;
  /**
   * Identifies the build of the backend's kernels (e.g. a hash of its wasm), so cached
   * measurements of an older build are not reused. Undefined: the runtime version is enough.
   */
  fingerprint?(): Promise<string>;
}

const factories = new Map<string, BackendFactory>();

/** Register (or replace) a backend factory. */
export function registerBackend(factory: BackendFactory): void {
  factories.set(factory.name, factory);
}

/** Names of the registered backends, best first. */
export function listBackends(): string[] {
  return [...factories.values()].sort((a, b) => b.priority - a.priority).map((f) => f.name);
}

/**
 * Create the solver named `name`, or the highest-priority one that initialises for "auto".
 * @throws RangeError for an unknown name; InputError when a named backend fails to initialise.
 */
export async function createSolver(name = "auto"): Promise<Solver> {
  if (name !== "auto") {
    const f = factories.get(name);
    if (!f) {
      throw new RangeError(
        `Unknown backend "${name}": choose one of ${["auto", ...listBackends()].join(", ")}`,
      );
    }
    try {
      return await f.create();
    } catch (e) {
      throw new InputError(
        `--backend ${name}: the backend could not be initialised (${
          e instanceof Error ? e.message : e
        })`,
      );
    }
  }
  for (const n of listBackends()) {
    try {
      return await factories.get(n)!.create();
    } catch (e) {
      log.warn(`backend ${n} failed to initialise, skipped: ${e instanceof Error ? e.message : e}`);
    }
  }
  throw new Error("No compute backend could be initialised");
}

/** A backend that initialised, with its factory. */
export interface AvailableBackend {
  readonly factory: BackendFactory;
  readonly solver: Solver;
}

/**
 * Initialise every registered backend, best priority first; one that fails is skipped with
 * a warning.
 * @throws Error when none initialises.
 */
export async function createAvailableSolvers(): Promise<AvailableBackend[]> {
  const out: AvailableBackend[] = [];
  for (const n of listBackends()) {
    const factory = factories.get(n)!;
    try {
      out.push({ factory, solver: await factory.create() });
    } catch (e) {
      log.warn(`backend ${n} failed to initialise, skipped: ${e instanceof Error ? e.message : e}`);
    }
  }
  if (out.length === 0) throw new Error("No compute backend could be initialised");
  return out;
}
