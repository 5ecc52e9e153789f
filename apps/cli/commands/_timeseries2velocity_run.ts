/**
 * The block loop of `timeseries2velocity`: plan row blocks from the memory budget, read
 * each block (float32, in place), fit it (in-process or across workers while the next block
 * is read), write the parameters and the residual, and report what happened.
 * @module
 */
import {
  type BlockFit,
  type BlockFitCounts,
  bootstrapMoments,
  BootstrapRandom,
  bootstrapWeights,
  decimalYearOf,
  drawBootstrapSamples,
  InputError,
  log,
  planRowBlocks,
  planTimeFunctionFit,
  pyStr,
  solverBlock,
  sqrtFloat32,
  TimeFunctionBasis,
  timeFunctionColumns,
  timeFunctionDatasets,
  type TimeFunctionFamily,
  timeFunctionOutputs,
  type TimeSeriesCovariance,
  Workspace,
  zeroBlockFitCounts,
} from "@vinsar/core";
import {
  CovarianceFile,
  layoutResidualFile,
  layoutVelocityFile,
  type TimeseriesFile,
  writeResidualBlock,
  writeVelocityBlock,
} from "@vinsar/hdf5";
import type { RunContext } from "../context.ts";
import { withOutputs } from "../outputs.ts";
import { Progress } from "../progress.ts";
import type { Settings } from "./_timeseries2velocity_settings.ts";
import {
  type FitEngine,
  type FitSpec,
  LocalEngine,
  WorkerEngine,
} from "./_timeseries2velocity_engine.ts";

/**
 * Largest row block of data, bytes: a few chunk rows of every date. Bigger blocks are not
 * faster (touching fresh memory costs more than it saves, and a whole block's fit is what
 * the first read and the last write cannot overlap with) and only raise the peak memory.
 */
const MAX_BLOCK_BYTES = 32 * 1024 * 1024;

/** Padding after each date's rows of a block fit in place: one cache line of float32. */
const PAD_FLOATS = 16;

/**
 * Below this many values (dates x pixels) starting workers costs more than it saves, unless
 * `--workers` is given: the workers' start-up (~0.1-0.3 s on 2 cores, on the critical path),
 * and the main thread's reads slowed by the busy workers, against the fit they take off it.
 * The bootstrap (N²/2 multiply-adds per pixel and parameter) gains from 4 million values. The
 * fused residue and covariance fit costs less than reading its data: one worker fitting while
 * the main thread reads (wasm, 2 cores) lost at 500k pixels x 100 dates (1.00 s against
 * 0.88-0.94 s in-process) and won at 2M x 98 (1.36-1.43 s against 1.49-1.60 s), so it starts
 * at about the break-even, 100 million values (docs/performance/timeseries2velocity.md).
 */
const MIN_VALUES_FOR_WORKERS = { bootstrap: 4_000_000, other: 100_000_000 };

/** Fit the time functions of `s` to every pixel of `ts` and write the outputs. */
export async function runFit(ts: TimeseriesFile, s: Settings, ctx: RunContext): Promise<void> {
  const { length: L, width: W } = ts;
  const n = s.dates.length;
  const basis = new TimeFunctionBasis(s.model);
  const p = basis.numParams;
  if (n <= p) {
    throw new InputError(
      `${n} dates used but the model has ${p} parameters: need more dates than parameters`,
    );
  }
  const years = Float64Array.from(s.dates, (d) => decimalYearOf(d, s.seconds));
  const fit = planTimeFunctionFit(basis.matrix(years, years[0]!), n, p);
  if (fit.rank < p) {
    throw new InputError(
      "G matrix is redundant/rank-deficient: check the exp/log onsets and characteristic " +
        "times (an onset far before the first date or a tiny tau), steps and polylines",
    );
  }

  // Dates read per block: the contiguous range holding the dates fit and the reference date.
  let i0 = s.dateIndex[0]!, i1 = s.dateIndex[n - 1]! + 1;
  if (s.refDateIndex >= 0) {
    i0 = Math.min(i0, s.refDateIndex);
    i1 = Math.max(i1, s.refDateIndex + 1);
  }
  const nRead = i1 - i0, N = ts.dates.length;

  // Reference point series, referenced in time too (a double difference).
  let refSeries: Float64Array | null = null;
  if (s.refYx) {
    const [y, x] = s.refYx;
    log.info(`referencing to point (y, x): (${y}, ${x})`);
    const px = ts.readPixel(y, x);
    const r0 = s.refDateIndex >= 0 ? px[s.refDateIndex]! : 0;
    refSeries = Float64Array.from(px, (v) => v - r0);
  }
  if (s.refDate) log.info(`referencing to date: ${s.refDate}`);

  const spec: FitSpec = {
    backend: ctx.solver.name,
    fit,
    uncertainty: s.uncertainty,
    residualColumns: s.rmFamilies.includes("all")
      ? undefined
      : timeFunctionColumns(s.model, s.rmFamilies as TimeFunctionFamily[]),
    model: s.model,
    bootstrap: s.uncertainty === "bootstrap" ? bootstrapSpec(s, basis, years) : undefined,
    source: {
      dateIndex: s.dateIndex,
      firstDate: i0,
      refDateIndex: s.refDateIndex,
      refSeries,
      unitScale: s.unitScale,
    },
  };

  let cov: CovarianceFile | null = null;
  if (s.uncertainty === "covariance") {
    cov = await CovarianceFile.open(s.config.timeSeriesCovFile!, N, L, W);
    log.info(
      `reading time-series covariance matrix from file ${cov.path} (${
        cov.kind === "full" ? "full covariance" : "variance"
      })`,
    );
  }
  // Workers fit a block from shared memory while the main thread reads the next one (two
  // read buffers) and writes the previous one.
  const bootstrap = s.uncertainty === "bootstrap";
  const useWorkers = ctx.workers > 1 &&
    (s.workersRequested ||
      n * L * W >= MIN_VALUES_FOR_WORKERS[bootstrap ? "bootstrap" : "other"]);
  // The bootstrap's fit outweighs its reads: every thread fits. Else the main thread reads
  // and writes while the other threads fit.
  const starting = useWorkers
    ? WorkerEngine.start(spec, bootstrap ? ctx.workers : ctx.workers - 1)
    : null;
  starting?.catch(() => {}); // handled where awaited

  const datasets = timeFunctionDatasets(s.model);
  if (s.uncertainty === "residue") datasets.push({ name: "residue", unit: "m" });
  const covBytes = cov ? (cov.kind === "full" ? 12 * N * N : 12 * N) : 0;
  // Per pixel: the float32 read (which also takes the residual), parameters, STDs, float32
  // outputs, bookkeeping, the (co)variance's float32 read and float64 copy. The float64
  // data exist one cache-sized tile at a time.
  const bytesPerPixel = (useWorkers ? 8 : 4) * nRead + 24 * p + 8 * datasets.length + 40 +
    covBytes;
  // VINSAR_MAX_BLOCK_ROWS caps the rows of a block (tests of the block streaming on small files).
  const rowsCap = Number(Deno.env.get("VINSAR_MAX_BLOCK_ROWS") ?? Infinity);
  const chunker = planRowBlocks({
    length: L,
    width: W,
    bytesPerPixel,
    budgetBytes: Math.min(ctx.budgetBytes, MAX_BLOCK_BYTES, rowsCap * W * bytesPerPixel),
    alignRows: ts.chunkRows,
    readBytesPerPixel: cov?.kind === "full" ? 4 * N * N : 4 * nRead,
  });
  if (chunker.count > 1) {
    log.info(`${chunker.count} blocks of ${chunker.rowsPerBlock} rows`);
  }
  const refY = Number(s.velocityAttrs.REF_Y), refX = Number(s.velocityAttrs.REF_X);
  const hasRef = Number.isInteger(refY) && Number.isInteger(refX) && refX >= 0 && refX < W;
  log.info("skip pixels with zero/nan value in all acquisitions");
  log.info("estimating time functions via least squares (one pseudo-inverse for all pixels) ...");
  if (s.uncertainty === "residue") {
    log.info("estimating time functions STD from time-series fitting residual ...");
  } else if (s.uncertainty === "covariance") {
    log.info("estimating time functions STD from time-series (co)variance propagation ...");
  }

  let engine: FitEngine | null = null;
  try {
    await withOutputs(async (out) => {
      const vel = await out.h5(s.outfile);
      layoutVelocityFile(vel, s.velocityAttrs, datasets, L, W, chunker.rowsPerBlock);
      const res = s.resFile ? await out.h5(s.resFile) : null;
      if (res) {
        layoutResidualFile(
          res,
          s.residualAttrs,
          s.dates,
          L,
          W,
          ts.chunkRows ?? chunker.rowsPerBlock,
        );
      }
      const totals = zeroBlockFitCounts();
      const progress = new Progress("fitting", L * W);
      const maxLanes = chunker.rowsPerBlock * W;
      // Workers read the blocks from shared memory (two: one read while one is fit).
      // In-process, the block goes straight into the backend's own memory when it has one,
      // where the fused fit reads it with no copy; its dates are then spaced a cache line more
      // than a date's rows, else the rows of one pixel (a power of two apart for the usual
      // widths) share one cache set. Not with a residual file, which takes contiguous dates.
      const pad = !useWorkers && !res && ctx.solver.blockBuffer !== undefined;
      const stride = (lanes: number) => pad ? lanes + PAD_FLOATS : lanes;
      const buffers = useWorkers
        ? [0, 1].map(() => new Float32Array(new SharedArrayBuffer(4 * nRead * maxLanes)))
        : [solverBlock(ctx.solver, nRead * stride(maxLanes))];
      const time = { read: 0, compute: 0, write: 0 };
      // The output rows of a block, reused by the next (written before it is fit).
      const outWork = new Workspace();
      let pending:
        | {
          row0: number;
          row1: number;
          raw: Float32Array;
          stride: number;
          fit: Promise<BlockFit>;
        }
        | null = null;

      const finish = async (b: NonNullable<typeof pending>) => {
        let t = performance.now();
        const r = await b.fit;
        const lanes = (b.row1 - b.row0) * W;
        for (const k of Object.keys(totals) as Array<keyof BlockFitCounts>) {
          totals[k] += r.counts[k];
        }
        const values = timeFunctionOutputs(s.model, r.params, r.std, r.fitted, lanes, outWork);
        if (s.uncertainty === "residue") {
          values.set("residue", sqrtFloat32(r.e2, outWork.f32("residue", lanes)));
        }
        time.compute += performance.now() - t;
        t = performance.now();
        writeVelocityBlock(vel, b.row0, b.row1, values);
        if (res) writeResidualBlock(res, b.row0, b.row1, n, b.raw, W, b.stride);
        time.write += performance.now() - t;
        progress.advance(lanes);
      };

      for (const block of chunker.blocks()) {
        const lanes = (block.row1 - block.row0) * W;
        // With one buffer, the previous block must be written before it is read into.
        if (pending && buffers.length === 1) await finish(pending);
        let t = performance.now();
        const st = stride(lanes);
        const raw = buffers[block.index % buffers.length]!.subarray(0, nRead * st);
        ts.readBlock(block.row0, block.row1, i0, i1, raw, st);
        const covariance = cov
          ? blockCovariance(cov.kind, cov.readBlock(block.row0, block.row1), lanes, s, N)
          : undefined;
        time.read += performance.now() - t;
        // The previous block was fit meanwhile (by the workers): write it.
        if (pending && buffers.length > 1) await finish(pending);
        if (!engine) engine = await startEngine(starting, ctx, spec);
        t = performance.now();
        const refLane = hasRef && refY >= block.row0 && refY < block.row1
          ? (refY - block.row0) * W + refX
          : -1;
        const job = { raw, lanes, stride: st, refLane, residual: res !== null, covariance };
        pending = {
          row0: block.row0,
          row1: block.row1,
          raw,
          stride: st,
          fit: engine.fitBlock(job),
        };
        time.compute += performance.now() - t;
        if (buffers.length === 1) {
          await finish(pending);
          pending = null;
        }
      }
      if (pending) await finish(pending);
      log.debug(
        `timing: read ${(time.read / 1000).toFixed(3)} s, compute ${
          (time.compute / 1000).toFixed(3)
        } s, write ${
          (time.write / 1000).toFixed(3)
        } s, ${chunker.count} blocks of ${chunker.rowsPerBlock} rows, ${
          (bytesPerPixel * maxLanes / 2 ** 20).toFixed(1)
        } MB of block data, ${engine!.name}`,
      );
      report(totals, L * W, p);
      if (res) log.info(`remove time functions: ${pyStr(s.rmFamilies)}; residual: ${s.resFile}`);
      log.info(`write ${s.outfile}`);
    });
  } finally {
    (engine as FitEngine | null)?.close();
    if (!engine) starting?.then((e) => e.close(), () => {});
    cov?.close();
  }
}

/** The worker pool when it started, else the in-process engine. */
async function startEngine(
  starting: Promise<WorkerEngine> | null,
  ctx: RunContext,
  spec: FitSpec,
): Promise<FitEngine> {
  if (starting) {
    try {
      return await starting;
    } catch (e) {
      log.debug(`workers unavailable, fitting in-process: ${e instanceof Error ? e.message : e}`);
    }
  }
  return new LocalEngine(ctx.solver, spec);
}

/** The bootstrap resamples (seeded) and their closed-form operators. */
function bootstrapSpec(s: Settings, basis: TimeFunctionBasis, years: Float64Array) {
  const n = years.length, count = s.config.bootstrapCount;
  const seed = s.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  log.info(
    `estimating time functions STD with bootstrap resampling (${count} times, seed ${seed}) ...`,
  );
  const samples = drawBootstrapSamples(n, count, new BootstrapRandom(seed));
  const w = bootstrapWeights({ basis, years, samples, count });
  if (w.rankDeficient > 0) {
    log.warn(
      `${w.rankDeficient} bootstrap resamples have too few distinct dates: their minimum-norm fit is used`,
    );
  }
  return { years, samples, count, moments: bootstrapMoments(w) };
}

/** The (co)variance of the dates fit, float64 lane-fastest, from a block of the file. */
function blockCovariance(
  kind: "variance" | "full",
  raw: Float32Array,
  lanes: number,
  s: Settings,
  N: number,
): TimeSeriesCovariance {
  const n = s.dates.length, idx = s.dateIndex;
  const scale = s.unitScale * s.unitScale;
  if (kind === "variance") {
    const v = new Float64Array(n * lanes);
    for (let a = 0; a < n; a++) {
      const src = idx[a]! * lanes;
      for (let l = 0; l < lanes; l++) v[a * lanes + l] = raw[src + l]! * scale;
    }
    return { kind, values: v };
  }
  const v = new Float64Array(n * n * lanes);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const src = (idx[a]! * N + idx[b]!) * lanes, dst = (a * n + b) * lanes;
      for (let l = 0; l < lanes; l++) v[dst + l] = raw[src + l]! * scale;
    }
  }
  return { kind, values: v };
}

/** MintPy's pixel count line, and warnings for what MintPy would not have done. */
function report(totals: BlockFitCounts, total: number, p: number): void {
  log.info(
    `number of pixels to invert: ${totals.fitted} out of ${total} (${
      (totals.fitted / total * 100).toFixed(1)
    }%)`,
  );
  if (totals.partial > 0) {
    log.warn(
      `${totals.partial} pixels have no data (NaN) on some dates (${totals.partialPatterns} ` +
        "patterns): fit with their dates with data; MintPy 1.6.4 stops with an error on them",
    );
  }
  if (totals.unsolvable > 0) {
    log.warn(
      `${totals.unsolvable} pixels have data on ${p} or fewer dates: no unique fit, left at 0`,
    );
  }
  if (totals.rankDeficientResamples > 0) {
    log.warn(
      `${totals.rankDeficientResamples} bootstrap resamples were rank-deficient for pixels ` +
        "missing dates: their minimum-norm fit is used",
    );
  }
}
