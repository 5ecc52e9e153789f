/**
 * MintPy's `--base` of generate_mask: clear the pixels where a base file equals a value.
 * @module
 */
import { InputError } from "@vinsar/core";
import { H5Reader, readImage } from "@vinsar/hdf5";

/** The base file and value of {@link applyBase}, and the image size. */
export interface BaseMaskOptions {
  /** The base file. */
  path: string;
  /** Its dataset; default the first one whose last two dimensions are the image's. */
  dataset: string | undefined;
  /** Pixels where the base data (summed over layers if 3-D) equals this are cleared. */
  value: number;
  length: number;
  width: number;
}

/** Clear `mask` where the base data (summed over layers if 3-D) equals `options.value`. */
export async function applyBase(mask: Uint8Array, options: BaseMaskOptions): Promise<void> {
  const { path, dataset, value, length: L, width: W } = options;
  const b = await H5Reader.open(path);
  try {
    const names = b.datasets();
    const name = dataset ?? names.find((n) => b.info(n).shape.slice(-2).join() === `${L},${W}`);
    if (!name || !names.includes(name)) {
      throw new InputError(`${path}: no base dataset "${dataset}"`);
    }
    const shape = b.info(name).shape;
    if (shape.slice(-2).join() !== `${L},${W}`) {
      throw new InputError(`${path}: base "${name}" is ${shape.join(" x ")}, expected ${L} x ${W}`);
    }
    const sum = new Float64Array(L * W);
    for (let k = 0; k < (shape.length === 3 ? shape[0]! : 1); k++) {
      const v = readImage(b, { name, layer: shape.length === 3 ? k : null }, {
        length: L,
        width: W,
      });
      for (let i = 0; i < L * W; i++) sum[i] += v[i]!;
    }
    for (let i = 0; i < L * W; i++) if (sum[i] === value) mask[i] = 0;
  } finally {
    b.close();
  }
}
