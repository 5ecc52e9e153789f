/**
 * `view`: MintPy's `view.py` for files written by the steps (velocity, time-series,
 * temporal coherence, masks, interferogram stacks) as one picture: a map, or a grid of
 * maps (one per date), with a labelled colour bar and a title, written as PNG, PDF or SVG by
 * the output's extension. Images are read in row blocks and decimated to the displayed size.
 *
 * @example
 * ```ts ignore
 * import * as view from "@vinsar/steps/view";
 * await view.run({ file: "velocity.h5", outfile: "velocity.png", unit: "mm/year" });
 * ```
 * @module
 */
import { basename, extname } from "node:path";
import { InputError } from "@vinsar/core";
import { H5Reader, MaskFile } from "@vinsar/hdf5";
import {
  type ColorbarExtend,
  defaultColormap,
  formatOfPath,
  mapFigureScene,
  mapGridShape,
  renderScene,
} from "@vinsar/plot";
import { withOutputs } from "../pipeline/mod.ts";
import { type Reporter, silentReporter } from "../reporter.ts";
import { autoFlip, autoMaskPath, autoTitle, panelTitles } from "./_auto.ts";
import { selectItems } from "./_datasets.ts";
import { type ReadPanel, readPanel, ValueStats } from "./_read.ts";
import { displayUnit } from "./_units.ts";

/** Options of {@link run}: MintPy's `view.py` display flags (camelCase of its names). */
export interface ViewOptions {
  /** Input HDF5 file. */
  file: string;
  /** Datasets, dates or `family-date` names, `*` wildcards allowed; default by FILE_TYPE. */
  dset?: string[];
  /** Output picture (.png, .pdf or .svg); default `<file base>.png`. */
  outfile?: string;
  /** Colour limits in display units; default the data's minimum and maximum. */
  vlim?: [number, number];
  /** Colour map; default MintPy's (gray for coherence and water / shadow masks, else jet). */
  colormap?: string;
  /** Display unit (m, cm, mm, m/year, cm/year, mm/year ...); default cm for metres. */
  unit?: string;
  /** Wrap values into `wrapRange` (default [-pi, pi)). */
  wrap?: boolean;
  wrapRange?: [number, number];
  /**
   * Mask file (0 = hidden), or "no". Default as MintPy: `maskTempCoh.h5` (else
   * `maskResInv.h5`) beside a velocity or time-series file, unless `zeroMask`.
   */
  maskFile?: string;
  /** Hide pixels whose value is zero (and no mask unless `maskFile` is given). */
  zeroMask?: boolean;
  /**
   * Flip the maps left-right / up-down. Default as MintPy: a radar-coded file of a
   * descending orbit left-right, of an ascending one up-down; `{ lr: false, ud: false }` is
   * MintPy's `--noflip`.
   */
  flip?: { lr: boolean; ud: boolean };
  /** Pixel-number axes (default on for one map). */
  axis?: boolean;
  /** Colour bar (default on). */
  cbar?: boolean;
  /** Figure title; default MintPy's (one map: e.g. `velocity`, `maskTempCoh`); a grid none. */
  title?: string;
  /** Longest side of a map in data pixels before decimation, default 1000 (one map). */
  maxSize?: number;
  /** Pixels per inch of PNG output, default 150. */
  dpi?: number;
  reporter?: Reporter;
}

/** What {@link run} showed and wrote. */
export interface ViewResult {
  outfile: string;
  /** Labels of the images shown. */
  datasets: string[];
  vlim: [number, number];
  colormap: string;
  unit: string;
  /** Rows and columns of the data kept per map (every `step`-th). */
  step: number;
  /** The mask file used, or null. */
  maskFile: string | null;
  /** The flips applied. */
  flip: { lr: boolean; ud: boolean };
}

/** Show `options.file` as a picture; see {@link ViewOptions}. */
export async function run(options: ViewOptions): Promise<ViewResult> {
  const reporter = options.reporter ?? silentReporter;
  const outfile = options.outfile ?? `${basename(options.file, extname(options.file))}.png`;
  const format = formatOfPath(outfile);
  if (!format) throw new InputError(`${outfile}: output must end in .png, .pdf or .svg`);
  const reader = await H5Reader.open(options.file);
  let mask: MaskFile | null = null;
  try {
    const attrs = reader.attrs();
    const length = Number(attrs.LENGTH), width = Number(attrs.WIDTH);
    if (!(length > 0 && width > 0)) throw new InputError(`${options.file}: no LENGTH/WIDTH`);
    const items = selectItems(reader, options.file, options.dset ?? [], { length, width });
    const single = items.length === 1;
    const first = items[0]!;
    // MintPy's unit per dataset: coherence, masks and components are unitless.
    const unitless = ["coherence", "connectComponent", "temporalCoherence", "mask", "waterMask"];
    const stored = reader.info(first.name).dtype === "bool" || unitless.includes(first.name)
      ? ""
      : (attrs.UNIT ?? "");
    // A velocity dataset in a file whose UNIT is a length (e.g. a simulation's truth.h5).
    const rate = /velocity/i.test(first.name) && /^[a-z]*m$/.test(stored) ? "/year" : "";
    const [unit, scale] = displayUnit(stored === "1" ? "" : stored + rate, options.unit);
    const cmap = options.colormap ?? defaultColormap(attrs.FILE_TYPE ?? "", first.label);
    const fileType = attrs.FILE_TYPE ?? "";
    if (options.maskFile && options.maskFile !== "no") {
      mask = await MaskFile.open(options.maskFile, { length, width, imageName: options.file });
      if (!mask) throw new InputError(`${options.maskFile}: mask file not found`);
    } else if (options.maskFile === undefined && !options.zeroMask) {
      // MintPy's default mask; one of another size is skipped, as MintPy does.
      const auto = autoMaskPath(options.file, fileType);
      if (auto) {
        mask = await MaskFile.open(auto, { length, width, ignoreSizeMismatch: true });
      }
    }
    if (mask) reporter.info(`read mask from file: ${basename(mask.path)}`);
    const flip = options.flip ?? autoFlip(attrs);
    if (flip.lr || flip.ud) {
      reporter.info(`flip figure ${flip.lr ? "left and right" : "up and down"}`);
    }
    const panelMax = single
      ? (options.maxSize ?? 1000)
      : Math.max(40, 1200 / Math.sqrt(items.length));
    const step = Math.max(1, Math.ceil(Math.max(length, width) / panelMax));
    const wrap = options.wrap ? (options.wrapRange ?? [-Math.PI, Math.PI]) : null;
    const stats = new ValueStats();
    const settings = { length, width, step, scale, wrap, mask, zeroMask: !!options.zeroMask };
    reporter.info(
      `view ${options.file}: ${items.length} image(s), unit ${unit || "1"}, colormap ${cmap}`,
    );
    const bar = reporter.progress("read", items.length);
    const [rows, cols] = mapGridShape(items.length, length / width);
    const titles = panelTitles(items, fileType, rows * cols);
    const panels: Array<ReadPanel & { title: string }> = items.map((it, i) => {
      const p = readPanel(reader, it, settings, stats);
      bar.advance(1);
      return { ...p, title: titles[i]! };
    });
    // MintPy's rule: few distinct evenly spaced values (a mask) get one colour each.
    let levels = 0;
    let vlim: [number, number] = wrap ? [wrap[0], wrap[1]] : [stats.min, stats.max];
    const d = stats.distinct ? [...stats.distinct].sort((a, b) => a - b) : null;
    if (!wrap && d && d.length >= 2) {
      const gaps = d.slice(1).map((v, i) => v - d[i]!);
      const gap = Math.min(...gaps);
      const n = Math.round((d.at(-1)! - d[0]!) / gap) + 1;
      if (n <= 20) [levels, vlim] = [n, [d[0]! - gap / 2, d.at(-1)! + gap / 2]];
    }
    if (options.vlim) [vlim, levels] = [options.vlim, 0];
    if (!Number.isFinite(vlim[0]) || !Number.isFinite(vlim[1])) vlim = [0, 1];
    if (!(vlim[1] > vlim[0])) vlim = [vlim[0] - 0.5, vlim[0] + 0.5];
    const refY = Number(attrs.REF_Y), refX = Number(attrs.REF_X);
    const title = options.title ?? (single
      ? autoTitle(options.file, items, {
        fileType,
        numDatasets: reader.datasets().length,
        wrapRange: wrap,
      })
      : undefined);
    const scene = mapFigureScene(panels, {
      length,
      width,
      scale: { cmap, vlim, levels },
      title,
      unit,
      extend: colorbarExtend(vlim, [stats.min, stats.max]),
      flipLR: flip.lr,
      flipUD: flip.ud,
      axis: options.axis,
      cbar: options.cbar,
      marker: attrs.REF_Y !== undefined && Number.isFinite(refY) && Number.isFinite(refX)
        ? { y: refY, x: refX }
        : undefined,
      dpi: options.dpi,
    });
    const bytes = await renderScene(scene, format);
    await withOutputs((out) => {
      out.bytes(outfile, bytes);
      return Promise.resolve();
    });
    reporter.info(`save figure to file: ${outfile}`);
    return {
      outfile,
      datasets: items.map((i) => i.label),
      vlim,
      colormap: cmap,
      unit,
      step,
      maskFile: mask?.path ?? null,
      flip,
    };
  } finally {
    mask?.close();
    reader.close();
  }
}

/** MintPy's colour-bar ends: a triangle where the data go beyond the limits. */
function colorbarExtend(vlim: [number, number], data: [number, number]): ColorbarExtend {
  const eps = (vlim[1] - vlim[0]) * 1e-4;
  const low = vlim[0] - eps > data[0], high = vlim[1] + eps < data[1];
  return low && high ? "both" : low ? "min" : high ? "max" : "neither";
}
