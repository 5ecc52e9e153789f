/**
 * Pieces shared by the map figures: a vertical colour bar (ticks, label, triangle ends when
 * the limits clip the data) and a frame with pixel-number ticks around a map panel, whose
 * axes run over pixel centres (-0.5 ... W-0.5) and may be flipped, as matplotlib's `imshow`.
 * @module
 */
import { colormapTable } from "./colormap.ts";
import { colorImagePng, type ColorScale, scaleIndex } from "./map_image.ts";
import type { Rgba, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";
import { formatTick, niceTicks } from "./ticks.ts";

export const BLACK: Rgba = [0, 0, 0, 255];

/** Which ends of a colour bar get a triangle (matplotlib's `extend`). */
export type ColorbarExtend = "neither" | "min" | "max" | "both";

/** Length of each triangle end as a fraction of the bar (matplotlib's `extendfrac`). */
const EXTEND_FRAC = 0.05;

/**
 * Ticks as matplotlib's default locator puts them on an axis `lengthPx` long with labels of
 * `fs` px: at most one label per 2 (vertical) or 3 (horizontal) font sizes, never over 9
 * intervals, on steps of 1, 2, 2.5 or 5 times a power of ten.
 */
export function autoTicks(
  lo: number,
  hi: number,
  lengthPx: number,
  fs: number,
  vertical: boolean,
): { ticks: number[]; step: number } {
  const bins = Math.max(1, Math.min(9, Math.floor(lengthPx / (fs * (vertical ? 2 : 3)))));
  return niceTicks(lo, hi, bins);
}

/** Ticks of a colour bar: one per level for a few discrete levels, else automatic. */
function colorbarTicks(scale: ColorScale, h: number, fs: number) {
  const [lo, hi] = scale.vlim;
  const levels = scale.levels ?? 0, gap = (hi - lo) / Math.max(1, levels);
  return levels >= 2
    ? { ticks: Array.from({ length: levels }, (_, k) => lo + (k + 0.5) * gap), step: gap }
    : autoTicks(lo, hi, h, fs, true);
}

/** Width of a colour bar's tick labels for a bar `h` px high at font size `fs` (for layout). */
export function colorbarLabelWidth(scale: ColorScale, fs: number, h = 1e4): number {
  const t = colorbarTicks(scale, h, fs);
  return Math.max(...t.ticks.map((v) => textWidth(formatTick(v, t.step), fs)), 1);
}

/**
 * A colour bar in `box` (triangle ends included): ticks pointing out on the right with their
 * labels, and `label` rotated beside them. Returns the shapes and the right edge drawn.
 */
export function colorbarShapes(
  scale: ColorScale,
  box: { x: number; y: number; w: number; h: number },
  label: string,
  fs: number,
  lw: number,
  extend: ColorbarExtend = "neither",
): Shape[] {
  const up = extend === "max" || extend === "both", down = extend === "min" || extend === "both";
  const tri = EXTEND_FRAC * box.h / (1 + EXTEND_FRAC * (+up + +down));
  const { x, w } = box, y = box.y + (up ? tri : 0), h = box.h - tri * (+up + +down);
  const n = Math.max(2, Math.round(h));
  const [lo, hi] = scale.vlim;
  // One column of colours, top = vmax, stretched over the bar.
  const col = new Float32Array(n);
  for (let i = 0; i < n; i++) col[i] = hi - (i + 0.5) / n * (hi - lo);
  const shapes: Shape[] = [{ kind: "image", x, y, w, h, png: colorImagePng(col, n, 1, scale) }];
  // The outline runs round the bar and its triangle ends, as matplotlib's.
  const outline: Array<[number, number]> = [[x, y]];
  if (up) {
    shapes.push(triangle(x, w, y - tri, y, endColor(scale, hi)));
    outline.push([x + w / 2, y - tri]);
  }
  outline.push([x + w, y], [x + w, y + h]);
  if (down) {
    shapes.push(triangle(x, w, y + h + tri, y + h, endColor(scale, lo)));
    outline.push([x + w / 2, y + h + tri]);
  }
  outline.push([x, y + h]);
  shapes.push({ kind: "polygon", points: outline, stroke: BLACK, width: lw });
  const ticks = colorbarTicks(scale, h, fs);
  let labelX = x + w;
  for (const v of ticks.ticks) {
    const ty = y + h - (v - lo) / (hi - lo) * h;
    if (ty < y - 0.5 || ty > y + h + 0.5) continue;
    const text = formatTick(v, ticks.step);
    shapes.push({
      kind: "line",
      x0: x + w,
      y0: ty,
      x1: x + w + 0.35 * fs,
      y1: ty,
      stroke: BLACK,
      width: lw,
    });
    shapes.push({
      kind: "text",
      x: x + w + 0.6 * fs,
      y: ty + CAP_HEIGHT * fs / 2,
      text,
      color: BLACK,
      size: fs,
    });
    labelX = Math.max(labelX, x + w + 0.6 * fs + textWidth(text, fs));
  }
  if (label) {
    shapes.push({
      kind: "text",
      x: labelX + 0.4 * fs + CAP_HEIGHT * fs,
      y: y + h / 2,
      text: label,
      color: BLACK,
      size: fs,
      anchor: "middle",
      rotate: -90,
    });
  }
  return shapes;
}

/** A triangle end of a colour bar, pointing to `tip`. */
function triangle(x: number, w: number, tip: number, base: number, fill: Rgba): Shape {
  return { kind: "polygon", points: [[x, base], [x + w / 2, tip], [x + w, base]], fill };
}

/** The colour a scale gives value `v`. */
function endColor(scale: ColorScale, v: number): Rgba {
  const lut = colormapTable(scale.cmap), k = 3 * scaleIndex(v, scale);
  return [lut[k]!, lut[k + 1]!, lut[k + 2]!, 255];
}

/** How a panel's pixel axes run: full image size, and whether they are reversed. */
export interface PanelAxes {
  length: number;
  width: number;
  flipLR?: boolean;
  flipUD?: boolean;
}

/**
 * Position (0 ... 1 across the panel, left to right or top to bottom) of pixel coordinate
 * `v` on an axis of `n` pixels: pixel centres sit on integers, the edges at -0.5 and n-0.5.
 */
export function axisFraction(v: number, n: number, flip = false): number {
  const f = (v + 0.5) / n;
  return flip ? 1 - f : f;
}

/** Frame of a panel and, with `axis`, pixel-number ticks on its left and bottom sides. */
export function frameShapes(
  box: { x: number; y: number; w: number; h: number },
  size: PanelAxes,
  axis: boolean,
  fs: number,
  lw: number,
): Shape[] {
  const { x, y, w, h } = box;
  const shapes: Shape[] = [{ kind: "rect", x, y, w, h, stroke: BLACK, strokeWidth: lw }];
  if (!axis) return shapes;
  const tick = 0.35 * fs;
  const line = (x0: number, y0: number, x1: number, y1: number) =>
    shapes.push({ kind: "line", x0, y0, x1, y1, stroke: BLACK, width: lw });
  const xt = autoTicks(-0.5, size.width - 0.5, w, fs, false);
  for (const v of xt.ticks) {
    const px = x + axisFraction(v, size.width, size.flipLR) * w;
    line(px, y + h, px, y + h - tick);
    line(px, y, px, y + tick);
    shapes.push({
      kind: "text",
      x: px,
      y: y + h + (CAP_HEIGHT + 0.35) * fs,
      text: formatTick(v, xt.step),
      color: BLACK,
      size: fs,
      anchor: "middle",
    });
  }
  const yt = autoTicks(-0.5, size.length - 0.5, h, fs, true);
  for (const v of yt.ticks) {
    const py = y + axisFraction(v, size.length, size.flipUD) * h;
    line(x, py, x + tick, py);
    line(x + w, py, x + w - tick, py);
    shapes.push({
      kind: "text",
      x: x - 0.35 * fs,
      y: py + CAP_HEIGHT * fs / 2,
      text: formatTick(v, yt.step),
      color: BLACK,
      size: fs,
      anchor: "end",
    });
  }
  return shapes;
}

/** Room the pixel-number labels of {@link frameShapes} need left of and below a panel. */
export function axisRoom(
  size: { length: number; width: number },
  fs: number,
): { left: number; bottom: number } {
  const widest = textWidth(String(Math.round(size.length)), fs);
  return { left: widest + 0.5 * fs, bottom: (CAP_HEIGHT + 0.6) * fs };
}
