/**
 * `vinsar tile merge PLAN`: check that every tile is done for this plan, then assemble
 * MintPy's outputs from the parts (staged, all or nothing) and let the step write what it
 * makes from every task's result. Running it twice gives the same files.
 * @module
 */
import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { InputError } from "@vinsar/core";
import { withOutputs } from "../pipeline/staged_outputs.ts";
import { logReporter, type Reporter } from "../reporter.ts";
import { assertIdentical } from "./fingerprint.ts";
import { loadTileJob } from "./jobs.ts";
import { mergeParts } from "./merge_parts.ts";
import { doneMarker, partPath, planDir, readPlan, type TilePlan } from "./plan.ts";
import { readDone } from "./run_tile.ts";

/** The tiles of `plan` without a done marker for it. */
export function missingTiles(plan: TilePlan): number[] {
  const out: number[] = [];
  for (let i = 0; i < plan.tiles.length; i++) if (!readDone(plan, i)) out.push(i);
  return out;
}

/** Settings of {@link mergeTiles}. */
export interface MergeOptions {
  reporter?: Reporter;
  /** Remove the plan's folder (parts, markers, logs) after a successful merge. */
  clean?: boolean;
}

/**
 * Merge the tiles of the plan at `planPath` into the outputs, in the plan's working folder.
 * @throws InputError listing the tiles not done, an input changed since planning, or the tile
 *   of a corrupt part.
 */
export async function mergeTiles(planPath: string, options: MergeOptions = {}): Promise<TilePlan> {
  const reporter = options.reporter ?? logReporter();
  const plan = readPlan(planPath);
  const missing = missingTiles(plan);
  if (missing.length > 0) {
    throw new InputError(
      `plan ${plan.id}: ${missing.length} of ${plan.tiles.length} tile(s) not done: ${
        compactList(missing)
      } (run them with: vinsar tile run ${planPath} --index I)`,
    );
  }
  await assertIdentical(plan.inputs, `planning (plan ${plan.id})`);
  const job = await loadTileJob(plan.step);
  const t0 = performance.now();
  await withOutputs(async (out) => {
    for (const output of plan.outputs) {
      const writer = await out.h5(output);
      await mergeParts(
        writer,
        plan.tiles.map((range, index) => ({ index, range, path: partPath(plan, index, output) })),
        { axis: plan.axis, length: plan.length, width: plan.width },
      );
      reporter.info(`merged ${plan.tiles.length} tile(s) into ${output}`);
    }
    if (job.finish) {
      const results = plan.tiles.map((_, i) => readDone(plan, i)!.result);
      await job.finish(out, { ...plan.options, reporter }, results);
    }
  });
  reporter.info(`merge of plan ${plan.id} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (options.clean) await removePlan(plan, reporter);
  return plan;
}

/** Remove the folder of `plan` (parts, markers, logs), and `.vinsar` when it is left empty. */
export async function removePlan(
  plan: TilePlan,
  reporter: Reporter = logReporter(),
): Promise<void> {
  const t0 = performance.now();
  // The done markers go first: a removal killed half-way leaves no tile claiming its parts.
  for (let i = 0; i < plan.tiles.length; i++) {
    try {
      Deno.removeSync(doneMarker(plan, i));
    } catch { /* absent */ }
  }
  await rm(planDir(plan.workDir, plan.id), { recursive: true, force: true });
  try {
    Deno.removeSync(dirname(planDir(plan.workDir, plan.id))); // .vinsar, when now empty
  } catch { /* other plans there */ }
  reporter.info(
    `removed the parts of plan ${plan.id} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
}

/** `0-3, 7, 9-10` from sorted indices. */
export function compactList(indices: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    out.push(j > i ? `${indices[i]}-${indices[j]}` : `${indices[i]}`);
    i = j + 1;
  }
  return out.join(",");
}
