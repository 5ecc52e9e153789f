/**
 * A 2-D float map (e.g. velocity) as a PNG with a colour map, a labelled colour bar and a
 * title; NaN (and by default zero, MintPy's "no data" in velocity files) drawn transparent
 * or grey. No I/O: returns the PNG bytes.
 * @module
 */
import { type Rgba, RgbaCanvas } from "./canvas.ts";
import { colormap, isDiverging } from "./colormap.ts";
import { GLYPH_ASCENT, GLYPH_DESCENT, textWidth } from "./font.ts";
import { formatTick, niceTicks } from "./ticks.ts";

/** Options of {@link renderMapPng}. */
export interface MapOptions {
  title?: string;
  /** Colour-bar label, e.g. "mm/year". */
  unit?: string;
  /** Factor applied to the values before display (e.g. 1000 for m/year -> mm/year). */
  scale?: number;
  /** Colour limits in display units; default: 2nd-98th percentiles (symmetric for RdBu). */
  vmin?: number;
  vmax?: number;
  /** Colour map name (see colormap.ts), default "jet". */
  cmap?: string;
  /** How NaN / no-data pixels look, default "grey". */
  nodata?: "transparent" | "grey";
  /** Treat exact zeros as no data (MintPy's fill value), default true. */
  zeroIsNoData?: boolean;
  /** Longest side of the drawn map in pixels, default 640 (small maps are enlarged). */
  maxSize?: number;
  /** Mark this pixel (e.g. the reference point) with a small black square. */
  marker?: { y: number; x: number };
}

const NODATA_GREY: Rgba = [210, 210, 210, 255];
const BLACK: Rgba = [0, 0, 0, 255];

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const x = (sorted.length - 1) * p, i = Math.floor(x), f = x - i;
  return i + 1 < sorted.length ? sorted[i]! * (1 - f) + sorted[i + 1]! * f : sorted[i]!;
}

/** Default colour limits of a map in display units. */
export function mapLimits(values: ArrayLike<number>, opts: MapOptions = {}): [number, number] {
  const scale = opts.scale ?? 1, zeroNo = opts.zeroIsNoData ?? true;
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (Number.isFinite(x) && !(zeroNo && x === 0)) v.push(x * scale);
  }
  const sorted = Float64Array.from(v).sort();
  let lo = opts.vmin ?? percentile(sorted, 0.02), hi = opts.vmax ?? percentile(sorted, 0.98);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (isDiverging(opts.cmap ?? "jet") && opts.vmin === undefined && opts.vmax === undefined) {
    const m = Math.max(Math.abs(lo), Math.abs(hi));
    [lo, hi] = [-m, m];
  }
  if (!(hi > lo)) [lo, hi] = [lo - 1, lo + 1];
  return [lo, hi];
}

/**
 * Render a `length x width` map (row-major values) as PNG bytes.
 * @example
 * ```ts
 * const png = renderMapPng(new Float32Array([0.01, -0.02, NaN, 0.005]), 2, 2, {
 *   title: "velocity", unit: "mm/year", scale: 1000, cmap: "RdBu_r",
 * });
 * ```
 */
export function renderMapPng(
  values: Float32Array | Float64Array,
  length: number,
  width: number,
  opts: MapOptions = {},
): Uint8Array {
  if (values.length < length * width) throw new RangeError("Map values fewer than length x width");
  const scale = opts.scale ?? 1, zeroNo = opts.zeroIsNoData ?? true;
  const cmap = colormap(opts.cmap ?? "jet");
  const [vmin, vmax] = mapLimits(values, opts);
  const maxSize = opts.maxSize ?? 640;
  const big = Math.max(length, width);
  // Enlarge small maps by an integer factor; shrink large ones by sampling every d-th pixel.
  const up = big <= maxSize ? Math.max(1, Math.floor(maxSize / big)) : 1;
  const down = big > maxSize ? Math.ceil(big / maxSize) : 1;
  const mw = Math.ceil(width / down) * up, mh = Math.ceil(length / down) * up;

  const s = 2, pad = 6 * s;
  const lineH = (GLYPH_ASCENT + GLYPH_DESCENT + 3) * s;
  const ticks = niceTicks(vmin, vmax, 5);
  const labels = ticks.ticks.map((t) => formatTick(t, ticks.step));
  const barW = 7 * s, gap = 6 * s;
  const labelW = Math.max(...labels.map((l) => textWidth(l, s)), 1);
  const top = pad + (opts.title ? lineH : 0) + (opts.unit ? lineH : 0);
  const widthPx = Math.max(
    pad + mw + gap + barW + 3 * s + labelW + pad,
    pad + mw + gap + barW / 2 + textWidth(opts.unit ?? "", s) / 2 + pad,
    pad + textWidth(opts.title ?? "", s) + pad,
  );
  const heightPx = top + mh + pad;
  const cv = new RgbaCanvas(widthPx, heightPx);
  const nodata: Rgba = opts.nodata === "transparent" ? [0, 0, 0, 0] : NODATA_GREY;

  // The map itself.
  const x0 = pad, y0 = top;
  for (let oy = 0; oy < mh; oy++) {
    const r = Math.min(length - 1, Math.floor(oy / up) * down + Math.floor(down / 2));
    for (let ox = 0; ox < mw; ox++) {
      const c = Math.min(width - 1, Math.floor(ox / up) * down + Math.floor(down / 2));
      const v = values[r * width + c]!;
      const i = ((y0 + oy) * cv.width + x0 + ox) * 4;
      if (!Number.isFinite(v) || (zeroNo && v === 0)) {
        cv.data.set(nodata, i);
        continue;
      }
      const rgb = cmap((v * scale - vmin) / (vmax - vmin));
      cv.data[i] = rgb[0];
      cv.data[i + 1] = rgb[1];
      cv.data[i + 2] = rgb[2];
      cv.data[i + 3] = 255;
    }
  }
  cv.line(x0, y0, x0 + mw, y0, BLACK);
  cv.line(x0, y0 + mh, x0 + mw, y0 + mh, BLACK);
  cv.line(x0, y0, x0, y0 + mh, BLACK);
  cv.line(x0 + mw, y0, x0 + mw, y0 + mh, BLACK);
  if (opts.marker) {
    const mx = x0 + ((opts.marker.x + 0.5) / down) * up,
      my = y0 + ((opts.marker.y + 0.5) / down) * up;
    const h = Math.max(3, up / 2);
    cv.fillRect(mx - h - 1, my - h - 1, 2 * h + 2, 2 * h + 2, [255, 255, 255, 255]);
    cv.fillRect(mx - h, my - h, 2 * h, 2 * h, BLACK);
  }

  // Colour bar with ticks and labels; unit above it; title above the map.
  const bx = x0 + mw + gap;
  for (let oy = 0; oy < mh; oy++) {
    const rgb = cmap(1 - oy / Math.max(1, mh - 1));
    cv.fillRect(bx, y0 + oy, barW, 1, [rgb[0], rgb[1], rgb[2], 255]);
  }
  cv.line(bx, y0, bx + barW, y0, BLACK);
  cv.line(bx, y0 + mh, bx + barW, y0 + mh, BLACK);
  cv.line(bx, y0, bx, y0 + mh, BLACK);
  cv.line(bx + barW, y0, bx + barW, y0 + mh, BLACK);
  ticks.ticks.forEach((t, i) => {
    const y = y0 + mh - (t - vmin) / (vmax - vmin) * mh;
    cv.line(bx + barW - 2 * s, y, bx + barW + 2 * s, y, BLACK, 1);
    cv.text(bx + barW + 3 * s, y + (GLYPH_ASCENT * s) / 2, labels[i]!, BLACK, { scale: s });
  });
  if (opts.unit) {
    cv.text(bx + barW / 2, y0 - 3 * s, opts.unit, BLACK, { scale: s, anchor: "middle" });
  }
  if (opts.title) {
    cv.text(x0 + mw / 2, pad + GLYPH_ASCENT * s, opts.title, BLACK, { scale: s, anchor: "middle" });
  }
  return cv.toPng();
}
