/**
 * MintPy's `readfile` rule for which dataset of a file to read as an image, and reading it.
 * @module
 */
import { InputError } from "@vinsar/core";
import type { H5Reader } from "./h5.ts";

/** The image size a selected dataset must have. */
export interface ImageShape {
  length: number;
  width: number;
}

/** A selected image: a 2-D dataset (`layer` null) or one layer of a 3-D stack. */
export interface DatasetSelection {
  name: string;
  layer: number | null;
}

/**
 * Pick the image of `path` to read, as MintPy's readfile does:
 * - `dset` given: a 2-D dataset of that name; else `family-slice` (e.g.
 *   `timeseries-20200113`, `unwrapPhase-20200101_20200113`) or a bare slice: the layer of
 *   the 3-D stack `family` (or the first 3-D stack) whose `date` label (a date, or date12 for
 *   a 2-column `date` dataset) is the slice;
 * - `dset` not given: the dataset named by the FILE_TYPE attribute when 2-D, else the first
 *   2-D dataset.
 * Only datasets of `shape` (2-D `length x width`, 3-D `n x length x width`) count.
 * @throws InputError naming the file when nothing matches.
 */
export function selectDataset(
  reader: H5Reader,
  path: string,
  dset: string | undefined,
  shape: ImageShape,
): DatasetSelection {
  const { length: L, width: W } = shape;
  const names = reader.datasets();
  const is2d = (n: string) => {
    const s = reader.info(n).shape;
    return s.length === 2 && s[0] === L && s[1] === W;
  };
  const is3d = (n: string) => {
    const s = reader.info(n).shape;
    return s.length === 3 && s[1] === L && s[2] === W;
  };
  if (dset === undefined) {
    const ft = reader.attrs().FILE_TYPE ?? "";
    const name = names.includes(ft) && is2d(ft) ? ft : names.find(is2d);
    if (name) return { name, layer: null };
    if (names.some(is3d)) {
      throw new InputError(`${path}: only 2-D datasets are supported for thresholds; give DSET`);
    }
    throw new InputError(`${path}: no ${L} x ${W} dataset`);
  }
  if (names.includes(dset) && is2d(dset)) return { name: dset, layer: null };
  const [family, slice] = dset.includes("-")
    ? dset.split(/-(.*)/s) as [string, string]
    : ["", dset];
  const stack = family && names.includes(family) ? family : names.find(is3d);
  if (stack && is3d(stack) && names.includes("date")) {
    const labels = reader.readStrings("date");
    const n = reader.info("date").shape;
    const keys = n.length === 2
      ? Array.from({ length: n[0]! }, (_, i) => `${labels[2 * i]}_${labels[2 * i + 1]}`)
      : labels;
    const layer = keys.indexOf(slice);
    if (layer >= 0) return { name: stack, layer };
  }
  throw new InputError(`${path}: no dataset or layer "${dset}"`);
}

/** Bytes of one read piece of {@link readImage}. */
const READ_PIECE_BYTES = 64 * 2 ** 20;

/**
 * Read a selected image whole (a 2-D dataset, or one layer of a 3-D one) in bounded row
 * pieces: Float64Array for a float64 dataset, else Float32Array.
 */
export function readImage(
  reader: H5Reader,
  selection: DatasetSelection,
  shape: ImageShape,
): Float32Array | Float64Array {
  const { name, layer } = selection;
  const { length: L, width: W } = shape;
  const dtype = reader.info(name).dtype;
  const out = dtype === "<d" ? new Float64Array(L * W) : new Float32Array(L * W);
  const rows = Math.max(1, Math.floor(READ_PIECE_BYTES / (8 * W)));
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows);
    const ranges: Array<[number, number]> = layer === null
      ? [[r0, r1], [0, W]]
      : [[layer, layer + 1], [r0, r1], [0, W]];
    out.set(reader.read(name, ranges), r0 * W);
  }
  return out;
}
