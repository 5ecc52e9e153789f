/**
 * Test helper: writes a small MintPy-like `ifgramStack.h5` (5 dates, 7 interferograms, the
 * last one dropped, 6 x 7 pixels) whose values are known in closed form.
 * @module
 */
import { H5Writer } from "../h5.ts";

/** Dates and interferogram pairs of the test stack. */
export const TEST_DATES = ["20200101", "20200113", "20200125", "20200206", "20200218"];
export const TEST_PAIRS: Array<[number, number]> = [[0, 1], [0, 2], [1, 2], [1, 3], [2, 3], [
  2,
  4,
], [3, 4]];
export const TEST_SHAPE = { K: 7, L: 6, W: 7 };

/** Phase of interferogram k at pixel (y, x), radians. */
export function testPhase(k: number, y: number, x: number): number {
  const [a, b] = TEST_PAIRS[k]!;
  const v = 0.3 * (y - x) + 0.1 * y * x;
  return Math.fround(v * (b - a) + 0.05 * Math.sin(k + y * 7 + x));
}

/** Options: attributes to override (undefined removes one), datasets to leave out. */
export interface TestStackOptions {
  attrs?: Record<string, string | undefined>;
  omit?: string[];
}

/** Write the test stack at `path`. */
export async function writeTestStack(path: string, opts: TestStackOptions = {}): Promise<void> {
  const { K, L, W } = TEST_SHAPE;
  const attrs: Record<string, string | undefined> = {
    FILE_TYPE: "ifgramStack",
    LENGTH: String(L),
    WIDTH: String(W),
    WAVELENGTH: "0.0555",
    ALOOKS: "2",
    RLOOKS: "8",
    REF_Y: "2",
    REF_X: "3",
    UNIT: "radian",
    PROJECT_NAME: "vinsarTest",
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
    if (!omit.has("date")) w.writeWhole("date", d12, { shape: [K, 2] });
    if (!omit.has("dropIfgram")) {
      w.writeWhole("dropIfgram", Uint8Array.from({ length: K }, (_, k) => (k < K - 1 ? 1 : 0)));
    }
    if (!omit.has("bperp")) {
      w.writeWhole(
        "bperp",
        Float32Array.from(TEST_PAIRS, ([a, b]) => 10 * (b - a)),
      );
    }
    const phase = new Float32Array(K * L * W), coh = new Float32Array(K * L * W);
    const cc = new Int16Array(K * L * W);
    for (let k = 0; k < K; k++) {
      for (let y = 0; y < L; y++) {
        for (let x = 0; x < W; x++) {
          const i = (k * L + y) * W + x;
          phase[i] = testPhase(k, y, x);
          coh[i] = Math.fround(0.2 + 0.1 * ((k + y + x) % 7));
          cc[i] = (x + k) % 5 === 0 ? 0 : 1;
        }
      }
    }
    for (
      const [name, data, dtype] of [["unwrapPhase", phase, "<f"], ["coherence", coh, "<f"], [
        "connectComponent",
        cc,
        "<h",
      ]] as const
    ) {
      if (omit.has(name)) continue;
      w.create(name, [K, L, W], dtype, { chunks: [2, 3, W] });
      w.write(name, [[0, K]], data);
    }
    w.commit();
  } catch (e) {
    w.abort();
    throw e;
  }
}
