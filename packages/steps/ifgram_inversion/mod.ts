/**
 * MintPy 1.6.4's `ifgram_inversion.py` as a library call: the interferogram network of every
 * pixel inverted into a displacement time-series (batched sparse Cholesky; a disconnected
 * network solved per connected component with MintPy's minimum-norm rule), written to MintPy's
 * three files.
 *
 * ```ts
 * import { run } from "@vinsar/steps/ifgram-inversion";
 * import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
 * await registerBuiltinBackends();
 * const { outfile, stats } = await run({ stackFile: "inputs/ifgramStack.h5", weightFunc: "var" });
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  buildNetwork,
  CoherenceWeights,
  covarianceScratchBytes,
  independentLooks,
  InputError,
  inversionAttrs,
  type InversionConfig,
  inversionConfigAttrs,
  isOffsetStdMask,
  networkComponents,
  type ObservationWeights,
  OffsetStdWeights,
  offsetUnit,
  pyFloat,
  timeseriesBperp,
} from "@vinsar/core";
import {
  covarianceFileName,
  CovarianceOutput,
  IfgramStack,
  InversionOutputs,
  MaskFile,
} from "@vinsar/hdf5";
import { isUpToDate, resolveResources } from "../pipeline/context.ts";
import { prestartWorkers, startExecutor, stopPrestartedWorkers } from "../pipeline/executor.ts";
import { withOutputs } from "../pipeline/staged_outputs.ts";
import { clipRowUnits, planRowUnits } from "../pipeline/units.ts";
import { logReporter, type Reporter } from "../reporter.ts";
import { covarianceReference } from "./_covariance.ts";
import { inversionBlockBudget } from "./_block_budget.ts";
import { type BlockInversionTotals, invertBlocks } from "./_invert_blocks.ts";
import { measureOffsetStdMask, type OffsetStdMask } from "./_offsets.ts";
import { applyInversionTemplate } from "./_template.ts";
import { UnitReader } from "./_unit_reader.ts";
import { createKernel, type InverterSpec } from "./kernel.ts";
import {
  type IfgramInversionOptions,
  type IfgramInversionResult,
  type InversionStats,
  resolveOptions,
} from "./options.ts";

export type {
  IfgramInversionOptions,
  IfgramInversionResult,
  InversionRunTiming,
  InversionStats,
} from "./options.ts";

/** Largest block (bytes of block data) worth holding, whatever the budget. */
const BLOCK_CAP_BYTES = 128 * 2 ** 20;

/** Memory kept out of the block budget for read staging and HDF5's chunk caches. */
const IO_RESERVE_BYTES = 32 * 2 ** 20;

/** Pixels per batched solve of the inverter (and of the backend calibration's probe). */
const INVERSION_LANES = 128;

/** Work (pixels x interferograms) above which worker threads pay for their start-up. */
const POOL_MIN_WORK = 2e7;
/** Up to this many threads, the main thread is one of them (see `sharesMain`). */
const SHARE_MAIN_MAX_THREADS = 4;

/**
 * Invert the stack's network into `timeseries.h5`, `temporalCoherence.h5` and
 * `numInvIfgram.h5` (or `options.outfile`), all or nothing. The compute backends must be
 * registered (`registerBuiltinBackends` of `@vinsar/steps/pipeline`).
 *
 * @example
 * ```ts
 * const result = await run({ stackFile: "inputs/ifgramStack.h5", weightFunc: "no" });
 * console.log(result.outfile, result.stats?.counts.cholesky);
 * ```
 * @throws InputError for a stack, flag or mask file at fault (one-line message naming it).
 */
export async function run(given: IfgramInversionOptions): Promise<IfgramInversionResult> {
  const reporter = given.reporter ?? logReporter();
  // MintPy's template fills the options that were not given.
  const options = applyInversionTemplate(given, reporter);
  prestartInversionWorkers(options);
  try {
    return await invert(options, reporter);
  } finally {
    stopPrestartedWorkers("ifgram_inversion");
  }
}

/**
 * A large stack is inverted on worker threads: start them now (see `prestartWorkers`), so
 * that their start (a runtime, the kernels, the HDF5 library) overlaps opening the stack
 * and planning; the run's pool takes them over. Whoever calls this stops the ones not taken
 * with `stopPrestartedWorkers` (`run` does, for those it started). Nothing is started for one
 * thread, `--update`, or a small stack unless `--workers` asks for threads.
 */
export function prestartInversionWorkers(
  options: Pick<IfgramInversionOptions, "stackFile" | "workers" | "updateMode" | "backend">,
): void {
  const threads = Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1);
  if (!(threads >= 2) || options.updateMode) return;
  // Threads asked for are used whatever the size; by default a small stack stays in one.
  if (options.workers === undefined) {
    try {
      // About 10 bytes per value of the observations (phase, coherence, connectComponent).
      if (Deno.statSync(options.stackFile).size < 10 * POOL_MIN_WORK) return;
    } catch {
      return;
    }
  }
  const workers = threads - (sharesMain(threads) ? 1 : 0);
  prestartWorkers("ifgram_inversion", workers, options.backend);
}

/**
 * With a few threads, the main thread inverts units too, beside `threads - 1` workers: it
 * has the stack open and the kernel built, so a worker's start and memory are spared
 * (measured on 2 cores: see docs/performance/ifgram_inversion.md). With more, writing the
 * outputs keeps it busy enough.
 */
function sharesMain(threads: number): boolean {
  return threads >= 2 && threads <= SHARE_MAIN_MAX_THREADS;
}

async function invert(
  options: IfgramInversionOptions,
  reporter: Reporter,
): Promise<IfgramInversionResult> {
  const stackFile = options.stackFile;
  const stack = await IfgramStack.open(stackFile);
  const masks: MaskFile[] = [];
  try {
    const settings = resolveOptions(options, stack);
    const { config, obs, outfile } = settings;
    const attrs = stack.attrs;
    const { length: L, width: W } = stack;
    const net = buildNetwork(stack.keptDate12());
    const K = net.date1.length, N = net.dates.length;

    // Reference phase: the kept interferograms at (REF_Y, REF_X).
    let refPhase: Float32Array = new Float32Array(K);
    let refYX: [number, number] | null = null;
    if (settings.skipRefReason === "flag") {
      reporter.info("skip checking reference pixel info (--skip-ref)");
    } else if (settings.skipRefReason === "offset") {
      reporter.info("skip checking reference pixel info: offsets without REF_Y/REF_X");
    } else {
      if (attrs.REF_Y === undefined || attrs.REF_X === undefined) {
        throw new InputError(
          `${stackFile}: no REF_Y/REF_X attributes: run reference_point.py first (or --skip-ref)`,
        );
      }
      refYX = [parseInt(attrs.REF_Y, 10), parseInt(attrs.REF_X, 10)];
      refPhase = options.referencePhase?.length === K
        ? Float32Array.from(options.referencePhase)
        : stack.readPixel(obs, refYX[0], refYX[1]);
      reporter.info(`reference pixel in y/x: (${refYX[0]}, ${refYX[1]}) from dataset: ${obs}`);
    }

    // --calc-cov: the covariance's reference date (MintPy's project template) and variances
    // (coherence's var weight, or the offsets' Std), read whatever -w is.
    const covRef = options.calcCov ? covarianceReference(stackFile, net.dates) : null;
    const covFile = covRef ? covarianceFileName(outfile[0], obs) : undefined;
    // A cluster task writes its rows to part files.
    const tile = options.tile;
    const written = (p: string) => tile ? tile.partPath(p) : p;
    const covSource = settings.offset ? `${obs}Std` : "coherence";
    if (covRef && !stack.hasDataset(covSource)) {
      throw new InputError(`flag --calc-cov: no ${covSource} dataset in ${stackFile}`);
    }

    const expected = inversionConfigAttrs(config);
    for (const key of ["REF_Y", "REF_X"]) if (attrs[key] !== undefined) expected[key] = attrs[key];
    const allOutputs = covFile ? [...outfile, covFile] : outfile;
    if (!tile && options.updateMode && await isUpToDate([stackFile], allOutputs, expected)) {
      reporter.info(`update mode: outputs ${allOutputs.join(", ")} are up to date, skip`);
      return { outfile, skipped: true, stats: null, covFile };
    }

    // Phase: weights from coherence; offsets: 1 / Std with -w var, unweighted otherwise.
    const looks = settings.weightDataset === "coherence" ? independentLooks(attrs) : 1;
    const weights: ObservationWeights = settings.weightDataset === null
      ? new CoherenceWeights("no", 1)
      : settings.offset
      ? new OffsetStdWeights()
      : new CoherenceWeights(config.weightFunc, looks);
    // Metres per unit of observation.
    const unit = settings.offset ? offsetUnit(attrs, obs, stackFile) : null;
    let scale = 1;
    if (settings.offset) scale = unit?.scale ?? 1;
    else {
      const wavelength = Number(attrs.WAVELENGTH);
      if (!Number.isFinite(wavelength)) {
        throw new InputError(`${stackFile}: no WAVELENGTH attribute`);
      }
      scale = -wavelength / (4 * Math.PI);
    }
    logSetup(reporter, config, {
      weights: settings.weightDataset === null
        ? ""
        : settings.offset
        ? ` (1 / ${settings.weightDataset})`
        : ` (L=${looks} looks)`,
      size: { N, K, L, W },
    });
    if (covRef) {
      reporter.info(`calculate covariance: True with REF_DATE = ${covRef.date}`);
    }
    if (settings.offset && settings.weightDataset === null && config.weightFunc !== "no") {
      reporter.warn(
        `weight function ${config.weightFunc} does not apply to offsets: inverting ${obs} ` +
          `without weights, as MintPy (-w var weighs them by 1 / ${obs}Std)`,
      );
    }
    if (settings.offset) {
      if (unit) {
        reporter.info(
          `converting ${unit.direction} offset unit from pixel (${
            unit.pixelSize.toFixed(2)
          } m) to meter`,
        );
      } else reporter.info(`keep the unit of ${obs} (no conversion to metres, as MintPy)`);
    }
    if (networkComponents(net).count > 1) {
      reporter.warn("the network is NOT fully connected: inversion result can be biased!");
      reporter.warn("continue to use SVD to resolve the offset between different subsets");
    }

    // Per-pixel skip masks: water mask and zero average spatial coherence.
    if (settings.waterMaskFile) {
      const waterMask = settings.waterMaskFile;
      const m = await MaskFile.open(waterMask, {
        length: L,
        width: W,
        prefer: ["waterMask", "mask"],
        imageName: stackFile,
      });
      if (m) {
        masks.push(m);
        reporter.info(`skip pixels (on the water) with zero value in file: ${basename(waterMask)}`);
      } else reporter.warn(`water mask ${waterMask} not found: no water masking (as MintPy)`);
    }
    const quality = qualityMaskFile(stackFile, settings.offset);
    const q = await MaskFile.open(quality, { length: L, width: W, ignoreSizeMismatch: true });
    if (q) {
      masks.push(q);
      reporter.info(`skip pixels with zero value in file: ${basename(quality)}`);
    }

    // With backend auto, the backends are timed on this network's inversion, in batches of
    // the inverter's pixel lanes (the probe plans its own system: no cost when cached).
    const resources = await resolveResources({ ...options, reporter }, {
      kind: "inversion",
      lanes: INVERSION_LANES,
      network: net,
    });
    const solver = resources.solver;
    const zeroIsNoData = obs.toLowerCase().includes("phase");
    // The *OffsetStd mask needs medians over MintPy's patches: measured first, applied as
    // blocks are read; the kernel then sees no mask dataset.
    let stdMask: OffsetStdMask | undefined;
    if (isOffsetStdMask(config.maskDataset)) {
      stdMask = measureOffsetStdMask(stack, {
        obs,
        dataset: config.maskDataset!,
        threshold: config.maskThreshold,
        refPhase,
        zeroIsNoData,
        maxMemoryGB: options.maxMemory,
      });
      reporter.info(
        `keep pixels with ${config.maskDataset} <= ${
          pyFloat(config.maskThreshold * 5)
        } and SNR >= 10`,
      );
    }
    const kernelMask = stdMask ? null : config.maskDataset;
    const spec: InverterSpec = {
      date12: stack.keptDate12().map(([a, b]) => [a, b]),
      weightFunc: settings.weightDataset === null ? "no" : config.weightFunc,
      looks,
      weightBy: settings.offset && settings.weightDataset !== null ? "offsetStd" : "coherence",
      quality: settings.quality,
      minNormVelocity: config.minNormVelocity,
      minRedundancy: config.minRedundancy,
      maskDataset: kernelMask as InverterSpec["maskDataset"],
      maskThreshold: config.maskThreshold,
      zeroIsNoData,
      phaseToRange: scale,
      backend: solver.name,
      lanes: INVERSION_LANES,
      covariance: covRef
        ? {
          refIndex: covRef.index,
          // Squared: MintPy scales an offset covariance by the pixel size (a MintPy bug).
          scale: scale * scale,
          varianceBy: settings.offset ? "offsetStd" : "coherence",
          looks: settings.offset ? 1 : independentLooks(attrs),
        }
        : undefined,
    };
    const kernel = createKernel(
      spec,
      solver,
      // Every worker opens the stack read-only in its own h5wasm and reads its own row units
      // (`kernel.spec.source`); without workers the kernel reads them from the files open here.
      UnitReader.over(
        {
          stackFile,
          obs,
          // The weights (and --calc-cov's variances: coherence or Std, whatever -w is).
          weightDataset: !weights.unweighted || covRef !== null
            ? settings.weightDataset ?? (covRef ? covSource : "coherence")
            : undefined,
          maskDataset: kernelMask,
          stdMask,
          masks: masks.map((m) => ({ path: m.path, dataset: m.dataset })),
        },
        stack,
        masks,
      ),
    );
    const readWeights = kernel.spec.source!.weightDataset !== undefined;
    // An explicit thread count is honoured; by default small stacks stay in the main thread.
    const threads = Math.max(1, Math.floor(resources.workers));
    const work = resources.workersRequested ? Infinity : L * W * K;
    const pooled = threads > 1 && work >= POOL_MIN_WORK;
    const executor = await startExecutor({
      kernel: "ifgram_inversion",
      spec: kernel.spec,
      backend: solver.name,
      workers: pooled ? threads - (sharesMain(threads) ? 1 : 0) : 0,
      shareMain: pooled && sharesMain(threads),
      local: () => kernel,
      onPoolError: (message) =>
        reporter.warn(`worker threads unavailable (${message}): one thread`),
    });
    try {
      const budget = {
        numIfgram: K,
        numDate: N,
        inputs: 1 + (readWeights ? 1 : 0) + (config.maskDataset ? 1 : 0),
        covariance: covRef !== null,
        workers: executor.threads > 1 ? executor.threads : 0,
        outputSets: executor.capacity,
        budgetBytes: resources.budgetBytes,
        // Reads are staged a few MB at a time in each h5wasm heap, beside HDF5's chunk caches.
        ioReserveBytes: IO_RESERVE_BYTES,
        // Each thread's covariance batches and pattern cache.
        threadScratchBytes: covRef ? covarianceScratchBytes(N) : 0,
      };
      const chunkRows = Math.min(stack.chunkRows(obs), L), maxRows = resources.maxBlockRows;
      const units = (cap: number, rows: number) =>
        planRowUnits({
          length: L,
          width: W,
          ...inversionBlockBudget({ ...budget, blockCapBytes: cap }),
          alignRows: chunkRows,
          maxRows: rows,
        });
      // Larger units bring no speed, only fresh memory to fault in: their data is capped.
      let plan = units(BLOCK_CAP_BYTES, maxRows);
      if (plan.rowsPerBlock < chunkRows) {
        // HDF5 reads a whole chunk for every unit that touches it: below one chunk row, the
        // cap gives way to one chunk row when the budget holds it, up to twice the cap (2M
        // pixels, chunks of 39 rows: 22-row units 14-17 s, 39-row units 11.4 s; 226-row
        // chunks of whole rows are better read five times over than held: 1.5 GB of memory).
        const wide = units(2 * BLOCK_CAP_BYTES, Math.min(maxRows, chunkRows));
        if (wide.rowsPerBlock >= chunkRows) plan = wide;
      }
      const system = kernel.inverter.system;
      reporter.info(
        `${plan.count} block(s) of ${plan.rowsPerBlock} rows, ${executor.threads} thread(s) ` +
          `inverting; Cholesky plan: ${system.plan.nnz} non-zeros in L, ${system.plan.updates} ` +
          `updates per pixel (backend ${solver.name})`,
      );

      const t0 = performance.now();
      const totals = await withOutputs(async (out) => {
        // The outputs are created once the first units are on their way (the time-series'
        // bperp is a dense least-squares solve): the workers start computing meanwhile, and
        // the first write waits for the files.
        const outputs = (async () => {
          await new Promise((r) => setTimeout(r, 0));
          const files = await InversionOutputs.create({
            paths: outfile.map(written) as [string, string, string],
            qualityName: settings.qualityName,
            attrs: inversionAttrs(attrs, config, net.dates[0]!, settings.qualityName),
            dates: net.dates,
            bperp: timeseriesBperp(net, stack.keptBperp()),
            length: L,
            width: W,
            blockRows: plan.rowsPerBlock,
          }, (p) => out.h5(p));
          const cov = covRef && covFile
            ? await CovarianceOutput.create({
              path: written(covFile),
              attrs: {
                ...inversionAttrs(attrs, config, net.dates[0]!, settings.qualityName).timeseries,
                REF_DATE: covRef.date,
              },
              dates: net.dates,
              length: L,
              width: W,
              blockRows: plan.rowsPerBlock,
            }, (p) => out.h5(p))
            : undefined;
          return { files, cov };
        })();
        let done: BlockInversionTotals;
        try {
          done = await invertBlocks(clipRowUnits(plan.blocks(), tile?.range), {
            executor,
            width: W,
            numIfgram: K,
            refQuality: settings.qualityName === "residual" ? 0 : 1,
            refPhase,
            refYX,
            numDate: N,
            rowsPerBlock: plan.rowsPerBlock,
            covariance: covRef !== null,
            outputs,
            progress: reporter.progress(
              "inverting",
              tile ? (tile.range[1] - tile.range[0]) * W : L * W,
            ),
          });
        } catch (e) {
          // Settled before the outputs are aborted: no file is created after that.
          await outputs.catch(() => {});
          throw e;
        }
        // A failure to create them counts even when no unit was written.
        await outputs;
        return done;
      });
      const stats: InversionStats = {
        numIfgram: K,
        numDate: N,
        length: L,
        width: W,
        blocks: plan.count,
        rowsPerBlock: plan.rowsPerBlock,
        threads: executor.threads,
        executor: executor.name,
        backend: solver.name,
        counts: totals.counts,
        timing: {
          total: performance.now() - t0,
          read: totals.pipeline.read,
          write: totals.pipeline.write,
          invert: totals.invertMs,
          stages: totals.stages,
        },
        covariance: totals.covariance,
      };
      logSummary(reporter, stats);
      reporter.info(`wrote ${allOutputs.map(written).join(", ")}`);
      return { outfile, skipped: false, stats, covFile };
    } finally {
      executor.close();
    }
  } finally {
    for (const m of masks) m.close();
    stack.close();
  }
}

/**
 * MintPy's mask of pixels with zero average spatial coherence (or SNR for offsets), beside
 * the stack's folder; used when it exists.
 */
export function qualityMaskFile(stackFile: string, offset: boolean): string {
  return join(
    dirname(stackFile),
    offset
      ? "../avgSpatialSNR.h5"
      : basename(stackFile).startsWith("ion")
      ? "../avgSpatialCohIon.h5"
      : "../avgSpatialCoh.h5",
  );
}

function logSetup(
  reporter: Reporter,
  config: InversionConfig,
  setup: {
    /** What follows the weight function's name (its looks, or its Std dataset). */
    weights: string;
    size: { N: number; K: number; L: number; W: number };
  },
): void {
  const size = setup.size;
  reporter.info(
    `least-squares solution with L2 min-norm on: deformation ${
      config.minNormVelocity ? "velocity" : "phase"
    }`,
  );
  reporter.info(`minimum redundancy: ${pyFloat(config.minRedundancy)}`);
  reporter.info(`weight function: ${config.weightFunc}${setup.weights}`);
  reporter.info(
    config.maskDataset
      ? `mask out pixels with: ${config.maskDataset} ${
        config.maskDataset === "connectComponent"
          ? "== 0"
          : isOffsetStdMask(config.maskDataset)
          ? `> ${config.maskThreshold}`
          : `< ${config.maskThreshold}`
      }`
      : "mask: no",
  );
  reporter.info(`number of interferograms: ${size.K}`);
  reporter.info(`number of acquisitions  : ${size.N}`);
  reporter.info(`number of lines   : ${size.L}`);
  reporter.info(`number of columns : ${size.W}`);
}

function logSummary(reporter: Reporter, stats: InversionStats): void {
  const n = stats.counts;
  const solved = n.cholesky + n.svd + n.choleskyFallback;
  reporter.info(
    `pixels: ${n.pixels} total, ${n.skipped} skipped (masked or no data), ${n.redundancy} below ` +
      `min redundancy, ${n.cholesky} by sparse Cholesky, ${n.svd} by connected components ` +
      `(disconnected network)` +
      (n.choleskyFallback
        ? `, ${n.choleskyFallback} by the dense path after a failed Cholesky`
        : ""),
  );
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const t = stats.timing, tm = t.stages;
  reporter.info(
    `time: total ${s(t.total)} s; read ${s(t.read)} s, write ${s(t.write)} s, invert ${
      s(t.invert)
    } s over ${stats.threads} thread(s) (prepare ${s(tm.prepare)}, gather ${s(tm.gather)}, ` +
      `solve ${s(tm.solve)}, coherence ${s(tm.coherence)}, disconnected ${s(tm.dense)}); ` +
      `${(solved / Math.max(t.total / 1000, 1e-9)).toFixed(0)} inverted pixels/s`,
  );
  const c = stats.covariance;
  if (c) {
    reporter.info(
      `covariance: ${
        c.counts.connected + c.counts.disconnected
      } pixels (${c.counts.disconnected} ` +
        `of a disconnected network by pseudo-inverse), ${c.counts.redundancy} below min ` +
        `redundancy (zero); ${s(c.ms)} s over ${stats.threads} thread(s)`,
    );
  }
}
