/**
 * Reading a MintPy mask file (`maskTempCoh.h5`, or any single 2-D dataset) row block by row
 * block, with MintPy's rule that every non-zero value (NaN included) is "in the mask".
 * @module
 */
import { InputError } from "@vinsar/core";
import { H5Reader } from "@vinsar/hdf5";

/** An open mask file of a known image size. */
export interface MaskRows {
  readonly path: string;
  /** Dataset read: "mask" when present, else the file's only 2-D dataset. */
  readonly dataset: string;
  /** Rows `[row0, row1)` as `(row1 - row0) * width` bytes: 1 in the mask, 0 outside. */
  rows(row0: number, row1: number): Uint8Array;
  close(): void;
}

/**
 * Open `path` as a mask for a `length x width` image named `imageName` (for messages).
 * Returns null when the file does not exist (MintPy then uses the whole area).
 * @throws InputError for a mask of another size or without a 2-D dataset.
 */
export async function openMaskFile(
  path: string,
  length: number,
  width: number,
  imageName: string,
): Promise<MaskRows | null> {
  try {
    if (!Deno.statSync(path).isFile) return null;
  } catch {
    return null;
  }
  const reader = await H5Reader.open(path);
  try {
    const names = reader.datasets();
    const dataset = names.includes("mask")
      ? "mask"
      : names.find((n) => reader.info(n).shape.length === 2);
    if (!dataset) throw new InputError(`${path}: no 2-D dataset to use as a mask`);
    const shape = reader.info(dataset).shape;
    if (shape.length !== 2 || shape[0] !== length || shape[1] !== width) {
      throw new InputError(
        `${path}: mask "${dataset}" is ${
          shape.join(" x ")
        } but ${imageName} is ${length} x ${width}`,
      );
    }
    return {
      path,
      dataset,
      rows(row0: number, row1: number): Uint8Array {
        const v = reader.read(dataset, [[row0, row1], [0, width]]);
        const out = new Uint8Array(v.length);
        for (let i = 0; i < v.length; i++) out[i] = v[i] !== 0 ? 1 : 0;
        return out;
      },
      close: () => reader.close(),
    };
  } catch (e) {
    reader.close();
    throw e;
  }
}
