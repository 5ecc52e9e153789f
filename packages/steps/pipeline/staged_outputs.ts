/**
 * All-or-nothing outputs: every file a command writes is staged under a temporary name and
 * renamed into place only when the whole command has succeeded, so a failed run never
 * leaves a file that looks complete. Temporaries are named and committed by `@vinsar/hdf5`
 * (`stageTemporary`, `commitFile`): synced to disk and renamed over the old output, and the
 * first output staged in a folder removes the temporaries there of processes that are gone.
 *
 * Each output is locked while it is staged (`.<name>.vinsar.lock`, see `lockOutput`): a second
 * run writing the same output fails at once. Before anything is committed, every input still
 * open is checked unchanged since it was opened (`assertInputsUnchanged`).
 * @module
 */
import { InputError } from "@vinsar/core";
import {
  assertInputsUnchanged,
  commitFile,
  H5Error,
  H5Writer,
  lockOutput,
  osCause,
  stageTemporary,
} from "@vinsar/hdf5";

/** The files a command is writing. */
export class OutputSet {
  #writers: H5Writer[] = [];
  #texts: Array<{ path: string; tmp: string; unlock: () => void }> = [];
  #removals: string[] = [];

  /** Start an HDF5 output at `path`. */
  async h5(path: string): Promise<H5Writer> {
    const w = await H5Writer.create(path);
    this.#writers.push(w);
    return w;
  }

  /** Stage a text output. */
  text(path: string, content: string): void {
    this.bytes(path, new TextEncoder().encode(content));
  }

  /** Stage a binary output (PNG, ...). */
  bytes(path: string, content: Uint8Array): void {
    let unlock: () => void;
    try {
      unlock = lockOutput(path);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new Error(`${path}: cannot write output: ${osCause(e)}`);
    }
    const tmp = stageTemporary(path);
    this.#texts.push({ path, tmp, unlock });
    try {
      Deno.writeFileSync(tmp, content);
    } catch (e) {
      throw new Error(`${path}: cannot write output: ${osCause(e)}`);
    }
  }

  /** Remove `path` on success (MintPy removes e.g. a stale exclude_date.txt). */
  remove(path: string): void {
    this.#removals.push(path);
  }

  /**
   * Commit every output (after checking the open inputs unchanged: otherwise this throws and
   * nothing is committed).
   */
  commit(): void {
    assertInputsUnchanged();
    // What would fail a rename is checked for every output before the first one is renamed,
    // so a run does not commit some outputs and then stop on another.
    for (const path of [...this.#writers.map((w) => w.path), ...this.#texts.map((t) => t.path)]) {
      let isDirectory = false;
      try {
        isDirectory = Deno.statSync(path).isDirectory;
      } catch { /* absent: fine */ }
      if (isDirectory) throw new H5Error(`${path}: cannot commit output: Is a directory`);
    }
    for (const w of this.#writers) w.commit();
    for (const t of this.#texts) {
      try {
        commitFile(t.tmp, t.path);
      } catch (e) {
        throw new H5Error(e instanceof Error ? e.message : String(e));
      }
      t.unlock();
    }
    for (const p of this.#removals) {
      try {
        Deno.removeSync(p);
      } catch { /* absent */ }
    }
  }

  abort(): void {
    for (const w of this.#writers) w.abort();
    for (const t of this.#texts) {
      try {
        Deno.removeSync(t.tmp);
      } catch { /* absent */ }
      t.unlock();
    }
  }
}

/** Run `fn` with a fresh {@link OutputSet}; commit on success, abort and rethrow on error. */
export async function withOutputs<T>(fn: (out: OutputSet) => Promise<T>): Promise<T> {
  const out = new OutputSet();
  const onSignal = () => {
    out.abort();
    Deno.exit(130);
  };
  try {
    Deno.addSignalListener("SIGINT", onSignal);
  } catch { /* not supported */ }
  try {
    const r = await fn(out);
    out.commit();
    return r;
  } catch (e) {
    out.abort();
    throw e;
  } finally {
    try {
      Deno.removeSignalListener("SIGINT", onSignal);
    } catch { /* not supported */ }
  }
}
