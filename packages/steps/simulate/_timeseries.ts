/**
 * A MintPy-layout `timeseries.h5` of a simulated scene, date by date: deformation +
 * troposphere + optional noise and ramps, zero on the first date and at the reference
 * pixel; and its truth.
 * @module
 */
import { simulate } from "@vinsar/core";
import { type H5Writer, startSimulatedTimeseries } from "@vinsar/hdf5";
import {
  type SimulationSettings,
  type SimulationSummary,
  troposphere,
  writeTruthMaps,
} from "./_scene_parts.ts";

/** Noise of {@link simulateTimeseries}. */
export interface TimeseriesNoise {
  /** White noise per date and pixel, m. */
  noiseStd: number;
  /** Per-date ramp size, m. */
  rampStd: number;
}

/**
 * Write the time-series of `scene` to `timeseries` and, when given, its truth to `truth`
 * (both uncommitted writers: the caller commits or aborts them).
 */
export async function simulateTimeseries(
  scene: simulate.SimulatedScene,
  files: { timeseries: H5Writer; truth: H5Writer | null },
  settings: SimulationSettings & TimeseriesNoise,
): Promise<SimulationSummary> {
  const { timeseries: ts, truth } = files;
  const { length: L, width: W } = scene, N = scene.dates.length;
  const t0 = performance.now();
  startSimulatedTimeseries(scene, ts, { truth: false, gzip: settings.gzip });
  if (truth) startSimulatedTimeseries(scene, truth, { truth: true, gzip: settings.gzip });
  const coef = scene.deformation.coefficientsRows(0, L);
  const regionFlags = new Uint8Array(L * W);
  scene.regions.fillRows(0, L, regionFlags);
  const screens = troposphere(scene);
  // Date 0's screen is needed with every date: keep a copy rather than recompute its FFT.
  const first = screens ? Float32Array.from(screens(0)) : null;
  const tropo = screens ? (n: number) => (n === 0 ? first! : screens(n)) : null;
  const buffer = new Float32Array(L * W), disp = new Float32Array(L * W);
  const bar = settings.reporter.progress("dates", N * L * W);
  for (let n = 0; n < N; n++) {
    const noisy = simulate.simulateTimeseriesRows(scene, 0, L, {
      noiseStd: settings.noiseStd,
      rampStd: settings.rampStd,
      tropo,
      dates: [n, n + 1],
      coefficients: coef,
      regionFlags,
      out: buffer,
    });
    ts.write("timeseries", [[n, n + 1]], noisy);
    if (truth) {
      truth.write(
        "timeseries",
        [[n, n + 1]],
        scene.deformation.displacementRows(coef, scene.tYears, scene.stepped, n, n + 1, disp),
      );
    }
    bar.advance(L * W);
  }
  const t1 = performance.now();
  if (truth) await writeTruthMaps(scene, truth, settings);
  const t2 = performance.now();
  return {
    phaseStore: "memory",
    rowsPerBlock: L,
    seconds: { dates: (t1 - t0) / 1000, ifgrams: 0, truth: (t2 - t1) / 1000 },
  };
}
