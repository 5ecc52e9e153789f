/**
 * The per-block stages of `timeseries2velocity` over any range of its row blocks: read a
 * block (float32, in place, into the solver's memory or a SharedArrayBuffer), fit it in
 * process or split by lanes across the workers, write its parameters and residual rows.
 * @module
 */
import {
  type BlockFit,
  type BlockFitCounts,
  type Chunker,
  type Solver,
  solverBlock,
  sqrtFloat32,
  timeFunctionOutputs,
  type TimeSeriesCovariance,
  Workspace,
  zeroBlockFitCounts,
} from "@vinsar/core";
import {
  type CovarianceFile,
  type H5Writer,
  type TimeseriesFile,
  writeResidualBlock,
  writeVelocityBlock,
} from "@vinsar/hdf5";
import {
  type Executor,
  LocalExecutor,
  type PipelineTiming,
  type RowUnit,
  runBlocks,
} from "../pipeline/mod.ts";
import type { Reporter } from "../reporter.ts";
import type { Settings } from "./_settings.ts";
import type { BlockJob, FitResult, FitTask, SharedFit } from "./kernel.ts";

/** Padding after each date's rows of a block fit in place: one cache line of float32. */
const PAD_FLOATS = 16;

/** A block's input: the float32 read (taking the residual), and its (co)variance. */
interface BlockBuffers {
  /** The whole buffer, sized for the largest block. */
  readonly data: Float32Array;
  /** The block's dates, `stride` values apart. */
  raw: Float32Array;
  stride: number;
  covariance?: TimeSeriesCovariance;
}

/** Everything the per-block stages need, planned once for the file. */
export interface FitPlan {
  readonly ts: TimeseriesFile;
  readonly settings: Settings;
  readonly reporter: Reporter;
  readonly units: Chunker;
  /** Dates read per block: file dates `[firstDate, firstDate + numRead)`. */
  readonly firstDate: number;
  readonly numRead: number;
  readonly cov: CovarianceFile | null;
  readonly useWorkers: boolean;
  /** Each date's rows of a block are padded (the fit in place, in the solver's memory). */
  readonly pad: boolean;
  readonly bytesPerPixel: number;
  readonly numParams: number;
  readonly solver: Solver;
  /** The executor being started (the workers start while the first block is read). */
  readonly starting: Promise<Executor<FitTask, FitResult>>;
}

/** What {@link fitUnits} runs over and writes into. */
export interface FitUnitsOptions {
  /** The row blocks to fit (all of the plan's, or a range of them). */
  units: Iterable<RowUnit>;
  velocity: H5Writer;
  residual: H5Writer | null;
  /** Told the executor once it is started (the caller closes it). */
  onExecutor: (executor: Executor<FitTask, FitResult>) => void;
}

/**
 * Read, fit and write the row blocks `units` of the plan: in process one buffer (the fit
 * follows the read), with workers two over SharedArrayBuffers and one block in flight (the
 * next block is read while the workers fit, then the block fit is written before the
 * workers start the next one).
 */
export async function fitUnits(
  plan: FitPlan,
  options: FitUnitsOptions,
): Promise<{ counts: BlockFitCounts; timing: PipelineTiming; executor: string }> {
  const { ts, settings: s, reporter, numRead: nRead, cov } = plan;
  const W = ts.width, n = s.dates.length, N = ts.dates.length, res = options.residual;
  const refY = Number(s.velocityAttrs.REF_Y), refX = Number(s.velocityAttrs.REF_X);
  const hasRef = Number.isInteger(refY) && Number.isInteger(refX) && refX >= 0 && refX < W;
  const totals = zeroBlockFitCounts();
  const progress = reporter.progress("fitting", ts.length * W);
  const maxLanes = plan.units.rowsPerBlock * W;
  const stride = (lanes: number) => plan.pad ? lanes + PAD_FLOATS : lanes;
  // The output rows of a block, reused by the next (written before it is fit).
  const outWork = new Workspace();
  // Where the workers write a block's fit, reused from block to block.
  const shared = new SharedFitArrays(plan.numParams);
  let executor: Executor<FitTask, FitResult> | null = null;
  // The wait for the workers to start is not read time (nor any stage's).
  let waited = 0;
  const awaitExecutor = async () => {
    const t = performance.now();
    executor = await plan.starting;
    options.onExecutor(executor);
    waited += performance.now() - t;
  };

  const timing = await runBlocks<RowUnit, BlockBuffers, Map<string, Float32Array>>({
    units: options.units,
    // Workers read the blocks from shared memory (two: one read while one is fit); in
    // process, the one block buffer is in the solver's memory.
    buffers: plan.useWorkers ? 2 : 1,
    inFlight: 1,
    allocate: () => {
      const length = nRead * stride(maxLanes);
      const data = plan.useWorkers
        ? new Float32Array(new SharedArrayBuffer(4 * length))
        : solverBlock(plan.solver, length);
      return { data, raw: data, stride: 0 };
    },
    read: (unit, buf) => {
      const lanes = (unit.row1 - unit.row0) * W;
      buf.stride = stride(lanes);
      buf.raw = buf.data.subarray(0, nRead * buf.stride);
      ts.readBlock(
        unit.row0,
        unit.row1,
        plan.firstDate,
        plan.firstDate + nRead,
        buf.raw,
        buf.stride,
      );
      buf.covariance = cov
        ? blockCovariance(cov.kind, cov.readBlock(unit.row0, unit.row1), { lanes, settings: s, N })
        : undefined;
      return executor ? undefined : awaitExecutor();
    },
    compute: (unit, buf) => {
      const lanes = (unit.row1 - unit.row0) * W;
      const refLane = hasRef && refY >= unit.row0 && refY < unit.row1
        ? (refY - unit.row0) * W + refX
        : -1;
      const job: BlockJob = {
        raw: buf.raw,
        lanes,
        stride: buf.stride,
        refLane,
        residual: res !== null,
        covariance: buf.covariance,
      };
      return fitBlock(executor!, job, shared).then((r) => {
        for (const k of Object.keys(totals) as Array<keyof BlockFitCounts>) {
          totals[k] += r.counts[k];
        }
        const values = timeFunctionOutputs(s.model, r.params, r.std, r.fitted, lanes, outWork);
        if (s.uncertainty === "residue") {
          values.set("residue", sqrtFloat32(r.e2, outWork.f32("residue", lanes)));
        }
        return values;
      });
    },
    write: (unit, buf, values) => {
      writeVelocityBlock(options.velocity, unit.row0, unit.row1, values);
      if (res) writeResidualBlock(res, unit.row0, unit.row1, n, buf.raw, W, buf.stride);
      progress.advance((unit.row1 - unit.row0) * W);
    },
  });
  timing.read -= waited;
  const name = (executor as Executor<FitTask, FitResult> | null)?.name ?? "";
  reporter.debug(
    `timing: read ${(timing.read / 1000).toFixed(3)} s, compute ${
      (timing.compute / 1000).toFixed(3)
    } s, write ${
      (timing.write / 1000).toFixed(3)
    } s, ${timing.units} blocks of ${plan.units.rowsPerBlock} rows, ${
      (plan.bytesPerPixel * maxLanes / 2 ** 20).toFixed(1)
    } MB of block data, ${name}`,
  );
  return { counts: totals, timing, executor: name };
}

/**
 * The fit of a block: in process, the kernel's own result (no copies); on the pool, split by
 * lanes across the workers, which write into `shared`.
 */
async function fitBlock(
  executor: Executor<FitTask, FitResult>,
  job: BlockJob,
  shared: SharedFitArrays,
): Promise<BlockFit> {
  const { lanes } = job;
  if (executor instanceof LocalExecutor) {
    return await executor.run({ job, start: 0, count: lanes }) as BlockFit;
  }
  const out = shared.grow(lanes);
  const step = Math.ceil(lanes / executor.threads / 8) * 8;
  const parts: FitTask[] = [];
  for (let a = 0; a < lanes; a += step) {
    parts.push({ job, start: a, count: Math.min(step, lanes - a), out });
  }
  const replies = await Promise.all(parts.map((part) => executor.run(part)));
  const counts = zeroBlockFitCounts();
  for (const reply of replies) {
    for (const key of Object.keys(counts) as Array<keyof BlockFitCounts>) {
      counts[key] += reply.counts[key];
    }
  }
  return shared.view(lanes, counts);
}

/**
 * The arrays the workers write a block's fit into, over SharedArrayBuffers reused by the
 * next block (no fresh memory per block: on a VM, first touches of new pages cost more than
 * the copies).
 */
class SharedFitArrays {
  readonly #numParams: number;
  #out: SharedFit | null = null;

  constructor(numParams: number) {
    this.#numParams = numParams;
  }

  /** The arrays, grown to `lanes`. */
  grow(lanes: number): SharedFit {
    const p = this.#numParams;
    if (!this.#out || this.#out.e2.length < lanes) {
      const f64 = (length: number) => new Float64Array(new SharedArrayBuffer(8 * length));
      this.#out = {
        params: f64(p * lanes),
        std: f64(p * lanes),
        e2: f64(lanes),
        fitted: new Uint8Array(new SharedArrayBuffer(lanes)),
      };
    }
    return this.#out;
  }

  /** A block's fit of `lanes` pixels, as written into the arrays. */
  view(lanes: number, counts: BlockFitCounts): BlockFit {
    const out = this.#out!, p = this.#numParams;
    return {
      params: out.params.subarray(0, p * lanes),
      std: out.std.subarray(0, p * lanes),
      e2: out.e2.subarray(0, lanes),
      fitted: out.fitted.subarray(0, lanes),
      counts,
    };
  }
}

/** The (co)variance of the dates fit, float64 lane-fastest, from a block of the file. */
function blockCovariance(
  kind: "variance" | "full",
  raw: Float32Array,
  options: { lanes: number; settings: Settings; N: number },
): TimeSeriesCovariance {
  const { lanes, settings: s, N } = options;
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
