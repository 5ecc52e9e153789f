/**
 * `--cluster slurm`: plan, submit the tiles as one SLURM job array (`--array=0-(N-1)%K`, K =
 * `--num-worker`), wait while polling `squeue` with a progress bar over the tiles, resubmit
 * the tiles whose task ended without a done marker (killed, cancelled, failed, requeued) up to
 * the retry limit, then merge and remove the parts. No `afterok` dependency is used: a
 * requeued task leaves one never satisfied. With `noWait`, the array and a merge job (after
 * the array, in any state: the merge itself checks every tile) are submitted and their ids
 * printed.
 * @module
 */
import { join } from "node:path";
import { InputError } from "@vinsar/core";
import { logReporter, type Reporter } from "../reporter.ts";
import type { ClusterConfig } from "./cluster_config.ts";
import { compactList, mergeTiles, missingTiles, removePlan } from "./merge.ts";
import { createPlan, planDir, type TilePlan } from "./plan.ts";

/** Settings of {@link runOnSlurm}. */
export interface SlurmRunOptions {
  /** Tasks running at once (`--num-worker`); also the least number of tiles. */
  numWorker: number;
  config: ClusterConfig;
  /** Submit and return (`--no-wait`). */
  noWait?: boolean;
  /** Exactly this many tiles (default: from the memory of a task and `numWorker`). */
  tiles?: number;
  /** How a task starts vinsar: e.g. `[deno, "run", "-A", ".../apps/cli/main.ts"]`. */
  vinsar: string[];
  /** Milliseconds between polls (default 5000; `VINSAR_CLUSTER_POLL_MS`). */
  pollMs?: number;
  reporter?: Reporter;
}

/** What a clustered run did. */
export interface SlurmRunResult {
  plan: TilePlan;
  planPath: string;
  /** Job ids submitted (the array, its resubmissions, and with `noWait` the merge job). */
  jobs: string[];
  /** Tiles resubmitted, per round. */
  resubmitted: number[][];
  merged: boolean;
}

/** Run `step` with `options` on SLURM (see the module documentation). */
export async function runOnSlurm(
  step: string,
  options: Record<string, unknown>,
  cluster: SlurmRunOptions,
): Promise<SlurmRunResult> {
  const reporter = cluster.reporter ?? logReporter();
  if (!(Number.isInteger(cluster.numWorker) && cluster.numWorker >= 1)) {
    throw new InputError(`flag --num-worker: "${cluster.numWorker}" must be a whole number >= 1`);
  }
  await requireCommand("sbatch");
  await requireCommand("squeue");
  const cfg = cluster.config;
  const taskBytes = cfg.memoryBytes ??
    (typeof options.maxMemory === "number" ? options.maxMemory * 1024 ** 3 : 4 * 1024 ** 3);
  const t0 = performance.now();
  const { plan, path: planPath, reused } = await createPlan(step, options, {
    workers: cluster.numWorker,
    taskBytes,
    tiles: cluster.tiles,
  });
  const dir = planDir(plan.workDir, plan.id);
  reporter.info(
    `cluster plan ${plan.id}: ${plan.tiles.length} tile(s) of ${plan.axis} for ${step} ` +
      `(${((performance.now() - t0) / 1000).toFixed(1)} s), ${planPath}` +
      (cfg.source ? `; batch settings from ${cfg.source} [${cfg.section}]` : ""),
  );
  Deno.mkdirSync(join(dir, "logs"), { recursive: true });
  const script = join(dir, "tiles.sbatch");
  Deno.writeTextFileSync(script, batchScript(plan, planPath, cluster, ["tile", "run", planPath]));
  const jobs: string[] = [];
  // A plan found again (same command, inputs unchanged) keeps its finished tiles.
  const todo = missingTiles(plan);
  if (reused) {
    reporter.info(
      `resuming plan ${plan.id}: ${plan.tiles.length - todo.length} of ${plan.tiles.length} ` +
        "tile(s) already done",
    );
  }
  if (todo.length === 0 && !cluster.noWait) {
    await mergeTiles(planPath, { reporter, clean: true });
    return { plan, planPath, jobs, resubmitted: [], merged: true };
  }
  const first = await submit(script, arraySpec(todo, cluster.numWorker), []);
  jobs.push(first);
  reporter.info(
    `submitted job array ${first} (${todo.length} tasks, ${cluster.numWorker} at once)`,
  );
  if (cluster.noWait) {
    const mergeScript = join(dir, "merge.sbatch");
    Deno.writeTextFileSync(
      mergeScript,
      batchScript(plan, planPath, cluster, ["tile", "merge", planPath, "--clean"], true),
    );
    const merge = await submit(mergeScript, null, [`--dependency=afterany:${first}`]);
    jobs.push(merge);
    reporter.info(`submitted merge job ${merge} (runs after job ${first} ends)`);
    reporter.info(`merge by hand: vinsar tile merge ${planPath}`);
    return { plan, planPath, jobs, resubmitted: [], merged: false };
  }
  const resubmitted: number[][] = [];
  const pollMs = cluster.pollMs ?? Number(Deno.env.get("VINSAR_CLUSTER_POLL_MS") ?? 5000);
  const bar = reporter.progress("tiles", plan.tiles.length, "tiles");
  let doneCount = 0;
  for (let round = 0;; round++) {
    // Wait until none of our jobs is queued or running, following the done markers.
    while (await anyActive(jobs)) {
      await new Promise((r) => setTimeout(r, pollMs));
      const done = plan.tiles.length - missingTiles(plan).length;
      if (done > doneCount) {
        bar.advance(done - doneCount);
        doneCount = done;
      }
    }
    const missing = missingTiles(plan);
    const done = plan.tiles.length - missing.length;
    if (done > doneCount) {
      bar.advance(done - doneCount);
      doneCount = done;
    }
    if (missing.length === 0) break;
    if (round >= cfg.retries) {
      throw new InputError(
        `plan ${plan.id}: tile(s) ${compactList(missing)} failed ${round + 1} time(s): see ` +
          `${join(dir, "logs")}; rerun them with: vinsar tile run ${planPath} --index I, then ` +
          `vinsar tile merge ${planPath}`,
      );
    }
    reporter.warn(
      `tile(s) ${compactList(missing)} ended without finishing (attempt ${round + 1} of ` +
        `${cfg.retries + 1}): resubmitting tile(s) ${compactList(missing)}`,
    );
    resubmitted.push(missing);
    const again = await submit(script, arraySpec(missing, cluster.numWorker), []);
    jobs.push(again);
  }
  const m0 = performance.now();
  await mergeTiles(planPath, { reporter });
  reporter.info(`merge: ${((performance.now() - m0) / 1000).toFixed(1)} s`);
  await removePlan(plan, reporter);
  return { plan, planPath, jobs, resubmitted, merged: true };
}

/** `--array` value: the indices (ranges compacted) with `%K`. */
export function arraySpec(indices: readonly number[], atOnce: number): string {
  return `${compactList(indices)}%${atOnce}`;
}

/** The batch script of the tasks (or of the merge). */
export function batchScript(
  plan: TilePlan,
  planPath: string,
  cluster: Pick<SlurmRunOptions, "config" | "vinsar">,
  args: string[],
  merge = false,
): string {
  const c = cluster.config;
  const dir = planDir(plan.workDir, plan.id);
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=vinsar-${plan.step}${merge ? "-merge" : ""}`,
    `#SBATCH --output=${join(dir, "logs", merge ? "merge-%j.out" : "tile-%a-%A.out")}`,
    `#SBATCH --chdir=${plan.workDir}`,
    "#SBATCH --ntasks=1",
  ];
  if (c.partition) lines.push(`#SBATCH --partition=${c.partition}`);
  if (c.account) lines.push(`#SBATCH --account=${c.account}`);
  if (c.walltime) lines.push(`#SBATCH --time=${c.walltime}`);
  if (c.memoryBytes) lines.push(`#SBATCH --mem=${Math.ceil(c.memoryBytes / 2 ** 20)}M`);
  if (c.cores) lines.push(`#SBATCH --cpus-per-task=${c.cores}`);
  for (const d of c.directives) lines.push(`#SBATCH ${d}`);
  lines.push(`# plan ${plan.id}: ${planPath}`);
  lines.push(`exec ${[...cluster.vinsar, ...args].map(shellQuote).join(" ")}`);
  return lines.join("\n") + "\n";
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

async function requireCommand(name: string): Promise<void> {
  try {
    const r = await new Deno.Command(name, { args: ["--version"], stdout: "null", stderr: "null" })
      .output();
    if (r.success) return;
  } catch { /* not found */ }
  throw new InputError(
    `--cluster slurm: ${name} not found on PATH (run on a SLURM login node, or use -c local)`,
  );
}

async function submit(script: string, array: string | null, extra: string[]): Promise<string> {
  const args = ["--parsable", ...extra, ...(array ? [`--array=${array}`] : []), script];
  const r = await new Deno.Command("sbatch", { args, stdout: "piped", stderr: "piped" }).output();
  const out = new TextDecoder().decode(r.stdout).trim();
  if (!r.success) {
    const err = new TextDecoder().decode(r.stderr).trim().split("\n").pop();
    throw new InputError(`sbatch ${args.join(" ")}: ${err || `exit code ${r.code}`}`);
  }
  return out.split(";")[0]!;
}

/** True while any of `jobs` (or an element of their arrays) is pending or running. */
async function anyActive(jobs: readonly string[]): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const r = await new Deno.Command("squeue", {
      args: ["-h", "-j", jobs.join(","), "-o", "%i %T"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(r.stdout);
    if (r.success) {
      return text.split("\n").some((l) =>
        /\b(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED)\b/.test(l)
      );
    }
    // squeue forgets finished jobs: "Invalid job id" means none is left.
    if (/invalid job id/i.test(new TextDecoder().decode(r.stderr))) return false;
    await new Promise((res) => setTimeout(res, 1000));
  }
  throw new InputError("squeue failed 5 times: is the SLURM controller up?");
}
