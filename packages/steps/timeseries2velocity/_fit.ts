/**
 * The fit of `timeseries2velocity` over a whole file: plan the row blocks from the memory
 * budget, start the executor (in process, or workers while the first block is read), lay
 * out the outputs, run the blocks (`_blocks.ts`) and report what happened.
 * @module
 */
import {
  type BlockFitCounts,
  bootstrapMoments,
  BootstrapRandom,
  bootstrapWeights,
  decimalYearOf,
  drawBootstrapSamples,
  InputError,
  planTimeFunctionFit,
  pyStr,
  TimeFunctionBasis,
  timeFunctionColumns,
  timeFunctionDatasets,
  type TimeFunctionFamily,
} from "@vinsar/core";
import {
  CovarianceFile,
  layoutResidualFile,
  layoutVelocityFile,
  type TimeseriesFile,
} from "@vinsar/hdf5";
import {
  clipRowUnits,
  type Executor,
  planRowUnits,
  type Resources,
  startExecutor,
  type TileScope,
  withOutputs,
} from "../pipeline/mod.ts";
import type { Reporter } from "../reporter.ts";
import { type FitPlan, fitUnits } from "./_blocks.ts";
import type { Settings } from "./_settings.ts";
import { createKernel, type FitResult, type FitSpec, type FitTask } from "./kernel.ts";
import type { Timeseries2VelocityFit } from "./options.ts";

/**
 * Largest row block of data, bytes: a few chunk rows of every date. Bigger blocks are not
 * faster (touching fresh memory costs more than it saves, and a whole block's fit is what
 * the first read and the last write cannot overlap with) and only raise the peak memory.
 */
const MAX_BLOCK_BYTES = 32 * 1024 * 1024;

/**
 * Below this many values (dates x pixels) starting workers costs more than it saves, unless
 * `workers` is given: the workers' start-up (~0.1-0.3 s on 2 cores, on the critical path),
 * and the main thread's reads slowed by the busy workers, against the fit they take off it.
 * The bootstrap (N²/2 multiply-adds per pixel and parameter) gains from 4 million values. The
 * fused residue and covariance fit costs less than reading its data: one worker fitting while
 * the main thread reads (wasm, 2 cores) lost at 500k pixels x 100 dates (1.00 s against
 * 0.88-0.94 s in-process) and won at 2M x 98 (1.36-1.43 s against 1.49-1.60 s), so it starts
 * at about the break-even, 100 million values (docs/performance/timeseries2velocity.md).
 */
const MIN_VALUES_FOR_WORKERS = { bootstrap: 4_000_000, other: 100_000_000 };

/**
 * Fit the time functions of `settings` to every pixel of `ts` and write the outputs (a
 * cluster task: the pixels of its `tile`'s rows, to its part files).
 */
export async function runFit(
  ts: TimeseriesFile,
  settings: Settings,
  resources: Resources,
  tile?: TileScope,
): Promise<Timeseries2VelocityFit> {
  const reporter = resources.reporter;
  const { length: L, width: W } = ts;
  const n = settings.dates.length;
  const basis = new TimeFunctionBasis(settings.model);
  const p = basis.numParams;
  if (n <= p) {
    throw new InputError(
      `${n} dates used but the model has ${p} parameters: need more dates than parameters`,
    );
  }
  const years = Float64Array.from(settings.dates, (d) => decimalYearOf(d, settings.seconds));
  const fit = planTimeFunctionFit(basis.matrix(years, years[0]!), n, p);
  if (fit.rank < p) {
    throw new InputError(
      "G matrix is redundant/rank-deficient: check the exp/log onsets and characteristic " +
        "times (an onset far before the first date or a tiny tau), steps and polylines",
    );
  }

  // Dates read per block: the contiguous range holding the dates fit and the reference date.
  let i0 = settings.dateIndex[0]!, i1 = settings.dateIndex[n - 1]! + 1;
  if (settings.refDateIndex >= 0) {
    i0 = Math.min(i0, settings.refDateIndex);
    i1 = Math.max(i1, settings.refDateIndex + 1);
  }
  const nRead = i1 - i0, N = ts.dates.length;

  // Reference point series, referenced in time too (a double difference).
  let refSeries: Float64Array | null = null;
  if (settings.refYx) {
    const [y, x] = settings.refYx;
    reporter.info(`referencing to point (y, x): (${y}, ${x})`);
    const px = ts.readPixel(y, x);
    const r0 = settings.refDateIndex >= 0 ? px[settings.refDateIndex]! : 0;
    refSeries = Float64Array.from(px, (v) => v - r0);
  }
  if (settings.refDate) reporter.info(`referencing to date: ${settings.refDate}`);

  const boot = settings.uncertainty === "bootstrap"
    ? bootstrapSpec(settings, { basis, years, reporter })
    : null;
  const spec: FitSpec = {
    fit,
    uncertainty: settings.uncertainty,
    residualColumns: settings.rmFamilies.includes("all")
      ? undefined
      : timeFunctionColumns(settings.model, settings.rmFamilies as TimeFunctionFamily[]),
    model: settings.model,
    bootstrap: boot?.spec,
    source: {
      dateIndex: settings.dateIndex,
      firstDate: i0,
      refDateIndex: settings.refDateIndex,
      refSeries,
      unitScale: settings.unitScale,
    },
  };

  let cov: CovarianceFile | null = null;
  if (settings.uncertainty === "covariance") {
    cov = await CovarianceFile.open(settings.config.timeSeriesCovFile!, N, L, W);
    reporter.info(
      `reading time-series covariance matrix from file ${cov.path} (${
        cov.kind === "full" ? "full covariance" : "variance"
      })`,
    );
  }
  // Workers fit a block from shared memory while the main thread reads the next one (two
  // read buffers) and writes the previous one.
  const bootstrap = settings.uncertainty === "bootstrap";
  const useWorkers = resources.workers > 1 &&
    (resources.workersRequested ||
      n * L * W >= MIN_VALUES_FOR_WORKERS[bootstrap ? "bootstrap" : "other"]);
  // The bootstrap's fit outweighs its reads: every thread fits. Else the main thread reads
  // and writes while the other threads fit. The pool starts now, and is awaited once the
  // first block is read.
  const starting = startExecutor<FitSpec, FitTask, FitResult>({
    kernel: "timeseries2velocity",
    spec,
    backend: resources.solver.name,
    workers: useWorkers ? (bootstrap ? resources.workers : resources.workers - 1) : 0,
    local: () => createKernel(spec, resources.solver),
    onPoolError: (message) => reporter.debug(`workers unavailable, fitting in-process: ${message}`),
  });
  starting.catch(() => {}); // handled where awaited

  const datasets = timeFunctionDatasets(settings.model);
  if (settings.uncertainty === "residue") datasets.push({ name: "residue", unit: "m" });
  const covBytes = cov ? (cov.kind === "full" ? 12 * N * N : 12 * N) : 0;
  // Per pixel: the float32 read (which also takes the residual), parameters, STDs, float32
  // outputs, bookkeeping, the (co)variance's float32 read and float64 copy. The float64
  // data exist one cache-sized tile at a time.
  const bytesPerPixel = (useWorkers ? 8 : 4) * nRead + 24 * p + 8 * datasets.length + 40 +
    covBytes;
  const units = planRowUnits({
    length: L,
    width: W,
    bytesPerPixel,
    budgetBytes: Math.min(resources.budgetBytes, MAX_BLOCK_BYTES),
    alignRows: ts.chunkRows,
    readBytesPerPixel: cov?.kind === "full" ? 4 * N * N : 4 * nRead,
    maxRows: resources.maxBlockRows,
  });
  if (units.count > 1) reporter.info(`${units.count} blocks of ${units.rowsPerBlock} rows`);
  reporter.info("skip pixels with zero/nan value in all acquisitions");
  reporter.info(
    "estimating time functions via least squares (one pseudo-inverse for all pixels) ...",
  );
  if (settings.uncertainty === "residue") {
    reporter.info("estimating time functions STD from time-series fitting residual ...");
  } else if (settings.uncertainty === "covariance") {
    reporter.info("estimating time functions STD from time-series (co)variance propagation ...");
  }

  const plan: FitPlan = {
    ts,
    settings,
    reporter,
    units,
    firstDate: i0,
    numRead: nRead,
    cov,
    useWorkers,
    // In process, the block goes straight into the backend's own memory when it has one,
    // where the fused fit reads it with no copy; its dates are then spaced a cache line more
    // than a date's rows, else the rows of one pixel (a power of two apart for the usual
    // widths) share one cache set. Not with a residual file, which takes contiguous dates.
    pad: !useWorkers && settings.resFile === null && resources.solver.blockBuffer !== undefined,
    bytesPerPixel,
    numParams: p,
    solver: resources.solver,
    starting,
  };
  let executor: Executor<FitTask, FitResult> | null = null;
  try {
    return await withOutputs(async (out) => {
      const written = (p: string) => tile ? tile.partPath(p) : p;
      const vel = await out.h5(written(settings.outfile));
      layoutVelocityFile(vel, settings.velocityAttrs, datasets, L, W, units.rowsPerBlock);
      const res = settings.resFile ? await out.h5(written(settings.resFile)) : null;
      if (res) {
        layoutResidualFile(
          res,
          settings.residualAttrs,
          settings.dates,
          L,
          W,
          ts.chunkRows ?? units.rowsPerBlock,
        );
      }
      const done = await fitUnits(plan, {
        units: clipRowUnits(units.blocks(), tile?.range),
        velocity: vel,
        residual: res,
        onExecutor: (e) => executor = e,
      });
      report(done.counts, { total: L * W, numParams: p, reporter });
      if (res) {
        reporter.info(
          `remove time functions: ${pyStr(settings.rmFamilies)}; residual: ${settings.resFile}`,
        );
      }
      reporter.info(`write ${settings.outfile}`);
      return {
        counts: done.counts,
        pixels: L * W,
        blocks: units.count,
        rowsPerBlock: units.rowsPerBlock,
        executor: done.executor,
        timing: done.timing,
        seed: boot?.seed ?? null,
      };
    });
  } finally {
    (executor as Executor<FitTask, FitResult> | null)?.close();
    if (!executor) starting.then((e) => e.close(), () => {});
    cov?.close();
  }
}

/** The bootstrap resamples (seeded) and their closed-form operators, and the seed. */
function bootstrapSpec(
  settings: Settings,
  options: { basis: TimeFunctionBasis; years: Float64Array; reporter: Reporter },
): { spec: NonNullable<FitSpec["bootstrap"]>; seed: number } {
  const { basis, years, reporter } = options;
  const n = years.length, count = settings.config.bootstrapCount;
  const seed = settings.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  reporter.info(
    `estimating time functions STD with bootstrap resampling (${count} times, seed ${seed}) ...`,
  );
  const samples = drawBootstrapSamples(n, count, new BootstrapRandom(seed));
  const w = bootstrapWeights({ basis, years, samples, count });
  if (w.rankDeficient > 0) {
    reporter.warn(
      `${w.rankDeficient} bootstrap resamples have too few distinct dates: their minimum-norm fit is used`,
    );
  }
  return { spec: { years, samples, count, moments: bootstrapMoments(w) }, seed };
}

/** MintPy's pixel count line, and warnings for what MintPy would not have done. */
function report(
  totals: BlockFitCounts,
  options: { total: number; numParams: number; reporter: Reporter },
): void {
  const { total, numParams: p, reporter } = options;
  reporter.info(
    `number of pixels to invert: ${totals.fitted} out of ${total} (${
      (totals.fitted / total * 100).toFixed(1)
    }%)`,
  );
  if (totals.partial > 0) {
    reporter.warn(
      `${totals.partial} pixels have no data (NaN) on some dates (${totals.partialPatterns} ` +
        "patterns): fit with their dates with data; MintPy 1.6.4 stops with an error on them",
    );
  }
  if (totals.unsolvable > 0) {
    reporter.warn(
      `${totals.unsolvable} pixels have data on ${p} or fewer dates: no unique fit, left at 0`,
    );
  }
  if (totals.rankDeficientResamples > 0) {
    reporter.warn(
      `${totals.rankDeficientResamples} bootstrap resamples were rank-deficient for pixels ` +
        "missing dates: their minimum-norm fit is used",
    );
  }
}
