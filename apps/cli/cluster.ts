/**
 * The CLI side of MintPy's `-c/--cluster`: `local` runs on this machine (`--num-worker`
 * threads when `--workers` is not given), `slurm` plans the step into tiles and runs them as a
 * SLURM job array, then merges (`@vinsar/steps/tiles`); `pbs` and `lsf` are refused.
 * @module
 */
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "@vinsar/core";
import type { Reporter } from "@vinsar/steps/reporter";
import { isTemplateOff, readTemplate, templateSection } from "@vinsar/hdf5/template";
import { readClusterConfig, runOnSlurm } from "@vinsar/steps/tiles";
import { numberArg, type ParsedArgs } from "./args.ts";

/** How a task starts this same vinsar (same Deno, same script: a shared filesystem). */
export function vinsarInvocation(): string[] {
  const exe = Deno.execPath();
  // A compiled vinsar is its own executable; else Deno runs the script this process runs.
  if (!/^deno(\.exe)?$/.test(basename(exe))) return [exe];
  return [exe, "run", "-A", fileURLToPath(Deno.mainModule)];
}

/**
 * Run `step` as the cluster flags of `args` say: true when it ran on a cluster, false when
 * the caller runs it locally (`-c local` or no `-c`; `options.workers` set from
 * `--num-worker` then).
 */
export async function runClustered(
  step: string,
  args: ParsedArgs,
  options: Record<string, unknown> & { reporter?: Reporter },
): Promise<boolean> {
  let cluster = args.cluster === undefined ? undefined : String(args.cluster);
  let source = "flag --cluster";
  let numWorker = numberArg(args.numWorker, "--num-worker");
  let configName = args.config === undefined ? undefined : String(args.config);
  // ifgram_inversion's template: mintpy.compute.cluster, .numWorker, .config when the flags are
  // not given (a flag wins over its key, as for every key).
  if (step === "ifgram_inversion" && typeof options.templateFile === "string") {
    let template;
    try {
      template = readTemplate(options.templateFile);
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`flag -t/--template: ${e.message}`);
      throw e;
    }
    const keys = templateSection(template, "mintpy.compute.", {
      cluster: "none",
      numWorker: "auto",
      config: "none",
    });
    if (cluster === undefined && keys.cluster && !isTemplateOff(keys.cluster)) {
      cluster = keys.cluster.toLowerCase();
      source = `${options.templateFile}: mintpy.compute.cluster`;
      if (!["slurm", "local", "pbs", "lsf"].includes(cluster)) {
        throw new InputError(
          `${options.templateFile}: mintpy.compute.cluster = ${keys.cluster}: choose slurm, ` +
            "local, or no",
        );
      }
    }
    if (numWorker === undefined && keys.numWorker && keys.numWorker !== "auto") {
      numWorker = numberArg(keys.numWorker, "mintpy.compute.numWorker");
    }
    if (configName === undefined && keys.config && !isTemplateOff(keys.config)) {
      configName = keys.config;
    }
  }
  if (cluster === undefined || cluster === "local") {
    if (numWorker !== undefined && options.workers === undefined) options.workers = numWorker;
    return false;
  }
  if (cluster !== "slurm") {
    throw new InputError(
      `${source}: ${cluster} is not supported: use -c slurm (a job array of tiles), ` +
        "or the same tiles on any scheduler with vinsar tile run (docs/cluster.md)",
    );
  }
  const tiles = numberArg(args.numTiles, "--num-tiles");
  if (tiles !== undefined && !(Number.isInteger(tiles) && tiles >= 1)) {
    throw new InputError(`flag --num-tiles: "${tiles}" must be a whole number >= 1`);
  }
  await runOnSlurm(step, options, {
    numWorker: numWorker ?? 4,
    config: readClusterConfig(configName),
    noWait: args.noWait === true,
    tiles,
    vinsar: vinsarInvocation(),
    reporter: options.reporter,
  });
  return true;
}
