/**
 * A cluster plan: everything a task needs to run its tile and the merge needs to assemble the
 * outputs, written once to `.vinsar/<plan id>/plan.json` in the working folder. A task takes
 * its range from the plan only (never from `SLURM_ARRAY_TASK_COUNT`, which changes when only
 * some indices are resubmitted).
 * @module
 */
import { basename, join, resolve } from "node:path";
import { InputError } from "@vinsar/core";
import { commitFile, stageTemporary } from "@vinsar/hdf5";
import type { TileJobDescription } from "../pipeline/tile_job.ts";
import { type FileIdentity, identify } from "./fingerprint.ts";
import { loadTileJob, TILE_STEPS, type TileStep } from "./jobs.ts";

/** The plan file's format version. */
export const PLAN_VERSION = 1;

/** A cluster plan. */
export interface TilePlan {
  version: number;
  /** Hash of everything below (16 hex digits). */
  id: string;
  step: TileStep;
  /** Absolute working folder: paths in `options`, `inputs` and `outputs` are relative to it. */
  workDir: string;
  /** The step's options (the given ones plus the whole-stack values). */
  options: Record<string, unknown>;
  inputs: FileIdentity[];
  axis: TileJobDescription["axis"];
  extent: number;
  length: number;
  width: number;
  /** HDF5 outputs assembled from the parts. */
  outputs: string[];
  /** `[first, last)` rows (or dates) of each tile. */
  tiles: Array<[number, number]>;
}

/** How many tiles: enough for `workers` tasks at once, and for each tile to fit its task. */
export interface TileCountOptions {
  /** Tasks that run at once (`--num-worker`): at least this many tiles. */
  workers: number;
  /** Memory of one task, bytes: a tile's input is at most this. */
  taskBytes: number;
  /** Exactly this many tiles (overrides the two above). */
  tiles?: number;
  /** The working folder the options' relative paths are in (default: the current one). */
  workDir?: string;
  /** The step's description of this run, when the caller has it already (not read again). */
  described?: TileJobDescription;
}

/** `[first, last)` ranges splitting `extent` into `count` near-equal tiles. */
export function splitRange(extent: number, count: number): Array<[number, number]> {
  const n = Math.max(1, Math.min(extent, Math.floor(count)));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    out.push([Math.floor((extent * i) / n), Math.floor((extent * (i + 1)) / n)]);
  }
  return out;
}

/** The number of tiles for a run of `extent` units of `bytesPerUnit`. */
export function tileCount(
  extent: number,
  bytesPerUnit: number,
  options: TileCountOptions,
): number {
  if (options.tiles !== undefined) return Math.max(1, Math.min(extent, options.tiles));
  const byMemory = Math.ceil((extent * bytesPerUnit) / Math.max(1, options.taskBytes));
  return Math.max(1, Math.min(extent, Math.max(options.workers, byMemory)));
}

/** The folder of plan `id` in `workDir`. */
export function planDir(workDir: string, id: string): string {
  return join(workDir, ".vinsar", id);
}

/** Where tile `index` of `plan` writes the output `path`. */
export function partPath(plan: TilePlan, index: number, path: string): string {
  return join(planDir(plan.workDir, plan.id), `tile-${index}`, basename(path));
}

/** The done marker of tile `index`. */
export function doneMarker(plan: TilePlan, index: number): string {
  return join(planDir(plan.workDir, plan.id), `tile-${index}.done.json`);
}

/**
 * Plan `step` with `options` in the working folder: resolve the options against the inputs
 * (the step's own errors), record the inputs' identity, split into tiles, write the plan. The
 * same step, options, inputs (unchanged) and tiles give the same plan id: an existing plan of
 * that id is reused with its tiles done (`reused`).
 * @returns the plan and the path of its plan.json.
 */
export async function createPlan(
  step: string,
  options: Record<string, unknown>,
  count: TileCountOptions,
): Promise<{ plan: TilePlan; path: string; reused: boolean }> {
  if (!(TILE_STEPS as readonly string[]).includes(step)) {
    throw new InputError(`--cluster: step ${step} does not run on a cluster`);
  }
  const jsonOptions = jsonOnly(options);
  const d = count.described ?? await (await loadTileJob(step)).describe(jsonOptions);
  const inputs: FileIdentity[] = [];
  for (const p of d.inputs) inputs.push(await identify(p));
  const n = tileCount(d.extent, d.bytesPerUnit, count);
  const body = {
    version: PLAN_VERSION,
    step: step as TileStep,
    workDir: resolve(count.workDir ?? Deno.cwd()),
    inputs,
    axis: d.axis,
    extent: d.extent,
    length: d.length,
    width: d.width,
    outputs: d.outputs,
    tiles: splitRange(d.extent, n),
  };
  // The id covers the options as given, not the values decided for them (a drawn seed): the
  // same command on the same inputs finds its plan again, and its finished tiles.
  const id = await hashHex(JSON.stringify({ ...body, given: jsonOptions }));
  const dir = planDir(body.workDir, id);
  const path = join(dir, "plan.json");
  try {
    const found = readPlan(path);
    if (found.id === id) return { plan: found, path, reused: true };
  } catch { /* a new plan */ }
  const plan: TilePlan = { ...body, options: jsonOnly(d.options), id };
  Deno.mkdirSync(dir, { recursive: true });
  writeJsonAtomic(path, plan);
  return { plan, path, reused: false };
}

/** Read and check a plan file. @throws InputError naming the file for a bad plan. */
export function readPlan(path: string): TilePlan {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    throw new InputError(`${path}: cannot read plan: ${e instanceof Error ? e.message : e}`);
  }
  let plan: TilePlan;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new InputError(`${path}: not a vinsar plan (bad JSON)`);
  }
  if (
    !plan || plan.version !== PLAN_VERSION || typeof plan.id !== "string" ||
    !Array.isArray(plan.tiles) || !(TILE_STEPS as readonly string[]).includes(plan.step)
  ) {
    throw new InputError(`${path}: not a vinsar plan of version ${PLAN_VERSION}`);
  }
  return plan;
}

/** Write `value` as JSON to `path` whole or not at all (temporary, sync, rename). */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = stageTemporary(path);
  Deno.writeTextFileSync(tmp, JSON.stringify(value, null, 1) + "\n");
  commitFile(tmp, path);
}

/** The options without what JSON cannot hold (the reporter, functions, undefined). */
function jsonOnly(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (v === undefined || typeof v === "function" || k === "reporter" || k === "tile") continue;
    out[k] = v;
  }
  return JSON.parse(JSON.stringify(out));
}

async function hashHex(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d).subarray(0, 8), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}
