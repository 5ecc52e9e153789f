/**
 * Resumable runs on one machine: a run whose input is large (at least
 * {@link RESUME_MIN_BYTES}) runs as a plan of tiles in this process, each tile committed to a
 * part file with its done marker, then merged. Killed (power cut, `kill -9`, out of memory), the
 * same command run again finds its plan (same step, options and unchanged inputs give the same
 * plan id), skips the tiles done and merges: the outputs equal an uninterrupted run's bit for
 * bit. A changed input or setting gives another plan: the run starts from scratch, and the
 * stale plans of the same outputs are removed.
 * @module
 */
import { dirname, join } from "node:path";
import { logReporter, type Reporter } from "../reporter.ts";
import { loadTileJob } from "./jobs.ts";
import { mergeTiles, missingTiles } from "./merge.ts";
import { createPlan, planDir, readPlan, type TilePlan } from "./plan.ts";
import { runTile } from "./run_tile.ts";

/**
 * Input bytes from which a run is resumable (8 GB: runs of a minute and more here;
 * `VINSAR_RESUME_MIN_BYTES`). Below it a killed run starts over, which costs less than the
 * merge of tiles (rewriting the outputs once) costs every run.
 */
export const RESUME_MIN_BYTES = 8e9;

/**
 * Input bytes per tile of a resumable run: a tile is the work lost to a kill
 * (`VINSAR_RESUME_TILE_BYTES`).
 */
export const RESUME_TILE_BYTES = 2e9;

/** Settings of {@link runResumable}. */
export interface ResumableOptions {
  reporter?: Reporter;
  /** Input bytes from which the run is tiled (default {@link RESUME_MIN_BYTES}). */
  minBytes?: number;
  /** Input bytes per tile (default {@link RESUME_TILE_BYTES}). */
  tileBytes?: number;
  /** Folder of the plan (`.vinsar/`) and of relative paths (default: the current one). */
  workDir?: string;
}

/**
 * Run `step` with `options` resumably when its input is large enough.
 * @returns false (nothing done) when the run is too small to be worth tiling, or when MintPy's
 *   `--update` may skip it (the caller then runs the step as usual); true when it ran.
 */
export async function runResumable(
  step: string,
  options: Record<string, unknown> & { reporter?: Reporter },
  settings: ResumableOptions = {},
): Promise<boolean> {
  const reporter = settings.reporter ?? options.reporter ?? logReporter();
  const env = Number(Deno.env.get("VINSAR_RESUME_MIN_BYTES") ?? NaN);
  const minBytes = settings.minBytes ?? (Number.isFinite(env) ? env : RESUME_MIN_BYTES);
  if (options.updateMode === true) return false;
  const job = await loadTileJob(step);
  const { reporter: _r, ...given } = options;
  const d = await job.describe(given);
  const bytes = d.extent * d.bytesPerUnit;
  if (bytes < minBytes || d.extent < 2) return false;
  const envTile = Number(Deno.env.get("VINSAR_RESUME_TILE_BYTES") ?? NaN);
  const tileBytes = settings.tileBytes ?? (envTile > 0 ? envTile : RESUME_TILE_BYTES);
  // VINSAR_RESUME_TILES: exactly that many tiles (a testing knob).
  const exact = Number(Deno.env.get("VINSAR_RESUME_TILES") ?? NaN);
  const tiles = exact >= 1 ? exact : Math.max(2, Math.ceil(bytes / tileBytes));
  const { plan, path, reused } = await createPlan(step, options, {
    workers: 1,
    taskBytes: Infinity,
    tiles,
    workDir: settings.workDir,
    described: d,
  });
  removeStalePlans(plan);
  const todo = missingTiles(plan);
  reporter.info(
    reused
      ? `resuming ${step} (plan ${plan.id}): ${plan.tiles.length - todo.length} of ` +
        `${plan.tiles.length} tile(s) already done`
      : `${step} in ${plan.tiles.length} resumable tile(s) (plan ${plan.id}; a killed run ` +
        "run again continues from its finished tiles)",
  );
  for (const [n, index] of todo.entries()) {
    // The step's own log lines once; the other tiles' at debug level.
    await runTile(path, index, {
      reporter: n === 0 ? reporter : quieter(reporter),
      compute: {},
    });
  }
  await mergeTiles(path, { reporter, clean: true });
  return true;
}

/** Plans in `.vinsar/` of the same step and outputs as `plan`, from earlier settings/inputs. */
function removeStalePlans(plan: TilePlan): void {
  const root = dirname(planDir(plan.workDir, plan.id));
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(root)];
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.isDirectory || e.name === plan.id) continue;
    try {
      const other = readPlan(join(root, e.name, "plan.json"));
      if (other.step === plan.step && other.outputs.join() === plan.outputs.join()) {
        Deno.removeSync(join(root, e.name), { recursive: true });
      }
    } catch { /* not a plan */ }
  }
}

/** `reporter` with its info lines at debug level. */
function quieter(reporter: Reporter): Reporter {
  return { ...reporter, info: (m: string) => reporter.debug(m) };
}
