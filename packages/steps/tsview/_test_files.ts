/**
 * Test files of this folder's tests: a small `timeseries.h5` and `velocity.h5` whose values
 * are known in closed form.
 * @module
 */
import { H5Writer } from "@vinsar/hdf5";

/** Dates, size and reference point of the test files. */
export const DATES = ["20200101", "20200113", "20200125", "20200206", "20200218", "20200301"];
export const L = 9, W = 11, REF: [number, number] = [4, 2];

/** Displacement (m) of date k at pixel (y, x); NaN at (0, 0). */
export function displacement(k: number, y: number, x: number): number {
  return y === 0 && x === 0 ? NaN : Math.fround(0.001 * k * (y - x) + 0.0001 * (y * W + x));
}

/** velocity.h5's `velocity` (m/year) and `intercept` (m) at (y, x). */
export const velocity = (y: number, x: number) => Math.fround(0.01 * (y - 4) + 0.001 * x);
export const intercept = (y: number, x: number) => Math.fround(0.0001 * (y + x));

function image(f: (y: number, x: number) => number): Float32Array {
  return Float32Array.from({ length: L * W }, (_, i) => f(Math.floor(i / W), i % W));
}

/** Write `timeseries.h5` and `velocity.h5` (or a velocity file of another size) in `dir`. */
export async function writeTestFiles(
  dir: string,
  options: { velocityWidth?: number } = {},
): Promise<{ ts: string; vel: string }> {
  const common = {
    LENGTH: String(L),
    WIDTH: String(W),
    REF_Y: String(REF[0]),
    REF_X: String(REF[1]),
    REF_DATE: DATES[0]!,
    CENTER_LINE_UTC: "43200",
  };
  const ts = `${dir}/timeseries.h5`, vel = `${dir}/velocity.h5`;
  const w = await H5Writer.create(ts);
  try {
    w.setAttrs({ ...common, FILE_TYPE: "timeseries", UNIT: "m" });
    w.writeWhole("date", DATES);
    const n = DATES.length;
    w.create("timeseries", [n, L, W], "<f", { chunks: [2, 4, W] });
    const data = Float32Array.from({ length: n * L * W }, (_, i) => {
      const k = Math.floor(i / (L * W)), p = i % (L * W);
      return displacement(k, Math.floor(p / W), p % W);
    });
    w.write("timeseries", [], data);
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
  const vw = options.velocityWidth ?? W;
  const v = await H5Writer.create(vel);
  try {
    v.setAttrs({ ...common, WIDTH: String(vw), FILE_TYPE: "velocity", UNIT: "m/year" });
    v.setAttrs({ START_DATE: DATES[0]!, END_DATE: DATES.at(-1)! });
    for (const [name, f] of [["velocity", velocity], ["intercept", intercept]] as const) {
      v.create(name, [L, vw], "<f");
      v.write(name, [], vw === W ? image(f) : new Float32Array(L * vw));
    }
    v.commit();
  } catch (e) {
    v.abort();
    throw e;
  }
  return { ts, vel };
}
