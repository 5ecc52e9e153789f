/**
 * MintPy's `--nonzero` over an interferogram stack: the common mask of pixels non-zero in
 * every kept interferogram, read in row units.
 * @module
 */
import type { H5Reader, NumericArray } from "@vinsar/hdf5";
import { planRowUnits, type RowUnit, runBlocks } from "../pipeline/mod.ts";

/** Settings of {@link nonzeroStackMask}. */
export interface NonzeroStackOptions {
  /** The (K, L, W) dataset tested (connectComponent, unwrapPhase, ...). */
  dataset: string;
  length: number;
  width: number;
  /** Memory budget for block data, bytes. */
  budgetBytes: number;
  /** Most image rows per unit (Infinity: no cap). */
  maxBlockRows: number;
  /** The units to run (default: every unit of the plan); the other rows stay 1. */
  units?: Iterable<RowUnit>;
}

/** A typed array of the dataset's own type, so no value turns into zero on the way. */
function layerArray(dtype: string): { new (n: number): NumericArray; BYTES_PER_ELEMENT: number } {
  switch (dtype) {
    case "<f":
      return Float32Array;
    case "<h":
      return Int16Array;
    case "<i":
      return Int32Array;
    case "|u1":
      return Uint8Array;
    case "bool":
    case "|b1":
      return Int8Array;
    default:
      return Float64Array;
  }
}

/**
 * Common mask (L * W, 1 = keep) of pixels non-zero in every kept layer of `dataset`
 * (`dropIfgram` True, or every layer without `dropIfgram`). A unit's kept layers are read
 * into one reused buffer, then folded into the mask.
 */
export async function nonzeroStackMask(
  reader: H5Reader,
  options: NonzeroStackOptions,
): Promise<Uint8Array> {
  const { dataset, length: L, width: W } = options;
  const info = reader.info(dataset);
  const [K] = info.shape as [number];
  const keep = reader.has("dropIfgram") ? reader.read("dropIfgram") : new Uint8Array(K).fill(1);
  const kept = Array.from({ length: K }, (_, k) => k).filter((k) => keep[k]);
  const Layer = layerArray(info.dtype);
  const plan = planRowUnits({
    length: L,
    width: W,
    bytesPerPixel: Math.max(4, Layer.BYTES_PER_ELEMENT) * K,
    budgetBytes: options.budgetBytes,
    maxRows: options.maxBlockRows,
  });
  const mask = new Uint8Array(L * W).fill(1);
  await runBlocks({
    units: options.units ?? plan.blocks(),
    allocate: () => new Layer(kept.length * plan.rowsPerBlock * W),
    read: ({ row0, row1 }, layers) => {
      const n = (row1 - row0) * W;
      kept.forEach((k, i) =>
        reader.readInto(dataset, [[k, k + 1], [row0, row1], [0, W]], layers, i * n)
      );
    },
    compute: ({ row0, row1 }, layers) => {
      const n = (row1 - row0) * W;
      for (let i = 0; i < kept.length; i++) {
        const v = layers.subarray(i * n, (i + 1) * n);
        for (let p = 0; p < n; p++) if (v[p] === 0) mask[row0 * W + p] = 0;
      }
    },
  });
  return mask;
}
