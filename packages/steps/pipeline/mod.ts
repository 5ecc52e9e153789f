/**
 * The block pipeline every step runs on: units planned from the memory budget
 * (`units.ts`), one loop reading, computing and writing them (`run_blocks.ts`), kernels run
 * in process or on the one worker pool (`executor.ts`, `worker.ts`), all-or-nothing
 * outputs (`staged_outputs.ts`), and the resources a step runs with (`context.ts`).
 * @module
 */
export * from "./units.ts";
export * from "./run_blocks.ts";
export * from "./kernel.ts";
export * from "./executor.ts";
export * from "./staged_outputs.ts";
export * from "./context.ts";
export * from "./backends.ts";
export * from "./backend_choice.ts";
export * from "./tile_job.ts";
