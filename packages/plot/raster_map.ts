/**
 * Map figures as MintPy's `view.py` draws them: one panel (a velocity, a coherence) with
 * pixel-number axes, or a grid of panels (one per date of a time-series) sharing one colour
 * bar; a labelled colour bar, a title, no data transparent, the reference pixel as a black
 * square. Panels hold already-read (and possibly decimated) images; no I/O here.
 * @module
 */
import { axisRoom, BLACK, colorbarLabelWidth, colorbarShapes, frameShapes } from "./_colorbar.ts";
import { colorImagePng, type ColorScale } from "./map_image.ts";
import type { Scene, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";

/** One map panel: `rows x cols` values in display units (row-major, NaN = no data). */
export interface MapPanel {
  values: ArrayLike<number>;
  rows: number;
  cols: number;
  /** Panel title (e.g. a date), drawn above it. */
  title?: string;
}

/** What {@link mapFigureScene} draws around the panels. */
export interface MapFigureOptions {
  /** Full image size in pixels (the axis labels count these). */
  length: number;
  width: number;
  scale: ColorScale;
  /** Figure title; default none. */
  title?: string;
  /** Colour-bar label, e.g. "velocity [mm/year]". */
  unit?: string;
  /** Pixel-number axes (default: true for one panel, false for a grid). */
  axis?: boolean;
  /** Colour bar (default true). */
  cbar?: boolean;
  /** Reference pixel (full-image row and column), drawn as a black square. */
  marker?: { y: number; x: number };
  /** Pixels per inch of the figure, default 150. */
  dpi?: number;
}

const WHITE = [255, 255, 255, 255] as const;

/** Largest panel (px) of `aspect` = length / width fitting `n` in a `w x h` area. */
function gridLayout(n: number, aspect: number, w: number, h: number, gap: number, head: number) {
  let best = { cols: 1, rows: n, pw: 0, ph: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const pw = Math.min((w - gap * (cols - 1)) / cols, ((h - (gap + head) * rows) / rows) / aspect);
    if (pw > best.pw) best = { cols, rows, pw, ph: pw * aspect };
  }
  return best;
}

/**
 * Lay out a map figure.
 * @example
 * ```ts
 * const scene = mapFigureScene([{ values: Float32Array.of(1, 2, 3, 4), rows: 2, cols: 2 }], {
 *   length: 2, width: 2, scale: { cmap: "jet", vlim: [1, 4] }, unit: "mm/year",
 * });
 * ```
 */
export function mapFigureScene(panels: readonly MapPanel[], o: MapFigureOptions): Scene {
  if (!panels.length) throw new RangeError("A map figure needs at least one panel");
  const dpi = o.dpi ?? 150, pt = dpi / 72;
  const single = panels.length === 1;
  const fs = (single ? 10 : 9) * pt, small = single ? fs : 7.5 * pt;
  const lw = 0.8 * pt, pad = 0.15 * dpi;
  const axis = o.axis ?? single, cbar = o.cbar ?? true;
  const aspect = o.length / o.width;
  const room = axis ? axisRoom(o, small) : { left: 0, bottom: 0 };
  const titleH = o.title ? 1.8 * fs : 0;
  const panelHead = single ? 0 : (panels.some((p) => p.title) ? 1.3 * small : 0);
  const cbW = 0.12 * dpi, cbGap = 0.12 * dpi;
  const cbRoom = cbar
    ? cbGap + cbW + 0.7 * fs + colorbarLabelWidth(o.scale, fs) + (o.unit ? 1.8 * fs : 0)
    : 0;

  // Panel area: one panel 5 inches on its long side; a grid fills 15 x 8 inches (MintPy's).
  let cols = 1, rows = 1, pw: number, ph: number, gap = 0;
  if (single) {
    const long = 5 * dpi;
    [pw, ph] = aspect >= 1 ? [long / aspect, long] : [long, long * aspect];
  } else {
    gap = 0.06 * dpi + room.left;
    const availW = 15 * dpi - 2 * pad - cbRoom - room.left;
    const availH = 8 * dpi - 2 * pad - titleH - room.bottom;
    ({ cols, rows, pw, ph } = gridLayout(panels.length, aspect, availW, availH, gap, panelHead));
  }
  const gridW = cols * pw + (cols - 1) * gap, gridH = rows * (ph + panelHead) + (rows - 1) * gap;
  const titleW = o.title ? textWidth(o.title, fs) : 0;
  const width = Math.ceil(Math.max(pad + room.left + gridW + cbRoom + pad, titleW + 2 * pad));
  const height = Math.ceil(pad + titleH + gridH + room.bottom + pad);
  const x0 = pad + room.left, y0 = pad + titleH;
  const shapes: Shape[] = [];

  panels.forEach((p, i) => {
    const c = i % cols, r = Math.floor(i / cols);
    const x = x0 + c * (pw + gap), y = y0 + r * (ph + panelHead + gap) + panelHead;
    shapes.push({
      kind: "image",
      x,
      y,
      w: pw,
      h: ph,
      png: colorImagePng(p.values, p.rows, p.cols, o.scale),
    });
    shapes.push(...frameShapes({ x, y, w: pw, h: ph }, o, axis, small, lw));
    if (p.title && !single) {
      shapes.push({
        kind: "text",
        x: x + pw / 2,
        y: y - 0.35 * small,
        text: p.title,
        color: BLACK,
        size: small,
        anchor: "middle",
      });
    }
    if (o.marker) {
      const s = Math.max(4, 0.06 * Math.min(pw, ph, 0.5 * dpi));
      const mx = x + (o.marker.x + 0.5) / o.width * pw, my = y + (o.marker.y + 0.5) / o.length * ph;
      shapes.push({ kind: "rect", x: mx - s / 2, y: my - s / 2, w: s, h: s, fill: BLACK });
    }
  });
  if (o.title) {
    shapes.push({
      kind: "text",
      x: single ? x0 + pw / 2 : width / 2,
      y: pad + CAP_HEIGHT * fs,
      text: o.title,
      color: BLACK,
      size: fs,
      anchor: "middle",
    });
  }
  if (cbar) {
    const h = single ? ph : Math.min(gridH, Math.max(3 * dpi, gridH * 0.6));
    const box = { x: x0 + gridW + cbGap, y: y0 + (gridH - h) / 2, w: cbW, h };
    shapes.push(...colorbarShapes(o.scale, box, o.unit ?? "", fs, lw));
  }
  return { width, height, background: WHITE, shapes, dpi };
}
