/**
 * `simulate`: a realistic simulated MintPy `ifgramStack.h5` of any size (or, with
 * `timeseriesOnly`, a `timeseries.h5`) and its truth file: Sentinel-1-like dates, a
 * small-baseline network, Mogi inflation with an eruption step, a seasonal subsiding basin
 * and a trend, power-law tropospheric turbulence, decorrelation noise drawn from the
 * coherence, unwrapping errors, a water body, a patch missing in some interferograms, a
 * patch with a disconnected network and whole-cycle offsets. Seeded: the same options give
 * the same files.
 *
 * Pass 1 goes date by date (a date's troposphere needs the whole image); pass 2 runs the
 * block pipeline over row units, computing every interferogram of a unit and writing it.
 *
 * @example
 * ```ts ignore
 * import * as simulate from "@vinsar/steps/simulate";
 * const result = await simulate.run({ length: 60, width: 80, numDates: 20, seed: 3 });
 * result.outfile; // "ifgramStack.h5"
 * ```
 * @module
 */
import { dirname, resolve } from "node:path";
import { InputError, simulate } from "@vinsar/core";
import { type ComputeOptions, resolveResources, withOutputs } from "../pipeline/mod.ts";
import type { SimulationSettings } from "./_scene_parts.ts";
import { simulateStack } from "./_stack.ts";
import { simulateTimeseries } from "./_timeseries.ts";

/**
 * Options of {@link run}: the scene (`length`, `width`, `numDates`, `seed`, the effects;
 * see core's `simulate.SceneOptions`), the files, and the compute options (only
 * `maxMemory`, `maxBlockRows` and `reporter` matter here).
 *
 * @example
 * ```ts
 * import type { SimulateOptions } from "@vinsar/steps/simulate";
 * const options: SimulateOptions = {
 *   length: 200,
 *   width: 250,
 *   numDates: 50,
 *   outfile: "inputs/ifgramStack.h5",
 *   lzfConnectComponent: true,
 * };
 * ```
 */
export interface SimulateOptions extends simulate.SceneOptions, ComputeOptions {
  /** Output file (folders are created); default `ifgramStack.h5`, or `timeseries.h5`. */
  outfile?: string;
  /** Truth file; default `truth.h5`; null (or ""): none. */
  truthFile?: string | null;
  /** gzip-compress the big datasets. */
  gzip?: boolean;
  /** LZF-compress connectComponent (like MintPy). */
  lzfConnectComponent?: boolean;
  /** Write a MintPy `timeseries.h5` instead of a stack. */
  timeseriesOnly?: boolean;
  /** With `timeseriesOnly`: white noise per date, m. Default 0.002. */
  noiseStd?: number;
  /** With `timeseriesOnly`: per-date ramp size, m. Default 0. */
  rampStd?: number;
}

/**
 * What {@link run} wrote.
 *
 * @example
 * ```ts ignore
 * const { scene, seconds } = await simulate.run({ length: 60, width: 80, numDates: 20 });
 * console.log(`${scene.pairs.length} interferograms in ${seconds.total.toFixed(1)} s`);
 * ```
 */
export interface SimulateResult {
  outfile: string;
  /** The truth file, or null. */
  truthFile: string | null;
  /** The scene: dates, interferograms, reference pixel, step date, ... */
  scene: simulate.SimulatedScene;
  /** Where the date phases were held between the passes. */
  phaseStore: "memory" | "scratch file";
  /** Image rows per unit of pass 2 (the whole image with `timeseriesOnly`). */
  rowsPerBlock: number;
  /** Seconds of the date pass, the interferogram pass, the truth maps, and the whole run. */
  seconds: { dates: number; ifgrams: number; truth: number; total: number };
}

/**
 * Simulate a scene and write its files; all or nothing (see `withOutputs`).
 * @throws InputError when `outfile` and `truthFile` are the same file; RangeError for a
 *   bad scene (see `simulate.createScene`) or compute option.
 */
export async function run(options: SimulateOptions): Promise<SimulateResult> {
  const resources = await resolveResources(options);
  const { reporter } = resources;
  const timeseriesOnly = options.timeseriesOnly ?? false;
  const outfile = options.outfile ?? (timeseriesOnly ? "timeseries.h5" : "ifgramStack.h5");
  const truthFile = options.truthFile === undefined ? "truth.h5" : options.truthFile || null;
  if (truthFile !== null && truthFile === outfile) {
    throw new InputError(`flags --out and --truth: both name ${outfile}`);
  }
  // Output folders are created (the demo writes inputs/ifgramStack.h5).
  for (const p of [outfile, truthFile]) {
    if (p) Deno.mkdirSync(dirname(resolve(p)), { recursive: true });
  }
  const t0 = performance.now();
  const scene = simulate.createScene(options);
  const K = scene.pairs.length, N = scene.dates.length;
  reporter.info(
    `simulate ${scene.length} x ${scene.width} pixels, ${N} dates (${scene.dates[0]} - ${
      scene.dates[N - 1]
    }), ${K} interferograms (${
      K - scene.keep.reduce((s, v) => s + v, 0)
    } dropped), seed ${scene.seed}`,
  );
  reporter.info(
    `reference pixel y/x: ${scene.refY}/${scene.refX}; eruption after ${scene.stepDate}; ` +
      `looks ${scene.looks}; ${scene.unwrapErrors.length} unwrapping-error patches`,
  );
  const settings: SimulationSettings = {
    budgetBytes: resources.budgetBytes,
    maxBlockRows: resources.maxBlockRows,
    gzip: options.gzip ?? false,
    lzfConnectComponent: options.lzfConnectComponent ?? false,
    reporter,
  };
  const summary = await withOutputs(async (out) => {
    const main = await out.h5(outfile);
    const truth = truthFile !== null ? await out.h5(truthFile) : null;
    const summary = timeseriesOnly
      ? await simulateTimeseries(scene, { timeseries: main, truth }, {
        ...settings,
        noiseStd: options.noiseStd ?? 0.002,
        rampStd: options.rampStd ?? 0,
      })
      : await simulateStack(scene, { stack: main, truth }, settings);
    const s = summary.seconds;
    reporter.info(
      `dates ${s.dates.toFixed(2)} s, interferograms ${s.ifgrams.toFixed(2)} s, truth ${
        s.truth.toFixed(2)
      } s (date phases in ${summary.phaseStore}, ${summary.rowsPerBlock} rows per block)`,
    );
    return summary;
  });
  const total = (performance.now() - t0) / 1000;
  reporter.info(
    `wrote ${outfile}${truthFile !== null ? ` and ${truthFile}` : ""} in ${total.toFixed(1)} s`,
  );
  return { outfile, truthFile, scene, ...summary, seconds: { ...summary.seconds, total } };
}
