/**
 * `plot_network`: MintPy's `plot_network.py` for an `ifgramStack.h5`: the interferogram
 * network (`network.pdf`: acquisition date against perpendicular baseline, one line per
 * interferogram, dropped ones dashed) and the baseline history (`pbaseHistory.pdf`), each also
 * as PNG. The per-date baseline is the least-squares fit of every interferogram's `bperp`
 * (first date 0), shifted to zero mean, as MintPy plots it. With a `coherence` dataset the
 * lines are coloured by each interferogram's average spatial coherence (zeros and NaN left
 * out, rounded to 1e-4), which is also written to `coherenceSpatialAvg.txt` as MintPy does.
 *
 * @example
 * ```ts ignore
 * import * as plotNetwork from "@vinsar/steps/plot-network";
 * await plotNetwork.run({ file: "inputs/ifgramStack.h5" });
 * ```
 * @module
 */
import { basename, join } from "node:path";
import { Matrix, pseudoInverse } from "ml-matrix";
import { InputError } from "@vinsar/core";
import { H5Reader, IfgramStack } from "@vinsar/hdf5";
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
  /** Average spatial coherence of every interferogram (file order), when the stack has one. */
  coherence?: Float64Array;
}

/** Bytes of one block read by {@link spatialAverage}. */
const BLOCK_BYTES = 16 * 2 ** 20;

/**
 * Spatial mean of every image of the (K, LENGTH, WIDTH) dataset `name` (NaN, and zeros for
 * `coherence`, left out; NaN when nothing is left), read in row blocks of all K images at
 * once so memory stays bounded.
 */
export function spatialAverage(r: H5Reader, name: string): Float64Array {
  const [K, L, W] = r.info(name).shape as [number, number, number];
  const sum = new Float64Array(K), count = new Float64Array(K);
  const rows = Math.max(1, Math.min(L, Math.floor(BLOCK_BYTES / (4 * Math.max(1, K * W)))));
  const buf = new Float32Array(K * rows * W);
  const skipZero = name === "coherence";
  for (let r0 = 0; r0 < L; r0 += rows) {
    const r1 = Math.min(L, r0 + rows), plane = (r1 - r0) * W;
    r.readInto(name, [[0, K], [r0, r1]], buf);
    for (let k = 0; k < K; k++) {
      let s = 0, n = 0;
      for (let i = k * plane, e = i + plane; i < e; i++) {
        const v = buf[i]!;
        if (v === v && !(skipZero && v === 0)) {
          s += v;
          n++;
        }
      }
      sum[k] += s;
      count[k] += n;
    }
  }
  return sum.map((s, k) => count[k]! ? s / count[k]! : NaN);
}

/** Days from `YYYYMMDD` date `a` to `b`. */
function daysBetween(a: string, b: string): number {
  const t = (d: string) => Date.UTC(+d.slice(0, 4), +d.slice(4, 6) - 1, +d.slice(6, 8));
  return (t(b) - t(a)) / 86400000;
}

/** MintPy's `coherenceSpatialAvg.txt` (unmasked, whole image). */
function spatialAvgText(
  file: string,
  width: number,
  length: number,
  date12: ReadonlyArray<readonly [string, string]>,
  mean: ArrayLike<number>,
  bperp: ArrayLike<number>,
): string {
  const pad = (v: string, n: number) => v.padStart(n);
  const lines = [
    `# Data file: ${basename(file)}`,
    "# Mask file: None",
    `# AOI box: (0, 0, ${width}, ${length})`,
    "# Threshold: None",
    "#\tDATE12\t\tMean\tBtemp/days\tBperp/m\t\tNum",
    ...date12.map(([a, b], i) =>
      `${a}_${b}\t${mean[i]!.toFixed(4)}\t${pad(daysBetween(a, b).toFixed(0), 8)}\t` +
      `${pad(bperp[i]!.toFixed(1), 8)}\t${i}`
    ),
  ];
  return lines.join("\n") + "\n";
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
    let coherence: Float64Array | undefined;
    let vlist: [number, number, number] = [0.2, 0.4, 1.0];
    if (stack.hasDataset("coherence")) {
      reporter.info(`calculating spatial mean of coherence in file ${options.file} ...`);
      const r = await H5Reader.open(options.file);
      try {
        // Rounded to 1e-4 as MintPy's values, which it reads back from its text file.
        coherence = spatialAverage(r, "coherence").map((v) => Math.round(v * 1e4) / 1e4);
      } finally {
        r.close();
      }
      // MintPy's colour jump: the highest coherence of the dropped interferograms.
      const drop = Array.from(coherence).filter((v, k) => !kept.has(k) && !Number.isNaN(v));
      if (drop.length) {
        const jump = Math.max(...drop);
        vlist = [jump <= 0.2 ? Math.min(0, jump) : 0.2, jump, 1.0];
        reporter.info(`max coherence of excluded interferograms: ${jump}`);
      }
    }
    const spec: NetworkSpec = {
      dates,
      pbase,
      pairs: pairs.map(([i, j], k) => ({ i, j, kept: kept.has(k), coherence: coherence?.[k] }))
        .filter((p) => p.kept || !options.showKept),
      coherence: coherence && { vlim: [0.2, 1.0], vlist },
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
      if (coherence) {
        const path = join(dir, "coherenceSpatialAvg.txt");
        out.text(
          path,
          spatialAvgText(
            options.file,
            stack.width,
            stack.length,
            stack.date12All,
            coherence,
            stack.bperpAll,
          ),
        );
        files.push(path);
        reporter.info(`write average value in space into text file: ${path}`);
      }
      for (const [name, scene] of figures) {
        for (const format of ["pdf", "png"] as const) {
          const path = join(dir, `${name}.${format}`);
          out.bytes(path, await renderScene(scene, format));
          files.push(path);
        }
        reporter.info(`save figure to ${join(dir, name)}.pdf, .png`);
      }
    });
    return { files, dates, pbase, numIfgrams: pairs.length, numDropped, coherence };
  } finally {
    stack.close();
  }
}
