/**
 * Map figures as MintPy's `view.py` draws them: one panel (a velocity, a coherence) with
 * pixel-number axes over pixel centres, or a grid of panels (one per date of a time-series)
 * laid out as MintPy's 15 x 8 inch figure (rows and columns by the image's aspect, each panel
 * keeping it) with one short colour bar; triangle colour-bar ends when the limits clip the
 * data; the reference pixel as a black square (6 pt, a tenth of it over ten panels); no data
 * transparent; optional left-right / up-down flips. Panels hold already-read (and possibly
 * decimated) images; no I/O here.
 * @module
 */
import {
  axisFraction,
  axisRoom,
  BLACK,
  type ColorbarExtend,
  colorbarLabelWidth,
  colorbarShapes,
  frameShapes,
} from "./_colorbar.ts";
import { autoRowCol, gridCells } from "./_map_grid.ts";
import { colorImagePng, type ColorScale } from "./map_image.ts";
import type { Scene, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";

export type { ColorbarExtend };

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
  /** Colour-bar label, e.g. "mm/year". */
  unit?: string;
  /** Pixel-number axes (default: true for one panel, false for a grid). */
  axis?: boolean;
  /** Colour bar (default true). */
  cbar?: boolean;
  /** Triangle ends of the colour bar (default none). */
  extend?: ColorbarExtend;
  /** Reference pixel (full-image row and column), drawn as a black square. */
  marker?: { y: number; x: number };
  /** Mirror the panels left-right (x axis reversed) and / or up-down. */
  flipLR?: boolean;
  flipUD?: boolean;
  /** Pixels per inch of the figure, default 150. */
  dpi?: number;
}

const WHITE = [255, 255, 255, 255] as const;

/** A copy of a `rows x cols` image mirrored left-right and / or up-down. */
function flipped(p: MapPanel, lr: boolean, ud: boolean): ArrayLike<number> {
  if (!lr && !ud) return p.values;
  const out = new Float32Array(p.rows * p.cols);
  for (let r = 0; r < p.rows; r++) {
    const src = (ud ? p.rows - 1 - r : r) * p.cols;
    for (let c = 0; c < p.cols; c++) {
      out[r * p.cols + c] = p.values[src + (lr ? p.cols - 1 - c : c)]!;
    }
  }
  return out;
}

/** A panel placed in the figure (px). */
interface Placed {
  x: number;
  y: number;
  w: number;
  h: number;
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
  const lw = 0.8 * pt, pad = 0.1 * dpi;
  const axis = o.axis ?? single, cbar = o.cbar ?? true;
  const aspect = o.length / o.width;
  let fs: number, small: number, places: Placed[], cbBox: Placed, title: Shape | null = null;
  if (single) {
    fs = small = 10 * pt;
    const long = 5 * dpi;
    const [pw, ph] = aspect >= 1 ? [long / aspect, long] : [long, long * aspect];
    places = [{ x: 0, y: 0, w: pw, h: ph }];
    // MintPy's colour bar: 2 % of the panel's width wide, as far from it.
    cbBox = { x: pw + 0.02 * pw + 0.06 * dpi, y: 0, w: Math.max(0.1 * dpi, 0.02 * pw), h: ph };
  } else {
    const grid = gridCells(panels.length, aspect, dpi);
    fs = small = grid.fontPt * pt;
    places = grid.cells;
    cbBox = grid.colorbar;
  }
  if (o.title) {
    const p = places[0]!, cx = single ? p.x + p.w / 2 : (places[0]!.x + cbBox.x) / 2;
    title = {
      kind: "text",
      x: cx,
      y: Math.min(...places.map((q) => q.y)) - 0.5 * fs - (single ? 0 : 2 * small),
      text: o.title,
      color: BLACK,
      size: fs,
      anchor: "middle",
    };
  }
  const shapes: Shape[] = [];
  const size = { length: o.length, width: o.width, flipLR: o.flipLR, flipUD: o.flipUD };
  // The reference marker: a 6 pt black square with a 1 pt edge; a tenth of it over ten panels.
  const ms = (panels.length > 10 ? 0.6 : 6) * pt + pt;
  panels.forEach((p, i) => {
    const { x, y, w, h } = places[i]!;
    const values = flipped(p, !!o.flipLR, !!o.flipUD);
    shapes.push({ kind: "image", x, y, w, h, png: colorImagePng(values, p.rows, p.cols, o.scale) });
    shapes.push(...frameShapes({ x, y, w, h }, size, axis, small, lw));
    if (p.title && !single) {
      // Lines from the bottom up, as matplotlib stacks a multi-line title.
      p.title.split("\n").reverse().forEach((text, k) =>
        shapes.push({
          kind: "text",
          x: x + w / 2,
          y: y - 6 * pt - k * 1.2 * small,
          text,
          color: BLACK,
          size: small,
          anchor: "middle",
        })
      );
    }
    if (o.marker) {
      const mx = x + axisFraction(o.marker.x, o.width, o.flipLR) * w;
      const my = y + axisFraction(o.marker.y, o.length, o.flipUD) * h;
      shapes.push({ kind: "rect", x: mx - ms / 2, y: my - ms / 2, w: ms, h: ms, fill: BLACK });
    }
  });
  if (title) shapes.push(title);
  if (cbar) shapes.push(...colorbarShapes(o.scale, cbBox, o.unit ?? "", fs, lw, o.extend));
  // Crop to what is drawn plus a margin, as matplotlib's `bbox_inches="tight"`.
  const room = axis ? axisRoom(o, small) : { left: 0, bottom: 0 };
  const cbRight = cbar
    ? cbBox.x + cbBox.w + 0.6 * fs +
      colorbarLabelWidth(o.scale, fs, cbBox.h) + (o.unit ? 0.4 * fs + 1.2 * fs : 0)
    : 0;
  const titleLines = Math.max(0, ...panels.map((p) => p.title?.split("\n").length ?? 0));
  const panelTop = Math.min(...places.map((q) => q.y)) -
    (single || !titleLines ? 0 : 6 * pt + CAP_HEIGHT * small + (titleLines - 1) * 1.2 * small);
  let x0 = Math.min(...places.map((q) => q.x)) - room.left - pad;
  let x1 = Math.max(cbRight, ...places.map((q) => q.x + q.w)) + pad;
  let y0 = Math.min(panelTop, title ? title.y - CAP_HEIGHT * fs : Infinity) - pad;
  let y1 = Math.max(...places.map((q) => q.y + q.h)) + room.bottom + pad;
  if (cbar) [y0, y1] = [Math.min(y0, cbBox.y - pad), Math.max(y1, cbBox.y + cbBox.h + pad)];
  if (title) {
    const half = textWidth(o.title!, fs) / 2 + pad;
    const cx = (title as { x: number }).x;
    [x0, x1] = [Math.min(x0, cx - half), Math.max(x1, cx + half)];
  }
  for (const s of shapes) shift(s, -x0, -y0);
  return {
    width: Math.ceil(x1 - x0),
    height: Math.ceil(y1 - y0),
    background: WHITE,
    shapes,
    dpi,
  };
}

/**
 * Rows and columns of the grid {@link mapFigureScene} draws `n` panels of aspect
 * `length / width` in (MintPy's choice for its 15 x 8 inch figure).
 * @example
 * ```ts
 * mapGridShape(30, 60 / 80); // [5, 7]
 * ```
 */
export function mapGridShape(n: number, aspect: number): [number, number] {
  return n === 1 ? [1, 1] : autoRowCol(n, [aspect * 1.1, 1], [15 * 0.95, 8]);
}

/** Move a shape by `(dx, dy)` pixels. */
function shift(s: Shape, dx: number, dy: number): void {
  switch (s.kind) {
    case "line":
      s.x0 += dx, s.x1 += dx, s.y0 += dy, s.y1 += dy;
      return;
    case "circle":
      s.cx += dx, s.cy += dy;
      return;
    case "polygon":
      s.points = s.points.map(([x, y]) => [x + dx, y + dy] as const);
      return;
    default:
      s.x += dx, s.y += dy;
  }
}
