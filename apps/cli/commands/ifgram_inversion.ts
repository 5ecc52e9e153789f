/**
 * `vinsar ifgram_inversion`: MintPy 1.6.4's `ifgram_inversion.py` (same flags, files and
 * numbers) with the batched sparse-Cholesky network inversion.
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
  log,
  type MaskDataset,
  networkComponents,
  type NetworkInverter,
  planRowBlocks,
  pyFloat,
  timeseriesBperp,
} from "@vinsar/core";
import { IfgramStack, InversionOutputs, PixelMaskFile } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import { formatHelp, parseCommandArgs } from "../args.ts";
import { isUpToDate, makeContext } from "../context.ts";
import { withOutputs } from "../outputs.ts";
import { Progress } from "../progress.ts";
import { settingsFrom, spec } from "./_ifgram_inversion_args.ts";
import {
  type BlockBuffers,
  InProcessEngine,
  type InversionEngine,
  type InverterSpec,
  makeInverter,
  WorkerEngine,
} from "./_ifgram_inversion_engine.ts";

/** Largest block (bytes of block data) worth holding, whatever the budget. */
const BLOCK_CAP_BYTES = 128 * 2 ** 20;

/** Memory kept out of the block budget for read staging and HDF5's chunk caches. */
const IO_RESERVE_BYTES = 32 * 2 ** 20;

/** Pixels per batched solve of the inverter (and of the backend calibration's probe). */
const INVERSION_LANES = 128;

async function run(argv: string[]): Promise<void> {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(formatHelp(spec));
    return;
  }
  const args = parseCommandArgs(spec, argv);
  if (args.quiet) log.setLevel("warn");
  const stackFile = args._[0]!;
  const stack = await IfgramStack.open(stackFile);
  const masks: PixelMaskFile[] = [];
  try {
    const s = settingsFrom(args, stack);
    if (s.config.numIfgram === 0) {
      throw new InputError(`${stackFile}: every interferogram is dropped`);
    }
    const attrs = stack.attrs;
    const { length: L, width: W } = stack;
    const net = buildNetwork(stack.keptDate12());
    const K = net.date1.length, N = net.dates.length;

    // Reference phase: the kept interferograms at (REF_Y, REF_X).
    let refPhase: Float32Array = new Float32Array(K);
    let refYX: [number, number] | null = null;
    if (s.skipRef) log.info("skip checking reference pixel info (--skip-ref)");
    else {
      if (attrs.REF_Y === undefined || attrs.REF_X === undefined) {
        throw new InputError(
          `${stackFile}: no REF_Y/REF_X attributes: run reference_point.py first (or --skip-ref)`,
        );
      }
      refYX = [parseInt(attrs.REF_Y, 10), parseInt(attrs.REF_X, 10)];
      refPhase = stack.readPixel(s.obs, refYX[0], refYX[1]);
      log.info(`reference pixel in y/x: (${refYX[0]}, ${refYX[1]}) from dataset: ${s.obs}`);
    }

    const expected = inversionConfigAttrs(s.config);
    for (const key of ["REF_Y", "REF_X"]) if (attrs[key] !== undefined) expected[key] = attrs[key];
    if (args.update && await isUpToDate([stackFile], s.outputs, expected)) {
      log.info(`update mode: outputs ${s.outputs.join(", ")} are up to date, skip`);
      return;
    }

    const c = s.config;
    const weights = new CoherenceWeights(
      c.weightFunc,
      c.weightFunc === "no" ? 1 : independentLooks(attrs),
    );
    const wavelength = Number(attrs.WAVELENGTH);
    if (!Number.isFinite(wavelength)) throw new InputError(`${stackFile}: no WAVELENGTH attribute`);
    logSetup(c, weights, net.dates.length, K, L, W);
    if (networkComponents(net).count > 1) {
      log.warn("the network is NOT fully connected: inversion result can be biased!");
      log.warn("continue to use SVD to resolve the offset between different subsets");
    }

    // Per-pixel skip masks: water mask and zero average spatial coherence.
    if (s.waterMask) {
      try {
        Deno.statSync(s.waterMask);
        masks.push((await PixelMaskFile.open(s.waterMask, [L, W], ["waterMask", "mask"]))!);
        log.info(`skip pixels (on the water) with zero value in file: ${basename(s.waterMask)}`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
        log.warn(`water mask ${s.waterMask} not found: no water masking (as MintPy)`);
      }
    }
    const quality = join(
      dirname(stackFile),
      basename(stackFile).startsWith("ion") ? "../avgSpatialCohIon.h5" : "../avgSpatialCoh.h5",
    );
    if (fileExists(quality)) {
      const q = await PixelMaskFile.open(quality, [L, W], [], { ignoreSizeMismatch: true });
      if (q) {
        masks.push(q);
        log.info(`skip pixels with zero value in file: ${basename(quality)}`);
      }
    }

    // With --backend auto, the backends are timed on this network's inversion, in batches of
    // the inverter's pixel lanes (the probe plans its own system: no cost when cached).
    const ctx = await makeContext(args, {
      kind: "inversion",
      lanes: INVERSION_LANES,
      network: net,
    });
    const spec: InverterSpec = {
      date12: stack.keptDate12().map(([a, b]) => [a, b]),
      weightFunc: c.weightFunc,
      looks: weights.looks,
      minNormVelocity: c.minNormVelocity,
      minRedundancy: c.minRedundancy,
      maskDataset: c.maskDataset as MaskDataset | null,
      maskThreshold: c.maskThreshold,
      zeroIsNoData: s.obs.toLowerCase().includes("phase"),
      phaseToRange: -wavelength / (4 * Math.PI),
      backend: ctx.solver.name,
      lanes: INVERSION_LANES,
    };
    const inverter = makeInverter(spec, ctx.solver);
    // An explicit --workers is honoured; by default small stacks stay in the main thread.
    const work = args.workers !== undefined ? Infinity : L * W * K;
    const engine = await startEngine(spec, inverter, ctx.workers, work);
    // Blocks in flight: one per worker, plus the one being read.
    const sets = engine.capacity + (engine.capacity > 1 ? 1 : 0);
    const nInputs = 1 + (weights.unweighted ? 0 : 1) + (c.maskDataset ? 1 : 0);
    const plan = cappedRowBlocks({
      length: L,
      width: W,
      // Inputs held as float32, the outputs (twice: h5wasm stages a write in its heap) and
      // per-pixel flags.
      bytesPerPixel: 4 * K * nInputs + 8 * N + 16,
      // Larger blocks bring no speed, only fresh memory to fault in: cap them. Reads are
      // staged a few MB at a time in h5wasm's heap, beside HDF5's chunk caches: reserved.
      budgetBytes: Math.min(
        Math.max(0, ctx.budgetBytes - IO_RESERVE_BYTES) / sets,
        BLOCK_CAP_BYTES,
      ),
      alignRows: stack.chunkRows(s.obs),
    }, Number(Deno.env.get("VINSAR_MAX_BLOCK_ROWS") ?? Infinity));
    log.info(
      `${plan.count} block(s) of ${plan.rowsPerBlock} rows, ${engine.capacity} thread(s) inverting; ` +
        `Cholesky plan: ${inverter.system.plan.nnz} non-zeros in L, ${inverter.system.plan.updates} ` +
        `updates per pixel (backend ${ctx.solver.name})`,
    );

    const t0 = performance.now();
    let tRead = 0, tWrite = 0;
    try {
      await withOutputs(async (out) => {
        const files = await InversionOutputs.create({
          paths: s.outputs,
          qualityName: "temporalCoherence",
          attrs: inversionAttrs(attrs, c, net.dates[0]!),
          dates: net.dates,
          bperp: timeseriesBperp(net, stack.keptBperp()),
          length: L,
          width: W,
          blockRows: plan.rowsPerBlock,
        }, (p) => out.h5(p));
        const progress = new Progress("inverting", L * W);
        const maxP = plan.rowsPerBlock * W;
        // Buffer sets are reused from block to block (fresh memory is slow to touch).
        const free: BlockBuffers[] = [];
        let allocated = 0;
        const allocate = (): BlockBuffers => {
          allocated++;
          return {
            phase: new Float32Array(K * maxP),
            coherence: weights.unweighted ? undefined : new Float32Array(K * maxP),
            maskData: c.maskDataset ? new Float32Array(K * maxP) : undefined,
            ts: new Float32Array(N * maxP),
            temporalCoherence: new Float32Array(maxP),
            numInvObs: new Float32Array(maxP),
          };
        };
        const pending = new Set<Promise<void>>();
        let failure: unknown = null;
        for (const b of plan.blocks()) {
          while (free.length === 0 && allocated >= sets && pending.size > 0) {
            await Promise.race(pending);
          }
          if (failure) throw failure;
          const buffers = free.pop() ?? allocate();
          let t = performance.now();
          const P = (b.row1 - b.row0) * W;
          stack.readKept(s.obs, b.row0, b.row1, buffers.phase);
          if (buffers.coherence) stack.readKept("coherence", b.row0, b.row1, buffers.coherence);
          if (buffers.maskData) stack.readKept(c.maskDataset!, b.row0, b.row1, buffers.maskData);
          let pixelMask: Uint8Array | undefined;
          for (const m of masks) {
            const rows = m.readRows(b.row0, b.row1);
            if (!pixelMask) pixelMask = rows;
            else for (let i = 0; i < P; i++) pixelMask[i]! &= rows[i]!;
          }
          tRead += performance.now() - t;
          const done = engine.invert({ pixels: P, refPhase, pixelMask, buffers }).then(
            ({ result, buffers }) => {
              if (refYX && refYX[0] >= b.row0 && refYX[0] < b.row1) {
                // MintPy's convention at the reference pixel.
                const i = (refYX[0] - b.row0) * W + refYX[1];
                result.temporalCoherence[i] = 1;
                result.numInvObs[i] = K;
              }
              t = performance.now();
              files.writeRows(
                b.row0,
                b.row1,
                result.ts,
                result.temporalCoherence,
                result.numInvObs,
              );
              tWrite += performance.now() - t;
              progress.advance(P);
              free.push(buffers);
            },
          ).catch((e) => {
            failure ??= e;
          });
          pending.add(done);
          done.then(() => pending.delete(done));
        }
        await Promise.all(pending);
        if (failure) throw failure;
      });
    } finally {
      engine.close();
    }
    logSummary(engine, {
      read: tRead,
      write: tWrite,
      total: performance.now() - t0,
    });
    log.info(`wrote ${s.outputs.join(", ")}`);
  } finally {
    for (const m of masks) m.close();
    stack.close();
  }
}

function fileExists(p: string): boolean {
  try {
    return Deno.statSync(p).isFile;
  } catch {
    return false;
  }
}

function logSetup(
  c: InversionConfig,
  w: CoherenceWeights,
  N: number,
  K: number,
  L: number,
  W: number,
) {
  log.info(
    `least-squares solution with L2 min-norm on: deformation ${
      c.minNormVelocity ? "velocity" : "phase"
    }`,
  );
  log.info(`minimum redundancy: ${pyFloat(c.minRedundancy)}`);
  log.info(`weight function: ${c.weightFunc}${w.unweighted ? "" : ` (L=${w.looks} looks)`}`);
  log.info(
    c.maskDataset
      ? `mask out pixels with: ${c.maskDataset} ${
        c.maskDataset === "connectComponent" ? "== 0" : `< ${c.maskThreshold}`
      }`
      : "mask: no",
  );
  log.info(`number of interferograms: ${K}`);
  log.info(`number of acquisitions  : ${N}`);
  log.info(`number of lines   : ${L}`);
  log.info(`number of columns : ${W}`);
}

function logSummary(
  engine: InversionEngine,
  t: { read: number; write: number; total: number },
): void {
  const n = engine.counts;
  const solved = n.cholesky + n.svd + n.choleskyFallback;
  log.info(
    `pixels: ${n.pixels} total, ${n.skipped} skipped (masked or no data), ${n.redundancy} below ` +
      `min redundancy, ${n.cholesky} by sparse Cholesky, ${n.svd} by the dense path ` +
      `(disconnected network)` +
      (n.choleskyFallback
        ? `, ${n.choleskyFallback} by the dense path after a failed Cholesky`
        : ""),
  );
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const tm = engine.timing;
  log.info(
    `time: total ${s(t.total)} s; read ${s(t.read)} s, write ${s(t.write)} s, invert ${
      s(engine.invertMs)
    } s over ${engine.capacity} thread(s) (prepare ${s(tm.prepare)}, gather ${s(tm.gather)}, ` +
      `solve ${s(tm.solve)}, coherence ${s(tm.coherence)}, dense ${s(tm.dense)}); ` +
      `${(solved / Math.max(t.total / 1000, 1e-9)).toFixed(0)} inverted pixels/s`,
  );
}

/**
 * {@link planRowBlocks} with at most `maxRows` rows per block (`VINSAR_MAX_BLOCK_ROWS`, a
 * testing knob to exercise many blocks on a small stack).
 */
function cappedRowBlocks(opts: Parameters<typeof planRowBlocks>[0], maxRows: number) {
  const plan = planRowBlocks(opts);
  if (!(maxRows >= 1) || plan.rowsPerBlock <= maxRows) return plan;
  const bytesPerRow = opts.width * opts.bytesPerPixel;
  return planRowBlocks({ ...opts, budgetBytes: Math.floor(maxRows) * bytesPerRow, alignRows: 1 });
}

/** Work (pixels x interferograms) above which worker threads pay for their start-up. */
const POOL_MIN_WORK = 2e7;

/**
 * The main-thread engine, or a pool of `workers` threads for a large stack (falling back to
 * the main thread, with a warning, if workers cannot start).
 */
async function startEngine(
  spec: InverterSpec,
  inverter: NetworkInverter,
  workers: number,
  work: number,
): Promise<InversionEngine> {
  const n = Math.max(1, Math.floor(workers));
  if (n > 1 && work >= POOL_MIN_WORK) {
    try {
      return await WorkerEngine.start(spec, n);
    } catch (e) {
      log.warn(`worker threads unavailable (${e instanceof Error ? e.message : e}): one thread`);
    }
  }
  return new InProcessEngine(inverter);
}

/** The command. */
export const command: Command = {
  summary: "invert an interferogram stack into a displacement time-series",
  run,
};
