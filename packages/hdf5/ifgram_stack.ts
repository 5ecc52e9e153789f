/**
 * MintPy's interferogram stack (`ifgramStack.h5`) for the network inversion: its metadata,
 * row blocks of the kept interferograms of any (K, LENGTH, WIDTH) dataset, and the reference
 * pixel's values (its per-pixel masks are read with `MaskFile`, mask_file.ts).
 * @module
 */
import { InputError } from "@vinsar/core";
import { type Attrs, H5Reader } from "./h5.ts";
import { checkImageSize } from "./_image_size.ts";

/** MintPy's order of the stack's datasets (others follow in file order). */
const STACK_DATASETS = [
  "unwrapPhase",
  "coherence",
  "connectComponent",
  "wrapPhase",
  "rangeOffset",
  "azimuthOffset",
  "offsetSNR",
];

/** Target size of one read (bytes). */
const READ_BYTES = 4 * 2 ** 20;

/** An open `ifgramStack.h5`. Close it when done. */
export class IfgramStack {
  readonly path: string;
  /** Root attributes, with START_DATE / END_DATE over all interferograms like MintPy. */
  readonly attrs: Attrs;
  readonly length: number;
  readonly width: number;
  /** Date pairs of every interferogram in the file. */
  readonly date12All: ReadonlyArray<readonly [string, string]>;
  /** Indices of the kept interferograms (`dropIfgram == True`). */
  readonly keep: Int32Array;
  /** Perpendicular baseline (m) of every interferogram in the file. */
  readonly bperpAll: Float32Array;
  /** Datasets shaped (K, LENGTH, WIDTH), in MintPy's order. */
  readonly datasetNames: readonly string[];
  readonly #r: H5Reader;

  private constructor(path: string, r: H5Reader) {
    this.path = path;
    this.#r = r;
    const attrs = r.attrs();
    const names = r.datasets();
    const fileType = attrs.FILE_TYPE;
    if (fileType !== undefined && fileType !== "ifgramStack") {
      throw new InputError(
        `${path}: input is a ${fileType} file, support ifgramStack file only`,
      );
    }
    for (const need of ["date", "dropIfgram", "bperp"]) {
      if (!names.includes(need)) {
        throw new InputError(`${path}: not an ifgramStack file (no dataset "${need}")`);
      }
    }
    const main = ["unwrapPhase", "rangeOffset", "azimuthOffset"].find((n) => names.includes(n));
    if (!main) throw new InputError(`${path}: no unwrapPhase (or offset) dataset`);
    const shape = r.info(main).shape;
    if (shape.length !== 3) throw new InputError(`${path}: dataset ${main} is not 3-D`);
    const [K, L, W] = shape as [number, number, number];
    checkImageSize(path, attrs, { dataset: main, shape });
    // Refuse a size the file cannot hold before anything is planned or allocated from it.
    r.assertStored(main);
    for (const n of STACK_DATASETS) {
      // The stack's other images must be the same size (MintPy reads them with one box).
      const s = n === main || !names.includes(n) ? null : r.info(n).shape;
      if (s && s.length === 3 && (s[0] !== K || s[1] !== L || s[2] !== W)) {
        throw new InputError(
          `${path}: dataset ${n} has shape (${s.join(", ")}), but ${main} has (${K}, ${L}, ${W})`,
        );
      }
    }
    this.length = L;
    this.width = W;
    const dates = r.readStrings("date");
    if (dates.length !== 2 * K) {
      throw new InputError(`${path}: dataset date has ${dates.length / 2} pairs, expected ${K}`);
    }
    const pairs: Array<[string, string]> = [];
    for (let k = 0; k < K; k++) pairs.push([dates[2 * k]!, dates[2 * k + 1]!]);
    this.date12All = pairs;
    const drop = r.read("dropIfgram");
    if (drop.length !== K) {
      throw new InputError(`${path}: dataset dropIfgram has ${drop.length} values, expected ${K}`);
    }
    const keep: number[] = [];
    for (let k = 0; k < K; k++) if (drop[k]) keep.push(k);
    this.keep = Int32Array.from(keep);
    this.bperpAll = Float32Array.from(r.read("bperp"));
    const sorted = [...dates].sort();
    this.attrs = { ...attrs, START_DATE: sorted[0]!, END_DATE: sorted[sorted.length - 1]! };
    const cubes = names.filter((n) => {
      const s = r.info(n).shape;
      return s.length === 3 && s[1] === L && s[2] === W;
    });
    this.datasetNames = [
      ...STACK_DATASETS.filter((n) => cubes.includes(n)),
      ...cubes.filter((n) => !STACK_DATASETS.includes(n)),
    ];
  }

  /**
   * Open and check an interferogram stack.
   * @throws InputError (wrong FILE_TYPE, missing datasets) or H5Error (unreadable file).
   */
  static async open(path: string): Promise<IfgramStack> {
    const r = await H5Reader.open(path);
    try {
      return new IfgramStack(path, r);
    } catch (e) {
      r.close();
      throw e;
    }
  }

  /** Date pairs of the kept interferograms. */
  keptDate12(): Array<readonly [string, string]> {
    return Array.from(this.keep, (k) => this.date12All[k]!);
  }

  /** Perpendicular baselines of the kept interferograms. */
  keptBperp(): Float32Array {
    return Float32Array.from(this.keep, (k) => this.bperpAll[k]!);
  }

  /** Chunk rows of a dataset (1 when contiguous), to align row blocks with. */
  chunkRows(name: string): number {
    const c = this.#r.info(name).chunks;
    return c && c.length === 3 ? c[1]! : 1;
  }

  /** True when the file holds a (K, LENGTH, WIDTH) dataset `name`. */
  hasDataset(name: string): boolean {
    return this.datasetNames.includes(name);
  }

  /**
   * Rows `[row0, row1)` of the kept interferograms of dataset `name` as float32, shaped
   * (K_kept, rows, WIDTH) C order. Reads runs of consecutive kept interferograms, a few MB
   * at a time, straight into the output: h5wasm stages every read in its wasm heap, and
   * small reads are several times faster than one large read and keep that heap small.
   * @param into Optional buffer to fill (its first K x rows x WIDTH values): reusing one
   *   buffer for every block avoids the cost of touching fresh memory.
   */
  readKept(name: string, row0: number, row1: number, into?: Float32Array): Float32Array {
    const K = this.keep.length, plane = (row1 - row0) * this.width;
    const out = into && into.length >= K * plane
      ? into.subarray(0, K * plane)
      : new Float32Array(K * plane);
    // Reads end on the dataset's chunk boundaries along the interferograms: HDF5 reads a
    // whole chunk for each read that touches it, so a chunk split between two reads would
    // be read twice.
    const c0 = this.#r.info(name).chunks?.[0] ?? 1;
    const perRead = Math.max(c0, Math.floor(READ_BYTES / (4 * Math.max(1, plane) * c0)) * c0);
    let i = 0;
    while (i < K) {
      let j = i + 1;
      while (j < K && j - i < perRead && this.keep[j] === this.keep[j - 1]! + 1) j++;
      if (j < K && this.keep[j] === this.keep[j - 1]! + 1) {
        // Cut at the last chunk boundary inside the run, when there is one.
        let b = j;
        while (b > i + 1 && this.keep[b - 1]! % c0 !== c0 - 1) b--;
        if (this.keep[b - 1]! % c0 === c0 - 1) j = b;
      }
      const ranges: Array<[number, number]> = [[this.keep[i]!, this.keep[j - 1]! + 1], [
        row0,
        row1,
      ]];
      this.#r.readInto(name, ranges, out.subarray(i * plane, j * plane));
      i = j;
    }
    return out;
  }

  /**
   * Rows `[row0, row1)` of the `i`-th kept interferogram of dataset `name` as float32,
   * shaped (rows, WIDTH): one image at a time, for passes over whole interferograms (e.g.
   * the median of MintPy's offset-Std mask).
   * @param into Optional buffer to fill (its first rows x WIDTH values).
   * @throws RangeError for `i` outside the kept interferograms or rows outside the image.
   */
  readIfgram(
    name: string,
    i: number,
    row0: number,
    row1: number,
    into?: Float32Array,
  ): Float32Array {
    if (!(Number.isInteger(i) && i >= 0 && i < this.keep.length)) {
      throw new RangeError(`Kept interferogram ${i} is outside [0, ${this.keep.length})`);
    }
    if (!(row0 >= 0 && row0 <= row1 && row1 <= this.length)) {
      throw new RangeError(`Rows [${row0}, ${row1}) are outside the ${this.length} rows`);
    }
    const plane = (row1 - row0) * this.width;
    const out = into && into.length >= plane ? into.subarray(0, plane) : new Float32Array(plane);
    // A few MB per read: h5wasm stages every read in its heap, which never shrinks.
    const k = this.keep[i]!, W = this.width;
    const step = Math.max(1, Math.floor(READ_BYTES / (4 * Math.max(1, W))));
    for (let r = row0; r < row1; r += step) {
      const r1 = Math.min(row1, r + step);
      this.#r.readInto(name, [[k, k + 1], [r, r1]], out.subarray((r - row0) * W, (r1 - row0) * W));
    }
    return out;
  }

  /** Values of the kept interferograms of `name` at pixel (y, x), float32. */
  readPixel(name: string, y: number, x: number): Float32Array {
    if (y < 0 || y >= this.length || x < 0 || x >= this.width) {
      throw new InputError(
        `${this.path}: pixel (y=${y}, x=${x}) is outside the ${this.length} x ${this.width} image`,
      );
    }
    const all = this.#r.read(name, [[0, this.date12All.length], [y, y + 1], [x, x + 1]]);
    return Float32Array.from(this.keep, (k) => Number(all[k]));
  }

  close(): void {
    this.#r.close();
  }
}
