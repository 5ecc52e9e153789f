/**
 * MintPy 1.6.4's `ifgram_inversion.py` as a library call: the interferogram network of every
 * pixel inverted into a displacement time-series (batched sparse Cholesky, the dense
 * minimum-norm path for disconnected networks), written to MintPy's three files.
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
  independentLooks,
  InputError,
  inversionAttrs,
  type InversionConfig,
  inversionConfigAttrs,
  networkComponents,
  pyFloat,
  timeseriesBperp,
} from "@vinsar/core";
import { IfgramStack, InversionOutputs, MaskFile } from "@vinsar/hdf5";
import { isUpToDate, resolveResources } from "../pipeline/context.ts";
import { startExecutor } from "../pipeline/executor.ts";
import { withOutputs } from "../pipeline/staged_outputs.ts";
import { planRowUnits } from "../pipeline/units.ts";
import { logReporter, type Reporter } from "../reporter.ts";
import { invertBlocks } from "./_invert_blocks.ts";
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
export async function run(options: IfgramInversionOptions): Promise<IfgramInversionResult> {
  const reporter = options.reporter ?? logReporter();
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
    if (settings.skipRef) reporter.info("skip checking reference pixel info (--skip-ref)");
    else {
      if (attrs.REF_Y === undefined || attrs.REF_X === undefined) {
        throw new InputError(
          `${stackFile}: no REF_Y/REF_X attributes: run reference_point.py first (or --skip-ref)`,
        );
      }
      refYX = [parseInt(attrs.REF_Y, 10), parseInt(attrs.REF_X, 10)];
      refPhase = stack.readPixel(obs, refYX[0], refYX[1]);
      reporter.info(`reference pixel in y/x: (${refYX[0]}, ${refYX[1]}) from dataset: ${obs}`);
    }

    const expected = inversionConfigAttrs(config);
    for (const key of ["REF_Y", "REF_X"]) if (attrs[key] !== undefined) expected[key] = attrs[key];
    if (options.updateMode && await isUpToDate([stackFile], outfile, expected)) {
      reporter.info(`update mode: outputs ${outfile.join(", ")} are up to date, skip`);
      return { outfile, skipped: true, stats: null };
    }

    const weights = new CoherenceWeights(
      config.weightFunc,
      config.weightFunc === "no" ? 1 : independentLooks(attrs),
    );
    const wavelength = Number(attrs.WAVELENGTH);
    if (!Number.isFinite(wavelength)) throw new InputError(`${stackFile}: no WAVELENGTH attribute`);
    logSetup(reporter, config, weights, { N, K, L, W });
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
    const quality = join(
      dirname(stackFile),
      basename(stackFile).startsWith("ion") ? "../avgSpatialCohIon.h5" : "../avgSpatialCoh.h5",
    );
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
    const spec: InverterSpec = {
      date12: stack.keptDate12().map(([a, b]) => [a, b]),
      weightFunc: config.weightFunc,
      looks: weights.looks,
      minNormVelocity: config.minNormVelocity,
      minRedundancy: config.minRedundancy,
      maskDataset: config.maskDataset as InverterSpec["maskDataset"],
      maskThreshold: config.maskThreshold,
      zeroIsNoData: obs.toLowerCase().includes("phase"),
      phaseToRange: -wavelength / (4 * Math.PI),
      backend: solver.name,
      lanes: INVERSION_LANES,
    };
    const kernel = createKernel(spec, solver);
    // An explicit thread count is honoured; by default small stacks stay in the main thread.
    const threads = Math.max(1, Math.floor(resources.workers));
    const work = resources.workersRequested ? Infinity : L * W * K;
    const executor = await startExecutor({
      kernel: "ifgram_inversion",
      spec,
      backend: solver.name,
      workers: threads > 1 && work >= POOL_MIN_WORK ? threads : 0,
      local: () => kernel,
      onPoolError: (message) =>
        reporter.warn(`worker threads unavailable (${message}): one thread`),
    });
    try {
      // Blocks in flight: one per worker, plus the one being read.
      const sets = executor.threads + (executor.threads > 1 ? 1 : 0);
      const nInputs = 1 + (weights.unweighted ? 0 : 1) + (config.maskDataset ? 1 : 0);
      const plan = planRowUnits({
        length: L,
        width: W,
        // Inputs held as float32, the outputs (twice: h5wasm stages a write in its heap) and
        // per-pixel flags.
        bytesPerPixel: 4 * K * nInputs + 8 * N + 16,
        // Larger blocks bring no speed, only fresh memory to fault in: cap them. Reads are
        // staged a few MB at a time in h5wasm's heap, beside HDF5's chunk caches: reserved.
        budgetBytes: Math.min(
          Math.max(0, resources.budgetBytes - IO_RESERVE_BYTES) / sets,
          BLOCK_CAP_BYTES,
        ),
        alignRows: stack.chunkRows(obs),
        maxRows: resources.maxBlockRows,
      });
      const system = kernel.inverter.system;
      reporter.info(
        `${plan.count} block(s) of ${plan.rowsPerBlock} rows, ${executor.threads} thread(s) ` +
          `inverting; Cholesky plan: ${system.plan.nnz} non-zeros in L, ${system.plan.updates} ` +
          `updates per pixel (backend ${solver.name})`,
      );

      const t0 = performance.now();
      const totals = await withOutputs(async (out) => {
        const files = await InversionOutputs.create({
          paths: outfile,
          qualityName: "temporalCoherence",
          attrs: inversionAttrs(attrs, config, net.dates[0]!),
          dates: net.dates,
          bperp: timeseriesBperp(net, stack.keptBperp()),
          length: L,
          width: W,
          blockRows: plan.rowsPerBlock,
        }, (p) => out.h5(p));
        return await invertBlocks(plan.blocks(), {
          stack,
          obs,
          weighted: !weights.unweighted,
          maskDataset: config.maskDataset,
          masks,
          executor,
          refPhase,
          refYX,
          numDate: N,
          rowsPerBlock: plan.rowsPerBlock,
          files,
          progress: reporter.progress("inverting", L * W),
        });
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
      };
      logSummary(reporter, stats);
      reporter.info(`wrote ${outfile.join(", ")}`);
      return { outfile, skipped: false, stats };
    } finally {
      executor.close();
    }
  } finally {
    for (const m of masks) m.close();
    stack.close();
  }
}

function logSetup(
  reporter: Reporter,
  config: InversionConfig,
  weights: CoherenceWeights,
  size: { N: number; K: number; L: number; W: number },
): void {
  reporter.info(
    `least-squares solution with L2 min-norm on: deformation ${
      config.minNormVelocity ? "velocity" : "phase"
    }`,
  );
  reporter.info(`minimum redundancy: ${pyFloat(config.minRedundancy)}`);
  reporter.info(
    `weight function: ${config.weightFunc}${
      weights.unweighted ? "" : ` (L=${weights.looks} looks)`
    }`,
  );
  reporter.info(
    config.maskDataset
      ? `mask out pixels with: ${config.maskDataset} ${
        config.maskDataset === "connectComponent" ? "== 0" : `< ${config.maskThreshold}`
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
      `min redundancy, ${n.cholesky} by sparse Cholesky, ${n.svd} by the dense path ` +
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
      `solve ${s(tm.solve)}, coherence ${s(tm.coherence)}, dense ${s(tm.dense)}); ` +
      `${(solved / Math.max(t.total / 1000, 1e-9)).toFixed(0)} inverted pixels/s`,
  );
}
