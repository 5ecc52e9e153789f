/**
 * `vinsar tile run PLAN [--index I]` runs one cluster task of a plan (the index from the flag
 * or the scheduler's array variable); `vinsar tile merge PLAN` assembles the outputs once every
 * tile is done; `vinsar tile status PLAN` lists the tiles not done. See docs/cluster.md.
 * @module
 */
import { dirname, resolve } from "node:path";
import { InputError } from "@vinsar/core";
import {
  compactList,
  mergeTiles,
  missingTiles,
  readPlan,
  runTile,
  taskIndex,
} from "@vinsar/steps/tiles";
import { type Command, defineCommand } from "../command.ts";
import type { CommandSpec } from "../args.ts";

interface TileOptions {
  action: string;
  plan: string;
  index?: string;
  clean: boolean;
  compute: Record<string, unknown>;
  reporter: NonNullable<Parameters<typeof runTile>[2]>["reporter"];
}

const spec: CommandSpec = {
  name: "tile",
  usage: "vinsar tile {run,merge,status} PLAN [--index I] [--clean]",
  description:
    "Run one tile of a cluster plan (.vinsar/<id>/plan.json, written by --cluster slurm),\n" +
    "merge the tiles into MintPy's outputs, or list the tiles not done. The index comes from\n" +
    "--index, else SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX or JOB_COMPLETION_INDEX.",
  positionals: ["action", "plan"],
  options: [
    { names: ["--index"], dest: "index", metavar: "I", addition: true, help: "tile to run" },
    {
      names: ["--clean"],
      dest: "clean",
      nargs: 0,
      addition: true,
      help: "merge: remove the plan's parts after a successful merge",
    },
  ],
  examples: [
    "vinsar tile run .vinsar/3f2a9c0d1e4b5a6c/plan.json --index 0",
    "vinsar tile merge .vinsar/3f2a9c0d1e4b5a6c/plan.json",
  ],
};

/** The command. */
export const command: Command = defineCommand<TileOptions>("tile", {
  summary: "run or merge the tiles of a cluster plan",
  spec,
  common: ["maxMemory", "backend", "workers"],
  options(args, compute) {
    const action = args._[0], plan = args._[1];
    if (!action || !["run", "merge", "status"].includes(action)) {
      throw new InputError(`tile: action "${action ?? ""}": choose run, merge or status`);
    }
    if (!plan) throw new InputError("tile: give the plan file (.vinsar/<id>/plan.json)");
    const { update: _update, reporter, ...rest } = compute;
    const computeOpts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) computeOpts[k] = v;
    // A task uses the cores its scheduler gave it, not the node's.
    const cpus = Number(Deno.env.get("SLURM_CPUS_PER_TASK") ?? NaN);
    if (computeOpts.workers === undefined && cpus >= 1) computeOpts.workers = cpus;
    return {
      action,
      plan: resolve(plan),
      index: args.index === undefined ? undefined : String(args.index),
      clean: args.clean === true,
      compute: computeOpts,
      reporter,
    };
  },
  async run(o) {
    const plan = readPlan(o.plan);
    // Paths in a plan are relative to its working folder.
    Deno.chdir(plan.workDir);
    if (o.action === "run") {
      // Testing knob: a task that lives long enough to be cancelled while it runs.
      const delay = Number(Deno.env.get("VINSAR_TILE_START_DELAY_MS") ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      await runTile(o.plan, taskIndex(o.index), { reporter: o.reporter, compute: o.compute });
    } else if (o.action === "merge") {
      await mergeTiles(o.plan, { reporter: o.reporter, clean: o.clean });
    } else {
      const missing = missingTiles(plan);
      console.log(
        missing.length === 0
          ? `plan ${plan.id}: all ${plan.tiles.length} tile(s) done (${dirname(o.plan)})`
          : `plan ${plan.id}: ${plan.tiles.length - missing.length} of ${plan.tiles.length} ` +
            `tile(s) done; not done: ${compactList(missing)}`,
      );
    }
  },
});
