/**
 * `plot_network`: MintPy's `plot_network.py` for an `ifgramStack.h5`: the interferogram
 * network (`network.pdf`: acquisition date against perpendicular baseline, one line per
 * interferogram, dropped ones dashed) and the baseline history (`pbaseHistory.pdf`), each also
 * as PNG. The per-date baseline is the least-squares fit of every interferogram's `bperp`
 * (first date 0), shifted to zero mean, as MintPy plots it.
 *
 * @example
 * ```ts ignore
 * import * as plotNetwork from "@vinsar/steps/plot-network";
 * await plotNetwork.run({ file: "inputs/ifgramStack.h5" });
 * ```
 * @module
 */
import { join } from "node:path";
import { Matrix, pseudoInverse } from "ml-matrix";
import { InputError } from "@vinsar/core";
import { IfgramStack } from "@vinsar/hdf5";
import { networkScene, type NetworkSpec, pbaseHistoryScene, renderScene } from "@vinsar/plot";
import { withOutputs } from "../pipeline/mod.ts";
import { type Reporter, silentReporter } from "../reporter.ts";

/** Options of {@link run}: MintPy's `plot_network.py` flags that vinsar takes. */
export interface PlotNetworkOptions {
  /** The interferogram stack. */
  file: string;
  /** Folder of the figures (default: the working folder, as MintPy). */
  outDir?: string;
  /** Leave dropped interferograms out (MintPy's `--show-kept`). */
  showKept?: boolean;
  /** Font size in points (default 12). */
  fontSize?: number;
  /** Figure size in inches. */
  figSize?: [number, number];
  /** Draw titles (MintPy's `--notitle` turns them off). */
  title?: boolean;
  /** Pixels per inch of the PNG files (default 150). */
  dpi?: number;
  reporter?: Reporter;
}

/** What {@link run} wrote and found. */
export interface PlotNetworkResult {
  files: string[];
  dates: string[];
  /** Per-date perpendicular baseline (m), zero mean. */
  pbase: Float64Array;
  numIfgrams: number;
  numDropped: number;
}

/** Per-date baselines from the pairs' baselines: least squares, first date 0, zero mean. */
export function baselineTimeseries(
  numDates: number,
  pairs: ReadonlyArray<readonly [number, number]>,
  bperp: ArrayLike<number>,
): Float64Array {
  const out = new Float64Array(numDates);
  if (numDates > 1 && pairs.length) {
    const a = Matrix.zeros(pairs.length, numDates - 1);
    pairs.forEach(([i, j], k) => {
      if (i > 0) a.set(k, i - 1, -1);
      if (j > 0) a.set(k, j - 1, 1);
    });
    const x = pseudoInverse(a).mmul(Matrix.columnVector(Array.from(bperp)));
    for (let d = 1; d < numDates; d++) out[d] = x.get(d - 1, 0);
  }
  const mean = out.reduce((s, v) => s + v, 0) / Math.max(1, numDates);
  return out.map((v) => v - mean);
}

/** Plot the network of `options.file`; see {@link PlotNetworkOptions}. */
export async function run(options: PlotNetworkOptions): Promise<PlotNetworkResult> {
  const reporter = options.reporter ?? silentReporter;
  const stack = await IfgramStack.open(options.file);
  try {
    if (stack.attrs.FILE_TYPE !== "ifgramStack") {
      throw new InputError(`${options.file}: not an ifgramStack file`);
    }
    const dates = [...new Set(stack.date12All.flat())].sort();
    const index = new Map(dates.map((d, i) => [d, i]));
    const pairs = stack.date12All.map(([a, b]) => [index.get(a)!, index.get(b)!] as const);
    const kept = new Set(stack.keep);
    const pbase = baselineTimeseries(dates.length, pairs, stack.bperpAll);
    reporter.info(`read temporal/spatial baseline info from file: ${options.file}`);
    reporter.info(`number of acquisitions: ${dates.length}`);
    reporter.info(`number of interferograms: ${pairs.length}`);
    const numDropped = pairs.length - kept.size;
    reporter.info(`number of interferograms marked as drop: ${numDropped}`);
    const spec: NetworkSpec = {
      dates,
      pbase,
      pairs: pairs.map(([i, j], k) => ({ i, j, kept: kept.has(k) }))
        .filter((p) => p.kept || !options.showKept),
      figSize: options.figSize,
      fontSize: options.fontSize,
      title: options.title,
      dpi: options.dpi,
    };
    const dir = options.outDir ?? ".";
    const figures = [["pbaseHistory", pbaseHistoryScene(spec)], [
      "network",
      networkScene(spec),
    ]] as const;
    const files: string[] = [];
    await withOutputs(async (out) => {
      for (const [name, scene] of figures) {
        for (const format of ["pdf", "png"] as const) {
          const path = join(dir, `${name}.${format}`);
          out.bytes(path, await renderScene(scene, format));
          files.push(path);
        }
        reporter.info(`save figure to ${join(dir, name)}.pdf, .png`);
      }
    });
    return { files, dates, pbase, numIfgrams: pairs.length, numDropped };
  } finally {
    stack.close();
  }
}
