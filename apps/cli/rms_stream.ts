/**
 * The streaming engine of `timeseries_rms`: residual RMS per date over a mask, optionally
 * after removing each date's ramp, from a `(dates, rows, width)` stack, in memory bounded by
 * the budget.
 *
 * When a few whole images fit the budget (the usual case) the stack is read once, a group of
 * dates at a time (a whole number of the file's chunk dates): a date's ramp needs only its
 * own image, so each group is fit, deramped, written and summed before the next is read.
 * Otherwise (images too large for the budget), two passes over row blocks: pass 1
 * accumulates every date's small normal equations over all blocks, pass 2 removes the ramps
 * in place, writes the deramped stack and accumulates the RMS (the last block of pass 1 is
 * still in memory and goes first). HDF5 reads and writes go in pieces of at most
 * `IO_PIECE_BYTES` (`@vinsar/hdf5`'s `readStackRows`) so h5wasm's heap (which never shrinks)
 * stays small.
 * @module
 */
import {
  accumulateSquares,
  type Block,
  log,
  MAX_RAMP_SAMPLES,
  planRowBlocks,
  type RampFit,
  RampNormalEquations,
  RampStatus,
  type RampType,
  removeRampSquares,
  rmsFromSums,
  type Solver,
  solverBlock,
} from "@vinsar/core";
import { type H5Reader, type H5Writer, readStackRows, writeStackRows } from "@vinsar/hdf5";
import type { MaskRows } from "./mask_file.ts";
import {
  type DerampEngine,
  type DerampResult,
  type DerampSpec,
  LocalDeramp,
  WorkerDeramp,
} from "./rms_engine.ts";
import { Progress } from "./progress.ts";

/**
 * Largest row block, bytes. Bigger blocks do not go faster: touching fresh memory costs
 * more than re-reading a block from the page cache in pass 2, and small buffers are reused.
 */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** Target bytes of one group of whole images when deramping date by date (cache-friendly). */
const DATE_GROUP_BYTES = 16 * 1024 * 1024;

/** Inputs of {@link streamResidualRms}. */
export interface RmsStreamOptions {
  reader: H5Reader;
  /** 3-D dataset `(numDates, length, width)`, e.g. "timeseries". */
  dataset: string;
  numDates: number;
  length: number;
  width: number;
  mask: MaskRows | null;
  /** Ramp to remove, or null for the RMS of the data as they are. */
  ramp: RampType | null;
  /** Reference pixel of the ramps (REF_Y, REF_X), or null. */
  ref: { y: number; x: number } | null;
  /** Receives the deramped stack in `outDataset` (created by the caller), when deramping. */
  writer: H5Writer | null;
  outDataset?: string;
  solver: Solver;
  budgetBytes: number;
  /** Round block rows to this (the chunk rows of the files). */
  alignRows?: number;
  /** Dates per chunk of the input: date groups are a whole number of them. */
  chunkDates?: number;
  /** Cap on the bytes of one row block, default {@link MAX_BLOCK_BYTES}. */
  maxBlockBytes?: number;
  /** Workers deramping date groups (1 or absent: in-process). */
  workers?: number;
  /** Override of the sub-sampling threshold (tests). */
  maxSamples?: number;
}

/** Results of {@link streamResidualRms}. */
export interface RmsStreamResult {
  /** RMS per date (float64; NaN for a date with no pixel in the mask). */
  rms: Float64Array;
  fit: RampFit | null;
  /**
   * Row blocks (or date groups) used and block reads done (reads > blocks means a second
   * pass re-read).
   */
  blocks: number;
  reads: number;
}

/** Compute the residual RMS per date (see the module documentation). */
export async function streamResidualRms(o: RmsStreamOptions): Promise<RmsStreamResult> {
  const { reader, dataset, numDates: K, length: L, width: W, mask } = o;
  if (o.ramp !== null && !o.writer) throw new Error("streamResidualRms: deramping needs a writer");
  const group = dateGroupSize(o);
  if (group > 0 && o.ramp === null) return squaresByDateGroups(o, group);
  if (group > 0) return await deRampByDateGroups(o, group, o.outDataset ?? dataset);
  const plan = planRowBlocks({
    length: L,
    width: W,
    // One float32 value per date (deramped in place) plus the mask byte.
    bytesPerPixel: 4 * K + 1,
    budgetBytes: Math.min(o.budgetBytes, o.maxBlockBytes ?? MAX_BLOCK_BYTES),
    alignRows: o.alignRows,
  });
  const blocks = [...plan.blocks()];
  log.debug(`${blocks.length} row block(s) of up to ${plan.rowsPerBlock} rows`);
  const buf = solverBlock(o.solver, K * plan.rowsPerBlock * W);
  const sumSq = new Float64Array(K), count = new Float64Array(K);
  let reads = 0;
  const load = (b: Block): Float32Array => {
    const data = buf.subarray(0, K * (b.row1 - b.row0) * W);
    readStackRows(reader, dataset, [0, K], [b.row0, b.row1], W, data);
    reads++;
    return data;
  };
  const maskRows = (b: Block) => mask ? mask.rows(b.row0, b.row1) : null;

  if (o.ramp === null) {
    const progress = new Progress("residual RMS", L * W);
    for (const b of blocks) {
      const data = load(b);
      accumulateSquares(data, K, (b.row1 - b.row0) * W, maskRows(b), sumSq, count, o.solver);
      progress.advance((b.row1 - b.row0) * W);
    }
    return { rms: rmsFromSums(sumSq, count), fit: null, blocks: blocks.length, reads };
  }

  const outDataset = o.outDataset ?? dataset;
  const eq = new RampNormalEquations({
    ramp: o.ramp,
    numDates: K,
    length: L,
    width: W,
    maxSamples: o.maxSamples,
  });
  const pass1 = new Progress("estimating ramps", L * W);
  const time = { read: 0, fit: 0, apply: 0, write: 0, rms: 0 };
  let t = performance.now();
  const lap = (key: keyof typeof time) => {
    const now = performance.now();
    time[key] += now - t;
    t = now;
  };
  for (const b of blocks) {
    const data = load(b);
    lap("read");
    eq.add(o.solver, data, b.row0, b.row1 - b.row0, maskRows(b));
    lap("fit");
    pass1.advance((b.row1 - b.row0) * W);
  }
  const fit = eq.solve(o.ref);
  reportFit(fit, eq.maxSamples);

  // The last block is still in `buf`: do it first, then re-read the others.
  const last = blocks[blocks.length - 1]!;
  const pass2 = new Progress("removing ramps", L * W);
  for (const b of [last, ...blocks.slice(0, -1)]) {
    const rows = b.row1 - b.row0;
    const data = b === last ? buf.subarray(0, K * rows * W) : load(b);
    lap("read");
    removeRampSquares(o.solver, fit, data, b.row0, rows, maskRows(b), sumSq, count);
    lap("apply");
    writeStackRows(o.writer!, outDataset, [0, K], [b.row0, b.row1], W, data);
    lap("write");
    pass2.advance(rows * W);
  }
  log.debug(
    "time (s): " + Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(", "),
  );
  return { rms: rmsFromSums(sumSq, count), fit, blocks: blocks.length, reads };
}

/**
 * Dates per group for {@link deRampByDateGroups}: whole multiples of the chunk dates filling
 * about {@link DATE_GROUP_BYTES}, or 0 when even one chunk of dates of whole images does not
 * fit the budget (then the row-block passes are used).
 */
function dateGroupSize(o: RmsStreamOptions): number {
  const unit = Math.max(1, Math.min(o.numDates, o.chunkDates ?? 1));
  const imageBytes = (4 + 1) * o.length * o.width;
  const budget = Math.min(o.budgetBytes, o.maxBlockBytes ?? MAX_BLOCK_BYTES);
  if (unit * imageBytes > budget) return 0;
  const units = Math.max(1, Math.floor(Math.min(budget, DATE_GROUP_BYTES) / (unit * imageBytes)));
  return Math.min(o.numDates, unit * units);
}

/** The RMS of the data as they are, reading groups of whole images. */
function squaresByDateGroups(o: RmsStreamOptions, group: number): RmsStreamResult {
  const { reader, dataset, numDates: K, length: L, width: W } = o;
  const pixels = L * W;
  const mask = o.mask ? o.mask.rows(0, L) : null;
  const buf = solverBlock(o.solver, group * pixels);
  const sumSq = new Float64Array(K), count = new Float64Array(K);
  const progress = new Progress("residual RMS", K * pixels);
  let groups = 0;
  for (let k0 = 0; k0 < K; k0 += group, groups++) {
    const k1 = Math.min(K, k0 + group), data = buf.subarray(0, (k1 - k0) * pixels);
    readStackRows(reader, dataset, [k0, k1], [0, L], W, data);
    accumulateSquares(
      data,
      k1 - k0,
      pixels,
      mask,
      sumSq.subarray(k0, k1),
      count.subarray(k0, k1),
      o.solver,
    );
    progress.advance((k1 - k0) * pixels);
  }
  return { rms: rmsFromSums(sumSq, count), fit: null, blocks: groups, reads: groups };
}

/**
 * One pass over groups of whole images: read a group, deramp it (workers, while the next
 * group is read), write it, sum its squares.
 */
async function deRampByDateGroups(
  o: RmsStreamOptions,
  group: number,
  outDataset: string,
): Promise<RmsStreamResult> {
  const { reader, dataset, numDates: K, length: L, width: W } = o;
  const pixels = L * W;
  const spec: DerampSpec = {
    backend: o.solver.name,
    ramp: o.ramp!,
    length: L,
    width: W,
    mask: o.mask ? o.mask.rows(0, L) : null,
    ref: o.ref,
    maxSamples: o.maxSamples,
  };
  const groups = Math.ceil(K / group);
  const useWorkers = (o.workers ?? 1) > 1;
  const engine = await startDeramp(spec, o, useWorkers);
  log.debug(`deramping groups of ${group} date(s) of whole images, ${engine.name}`);
  // Workers deramp one buffer while the next group is read into the other (shared memory);
  // in-process, the group is read straight into the backend's memory when it has one.
  const buffers = engine instanceof LocalDeramp
    ? [solverBlock(o.solver, group * pixels)]
    : [0, 1].map(() => new Float32Array(new SharedArrayBuffer(4 * group * pixels)));
  const sumSq = new Float64Array(K), count = new Float64Array(K);
  const fits: RampFit[] = [];
  const progress = new Progress("removing ramps", K * pixels);
  const time = { read: 0, deramp: 0, write: 0 };
  let pending:
    | { k0: number; k1: number; data: Float32Array; done: Promise<DerampResult[]> }
    | null = null;
  const finish = async (p: NonNullable<typeof pending>) => {
    let t = performance.now();
    let k = p.k0;
    for (const r of await p.done) {
      fits.push(r.fit);
      sumSq.set(r.sumSq, k);
      count.set(r.count, k);
      k += r.fit.numDates;
    }
    time.deramp += performance.now() - t;
    t = performance.now();
    writeStackRows(o.writer!, outDataset, [p.k0, p.k1], [0, L], W, p.data);
    time.write += performance.now() - t;
    progress.advance((p.k1 - p.k0) * pixels);
  };
  try {
    for (let g = 0; g < groups; g++) {
      const k0 = g * group, k1 = Math.min(K, k0 + group);
      const data = buffers[g % buffers.length]!.subarray(0, (k1 - k0) * pixels);
      // With one buffer, the previous group must be written before it is read into.
      if (pending && buffers.length === 1) await finish(pending);
      const t = performance.now();
      readStackRows(reader, dataset, [k0, k1], [0, L], W, data);
      time.read += performance.now() - t;
      if (pending && buffers.length > 1) await finish(pending);
      const t1 = performance.now();
      pending = { k0, k1, data, done: engine.run(data, k1 - k0) };
      time.deramp += performance.now() - t1;
      if (buffers.length === 1) {
        await finish(pending);
        pending = null;
      }
    }
    if (pending) await finish(pending);
  } finally {
    engine.close();
  }
  log.debug(
    "time (s): " + Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(", "),
  );
  const fit = concatRampFits(fits);
  reportFit(fit, o.maxSamples ?? MAX_RAMP_SAMPLES);
  return { rms: rmsFromSums(sumSq, count), fit, blocks: groups, reads: groups };
}

/** The worker pool when asked for and it starts, else the in-process engine. */
async function startDeramp(
  spec: DerampSpec,
  o: RmsStreamOptions,
  useWorkers: boolean,
): Promise<DerampEngine> {
  if (useWorkers) {
    try {
      return await WorkerDeramp.start(spec, o.workers!);
    } catch (e) {
      log.debug(`workers unavailable, deramping in-process: ${e instanceof Error ? e.message : e}`);
    }
  }
  return new LocalDeramp(o.solver, spec);
}

/** The ramp fits of consecutive date groups as one fit of all their dates. */
function concatRampFits(fits: RampFit[]): RampFit {
  const first = fits[0]!;
  const cat = <T extends Float64Array | Int32Array | Uint8Array>(
    pick: (f: RampFit) => T,
    make: (n: number) => T,
  ): T => {
    const out = make(fits.reduce((n, f) => n + pick(f).length, 0));
    let o = 0;
    for (const f of fits) {
      out.set(pick(f) as never, o);
      o += pick(f).length;
    }
    return out;
  };
  return {
    ramp: first.ramp,
    numDates: fits.reduce((n, f) => n + f.numDates, 0),
    length: first.length,
    width: first.width,
    coeffs: cat((f) => f.coeffs, (n) => new Float64Array(n)),
    offset: cat((f) => f.offset, (n) => new Float64Array(n)),
    validCount: cat((f) => f.validCount, (n) => new Float64Array(n)),
    samples: cat((f) => f.samples, (n) => new Float64Array(n)),
    step: cat((f) => f.step, (n) => new Int32Array(n)),
    status: cat((f) => f.status, (n) => new Uint8Array(n)),
  };
}

/** Log dates whose ramp could not be fitted normally (never an error: MintPy carries on). */
function reportFit(fit: RampFit, maxSamples: number): void {
  let empty = 0, under = 0, sub = 0;
  for (let k = 0; k < fit.numDates; k++) {
    if (fit.status[k] === RampStatus.empty) empty++;
    else if (fit.status[k] === RampStatus.underdetermined) under++;
    if (fit.step[k]! > 1) sub++;
  }
  if (empty) log.warn(`${empty} date(s) have no valid pixel in the mask: left without deramping`);
  if (under) {
    log.warn(`${under} date(s) have too few or collinear valid pixels: minimum-norm ramp used`);
  }
  if (sub) {
    log.info(
      `${sub} date(s) with more than ${maxSamples} valid pixels: ramp fitted on a subsample`,
    );
  }
}
