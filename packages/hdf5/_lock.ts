/**
 * One writer per output: a run that stages an output holds the lock file
 * `.<name>.vinsar.lock` beside it until the output is committed or aborted (or the process
 * exits). A second run staging the same output fails at once with an {@link InputError}
 * naming the output and the holder. A lock left by a process of this host that is gone (pid
 * not running, or running with another start time) is taken over; another host's lock is
 * never touched, since its process cannot be checked from here.
 * @module
 */
import { InputError } from "@vinsar/core";
import { basename, dirname, join } from "node:path";
import { processStartTime, selfIdentity, sweepFolderOnce, temporaryPath } from "./_temporaries.ts";

/** Who holds a lock, as written in the lock file. */
export interface LockHolder {
  host: string;
  pid: number;
  /** Process start time (clock ticks after boot, `/proc/<pid>/stat` field 22). */
  start: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
}

/** The lock file of output `path`. */
export function lockPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.vinsar.lock`);
}

const LOCK = /^\.(.+)\.vinsar\.lock$/;

/** The output name of a lock file name, or null for any other name. */
export function parseLockName(name: string): string | null {
  return LOCK.exec(name)?.[1] ?? null;
}

/** The holder written in lock file `file`, or null when it is missing or unreadable. */
export function readLock(file: string): LockHolder | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text);
    if (
      typeof v?.host === "string" && typeof v?.pid === "number" &&
      typeof v?.start === "string" && typeof v?.since === "string"
    ) return v as LockHolder;
  } catch { /* half-written or foreign: treated below */ }
  return null;
}

/**
 * Whether `holder` is a process of this host that is gone. A lock whose content cannot be
 * read (a process killed between creating and filling it) is stale when older than a minute.
 */
export function lockIsStale(file: string, holder: LockHolder | null): boolean {
  const me = selfIdentity();
  if (!holder) {
    try {
      const m = Deno.statSync(file).mtime;
      return m !== null && Date.now() - m.getTime() > 60_000;
    } catch {
      return false;
    }
  }
  if (holder.host !== me.host || me.start === "0") return false;
  if (holder.pid === me.pid && holder.start === me.start) return false;
  return processStartTime(holder.pid) !== holder.start;
}

const swept = new Set<string>();

/**
 * Remove, once per folder per process, the lock files in `folder` left by processes of this
 * host that are gone (a run killed with SIGKILL). Returns the names removed.
 */
export function removeStaleLocks(folder: string): string[] {
  return sweepFolderOnce(swept, folder, (name, file) => {
    if (parseLockName(name) === null || held.has(file)) return false;
    const holder = readLock(file);
    return holder !== null && lockIsStale(file, holder);
  });
}

/** Lock files this process holds: lock file -> output path. */
const held = new Map<string, string>();
let unloadHooked = false;

function hookUnload(): void {
  if (unloadHooked) return;
  unloadHooked = true;
  try {
    globalThis.addEventListener("unload", () => {
      for (const file of [...held.keys()]) releaseFile(file);
    });
  } catch { /* no unload event here */ }
}

function releaseFile(file: string): void {
  if (!held.delete(file)) return;
  const holder = readLock(file);
  const me = selfIdentity();
  // Only our own lock: never remove one that another process took over meanwhile.
  if (holder && (holder.pid !== me.pid || holder.host !== me.host)) return;
  try {
    Deno.removeSync(file);
  } catch { /* gone */ }
}

function describe(path: string, holder: LockHolder | null, file: string): string {
  const who = holder
    ? `process ${holder.pid} on host ${holder.host} since ${holder.since}`
    : "another process";
  return `${path} is being written by ${who}: wait for it to finish, or remove ${file} if ` +
    `that run is gone`;
}

/**
 * Take the lock of output `path` for this process.
 * @returns a function releasing it (idempotent; also released when the process exits).
 * @throws InputError naming the output and the holder when another run (or another writer in
 *   this process) holds it.
 * @throws Error naming the output when the lock file cannot be created (folder missing or
 *   read-only: the same cause the output's own write would report).
 */
export function lockOutput(path: string): () => void {
  const file = lockPath(path);
  removeStaleLocks(dirname(path) || ".");
  if (held.has(file)) {
    throw new InputError(`${path} is already being written by this process`);
  }
  const me = selfIdentity();
  const holder: LockHolder = {
    host: me.host,
    pid: me.pid,
    start: me.start,
    since: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
  const content = new TextEncoder().encode(JSON.stringify(holder) + "\n");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      createFilled(file, content);
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      const other = readLock(file);
      if (!lockIsStale(file, other)) throw new InputError(describe(path, other, file));
      // Take over: remove the stale lock unless it changed since it was read.
      const again = readLock(file);
      if (JSON.stringify(again) !== JSON.stringify(other)) continue;
      try {
        Deno.removeSync(file);
      } catch { /* someone else removed it: retry */ }
      continue;
    }
    held.set(file, path);
    hookUnload();
    return () => releaseFile(file);
  }
  throw new InputError(describe(path, readLock(file), file));
}

/** Whether this process holds the lock of output `path`. */
export function holdsLock(path: string): boolean {
  return held.has(lockPath(path));
}

/**
 * Create `file` already holding `content`, or throw AlreadyExists: the content goes to a
 * temporary of this process first, hard-linked into place, so a run killed at any instant never leaves an
 * empty or half-written lock. Where hard links are refused, `createNew` and a write.
 */
function createFilled(file: string, content: Uint8Array): void {
  // A temporary of this process: removed below, or by the next run's stale-temporary sweep.
  const tmp = temporaryPath(file);
  let linked = false;
  try {
    Deno.writeFileSync(tmp, content, { createNew: true });
    Deno.linkSync(tmp, file);
    linked = true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw e;
  } finally {
    try {
      Deno.removeSync(tmp);
    } catch { /* not created */ }
  }
  if (linked) return;
  const f = Deno.openSync(file, { write: true, createNew: true });
  try {
    f.writeSync(content);
  } finally {
    f.close();
  }
}
