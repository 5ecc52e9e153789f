/**
 * `generate_mask`: MintPy 1.6.4's `generate_mask.py` without its interactive parts, e.g.
 * `temporalCoherence.h5` with `vmin: 0.7` -> `maskTempCoh.h5`: a `mask` dataset (1 = keep)
 * with the input's attributes and `FILE_TYPE=mask`.
 *
 * The mask is stored as h5py's boolean enum, like MintPy's (see `H5Writer.create`, dtype
 * "bool"). With `nonzero` on an ifgramStack, the stack is read in row units through the
 * block pipeline.
 *
 * @example
 * ```ts ignore
 * import * as generateMask from "@vinsar/steps/generate-mask";
 * await generateMask.run({ file: "temporalCoherence.h5", vmin: 0.7, outfile: "maskTempCoh.h5" });
 * ```
 * @module
 */
import { circleMask, InputError, removeSmallClusters, thresholdMask } from "@vinsar/core";
import { type Attrs, H5Reader, type H5Writer, readImage, selectDataset } from "@vinsar/hdf5";
import {
  type ComputeOptions,
  outputsAreNewer,
  resolveResources,
  withOutputs,
} from "../pipeline/mod.ts";
import { nonzeroStackMask } from "./_nonzero_stack.ts";
import { applyBase } from "./_base_mask.ts";

/**
 * Options of {@link run}: MintPy's `generate_mask.py` arguments (camelCase of its `dest`
 * names), as numbers and tuples.
 *
 * @example
 * ```ts
 * import type { GenerateMaskOptions } from "@vinsar/steps/generate-mask";
 * const options: GenerateMaskOptions = {
 *   file: "inputs/ifgramStack.h5",
 *   nonzero: true,
 *   outfile: "maskConnComp.h5",
 * };
 * ```
 */
export interface GenerateMaskOptions extends ComputeOptions {
  /** Input HDF5 file. */
  file: string;
  /** Dataset: a name, `family-slice` or a date (MintPy's DSET); default by FILE_TYPE. */
  dset?: string;
  /**
   * Output file; default `maskTempCoh<suffix>` for a temporalCoherence file, else `mask.h5`,
   * with `geo_` in front for a `geo_` input (MintPy's rule).
   */
  outfile?: string;
  /** Do not exclude NaN pixels. */
  keepNan?: boolean;
  /** Swap 0 and 1 of the output mask. */
  revert?: boolean;
  /** Exclude values below this; default 0.7 for a `temporalCoherence.h5`. */
  vmin?: number;
  /** Exclude values above this. */
  vmax?: number;
  /** Remove 4-connected pixel clusters smaller than this. */
  minPixels?: number;
  /** Area (x range, y range) where the thresholds apply. */
  vSubsetX?: [number, number];
  vSubsetY?: [number, number];
  /** Keep pixels with |velocity| > vstdNum * velocityStd (a velocity file). */
  vstd?: boolean;
  /** Multiple of velocityStd for `vstd`; default 2. */
  vstdNum?: number;
  /** Keep only x (columns) / y (rows) in these ranges. */
  subsetX?: [number, number];
  subsetY?: [number, number];
  /** Exclude a circle: x, y, radius in pixels. */
  exCircle?: [number, number, number];
  /** Keep only a circle: x, y, radius in pixels. */
  inCircle?: [number, number, number];
  /** Exclude pixels where this file (summed over layers if 3-D) equals `baseValue`. */
  baseFile?: string;
  /** Dataset of `baseFile`; default its first image-sized one. */
  baseDataset?: string;
  /** Value of `baseFile` to exclude; default 0. */
  baseValue?: number;
  /** Select non-zero pixels (of every kept interferogram of a stack). */
  nonzero?: boolean;
  /** MintPy's `--update`: skip when `outfile` is newer than `file`. */
  updateMode?: boolean;
}

/**
 * What {@link run} did.
 *
 * @example
 * ```ts ignore
 * const r = await generateMask.run({ file: "temporalCoherence.h5" });
 * if (!r.skipped) console.log(`${r.kept} of ${r.pixels} pixels kept in ${r.outfile}`);
 * ```
 */
export interface GenerateMaskResult {
  outfile: string;
  /** True when `updateMode` found the output up to date (nothing written). */
  skipped: boolean;
  /** Pixels kept (1 in the mask); undefined when skipped. */
  kept?: number;
  /** Pixels of the image; undefined when skipped. */
  pixels?: number;
}

/** MintPy's default output name for `file`. */
function defaultOutfile(file: string): string {
  const outfile = file.includes("temporalCoherence")
    ? "maskTempCoh" + file.split("temporalCoherence")[1]
    : "mask.h5";
  return file.startsWith("geo_") ? "geo_" + outfile : outfile;
}

/** Output attributes as MintPy's readfile + writefile leave them. */
function maskAttrs(input: Attrs, path: string): Attrs {
  const a: Attrs = { ...input };
  if (a.FILE_PATH !== undefined && a.OG_FILE_PATH === undefined) a.OG_FILE_PATH = a.FILE_PATH;
  a.FILE_PATH = path;
  a.NO_DATA_VALUE = a.NO_DATA_VALUE === undefined ? "none" : a.NO_DATA_VALUE.toLowerCase();
  if (a.UNIT === undefined) a.UNIT = "1";
  a.FILE_TYPE = "mask";
  return a;
}

/**
 * Write the in-memory mask as bool, about 4 MB of rows at a time (a whole image written
 * piece by piece: nothing is read or computed, so not a block pipeline).
 */
function writeMask(w: H5Writer, mask: Uint8Array, shape: { length: number; width: number }) {
  const { length: L, width: W } = shape;
  const rows = Math.max(1, Math.min(L, Math.floor((4 << 20) / W)));
  w.create("mask", [L, W], "bool", { chunks: [rows, W] });
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows);
    w.write("mask", [[r0, r1], [0, W]], Int8Array.from(mask.subarray(r0 * W, r1 * W)));
  }
}

/**
 * Threshold `options.file` into a mask file.
 * @throws InputError naming the file for a missing size, dataset or velocityStd.
 */
export async function run(options: GenerateMaskOptions): Promise<GenerateMaskResult> {
  const resources = await resolveResources(options);
  const { reporter } = resources;
  const { file, dset } = options;
  const outfile = options.outfile || defaultOutfile(file);
  const vmin = options.vmin ?? (file.endsWith("temporalCoherence.h5") ? 0.7 : undefined);
  const vmax = options.vmax, minPixels = options.minPixels;
  const vstdNum = options.vstdNum ?? 2;

  if (options.updateMode) {
    if (outputsAreNewer([outfile], [file])) {
      reporter.info(`update mode: ${outfile} is newer than ${file} --> skip.`);
      return { outfile, skipped: true };
    }
  }

  const r = await H5Reader.open(file);
  try {
    const attrs = r.attrs();
    const L = Number(attrs.LENGTH), W = Number(attrs.WIDTH);
    if (!(L > 0 && W > 0)) throw new InputError(`${file}: no LENGTH/WIDTH attributes`);
    reporter.info(`input ${attrs.FILE_TYPE ?? "unknown"} file: ${file}`);
    let mask: Uint8Array;
    if (options.nonzero && attrs.FILE_TYPE === "ifgramStack") {
      const names = r.datasets();
      const d = dset ?? ["connectComponent", "unwrapPhase"].find((n) => names.includes(n));
      if (!d || !names.includes(d)) {
        throw new InputError(`${file}: no dataset to test for non-zero`);
      }
      reporter.info(`calculate the common mask of pixels with non-zero ${d} value`);
      mask = await nonzeroStackMask(r, {
        dataset: d,
        length: L,
        width: W,
        budgetBytes: resources.budgetBytes,
        maxBlockRows: resources.maxBlockRows,
      });
    } else {
      const pick = selectDataset(r, file, dset, { length: L, width: W });
      reporter.info(
        `read ${file} ${pick.name}${pick.layer === null ? "" : ` layer ${pick.layer}`}`,
      );
      const data = readImage(r, pick, { length: L, width: W });
      mask = new Uint8Array(L * W).fill(1);
      let aoi: Uint8Array | null = null;
      if (options.vSubsetX || options.vSubsetY) {
        aoi = new Uint8Array(L * W);
        const [x0, x1] = options.vSubsetX ? [...options.vSubsetX].sort((a, b) => a - b) : [0, W];
        const [y0, y1] = options.vSubsetY ? [...options.vSubsetY].sort((a, b) => a - b) : [0, L];
        for (let y = Math.max(0, y0!); y < Math.min(L, y1!); y++) {
          aoi.fill(1, y * W + Math.max(0, x0!), y * W + Math.min(W, x1!));
        }
      }
      thresholdMask(data, mask, {
        keepNaN: options.keepNan === true,
        nonzero: options.nonzero === true,
        vmin,
        vmax,
      }, aoi);
      if (vmin !== undefined) reporter.info(`exclude pixels with value < ${vmin}`);
      if (vmax !== undefined) reporter.info(`exclude pixels with value > ${vmax}`);
      if (minPixels !== undefined) {
        const n = removeSmallClusters(mask, L, W, minPixels);
        reporter.info(`exclude pixel clusters with size < ${minPixels} pixels: remove ${n} pixels`);
      }
      if (options.vstd) {
        if (attrs.FILE_TYPE !== "velocity" || !r.has("velocityStd")) {
          throw new InputError(`${file}: --vstd needs a velocity file with velocityStd`);
        }
        const std = readImage(r, { name: "velocityStd", layer: null }, { length: L, width: W });
        for (let i = 0; i < L * W; i++) {
          if (data[i] === data[i] && !(Math.abs(data[i]!) > vstdNum * std[i]!)) mask[i] = 0;
        }
      }
    }
    if (options.subsetY) {
      const [y0, y1] = [...options.subsetY].sort((a, b) => a - b) as [number, number];
      for (let y = 0; y < L; y++) if (y < y0 || y >= y1) mask.fill(0, y * W, (y + 1) * W);
    }
    if (options.subsetX) {
      const [x0, x1] = [...options.subsetX].sort((a, b) => a - b) as [number, number];
      for (let y = 0; y < L; y++) {
        mask.fill(0, y * W, y * W + Math.min(W, x0));
        mask.fill(0, y * W + Math.max(0, x1), (y + 1) * W);
      }
    }
    const exC = options.exCircle, inC = options.inCircle;
    if (exC) circleMask(exC[0], exC[1], exC[2], L, W).forEach((c, i) => c && (mask[i] = 0));
    if (inC) circleMask(inC[0], inC[1], inC[2], L, W).forEach((c, i) => c || (mask[i] = 0));
    if (options.baseFile) {
      await applyBase(mask, {
        path: options.baseFile,
        dataset: options.baseDataset,
        value: options.baseValue ?? 0,
        length: L,
        width: W,
      });
    }
    if (options.revert) { for (let i = 0; i < mask.length; i++) mask[i] = mask[i] ? 0 : 1; }

    await withOutputs(async (out) => {
      const w = await out.h5(outfile);
      w.setAttrs(maskAttrs(attrs, file));
      writeMask(w, mask, { length: L, width: W });
    });
    let kept = 0;
    for (const m of mask) kept += m;
    reporter.info(`${kept} of ${L * W} pixels kept; write file: ${outfile}`);
    return { outfile, skipped: false, kept, pixels: L * W };
  } finally {
    r.close();
  }
}
