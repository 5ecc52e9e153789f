/**
 * Thin, safe layer over h5wasm: loading (with the LZF/zstd/... filter plugins), reading
 * hyperslabs, writing datasets and attributes, and atomic output files.
 *
 * h5wasm reports HDF5 failures by printing an HDF5-DIAG trace on stderr and returning
 * garbage (or zeros) without throwing. Every read and write here runs inside a guard that
 * captures those traces and turns them into a thrown {@link H5Error}.
 *
 * @module
 */

// deno-lint-ignore-file no-explicit-any
import fs from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { boolPlaceholderMember, patchBoolPlaceholders } from "./_bool_enum.ts";
import { InputError } from "@vinsar/core";
import { commitFile, osCause, stageTemporary } from "./_temporaries.ts";
import { lockOutput } from "./_lock.ts";

export {
  commitFile,
  commitsAreSynced,
  type CommitSettings,
  configureCommits,
  osCause,
  parseTemporaryName,
  processStartTime,
  removeStaleTemporaries,
  stageTemporary,
} from "./_temporaries.ts";
export {
  holdsLock,
  type LockHolder,
  lockIsStale,
  lockOutput,
  lockPath,
  parseLockName,
  readLock,
  removeStaleLocks,
} from "./_lock.ts";

/** Numeric typed arrays h5wasm returns for numeric datasets. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/** An HDF5 read or write failure, naming the file and dataset. */
export class H5Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "H5Error";
  }
}

let h5: any = null;
/** The emscripten module of h5wasm (its heap and low-level calls), once loaded. */
let h5Module: any = null;
let loading: Promise<any> | null = null;
const captured: string[] = [];
let guardDepth = 0;

/**
 * Load h5wasm once, with its filter plugins on the search path.
 * HDF5 diagnostics written to stderr during a guarded call are captured and become
 * exceptions instead of being printed.
 */
export function loadH5wasm(): Promise<any> {
  if (h5) return Promise.resolve(h5);
  if (loading) return loading;
  loading = (async () => {
    // h5wasm is built with NODERAWFS: HDF5 prints its diagnostics with fs.writeSync(2, ...).
    const writeSync = fs.writeSync as (...args: any[]) => number;
    (fs as any).writeSync = (fd: number, buf: any, ...rest: any[]): number => {
      if (fd === 2) {
        const text = typeof buf === "string" ? buf : new TextDecoder().decode(
          (buf as Uint8Array).subarray(rest[0] ?? 0, (rest[0] ?? 0) + (rest[1] ?? buf.length)),
        );
        if (guardDepth > 0 || /HDF5-DIAG|^\s+(#\d+|major|minor):/.test(text)) {
          captured.push(text);
          return typeof buf === "string" ? buf.length : (rest[1] ?? buf.length);
        }
      }
      return writeSync(fd, buf, ...rest);
    };
    const mod = await import("h5wasm/node");
    const lib = mod.default ?? mod;
    const Module = await lib.ready;
    h5Module = Module;
    pluginDir = findPluginDir();
    if (pluginDir) Module.insert_plugin_search_path(pluginDir, 0);
    h5 = lib;
    return lib;
  })();
  return loading;
}

/** Where the HDF5 filter plugins (LZF, ...) were found, or null. */
let pluginDir: string | null = null;

/**
 * The folder of h5wasm's filter plugins (`libH5Zlzf.so`, ...): `$VINSAR_H5_PLUGIN_DIR`, else
 * the `h5wasm-plugins` npm package, else a `plugins/` folder beside the main module (how
 * `deno task bundle` ships them next to `dist/vinsar.js`).
 */
function findPluginDir(): string | null {
  const candidates: string[] = [];
  const env = Deno.env.get("VINSAR_H5_PLUGIN_DIR");
  if (env) candidates.push(env);
  try {
    candidates.push(dirname(fileURLToPath(import.meta.resolve("h5wasm-plugins"))) + "/plugins");
  } catch { /* not resolvable from a bundle */ }
  try {
    candidates.push(dirname(fileURLToPath(Deno.mainModule)) + "/plugins");
  } catch { /* no file main module */ }
  for (const c of candidates) {
    try {
      if (Deno.statSync(`${c}/libH5Zlzf.so`).isFile) return Deno.realPathSync(c);
    } catch { /* try the next */ }
  }
  return null;
}

/** Run `fn`, turning HDF5 diagnostics or exceptions into an {@link H5Error} with `what`. */
export function guarded<T>(what: string, fn: () => T): T {
  captured.length = 0;
  guardDepth++;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    throw new H5Error(`${what}: ${firstDiag() ?? (e instanceof Error ? e.message : String(e))}`);
  } finally {
    guardDepth--;
  }
  const diag = firstDiag();
  if (diag !== undefined) {
    const hint = !pluginDir && /filter|plugin|read/i.test(`${what} ${diag}`)
      ? " (HDF5 filter plugins not found, so LZF-compressed data cannot be read: set VINSAR_H5_PLUGIN_DIR to the plugins/ folder of the npm package h5wasm-plugins)"
      : "";
    throw new H5Error(`${what}: ${diag}${hint}`);
  }
  return result;
}

function firstDiag(): string | undefined {
  if (captured.length === 0) return undefined;
  const minor = captured.find((l) => /minor:/.test(l));
  const text = captured.join(" ").replace(/\s+/g, " ");
  captured.length = 0;
  const cause = diagCause(text);
  if (cause) return cause;
  const m = /H5\w+\(\): ([^#]*?)(?: major:| #|$)/.exec(text);
  return (m?.[1]?.trim() ?? minor?.trim() ?? "HDF5 error");
}

/**
 * The root cause in an HDF5 diagnostic trace, when it names one: the operating system's
 * error (HDF5's file driver reports `errno = 28, error message = 'No space left on device'`)
 * or a file shorter than its header says ("file truncated").
 */
export function diagCause(text: string): string | undefined {
  const os = /error message = '([^']+)'/.exec(text)?.[1]?.trim();
  if (os && !/^(Success|No error information)$/i.test(os)) return os;
  if (/truncated file/i.test(text)) return "file truncated";
  if (/filter returned failure during read/i.test(text)) return CORRUPT_CHUNK;
  return undefined;
}

/** {@link diagCause} of a chunk whose filter (gzip, LZF, ...) failed to decode it. */
const CORRUPT_CHUNK = "a compressed chunk is corrupt";

/** Largest single hyperslab read, in bytes (h5wasm's heap is capped at 2 GB). */
export const MAX_SINGLE_READ_BYTES = 512 * 2 ** 20;

/** Shape, element type and storage of one dataset. */
export interface DatasetInfo {
  name: string;
  shape: number[];
  /** h5wasm dtype string: "<f", "<d", "<h", "S8", ... ("bool" for MintPy's enum bool). */
  dtype: string;
  /** Chunk shape, or null for contiguous storage. */
  chunks: number[] | null;
  /** Names of the filters applied (gzip/deflate, lzf, ...). */
  filters: string[];
}

/** Attribute values are returned as MintPy stores them: strings (numbers stringified). */
export type Attrs = Record<string, string>;

function attrValueToString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>).join(" ");
  if (Array.isArray(v)) return v.map(String).join(" ");
  return String(v);
}

/** Size, modification time and identity of an input file when it was opened. */
interface FileStamp {
  size: number;
  mtimeMs: number | null;
  dev: number | null;
  ino: number | null;
}

function stampOf(info: Deno.FileInfo): FileStamp {
  return {
    size: info.size,
    mtimeMs: info.mtime?.getTime() ?? null,
    dev: info.dev ?? null,
    ino: info.ino ?? null,
  };
}

/** Readers open in this process, checked by {@link assertInputsUnchanged}. */
const openReaders = new Set<H5Reader>();

/**
 * Check that no open {@link H5Reader}'s file changed since it was opened (size, modification
 * time, or replaced by another file). The steps' staged outputs call it before committing, so
 * outputs computed from an input that changed under the run are never committed.
 * @throws InputError `<file>: changed while it was being read (...)` for the first changed one.
 */
export function assertInputsUnchanged(): void {
  for (const r of openReaders) r.assertUnchanged();
}

/** A read-only HDF5 file. Close it when done. */
export class H5Reader {
  readonly path: string;
  #file: any;
  #stamp: FileStamp;

  private constructor(path: string, file: any, stamp: FileStamp) {
    this.path = path;
    this.#file = file;
    this.#stamp = stamp;
  }

  /**
   * Check that the file is the one opened, unchanged (a cheap stat: size, modification time,
   * device and inode).
   * @throws InputError `<file>: changed while it was being read (size a -> b bytes)` (or
   *   mtime, or "replaced by another file", or "removed").
   */
  assertUnchanged(): void {
    let now: FileStamp;
    try {
      now = stampOf(Deno.statSync(this.path));
    } catch {
      throw new InputError(`${this.path}: changed while it was being read (removed)`);
    }
    const was = this.#stamp;
    let what: string | null = null;
    if (was.dev !== null && was.ino !== null && (now.dev !== was.dev || now.ino !== was.ino)) {
      what = "replaced by another file";
    } else if (now.size !== was.size) {
      what = `size ${was.size} -> ${now.size} bytes`;
    } else if (now.mtimeMs !== was.mtimeMs) {
      const iso = (t: number | null) => (t === null ? "?" : new Date(t).toISOString());
      what = `mtime ${iso(was.mtimeMs)} -> ${iso(now.mtimeMs)}`;
    }
    if (what) throw new InputError(`${this.path}: changed while it was being read (${what})`);
  }

  /** Open `path` for reading; a missing or non-HDF5 file gives an {@link H5Error}. */
  static async open(path: string): Promise<H5Reader> {
    const lib = await loadH5wasm();
    let stat: Deno.FileInfo;
    try {
      stat = Deno.statSync(path);
    } catch {
      throw new H5Error(`${path}: file not found`);
    }
    if (!stat.isFile) throw new H5Error(`${path}: not a file`);
    const file = guarded(`${path}: cannot open as HDF5`, () => new lib.File(path, "r"));
    if (!file || file.file_id === undefined || file.file_id < 0n) {
      throw new H5Error(`${path}: cannot open as HDF5`);
    }
    const reader = new H5Reader(path, file, stampOf(stat));
    openReaders.add(reader);
    return reader;
  }

  /** Root attributes as strings. */
  attrs(): Attrs {
    return guarded(`${this.path}: reading attributes`, () => {
      const out: Attrs = {};
      for (const [k, a] of Object.entries(this.#file.attrs as Record<string, any>)) {
        out[k] = attrValueToString(a.value);
      }
      return out;
    });
  }

  /** Attributes of dataset `name` as strings (MintPy puts e.g. `UNIT` on a dataset). */
  datasetAttrs(name: string): Attrs {
    const ds = this.#dataset(name);
    return guarded(`${this.path}: reading attributes of ${name}`, () => {
      const out: Attrs = {};
      for (const [k, a] of Object.entries(ds.attrs as Record<string, any>)) {
        out[k] = attrValueToString(a.value);
      }
      return out;
    });
  }

  /** Names of the root-level datasets. */
  datasets(): string[] {
    return guarded(
      `${this.path}: listing datasets`,
      () => (this.#file.keys() as string[]).filter((k) => this.#file.get(k)?.type === "Dataset"),
    );
  }

  has(name: string): boolean {
    return this.datasets().includes(name);
  }

  /** Opened datasets and their info: the file is read-only, so both stay valid. */
  #datasetCache = new Map<string, any>();
  #infoCache = new Map<string, DatasetInfo>();

  #dataset(name: string): any {
    const hit = this.#datasetCache.get(name);
    if (hit) return hit;
    const ds = guarded(`${this.path}: dataset ${name}`, () => this.#file.get(name));
    if (!ds || ds.type !== "Dataset") {
      throw new H5Error(`${this.path}: no dataset "${name}"`);
    }
    this.#datasetCache.set(name, ds);
    return ds;
  }

  /** Shape, dtype, chunking and filters of dataset `name`. */
  info(name: string): DatasetInfo {
    const hit = this.#infoCache.get(name);
    if (hit) {
      return {
        ...hit,
        shape: [...hit.shape],
        chunks: hit.chunks && [...hit.chunks],
        filters: [...hit.filters],
      };
    }
    const ds = this.#dataset(name);
    const info: DatasetInfo = guarded(`${this.path}: dataset ${name}`, () => {
      const md = ds.metadata;
      const isBool = md.enum_type && md.size === 1 &&
        Object.keys(md.enum_type.members ?? {}).sort().join() === "FALSE,TRUE";
      return {
        name,
        shape: (md.shape ?? []).map(Number),
        dtype: isBool ? "bool" : String(ds.dtype),
        chunks: md.chunks ? md.chunks.map(Number) : null,
        filters: (ds.filters ?? []).map((f: any) => String(f.name)),
      };
    });
    this.#infoCache.set(name, info);
    return this.info(name);
  }

  /**
   * Check that dataset `name` can be stored in the file: for the readers of a step's inputs to
   * refuse an impossible size before planning or allocating anything. Not done on every read:
   * a partly written file (a tile's piece) legitimately holds less than its shape.
   * @throws InputError `<file>: dataset <name> of shape (...) holds N TB ..., which cannot fit
   *   in the file's M KB: the file is truncated or the dataset was never written`.
   */
  assertStored(name: string): void {
    this.#checkStorable(this.info(name));
  }

  /** Datasets checked by {@link H5Reader.#checkStorable}. */
  #storable = new Set<string>();

  /**
   * Refuse a dataset whose values cannot all be in the file (see {@link H5Reader.assertStored}): its size, divided by the largest
   * ratio its filters can compress by (1 uncompressed, ~1030 gzip, ~90 LZF), exceeds the
   * file's size. Such a dataset is truncated or was never written (its missing chunks would
   * read as zeros), or its shape is a lie; either way nothing is allocated for it. Datasets
   * with other filters (zstd, blosc, ...) are not checked.
   * @throws InputError naming the file, the dataset, its shape and both sizes.
   */
  #checkStorable(info: DatasetInfo): void {
    if (this.#storable.has(info.name)) return;
    const maxRatio: Record<string, number> = { deflate: 1100, gzip: 1100, lzf: 100 };
    let ratio = 1;
    for (const f of info.filters) {
      const key = f.toLowerCase();
      if (key === "shuffle" || key === "fletcher32") continue;
      const r = maxRatio[key];
      if (r === undefined) return;
      ratio *= r;
    }
    const bytes = info.shape.reduce((p, n) => p * n, 1) * dtypeBytes(info.dtype);
    const fileSize = this.#stamp.size;
    if (bytes / ratio <= fileSize) {
      this.#storable.add(info.name);
      return;
    }
    throw new InputError(
      `${this.path}: dataset ${info.name} of shape (${info.shape.join(", ")}) holds ${
        formatBytes(bytes)
      } of ${info.dtype} values${
        info.filters.length > 0 ? ` (${info.filters.join(", ")})` : ""
      }, which cannot fit in the file's ${
        formatBytes(fileSize)
      }: the file is truncated or the dataset was never written`,
    );
  }

  /**
   * Read a hyperslab `[start, stop)` per dimension (missing trailing dimensions are whole).
   * Returns a typed array in C order. An HDF5 failure (bad filter, truncated file) throws.
   */
  read(name: string, ranges: Array<[number, number]> = []): NumericArray {
    const ds = this.#dataset(name);
    const shape = this.info(name).shape;
    const full: Array<[number, number]> = shape.map((n, i) => ranges[i] ?? [0, n]);
    for (const [i, [a, b]] of full.entries()) {
      if (a < 0 || b > (shape[i] ?? 0) || a > b) {
        throw new H5Error(
          `${this.path}: dataset ${name}: range [${a}, ${b}) outside dimension ${i} of size ${
            shape[i]
          }`,
        );
      }
    }
    const count = full.reduce((p, [a, b]) => p * (b - a), 1);
    if (count === 0) return new Float32Array(0);
    // Near h5wasm's 2 GB heap cap HDF5's own allocations fail and reads come back as zeros
    // without an error, so single reads are kept well below it.
    const bytes = count * dtypeBytes(this.info(name).dtype);
    if (bytes > MAX_SINGLE_READ_BYTES) {
      throw new H5Error(
        `${this.path}: dataset ${name}: a read of ${(bytes / 2 ** 20).toFixed(0)} MB exceeds the ${
          MAX_SINGLE_READ_BYTES / 2 ** 20
        } MB limit of one read (use smaller blocks)`,
      );
    }
    if (shape.length === 0) {
      return guarded(`${this.path}: reading ${name}`, () => ds.value);
    }
    let data: unknown;
    try {
      data = guarded(`${this.path}: reading ${name}`, () => ds.slice(full));
    } catch (e) {
      throw this.#explain(e, name, full);
    }
    if (!ArrayBuffer.isView(data)) {
      throw new H5Error(`${this.path}: dataset ${name} is not numeric`);
    }
    return data as NumericArray;
  }

  /**
   * Read a hyperslab straight into `dest` at `destOffset`, converting to `dest`'s element
   * type (e.g. float32 on disk into a Float64Array), with no intermediate JavaScript array:
   * for block loops that reuse one buffer, this keeps memory flat.
   * @param outerStride where each index of the first dimension starts in `dest`, relative to
   *   the previous one (default: right after it, C order).
   */
  readInto(
    name: string,
    ranges: Array<[number, number]>,
    dest: NumericArray,
    destOffset = 0,
    outerStride?: number,
  ): void {
    const ds = this.#dataset(name);
    const info = this.info(name);
    const full: Array<[number, number]> = info.shape.map((n, i) => ranges[i] ?? [0, n]);
    const count = full.reduce((p, [a, b]) => p * (b - a), 1);
    const outer = full.length > 0 ? full[0]![1] - full[0]![0] : 1;
    const inner = outer > 0 ? count / outer : 0;
    const stride = outerStride ?? inner;
    const span = outer > 0 ? (outer - 1) * stride + inner : 0;
    if (stride < inner || destOffset + span > dest.length) {
      throw new RangeError(
        `readInto ${name}: destination holds ${dest.length - destOffset} of ${span} values` +
          (stride < inner ? ` (stride ${stride} under ${inner})` : ""),
      );
    }
    const View = viewType(info.dtype);
    const md = guarded(`${this.path}: dataset ${name}`, () => ds.metadata);
    if (!View || md.littleEndian === false || count === 0) {
      if (count > 0) placeRows(dest, this.read(name, ranges), destOffset, outer, inner, stride);
      return;
    }
    for (const [i, [a, b]] of full.entries()) {
      if (a < 0 || b > (info.shape[i] ?? 0) || a > b) {
        throw new H5Error(
          `${this.path}: dataset ${name}: range [${a}, ${b}) outside dimension ${i} of size ${
            info.shape[i]
          }`,
        );
      }
    }
    const nbytes = count * View.BYTES_PER_ELEMENT;
    if (nbytes > MAX_SINGLE_READ_BYTES) {
      throw new H5Error(
        `${this.path}: dataset ${name}: a read of ${(nbytes / 2 ** 20).toFixed(0)} MB exceeds the ${
          MAX_SINGLE_READ_BYTES / 2 ** 20
        } MB limit of one read (use smaller blocks)`,
      );
    }
    const Module = h5Module;
    try {
      this.#readIntoHeap(Module, ds, name, full, View, count, nbytes, dest, destOffset, stride);
    } catch (e) {
      throw this.#explain(e, name, full);
    }
  }

  /**
   * A read error, with a corrupt compressed chunk located: which chunk (its index in the
   * dataset's chunk grid, C order) fails to decode, found by reading the chunks of `full` one
   * by one.
   */
  #explain(e: unknown, name: string, full: Array<[number, number]>): unknown {
    if (!(e instanceof H5Error) || !e.message.endsWith(CORRUPT_CHUNK)) return e;
    const info = this.info(name);
    const filters = info.filters.length > 0 ? ` (${info.filters.join(", ")})` : "";
    const n = info.chunks ? this.#corruptChunk(name, full, info.shape, info.chunks) : null;
    const which = n === null ? "a compressed chunk" : `compressed chunk ${n}`;
    return new H5Error(`${this.path}: ${which} of /${name} is corrupt${filters}`);
  }

  #corruptChunk(
    name: string,
    full: Array<[number, number]>,
    shape: number[],
    chunks: number[],
  ): number | null {
    const ds = this.#dataset(name);
    const grid = shape.map((n, i) => Math.ceil(n / chunks[i]!));
    const lo = full.map(([a], i) => Math.floor(a / chunks[i]!));
    const hi = full.map(([, b], i) => Math.ceil(b / chunks[i]!));
    const idx = [...lo];
    for (let tried = 0; tried < 100_000; tried++) {
      const box = idx.map((c, i) => [c * chunks[i]!, Math.min(shape[i]!, (c + 1) * chunks[i]!)]);
      try {
        guarded("chunk", () => ds.slice(box));
      } catch {
        return idx.reduce((p, c, i) => p * grid[i]! + c, 0);
      }
      let d = idx.length - 1;
      while (d >= 0 && ++idx[d]! >= hi[d]!) idx[d] = lo[d--]!;
      if (d < 0) break;
    }
    return null;
  }

  #readIntoHeap(
    Module: any,
    ds: any,
    name: string,
    full: Array<[number, number]>,
    View: ViewType,
    count: number,
    nbytes: number,
    dest: NumericArray,
    destOffset: number,
    stride: number,
  ): void {
    const outer = full.length > 0 ? full[0]![1] - full[0]![0] : 1;
    const inner = outer > 0 ? count / outer : 0;
    guarded(`${this.path}: reading ${name}`, () => {
      const ptr: number = Module._malloc(nbytes);
      if (!ptr) throw new Error(`cannot allocate ${nbytes} bytes in the HDF5 heap`);
      try {
        Module.get_dataset_data(
          ds.file_id,
          ds.path,
          full.map(([a, b]) => BigInt(b - a)),
          full.map(([a]) => BigInt(a)),
          full.map(() => 1n),
          BigInt(ptr),
        );
        // The heap may have grown during the read: take its buffer only now.
        placeRows(
          dest,
          new View(Module.HEAPU8.buffer, ptr, count),
          destOffset,
          outer,
          inner,
          stride,
        );
      } finally {
        Module._free(ptr);
      }
    });
  }

  /** Read a string dataset (e.g. MintPy's `date`), flattened, trailing NULs stripped. */
  readStrings(name: string): string[] {
    const ds = this.#dataset(name);
    const v = guarded(`${this.path}: reading ${name}`, () => ds.value);
    const flat: unknown[] = Array.isArray(v) ? v.flat(4) : [v];
    return flat.map((s) =>
      (typeof s === "string" ? s : new TextDecoder().decode(s as Uint8Array)).replace(/\0+$/, "")
    );
  }

  close(): void {
    openReaders.delete(this);
    try {
      this.#file.close();
    } catch { /* already closed */ }
  }
}

/** Options for a dataset created by {@link H5Writer.create}. */
export interface CreateOptions {
  /** Chunk shape; default: whole leading dimensions of ~1 MB. */
  chunks?: number[];
  /** Compression: "gzip" (level 4), "lzf" (h5py's LZF filter, as MintPy's connectComponent) or none. */
  compression?: "gzip" | "lzf" | null;
}

/**
 * Writes an HDF5 file atomically: everything goes to a temporary in the same folder
 * (`.<name>.vinsar-<host>-<pid>-<start>.tmp`, see `_temporaries.ts`) that
 * {@link H5Writer.commit} syncs and renames over `path`; {@link H5Writer.abort} removes it.
 */
export class H5Writer {
  readonly path: string;
  readonly tmpPath: string;
  #file: any;
  #unlock: () => void = () => {};
  /** Bool datasets: name -> placeholder member, turned into h5py's enum on commit. */
  #bools = new Map<string, string>();
  /** Datasets made by {@link H5Writer.create}, kept open for the block writes. */
  #datasets = new Map<string, any>();
  #closed = false;

  private constructor(path: string, tmpPath: string, file: any) {
    this.path = path;
    this.tmpPath = tmpPath;
    this.#file = file;
  }

  /** Create a writer for `path`; fails with a one-line error if the folder is not writable. */
  static async create(path: string): Promise<H5Writer> {
    const lib = await loadH5wasm();
    let unlock: () => void;
    try {
      unlock = lockOutput(path);
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new H5Error(`${path}: cannot write output: ${osCause(e)}`);
    }
    try {
      const w = H5Writer.#start(lib, path);
      w.#unlock = unlock;
      return w;
    } catch (e) {
      unlock();
      throw e;
    }
  }

  static #start(lib: any, path: string): H5Writer {
    const tmpPath = stageTemporary(path);
    try {
      Deno.writeFileSync(tmpPath, new Uint8Array(0));
      // HDF5 must create the file itself: truncating an existing file (its "w" mode) makes
      // ext4 flush the whole file to disk on close (auto_da_alloc), 40 ms per 200 MB here.
      Deno.removeSync(tmpPath);
    } catch (e) {
      throw new H5Error(`${path}: cannot write output: ${osCause(e)}`);
    }
    const file = guarded(`${path}: cannot create`, () => new lib.File(tmpPath, "w"));
    return new H5Writer(path, tmpPath, file);
  }

  /** Set root attributes (values stored as strings, like MintPy). */
  setAttrs(attrs: Attrs): void {
    guarded(`${this.path}: writing attributes`, () => {
      // h5wasm builds every attribute's object on each `attrs` access: list them once.
      const existing = new Set(Object.keys(this.#file.attrs));
      for (const [k, v] of Object.entries(attrs)) {
        if (existing.has(k)) this.#file.delete_attribute(k);
        this.#file.create_attribute(k, String(v));
      }
    });
  }

  /** Set string attributes of dataset `name` (MintPy puts e.g. `UNIT` on each dataset). */
  setDatasetAttrs(name: string, attrs: Attrs): void {
    guarded(`${this.path}: writing attributes of ${name}`, () => {
      const ds = this.#file.get(name);
      const existing = new Set(Object.keys(ds.attrs));
      for (const [k, v] of Object.entries(attrs)) {
        if (existing.has(k)) ds.delete_attribute(k);
        ds.create_attribute(k, String(v));
      }
    });
  }

  /**
   * Create a numeric dataset of `shape` with `dtype` ("<f" float32, "<d" float64, "<h" int16,
   * "<i" int32, "|u1" uint8, "|b1" int8, "bool" h5py's bool enum, written from 0/1 bytes).
   * Fill it with {@link H5Writer.write}.
   */
  create(name: string, shape: number[], dtype: string, opts: CreateOptions = {}): void {
    const chunks = opts.chunks ?? defaultChunks(shape, dtypeBytes(dtype));
    guarded(`${this.path}: creating ${name}`, () => {
      const empty = shape.map((n, i) => (i === 0 ? 0 : n));
      const member = dtype === "bool" ? this.#boolMember(name) : null;
      this.#file.create_dataset({
        name,
        data: member ? new Map([[member, new Int8Array(0)]]) : emptyTyped(dtype),
        shape: empty,
        maxshape: shape,
        chunks,
        dtype: member ? [[member, "<b"]] : dtype,
        ...(opts.compression === "gzip" ? { compression: "gzip", compression_opts: 4 } : {}),
        ...(opts.compression === "lzf" ? { compression: 32000, compression_opts: [] } : {}),
      });
      this.#file.get(name).resize(shape);
      // Reopened after the resize, so its cached metadata has the full shape.
      this.#datasets.set(name, this.#file.get(name));
    });
  }

  /** Write `data` (C order) into the hyperslab `ranges` of dataset `name`. */
  write(name: string, ranges: Array<[number, number]>, data: NumericArray): void {
    guarded(`${this.path}: writing ${name}`, () => {
      const ds = this.#datasets.get(name) ?? this.#file.get(name);
      const shape: number[] = ds.metadata.shape.map(Number);
      const full = shape.map((n, i) => ranges[i] ?? [0, n]);
      const member = this.#bools.get(name);
      ds.write_slice(full, member ? new Map([[member, asInt8(data)]]) : data);
    });
  }

  /** Write a whole small dataset in one call (numbers or fixed-length strings). */
  writeWhole(
    name: string,
    data: NumericArray | string[],
    opts: { shape?: number[]; dtype?: string } = {},
  ): void {
    guarded(`${this.path}: writing ${name}`, () => {
      if (Array.isArray(data)) {
        const len = Math.max(1, ...data.map((s) => s.length));
        this.#file.create_dataset({
          name,
          data,
          shape: opts.shape ?? [data.length],
          dtype: `S${len}`,
        });
      } else if (opts.dtype === "bool") {
        const member = this.#boolMember(name);
        this.#file.create_dataset({
          name,
          data: new Map([[member, asInt8(data)]]),
          shape: opts.shape ?? [data.length],
          dtype: [[member, "<b"]],
        });
      } else {
        this.#file.create_dataset({
          name,
          data,
          shape: opts.shape ?? [data.length],
          ...(opts.dtype ? { dtype: opts.dtype } : {}),
        });
      }
    });
  }

  #boolMember(name: string): string {
    const member = boolPlaceholderMember(this.#bools.size);
    this.#bools.set(name, member);
    return member;
  }

  /**
   * Flush, close, and move into place: synced to disk, renamed over the old output (which
   * stays whole until then), folder synced (the syncs unless `configureCommits({sync: false})`).
   */
  commit(): void {
    this.#closed = true;
    guarded(`${this.path}: closing`, () => this.#file.close());
    const failed = patchBoolPlaceholders(this.tmpPath, [...this.#bools.values()]);
    if (failed.length > 0) {
      const names = [...this.#bools].filter(([, m]) => failed.includes(m)).map(([n]) => n);
      throw new H5Error(`${this.path}: could not store ${names.join(", ")} as bool`);
    }
    try {
      commitFile(this.tmpPath, this.path);
    } catch (e) {
      throw new H5Error(e instanceof Error ? e.message : String(e));
    }
    this.#unlock();
  }

  /** Close and delete the partial file. Safe to call after commit. */
  abort(): void {
    // Closing twice makes HDF5 print its error stack: close only a file still open.
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#file.close();
      } catch { /* closed */ }
    }
    try {
      Deno.removeSync(this.tmpPath);
    } catch { /* gone */ }
    this.#unlock();
  }
}

type ViewType =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor;

function viewType(dtype: string): ViewType | null {
  return ({
    "<f": Float32Array,
    "<d": Float64Array,
    "<h": Int16Array,
    "<i": Int32Array,
    bool: Int8Array,
    "|b1": Int8Array,
    "|u1": Uint8Array,
  } as Record<string, ViewType>)[dtype] ?? null;
}

function dtypeBytes(dtype: string): number {
  const m = /(\d+)$/.exec(dtype);
  if (m) return Number(m[1]);
  return {
    "<f": 4,
    "<d": 8,
    "<h": 2,
    "<i": 4,
    "|u1": 1,
    "|b1": 1,
    bool: 1,
    "<H": 2,
    "<I": 4,
  }[dtype] ??
    4;
}

/** `bytes` as "8.5 KB", "26 TB" (powers of 1024). */
function formatBytes(bytes: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"];
  let v = bytes, u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} bytes` : `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[u]}`;
}

/** 0/1 bytes of a bool dataset as the int8 column of its placeholder compound. */
function asInt8(data: NumericArray): Int8Array {
  if (data instanceof Int8Array) return data;
  if (data instanceof Uint8Array) return new Int8Array(data.buffer, data.byteOffset, data.length);
  return Int8Array.from(data as ArrayLike<number>, (v) => (v ? 1 : 0));
}

function emptyTyped(dtype: string): NumericArray {
  switch (dtype) {
    case "<d":
      return new Float64Array(0);
    case "<h":
      return new Int16Array(0);
    case "<i":
      return new Int32Array(0);
    case "|u1":
    case "|b1":
      return new Uint8Array(0);
    default:
      return new Float32Array(0);
  }
}

/** Chunks of whole trailing 2-D slabs of about 1 MB, at least one row. */
function defaultChunks(shape: number[], bytes: number): number[] {
  const target = 1 << 20;
  const chunks = shape.map((n) => Math.max(1, n));
  if (shape.length >= 2) {
    const w = shape[shape.length - 1]!;
    const rowBytes = w * bytes;
    const rows = Math.max(1, Math.min(shape[shape.length - 2]!, Math.floor(target / rowBytes)));
    chunks[chunks.length - 2] = rows;
    for (let i = 0; i < chunks.length - 2; i++) chunks[i] = 1;
  }
  return chunks;
}

/** Copy `outer` runs of `inner` values of `src` into `dest`, `stride` apart from `at`. */
function placeRows(
  dest: NumericArray,
  src: NumericArray,
  at: number,
  outer: number,
  inner: number,
  stride: number,
): void {
  if (stride === inner) {
    dest.set(src, at);
    return;
  }
  for (let i = 0; i < outer; i++) {
    dest.set(src.subarray(i * inner, (i + 1) * inner), at + i * stride);
  }
}
