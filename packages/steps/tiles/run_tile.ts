/**
 * `vinsar tile run PLAN --index I`: one cluster task. It runs the plan's step on tile `I`
 * into part files, then writes the tile's done marker naming the plan id. A tile already done
 * for this plan is not run again; inputs that no longer match the plan are refused.
 * @module
 */
import { InputError } from "@vinsar/core";
import { logReporter, type Reporter } from "../reporter.ts";
import { assertIdentical } from "./fingerprint.ts";
import { loadTileJob } from "./jobs.ts";
import { doneMarker, partPath, readPlan, type TilePlan, writeJsonAtomic } from "./plan.ts";

/** What a done marker holds. */
export interface DoneMarker {
  planId: string;
  index: number;
  range: [number, number];
  /** Seconds the task took. */
  seconds: number;
  /** Host that ran it. */
  host: string;
  /** What the step's task returned (e.g. timeseries_rms's sums per date). */
  result: unknown;
}

/**
 * The done marker of tile `index` of `plan`, or null when the tile is not done: no marker, a
 * marker of another plan, or a part file missing (e.g. a removal of the plan folder that was
 * killed half-way): the tile then runs again.
 */
export function readDone(plan: TilePlan, index: number): DoneMarker | null {
  try {
    const m = JSON.parse(Deno.readTextFileSync(doneMarker(plan, index))) as DoneMarker;
    if (!m || m.planId !== plan.id || m.index !== index) return null;
    for (const output of plan.outputs) {
      if (!Deno.statSync(partPath(plan, index, output)).isFile) return null;
    }
    return m;
  } catch {
    return null;
  }
}

/** Settings of {@link runTile}. */
export interface RunTileOptions {
  reporter?: Reporter;
  /** The step's compute options for this task (memory budget, backend, threads, sync). */
  compute?: Record<string, unknown>;
}

/**
 * Run tile `index` of the plan at `planPath`. Relative paths of the plan's options are taken
 * from the current folder: run it in the plan's working folder (the CLI changes to it).
 * @returns false when the tile was already done (nothing run), true when it ran.
 * @throws InputError for a bad index, an input changed since planning, or a step error.
 */
export async function runTile(
  planPath: string,
  index: number,
  options: RunTileOptions = {},
): Promise<boolean> {
  const reporter = options.reporter ?? logReporter();
  const plan = readPlan(planPath);
  if (!(Number.isInteger(index) && index >= 0 && index < plan.tiles.length)) {
    throw new InputError(
      `tile index ${index} is outside plan ${plan.id}'s tiles 0-${plan.tiles.length - 1}`,
    );
  }
  if (readDone(plan, index)) {
    reporter.info(`tile ${index} of plan ${plan.id} is done: nothing to run`);
    return false;
  }
  await assertIdentical(plan.inputs, `planning (plan ${plan.id})`);
  const range = plan.tiles[index]!;
  const what = plan.axis === "rows" ? "rows" : "dates";
  reporter.info(
    `tile ${index} of ${plan.tiles.length} (plan ${plan.id}): ${plan.step}, ${what} ` +
      `${range[0]}-${range[1] - 1}`,
  );
  const t0 = performance.now();
  const job = await loadTileJob(plan.step);
  Deno.mkdirSync(partPath(plan, index, "x").replace(/\/x$/, ""), { recursive: true });
  const result = await job.run(
    { ...plan.options, ...(options.compute ?? {}), reporter },
    { range, partPath: (p) => partPath(plan, index, p) },
  );
  const marker: DoneMarker = {
    planId: plan.id,
    index,
    range,
    seconds: (performance.now() - t0) / 1000,
    host: Deno.hostname(),
    result: result ?? null,
  };
  writeJsonAtomic(doneMarker(plan, index), marker);
  reporter.info(`tile ${index} done in ${marker.seconds.toFixed(1)} s`);
  return true;
}
