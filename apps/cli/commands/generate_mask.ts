/**
 * `vinsar generate_mask`: MintPy 1.6.4's `generate_mask.py` without its interactive parts,
 * e.g. `generate_mask temporalCoherence.h5 -m 0.7 -o maskTempCoh.h5`: a `mask` dataset
 * (1 = keep) with the input's attributes and `FILE_TYPE=mask`.
 *
 * The mask is stored as h5py's boolean enum, like MintPy's (see `H5Writer.create`, dtype
 * "bool").
 * @module
 */
import {
  circleMask,
  InputError,
  log,
  planRowBlocks,
  removeSmallClusters,
  thresholdMask,
} from "@vinsar/core";
import { type Attrs, H5Reader } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  numberArg,
  parseCommandArgs,
  type ParsedArgs,
} from "../args.ts";
import { makeContext, outputsAreNewer } from "../context.ts";
import { withOutputs } from "../outputs.ts";

const spec: CommandSpec = {
  name: "generate_mask",
  usage: "vinsar generate_mask FILE [DSET] [-m MIN] [-M MAX] [-o OUTFILE] [options]",
  description: "Generate a mask file from an input file (MintPy's generate_mask.py).",
  positionals: ["file", "dset?"],
  options: [
    { names: ["-o", "--output"], dest: "outfile", help: "output file name" },
    { names: ["--keep-nan"], nargs: 0, dest: "keepNan", help: "do not exclude NaN pixels" },
    { names: ["--revert"], nargs: 0, help: "revert 0 and 1 of the output mask" },
    { names: ["-m", "--min"], dest: "vmin", help: "minimum value for selected pixels" },
    { names: ["-M", "--max"], dest: "vmax", help: "maximum value for selected pixels" },
    {
      names: ["-p", "--mp", "--minpixels"],
      dest: "minpixels",
      help: "remove 4-connected pixel clusters smaller than this",
    },
    {
      names: ["--vx"],
      nargs: "+",
      dest: "vSubsetX",
      metavar: "XMIN XMAX",
      help: "AOI in x for thresholds",
    },
    {
      names: ["--vy"],
      nargs: "+",
      dest: "vSubsetY",
      metavar: "YMIN YMAX",
      help: "AOI in y for thresholds",
    },
    { names: ["--vstd"], nargs: 0, help: "keep pixels with |velocity| > vstd-num * velocityStd" },
    { names: ["--vstd-num"], dest: "vstdNum", default: "2", help: "multiple of velocityStd" },
    {
      names: ["-x", "--sub-x"],
      nargs: "+",
      dest: "subsetX",
      metavar: "XMIN XMAX",
      help: "keep x in range",
    },
    {
      names: ["-y", "--sub-y"],
      nargs: "+",
      dest: "subsetY",
      metavar: "YMIN YMAX",
      help: "keep y in range",
    },
    {
      names: ["--ex-circle"],
      nargs: "+",
      dest: "exCircle",
      metavar: "X Y RADIUS",
      help: "exclude a circle",
    },
    {
      names: ["--in-circle"],
      nargs: "+",
      dest: "inCircle",
      metavar: "X Y RADIUS",
      help: "keep only a circle",
    },
    {
      names: ["--base"],
      dest: "baseFile",
      help: "exclude pixels where this file equals --base-value",
    },
    { names: ["--base-dset", "--base-dataset"], dest: "baseDataset", help: "dataset of --base" },
    {
      names: ["--base-value"],
      dest: "baseValue",
      default: "0",
      help: "value of --base to exclude",
    },
    {
      names: ["--nonzero"],
      nargs: 0,
      help: "select non-zero pixels (all kept ifgrams of a stack)",
    },
    { names: ["--roipoly"], nargs: 0, help: "interactive selection (not supported)" },
    { names: ["--vroipoly"], nargs: 0, help: "interactive selection (not supported)" },
    { names: ["--view-cmd"], dest: "viewCmd", help: "for --roipoly (not supported)" },
    ...commonOptions,
  ],
  examples: [
    "vinsar generate_mask temporalCoherence.h5 -m 0.7 -o maskTempCoh.h5",
    "vinsar generate_mask inputs/ifgramStack.h5 --nonzero -o maskConnComp.h5",
    "vinsar generate_mask velocity.h5 --vstd --vstd-num 3",
  ],
};

/** Integer pairs/triples of a flag, checked. */
function ints(args: ParsedArgs, key: string, flag: string, n: number): number[] | undefined {
  const v = args[key] as string[] | undefined;
  if (v === undefined) return undefined;
  const out = v.map((x) => numberArg(x, flag)!);
  if (out.length !== n || !out.every(Number.isInteger)) {
    throw new InputError(`flag ${flag}: expected ${n} integers`);
  }
  return out;
}

/** Read a whole 2-D dataset (or one layer of a 3-D one) in bounded row blocks. */
function read2d(r: H5Reader, name: string, layer: number | null, L: number, W: number) {
  const dtype = r.info(name).dtype;
  const out = dtype === "<d" ? new Float64Array(L * W) : new Float32Array(L * W);
  const rows = Math.max(1, Math.floor((64 << 20) / (8 * W)));
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows);
    const ranges: Array<[number, number]> = layer === null
      ? [[r0, r1], [0, W]]
      : [[layer, layer + 1], [r0, r1], [0, W]];
    out.set(r.read(name, ranges), r0 * W);
  }
  return out;
}

/** MintPy's dataset choice: DSET (a name, "name-slice" or a date), else FILE_TYPE's or the first 2-D. */
function pickDataset(r: H5Reader, path: string, dset: string | undefined, L: number, W: number) {
  const names = r.datasets();
  const is2d = (n: string) => {
    const s = r.info(n).shape;
    return s.length === 2 && s[0] === L && s[1] === W;
  };
  const is3d = (n: string) => {
    const s = r.info(n).shape;
    return s.length === 3 && s[1] === L && s[2] === W;
  };
  if (dset === undefined) {
    const ft = r.attrs().FILE_TYPE ?? "";
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
    const labels = r.readStrings("date");
    const n = r.info("date").shape;
    const keys = n.length === 2
      ? Array.from({ length: n[0]! }, (_, i) => `${labels[2 * i]}_${labels[2 * i + 1]}`)
      : labels;
    const layer = keys.indexOf(slice);
    if (layer >= 0) return { name: stack, layer };
  }
  throw new InputError(`${path}: no dataset or layer "${dset}"`);
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

/** Common mask of pixels non-zero in every kept ifgram, streamed in row blocks. */
function nonzeroStackMask(r: H5Reader, dset: string, L: number, W: number, budget: number) {
  const [K] = r.info(dset).shape as [number];
  const keep = r.has("dropIfgram") ? r.read("dropIfgram") : new Uint8Array(K).fill(1);
  const mask = new Uint8Array(L * W).fill(1);
  const plan = planRowBlocks({ length: L, width: W, bytesPerPixel: 4 * K, budgetBytes: budget });
  log.info(`calculate the common mask of pixels with non-zero ${dset} value`);
  for (const b of plan.blocks()) {
    const n = (b.row1 - b.row0) * W;
    for (let k = 0; k < K; k++) {
      if (!keep[k]) continue;
      const v = r.read(dset, [[k, k + 1], [b.row0, b.row1], [0, W]]);
      for (let i = 0; i < n; i++) if (v[i] === 0) mask[b.row0 * W + i] = 0;
    }
  }
  return mask;
}

async function run(argv: string[]): Promise<void> {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(formatHelp(spec));
    return;
  }
  const args = parseCommandArgs(spec, argv);
  const ctx = await makeContext(args);
  if (args.roipoly || args.vroipoly || args.viewCmd) {
    throw new InputError("flag --roipoly/--vroipoly: interactive selection is not supported");
  }
  const file = args._[0]!, dset = args._[1];
  let outfile = args.outfile as string | undefined;
  if (!outfile) {
    outfile = file.includes("temporalCoherence")
      ? "maskTempCoh" + file.split("temporalCoherence")[1]
      : "mask.h5";
    if (file.startsWith("geo_")) outfile = "geo_" + outfile;
  }
  let vmin = numberArg(args.vmin, "-m/--min");
  const vmax = numberArg(args.vmax, "-M/--max");
  if (vmin === undefined && file.endsWith("temporalCoherence.h5")) vmin = 0.7;
  const minPixels = numberArg(args.minpixels, "-p/--minpixels");
  const vx = ints(args, "vSubsetX", "--vx", 2), vy = ints(args, "vSubsetY", "--vy", 2);
  const sx = ints(args, "subsetX", "-x/--sub-x", 2), sy = ints(args, "subsetY", "-y/--sub-y", 2);
  const exC = ints(args, "exCircle", "--ex-circle", 3),
    inC = ints(args, "inCircle", "--in-circle", 3);
  const baseValue = numberArg(args.baseValue, "--base-value")!;
  const vstdNum = numberArg(args.vstdNum, "--vstd-num")!;

  if (args.update) {
    if (outputsAreNewer([outfile], [file])) {
      log.info(`update mode: ${outfile} is newer than ${file} --> skip.`);
      return;
    }
  }

  const r = await H5Reader.open(file);
  try {
    const attrs = r.attrs();
    const L = Number(attrs.LENGTH), W = Number(attrs.WIDTH);
    if (!(L > 0 && W > 0)) throw new InputError(`${file}: no LENGTH/WIDTH attributes`);
    log.info(`input ${attrs.FILE_TYPE ?? "unknown"} file: ${file}`);
    let mask: Uint8Array;
    if (args.nonzero && attrs.FILE_TYPE === "ifgramStack") {
      const names = r.datasets();
      const d = dset ?? ["connectComponent", "unwrapPhase"].find((n) => names.includes(n));
      if (!d || !names.includes(d)) {
        throw new InputError(`${file}: no dataset to test for non-zero`);
      }
      mask = nonzeroStackMask(r, d, L, W, ctx.budgetBytes);
    } else {
      const pick = pickDataset(r, file, dset, L, W);
      log.info(`read ${file} ${pick.name}${pick.layer === null ? "" : ` layer ${pick.layer}`}`);
      const data = read2d(r, pick.name, pick.layer, L, W);
      mask = new Uint8Array(L * W).fill(1);
      let aoi: Uint8Array | null = null;
      if (vx || vy) {
        aoi = new Uint8Array(L * W);
        const [x0, x1] = vx ? [...vx].sort((a, b) => a - b) : [0, W];
        const [y0, y1] = vy ? [...vy].sort((a, b) => a - b) : [0, L];
        for (let y = Math.max(0, y0!); y < Math.min(L, y1!); y++) {
          aoi.fill(1, y * W + Math.max(0, x0!), y * W + Math.min(W, x1!));
        }
      }
      thresholdMask(data, mask, {
        keepNaN: args.keepNan === true,
        nonzero: args.nonzero === true,
        vmin,
        vmax,
      }, aoi);
      if (vmin !== undefined) log.info(`exclude pixels with value < ${vmin}`);
      if (vmax !== undefined) log.info(`exclude pixels with value > ${vmax}`);
      if (minPixels !== undefined) {
        const n = removeSmallClusters(mask, L, W, minPixels);
        log.info(`exclude pixel clusters with size < ${minPixels} pixels: remove ${n} pixels`);
      }
      if (args.vstd) {
        if (attrs.FILE_TYPE !== "velocity" || !r.has("velocityStd")) {
          throw new InputError(`${file}: --vstd needs a velocity file with velocityStd`);
        }
        const std = read2d(r, "velocityStd", null, L, W);
        for (let i = 0; i < L * W; i++) {
          if (data[i] === data[i] && !(Math.abs(data[i]!) > vstdNum * std[i]!)) mask[i] = 0;
        }
      }
    }
    if (sy) {
      const [y0, y1] = [...sy].sort((a, b) => a - b) as [number, number];
      for (let y = 0; y < L; y++) if (y < y0 || y >= y1) mask.fill(0, y * W, (y + 1) * W);
    }
    if (sx) {
      const [x0, x1] = [...sx].sort((a, b) => a - b) as [number, number];
      for (let y = 0; y < L; y++) {
        mask.fill(0, y * W, y * W + Math.min(W, x0));
        mask.fill(0, y * W + Math.max(0, x1), (y + 1) * W);
      }
    }
    if (exC) circleMask(exC[0]!, exC[1]!, exC[2]!, L, W).forEach((c, i) => c && (mask[i] = 0));
    if (inC) circleMask(inC[0]!, inC[1]!, inC[2]!, L, W).forEach((c, i) => c || (mask[i] = 0));
    if (args.baseFile) {
      await applyBase(mask, String(args.baseFile), args.baseDataset as string, baseValue, L, W);
    }
    if (args.revert) { for (let i = 0; i < mask.length; i++) mask[i] = mask[i] ? 0 : 1; }

    await withOutputs(async (out) => {
      const w = await out.h5(outfile!);
      w.setAttrs(maskAttrs(attrs, file));
      const rows = Math.max(1, Math.min(L, Math.floor((4 << 20) / W)));
      w.create("mask", [L, W], "bool", { chunks: [rows, W] });
      for (let r0 = 0; r0 < L; r0 += rows) {
        const r1 = Math.min(L, r0 + rows);
        w.write("mask", [[r0, r1], [0, W]], Int8Array.from(mask.subarray(r0 * W, r1 * W)));
      }
    });
    let kept = 0;
    for (const m of mask) kept += m;
    log.info(`${kept} of ${L * W} pixels kept; write file: ${outfile}`);
  } finally {
    r.close();
  }
}

/** MintPy's `--base`: clear pixels where the base data (summed over layers if 3-D) equals a value. */
async function applyBase(
  mask: Uint8Array,
  path: string,
  dataset: string | undefined,
  value: number,
  L: number,
  W: number,
): Promise<void> {
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
      const v = read2d(b, name, shape.length === 3 ? k : null, L, W);
      for (let i = 0; i < L * W; i++) sum[i] += v[i]!;
    }
    for (let i = 0; i < L * W; i++) if (sum[i] === value) mask[i] = 0;
  } finally {
    b.close();
  }
}

/** The `generate_mask` command. */
export const command: Command = {
  summary: "threshold a file into a mask (e.g. maskTempCoh.h5)",
  run,
};
