/**
 * The identity of an input file as a plan records it: path, size, modification time and a
 * content fingerprint (SHA-256 over the size and 16 pieces of 64 KiB spread over the file,
 * first and last included): cheap on a 100 GB stack, and it catches a file rewritten in
 * place even with the same size and time.
 * @module
 */
import { InputError } from "@vinsar/core";

/** A file's identity. */
export interface FileIdentity {
  /** As given (relative to the plan's working folder). */
  path: string;
  size: number;
  mtimeMs: number;
  /** Hex SHA-256 of the sampled content. */
  fingerprint: string;
}

const PIECES = 16;
const PIECE_BYTES = 64 * 1024;

/** The identity of the file `path` now. @throws InputError when it cannot be read. */
export async function identify(path: string): Promise<FileIdentity> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    throw new InputError(`${path}: cannot read input: ${e instanceof Error ? e.message : e}`);
  }
  try {
    const stat = await file.stat();
    const size = stat.size;
    const hashInput = new Uint8Array(8 + PIECES * PIECE_BYTES);
    new DataView(hashInput.buffer).setFloat64(0, size);
    let used = 8;
    const span = Math.max(0, size - PIECE_BYTES);
    for (let i = 0; i < PIECES; i++) {
      const at = Math.floor((span * i) / (PIECES - 1));
      await file.seek(at, Deno.SeekMode.Start);
      const piece = hashInput.subarray(used, used + PIECE_BYTES);
      let got = 0;
      while (got < piece.length) {
        const n = await file.read(piece.subarray(got));
        if (n === null) break;
        got += n;
      }
      used += got;
      if (size <= PIECE_BYTES) break;
    }
    const digest = await crypto.subtle.digest("SHA-256", hashInput.subarray(0, used));
    const fingerprint = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
      .join("");
    return { path, size, mtimeMs: stat.mtime?.getTime() ?? 0, fingerprint };
  } finally {
    file.close();
  }
}

/**
 * Check every recorded input unchanged.
 * @throws InputError naming the first input that changed since `what` (e.g. "planning").
 */
export async function assertIdentical(
  recorded: readonly FileIdentity[],
  what: string,
): Promise<void> {
  for (const r of recorded) {
    let now: FileIdentity;
    try {
      now = await identify(r.path);
    } catch {
      throw new InputError(`${r.path}: input removed since ${what}: plan again`);
    }
    const changed = now.size !== r.size
      ? `size ${r.size} -> ${now.size} bytes`
      : now.fingerprint !== r.fingerprint
      ? "content changed"
      : now.mtimeMs !== r.mtimeMs
      ? "modification time changed"
      : null;
    if (changed) {
      throw new InputError(`${r.path}: input changed since ${what} (${changed}): plan again`);
    }
  }
}
