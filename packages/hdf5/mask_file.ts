/**
 * MintPy's mask files (`maskTempCoh.h5`, `waterMask.h5`, `avgSpatialCoh.h5`, or any file with
 * a 2-D dataset of the image's size), read row block by row block with MintPy's rule that
 * every non-zero value (NaN included) is "in the mask".
 * @module
 */
import { InputError } from "@vinsar/core";
import { H5Reader } from "./h5.ts";

/** Rows of an open mask: what code that only reads the mask needs. */
export interface MaskRows {
  readonly path: string;
  /** The dataset read (see {@link MaskFile.open}). */
  readonly dataset: string;
  /** Rows `[row0, row1)` as `(row1 - row0) * width` bytes: 1 in the mask, 0 outside. */
  rows(row0: number, row1: number): Uint8Array;
  close(): void;
}

/** Options of {@link MaskFile.open}. */
export interface MaskFileOptions {
  /** The image's LENGTH (rows) the mask must have. */
  length: number;
  /** The image's WIDTH (columns) the mask must have. */
  width: number;
  /** Dataset names to use first: the first of them present in the file (in file order). */
  prefer?: string[];
  /** The image's name for messages (a file path, say); default "the image". */
  imageName?: string;
  /** Return null instead of throwing when the mask's size differs from the image's. */
  ignoreSizeMismatch?: boolean;
}

/** An open mask file of a known image size. */
export class MaskFile implements MaskRows {
  readonly path: string;
  readonly dataset: string;
  readonly #reader: H5Reader;
  readonly #width: number;

  private constructor(path: string, dataset: string, reader: H5Reader, width: number) {
    this.path = path;
    this.dataset = dataset;
    this.#reader = reader;
    this.#width = width;
  }

  /**
   * Open `path` as a mask for a `length x width` image.
   *
   * The dataset read: the first dataset of the file (in file order) named in `prefer`, else
   * "mask" when present, else the file's first 2-D dataset. Its size is the dataset's shape
   * (and the LENGTH/WIDTH attributes, when present, must agree, as MintPy checks those).
   *
   * @returns null when `path` is not an existing file (MintPy then goes on with the whole
   * area), or, with `ignoreSizeMismatch`, when the mask's size differs from the image's.
   * @throws InputError naming the file for a mask of another size or without a 2-D dataset.
   */
  static async open(path: string, opts: MaskFileOptions): Promise<MaskFile | null> {
    try {
      if (!Deno.statSync(path).isFile) return null;
    } catch {
      return null;
    }
    const { length, width } = opts;
    const reader = await H5Reader.open(path);
    try {
      const names = reader.datasets();
      const prefer = opts.prefer ?? [];
      const dataset = names.find((n) => prefer.includes(n)) ??
        (names.includes("mask") ? "mask" : names.find((n) => reader.info(n).shape.length === 2));
      if (!dataset) throw new InputError(`${path}: no 2-D dataset to use as a mask`);
      const shape = reader.info(dataset).shape;
      const attrs = reader.attrs();
      const attrL = attrs.LENGTH === undefined ? length : Number(attrs.LENGTH);
      const attrW = attrs.WIDTH === undefined ? width : Number(attrs.WIDTH);
      const shapeOk = shape.length === 2 && shape[0] === length && shape[1] === width;
      if (!shapeOk || attrL !== length || attrW !== width) {
        if (opts.ignoreSizeMismatch) {
          reader.close();
          return null;
        }
        const size = shapeOk ? `${attrL} x ${attrW}` : shape.join(" x ");
        throw new InputError(
          `${path}: mask "${dataset}" size ${size} differs from ${
            opts.imageName ?? "the image"
          } (${length} x ${width})`,
        );
      }
      return new MaskFile(path, dataset, reader, width);
    } catch (e) {
      reader.close();
      throw e;
    }
  }

  /** Rows `[row0, row1)` as `(row1 - row0) * width` bytes: 1 in the mask, 0 outside. */
  rows(row0: number, row1: number): Uint8Array {
    const v = this.#reader.read(this.dataset, [[row0, row1], [0, this.#width]]);
    const out = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
    return out;
  }

  close(): void {
    this.#reader.close();
  }
}
