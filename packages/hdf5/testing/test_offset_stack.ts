/**
 * Test helper: writes a small MintPy-like pixel-offset stack (`ifgramStack` with
 * `azimuthOffset`, `rangeOffset`, their `*OffsetStd` and `offsetSNR`; the dates, pairs and
 * size of the phase test stack, the last pair dropped; no REF_Y/REF_X) whose values are
 * known in closed form, with the anomalies MintPy handles: NaN offsets (one pixel in every
 * pair, one pixel in two pairs), NaN and tiny Std values.
 * @module
 */
import { H5Writer } from "../h5.ts";
import { TEST_DATES, TEST_PAIRS, TEST_SHAPE } from "./test_stack.ts";

/** Pixel (y, x) whose offsets are NaN in every pair. */
export const OFFSET_NAN_PIXEL = [5, 6] as const;

/** Pixel (y, x) whose offsets are NaN in pairs 1 and 4 only. */
export const OFFSET_GAP_PIXEL = [1, 1] as const;

/** Azimuth (`az`) or range (`rg`) offset of pair k at pixel (y, x), pixels. */
export function testOffset(dir: "az" | "rg", k: number, y: number, x: number): number {
  const [a, b] = TEST_PAIRS[k]!;
  const [Y, X] = OFFSET_NAN_PIXEL;
  if (y === Y && x === X) return NaN;
  if (y === OFFSET_GAP_PIXEL[0] && x === OFFSET_GAP_PIXEL[1] && (k === 1 || k === 4)) return NaN;
  const rate = dir === "az" ? 0.2 * (y + 1) - 0.1 * x : 0.15 * x - 0.1 * y;
  return Math.fround(rate * (b - a) + 0.03 * Math.cos(3 * k + y + 2 * x + (dir === "az" ? 0 : 1)));
}

/** Std of the offset of pair k at pixel (y, x), pixels: NaN and below 0.005 at a few. */
export function testOffsetStd(k: number, y: number, x: number): number {
  if ((k + y + x) % 11 === 3) return NaN;
  if ((k + 2 * y + x) % 13 === 5) return Math.fround(0.001);
  return Math.fround(0.02 + 0.01 * ((k * 3 + y + x) % 9));
}

/** Options of {@link writeTestOffsetStack}: attributes to override (undefined removes one). */
export interface TestOffsetStackOptions {
  attrs?: Record<string, string | undefined>;
  /** Datasets to leave out. */
  omit?: string[];
}

/** Write the offset test stack at `path`. */
export async function writeTestOffsetStack(
  path: string,
  opts: TestOffsetStackOptions = {},
): Promise<void> {
  const { K, L, W } = TEST_SHAPE;
  const attrs: Record<string, string | undefined> = {
    FILE_TYPE: "ifgramStack",
    LENGTH: String(L),
    WIDTH: String(W),
    ALOOKS: "3",
    RLOOKS: "9",
    PROCESSOR: "isce",
    AZIMUTH_PIXEL_SIZE: "14.1",
    EARTH_RADIUS: "6337286.6",
    HEIGHT: "693000.0",
    RANGE_PIXEL_SIZE: "2.3",
    WAVELENGTH: "0.0555",
    UNIT: "pixel",
    PROJECT_NAME: "vinsarOffsetTest",
    ...opts.attrs,
  };
  const w = await H5Writer.create(path);
  try {
    w.setAttrs(
      Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
    );
    const omit = new Set(opts.omit ?? []);
    const d12 = TEST_PAIRS.flatMap(([a, b]) => [TEST_DATES[a]!, TEST_DATES[b]!]);
    w.writeWhole("date", d12, { shape: [K, 2] });
    w.writeWhole("dropIfgram", Uint8Array.from({ length: K }, (_, k) => (k < K - 1 ? 1 : 0)));
    w.writeWhole("bperp", Float32Array.from(TEST_PAIRS, ([a, b]) => 10 * (b - a)));
    const cube = (f: (k: number, y: number, x: number) => number) => {
      const out = new Float32Array(K * L * W);
      for (let k = 0; k < K; k++) {
        for (let y = 0; y < L; y++) {
          for (let x = 0; x < W; x++) out[(k * L + y) * W + x] = f(k, y, x);
        }
      }
      return out;
    };
    const datasets: Array<[string, Float32Array]> = [
      ["rangeOffset", cube((k, y, x) => testOffset("rg", k, y, x))],
      ["azimuthOffset", cube((k, y, x) => testOffset("az", k, y, x))],
      ["offsetSNR", cube((k, y, x) => Math.fround(2 + ((k + 3 * y + x) % 10)))],
      ["azimuthOffsetStd", cube(testOffsetStd)],
      ["rangeOffsetStd", cube((k, y, x) => testOffsetStd(k + 1, y, x))],
    ];
    for (const [name, data] of datasets) {
      if (omit.has(name)) continue;
      w.create(name, [K, L, W], "<f", { chunks: [2, 3, W] });
      w.write(name, [[0, K]], data);
    }
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}
