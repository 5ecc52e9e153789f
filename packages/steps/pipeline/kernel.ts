/**
 * What a step computes on one unit, as a kernel that runs the same in process and in a
 * worker of the pool: `createKernel(spec, solver)` builds it from plain (structured-
 * clonable) settings, `run(task)` computes one task.
 * @module
 */
import type { Solver } from "@vinsar/core";

/** One step's computation on a task (a unit, or a share of one). */
export interface Kernel<Task, Result> {
  /**
   * Optional: open what the kernel reads by itself (a worker's own read-only view of the
   * step's input file, from which it reads the units it is given); awaited before tasks run.
   */
  open?(): Promise<void>;
  run(task: Task): Result;
  /** Buffers of a result that a worker transfers back instead of copying. */
  transfer?(result: Result): Transferable[];
}

/** A kernel module: what the worker entry loads by name. */
export interface KernelModule<Spec, Task, Result> {
  createKernel(spec: Spec, solver: Solver): Kernel<Task, Result>;
  /** Optional: load what every kernel of the module needs, before the spec is known. */
  prepare?(): Promise<void>;
}
