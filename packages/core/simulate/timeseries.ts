/**
 * A displacement time-series of a simulated scene, directly (no interferograms): what
 * `ifgram_inversion` would produce, for demos and benchmarks of `timeseries2velocity` and
 * `timeseries_rms`. Deformation plus optional per-date noise (white noise, a ramp, a
 * troposphere screen), referenced like MintPy's: zero on the first date and at the
 * reference pixel.
 * @module
 */
import { REGION_WATER } from "./regions.ts";
import { Rng, streamKey } from "./rng.ts";
import type { DeformationCoefficients } from "./deformation.ts";
import type { SimulatedScene } from "./scene.ts";

const STREAM_NOISE = 0x746e, STREAM_RAMP = 0x7472_6d;

/** Noise and range of {@link simulateTimeseriesRows}. */
export interface TimeseriesOptions {
  /** Standard deviation of white noise per date and pixel, m. Default 0. */
  noiseStd?: number;
  /** Typical size of a per-date ramp (linear + quadratic in range) across the image, m. Default 0. */
  rampStd?: number;
  /**
   * Troposphere of date n as a full-image delay screen (length * width, m), or null for
   * none. Only its difference to the reference pixel and to the first date is kept.
   */
  tropo?: ((n: number) => Float32Array) | null;
  /** Dates to simulate, [n0, n1). Default all. */
  dates?: [number, number];
  /** Zero the water pixels on every date, like MintPy's uninverted pixels. Default true. */
  zeroWater?: boolean;
  /** Deformation coefficients of these rows, when already computed. */
  coefficients?: DeformationCoefficients;
  /** Region flags of these rows (`SceneRegions.fillRows`), when already computed. */
  regionFlags?: Uint8Array;
  /** Output buffer, `(n1 - n0) * rows * width` (allocated when omitted). */
  out?: Float32Array;
}

/**
 * Displacement (m, float32) of dates `n0..n1` over rows `row0..row1`:
 * `(n1 - n0) x rows x width`, C order. Noise is drawn per (date, row) stream, so blocks of
 * any size give the same values.
 *
 * @example
 * ```ts
 * import { createScene } from "./scene.ts";
 * const scene = createScene({ length: 50, width: 60, numDates: 20 });
 * const ts = simulateTimeseriesRows(scene, 0, 50, { noiseStd: 0.002 });
 * ts.length; // 20 * 50 * 60
 * ```
 */
export function simulateTimeseriesRows(
  scene: SimulatedScene,
  row0: number,
  row1: number,
  opts: TimeseriesOptions = {},
): Float32Array {
  const W = scene.width, L = scene.length, P = (row1 - row0) * W;
  const [n0, n1] = opts.dates ?? [0, scene.dates.length];
  const coef = opts.coefficients ?? scene.deformation.coefficientsRows(row0, row1);
  const out = scene.deformation.displacementRows(
    coef,
    scene.tYears,
    scene.stepped,
    n0,
    n1,
    opts.out,
  );
  const sigma = opts.noiseStd ?? 0, rampStd = opts.rampStd ?? 0;
  const { refY, refX } = scene;
  const rng = new Rng(0), row = new Float64Array(W);
  // A copy: screen providers may reuse their buffers.
  const first = opts.tropo ? opts.tropo(0).slice() : null;
  const firstRef = first ? first[refY * W + refX]! : 0;
  for (let n = n0; n < n1; n++) {
    const base = (n - n0) * P;
    if (n === 0) {
      out.fill(0, base, base + P);
      continue;
    }
    if (rampStd > 0) {
      const r = new Rng(scene.seed, STREAM_RAMP, n);
      const a = rampStd * r.normal(), b = rampStd * r.normal(), c = 0.5 * rampStd * r.normal();
      const ramp = (y: number, x: number) => {
        const u = x / Math.max(1, W - 1), v = y / Math.max(1, L - 1);
        return a * v + b * u + c * u * u;
      };
      const atRef = ramp(refY, refX);
      for (let y = row0, i = base; y < row1; y++) {
        for (let x = 0; x < W; x++, i++) out[i] = out[i]! + ramp(y, x) - atRef;
      }
    }
    if (sigma > 0) {
      // The reference pixel's draw, from its own row's stream.
      rng.reseed(streamKey(scene.seed, STREAM_NOISE, n, refY));
      rng.fillNormal(row, 0, refX + 1);
      const atRef = row[refX]!;
      for (let y = row0, i = base; y < row1; y++) {
        rng.reseed(streamKey(scene.seed, STREAM_NOISE, n, y));
        rng.fillNormal(row, 0, W);
        for (let x = 0; x < W; x++, i++) out[i] = out[i]! + sigma * (row[x]! - atRef);
      }
    }
    if (opts.tropo && first) {
      const screen = opts.tropo(n);
      const atRef = screen[refY * W + refX]!;
      for (let p = 0, i = base, j = row0 * W; p < P; p++, i++, j++) {
        out[i] = out[i]! + (screen[j]! - atRef) - (first[j]! - firstRef);
      }
    }
  }
  if (opts.zeroWater ?? true) {
    let flags = opts.regionFlags;
    if (!flags) scene.regions.fillRows(row0, row1, flags = new Uint8Array(P));
    for (let p = 0; p < P; p++) {
      if (flags[p]! & REGION_WATER) { for (let n = n0; n < n1; n++) out[(n - n0) * P + p] = 0; }
    }
  }
  return out;
}
