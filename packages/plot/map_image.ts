/**
 * A float image coloured through a colour map into an encoded PNG (one pixel per value, no
 * data transparent), for a map figure's {@link ImageShape}. Encoding uses fast-png.
 * @module
 */
import { encode } from "fast-png";
import { colormapIndex, colormapTable } from "./colormap.ts";

/** How values become colours. */
export interface ColorScale {
  /** Colour map name (see colormap.ts). */
  cmap: string;
  /** Display limits `[vmin, vmax]`. */
  vlim: readonly [number, number];
  /** Discrete colour levels (matplotlib's `lut`), or 0 / undefined for 256. */
  levels?: number;
}

/**
 * The colour of value `v` on a scale, as an index into the map's 256-entry table: values
 * outside the limits take the end colours; with `levels`, each level one colour sampled
 * evenly across the map, as matplotlib's resampled colour map.
 */
export function scaleIndex(v: number, scale: ColorScale): number {
  const [lo, hi] = scale.vlim;
  const t = (v - lo) / (hi - lo);
  const n = scale.levels ?? 0;
  if (n >= 2) {
    const k = Math.min(n - 1, Math.max(0, Math.floor(t * n)));
    return Math.round(k / (n - 1) * 255);
  }
  return colormapIndex(t);
}

/**
 * Colour a `rows x cols` image (row-major, NaN = no data) and encode it as RGBA PNG bytes.
 * @example
 * ```ts
 * const png = colorImagePng(Float32Array.of(0, 1, NaN, 2), 2, 2, { cmap: "jet", vlim: [0, 2] });
 * ```
 */
export function colorImagePng(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  scale: ColorScale,
): Uint8Array {
  const lut = colormapTable(scale.cmap);
  const data = new Uint8Array(rows * cols * 4);
  const [lo, hi] = scale.vlim, levels = scale.levels ?? 0, f = 256 / (hi - lo);
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    // scaleIndex inlined for the common 256-level case (this loop runs per pixel).
    const k = 3 *
      (levels >= 2 ? scaleIndex(v, scale) : Math.min(255, Math.max(0, Math.floor((v - lo) * f))));
    data[4 * i] = lut[k]!;
    data[4 * i + 1] = lut[k + 1]!;
    data[4 * i + 2] = lut[k + 2]!;
    data[4 * i + 3] = 255;
  }
  return encode({ width: cols, height: rows, data, channels: 4, depth: 8 }, { zlib: { level: 1 } });
}
