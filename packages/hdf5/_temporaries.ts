/**
 * Temporary files of staged outputs, and how they are committed.
 *
 * A temporary sits in its output's folder as `.<name>.vinsar-<host>-<pid>-<start>.tmp`, where
 * `<start>` is the process start time (field 22 of `/proc/<pid>/stat`, clock ticks since
 * boot), so a pid reused by a later process is told apart. The first output a process stages
 * in a folder removes the temporaries there whose process is gone (this host's only: a folder
 * shared by several machines keeps the others').
 *
 * A commit syncs the temporary to disk, renames it over the output (the old output stays
 * whole until the rename replaces it) and syncs the folder, so after a crash or a power cut
 * the output is the old file or the complete new one. {@link configureCommits} turns the
 * syncs off for scratch runs (`--no-sync`).
 * @module
 */
import { basename, dirname, join } from "node:path";

/** How outputs are committed, for the whole process. */
export interface CommitSettings {
  /** fsync each output before its rename and its folder after (default true). */
  sync?: boolean;
  /** Where debug lines go (removed stale temporaries); default: nowhere. */
  debug?: (message: string) => void;
}

let syncCommits = true;
let debugLog: (message: string) => void = () => {};

/**
 * Set how outputs are committed (process-wide; the steps' `resolveResources` sets it from
 * the common options). Unset fields keep their value.
 */
export function configureCommits(settings: CommitSettings): void {
  if (settings.sync !== undefined) syncCommits = settings.sync;
  if (settings.debug !== undefined) debugLog = settings.debug;
}

/** Whether commits are synced to disk (see {@link configureCommits}). */
export function commitsAreSynced(): boolean {
  return syncCommits;
}

/** Start time of process `pid` (clock ticks after boot), or null when it is not running. */
export function processStartTime(pid: number | "self"): string | null {
  let stat: string;
  try {
    stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may hold spaces or parentheses.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = fields[19];
  return start && /^\d+$/.test(start) ? start : null;
}

function hostTag(): string {
  let host = "host";
  try {
    host = Deno.hostname();
  } catch { /* not permitted */ }
  return host.replace(/[^A-Za-z0-9_-]/g, "_") || "host";
}

let selfId: { host: string; pid: number; start: string } | null = null;

function self(): { host: string; pid: number; start: string } {
  selfId ??= { host: hostTag(), pid: Deno.pid, start: processStartTime("self") ?? "0" };
  return selfId;
}

/** This process as temporaries and locks name it: host tag, pid, start time ("0" if unknown). */
export function selfIdentity(): { host: string; pid: number; start: string } {
  return { ...self() };
}

const TEMPORARY = /^\.(.+)\.vinsar-([A-Za-z0-9_-]+)-(\d+)-(\d+)\.tmp$/;

/** The parts of a temporary's file name, or null for any other name. */
export function parseTemporaryName(
  name: string,
): { output: string; host: string; pid: number; start: string } | null {
  const m = TEMPORARY.exec(name);
  if (!m) return null;
  return { output: m[1]!, host: m[2]!, pid: Number(m[3]), start: m[4]! };
}

/** The temporary name of `path` for this process (in the same folder). */
export function temporaryPath(path: string): string {
  const { host, pid, start } = self();
  return join(dirname(path), `.${basename(path)}.vinsar-${host}-${pid}-${start}.tmp`);
}

const cleaned = new Set<string>();

/**
 * Remove, once per folder per process, the temporaries in `folder` left by processes of this
 * host that are gone (pid not running, or running with another start time). Regular files
 * with exactly the temporary name pattern only; anything else is never touched. Without
 * `/proc` (not Linux) nothing is removed. Returns the names removed.
 */
export function removeStaleTemporaries(folder: string): string[] {
  const me = self();
  if (me.start === "0") return [];
  const removed = sweepFolderOnce(cleaned, folder, (name) => {
    const t = parseTemporaryName(name);
    if (!t || t.host !== me.host) return false;
    if (t.pid === me.pid && t.start === me.start) return false;
    return processStartTime(t.pid) !== t.start;
  });
  if (removed.length > 0) {
    debugLog(
      `removed ${removed.length} stale temporary file(s) in ${folder}: ${removed.join(", ")}`,
    );
  }
  return removed;
}

/**
 * Once per folder per process (`done` holds the folders swept): remove the regular files of
 * `folder` that `stale` accepts. Returns the names removed; a folder that cannot be read, or a
 * file gone meanwhile, is skipped.
 */
export function sweepFolderOnce(
  done: Set<string>,
  folder: string,
  stale: (name: string, path: string) => boolean,
): string[] {
  let key = folder;
  try {
    key = Deno.realPathSync(folder);
  } catch { /* missing: the caller's write reports it */ }
  if (done.has(key)) return [];
  done.add(key);
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(folder)];
  } catch {
    return [];
  }
  for (const e of entries) {
    const path = join(folder, e.name);
    if (!e.isFile || !stale(e.name, path)) continue;
    try {
      Deno.removeSync(path);
      removed.push(e.name);
    } catch { /* gone meanwhile, or not ours to remove */ }
  }
  return removed;
}

/**
 * A temporary path for output `path`, after removing stale temporaries in its folder
 * (once per folder per process).
 */
export function stageTemporary(path: string): string {
  removeStaleTemporaries(dirname(path) || ".");
  return temporaryPath(path);
}

/** The operating system's reason in a Deno error ("No space left on device", ...). */
export function osCause(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const m = /^(.*?) \(os error \d+\)/.exec(e.message);
  return m?.[1] ?? e.message;
}

function fsync(path: string): void {
  const f = Deno.openSync(path, { read: true });
  try {
    f.syncSync();
  } finally {
    f.close();
  }
}

/**
 * Move the finished temporary `tmp` to `path`: sync it, rename it over `path` and sync the
 * folder (the syncs unless turned off by {@link configureCommits}). A folder that cannot be
 * opened or synced is skipped silently (some file systems refuse it).
 * @throws Error naming `path` and the cause when the sync or the rename fails.
 */
export function commitFile(tmp: string, path: string): void {
  try {
    if (syncCommits) fsync(tmp);
    Deno.renameSync(tmp, path);
  } catch (e) {
    throw new Error(`${path}: cannot commit output: ${osCause(e)}`);
  }
  if (syncCommits) {
    try {
      fsync(dirname(path) || ".");
    } catch { /* folder not syncable here */ }
  }
}
