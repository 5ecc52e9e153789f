/**
 * The batch settings of a cluster (partition, account, walltime, memory, cores, extra
 * directives), read from the `jobqueue` section NAME (`--config`, default `slurm`) of MintPy's
 * own dask config `~/.config/dask/mintpy.yaml` when it exists, so a MintPy user's cluster
 * setup works unchanged; else from vinsar's `~/.config/vinsar/cluster.yaml` (same layout), or
 * the file named by `VINSAR_CLUSTER_CONFIG`.
 * @module
 */
import { join } from "node:path";
import { parse } from "yaml";
import { InputError } from "@vinsar/core";

/** The batch settings of one section. */
export interface ClusterConfig {
  /** File and section they came from (null: built-in defaults). */
  source: string | null;
  section: string;
  partition?: string;
  account?: string;
  /** `HH:MM:SS`. */
  walltime?: string;
  /** Memory per task, bytes. */
  memoryBytes?: number;
  /** Cores per task. */
  cores?: number;
  /** Extra `#SBATCH` directives (without the `#SBATCH` prefix). */
  directives: string[];
  /** Tasks resubmitted at most this many times (vinsar key `retries`, default 2). */
  retries: number;
}

/** The config files looked at, in order. */
export function configFiles(
  env: (n: string) => string | undefined = (n) => Deno.env.get(n),
): string[] {
  const home = env("HOME") ?? ".";
  const files: string[] = [];
  const own = env("VINSAR_CLUSTER_CONFIG");
  if (own) files.push(own);
  files.push(join(home, ".config", "dask", "mintpy.yaml"));
  files.push(join(home, ".config", "vinsar", "cluster.yaml"));
  return files;
}

/**
 * The settings of section `name` (default "slurm").
 * @throws InputError for an unreadable file, or a section named with --config that no file
 *   has (listing the sections there are).
 */
export function readClusterConfig(
  name: string | undefined,
  files: readonly string[] = configFiles(),
): ClusterConfig {
  const section = name ?? "slurm";
  const seen: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue;
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (e) {
      throw new InputError(`${file}: not YAML (${e instanceof Error ? e.message : e})`);
    }
    const queues = (doc as { jobqueue?: Record<string, unknown> } | null)?.jobqueue;
    if (!queues || typeof queues !== "object") continue;
    seen.push(...Object.keys(queues).map((k) => `${k} (${file})`));
    const s = queues[section];
    if (s && typeof s === "object") return fromSection(s as Record<string, unknown>, file, section);
  }
  if (name !== undefined && name !== "slurm") {
    throw new InputError(
      `flag --config: no jobqueue section "${name}" in ${files.join(" or ")}` +
        (seen.length ? ` (sections: ${seen.join(", ")})` : ""),
    );
  }
  return { source: null, section, directives: [], retries: 2 };
}

function fromSection(s: Record<string, unknown>, file: string, section: string): ClusterConfig {
  const str = (k: string) => (s[k] === undefined || s[k] === null ? undefined : String(s[k]));
  const extra = s["job-extra-directives"] ?? s["job-extra"] ?? s["job_extra"] ?? [];
  if (!Array.isArray(extra)) {
    throw new InputError(`${file}: jobqueue.${section}.job-extra-directives must be a list`);
  }
  const cores = str("cores");
  const retries = str("retries");
  return {
    source: file,
    section,
    partition: str("queue") ?? str("partition"),
    account: str("account") ?? str("project"),
    walltime: str("walltime"),
    memoryBytes: str("memory")
      ? parseMemory(str("memory")!, `${file}: jobqueue.${section}.memory`)
      : undefined,
    cores: cores ? Number(cores) : undefined,
    directives: extra.map((d) => String(d).replace(/^#SBATCH\s+/, "")),
    retries: retries ? Number(retries) : 2,
  };
}

/** Bytes of a dask memory string: "4GB", "4 GiB", "500MB", "2e9". */
export function parseMemory(text: string, what: string): number {
  const m = /^\s*([\d.eE+]+)\s*([kKmMgGtT]?)(i?)[bB]?\s*$/.exec(text);
  if (!m) throw new InputError(`${what}: "${text}" is not a memory size (e.g. 4GB)`);
  const power = " kmgt".indexOf(m[2]!.toLowerCase() || " ");
  const base = m[3] ? 1024 : 1000;
  return Number(m[1]) * base ** Math.max(0, power);
}
