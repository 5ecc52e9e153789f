/**
 * The one check of a MintPy file's LENGTH/WIDTH attributes against its datasets' shape
 * (private to this package's readers).
 * @module
 */
import { InputError } from "@vinsar/core";
import type { Attrs } from "./h5.ts";

/**
 * Check a file's LENGTH/WIDTH attributes (when present) against the image size of its
 * dataset of `shape` (last two dimensions: rows, columns): MintPy sizes every read box from
 * the attributes, so a disagreement is a malformed file, not one to read either way.
 * @throws InputError naming the file, the attributes and the dataset's shape.
 */
export function checkImageSize(
  path: string,
  attrs: Attrs,
  options: { dataset: string; shape: readonly number[] },
): void {
  const { dataset, shape } = options;
  const L = shape[shape.length - 2], W = shape[shape.length - 1];
  const bad = (key: "LENGTH" | "WIDTH", n: number | undefined) =>
    attrs[key] !== undefined && Number(attrs[key]) !== n;
  if (bad("LENGTH", L) || bad("WIDTH", W)) {
    throw new InputError(
      `${path}: attributes LENGTH x WIDTH = ${attrs.LENGTH ?? "?"} x ${attrs.WIDTH ?? "?"} ` +
        `disagree with dataset ${dataset} of shape (${shape.join(", ")})`,
    );
  }
}
