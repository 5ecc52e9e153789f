/**
 * Pieces shared by the map figures: a vertical colour bar with ticks and its label, and a
 * frame with pixel-number ticks around a map panel.
 * @module
 */
import { colorImagePng, type ColorScale } from "./map_image.ts";
import type { Rgba, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";
import { formatTick, niceTicks } from "./ticks.ts";

export const BLACK: Rgba = [0, 0, 0, 255];

/** Width of a colour bar's tick labels at font size `fs` (for layout). */
export function colorbarLabelWidth(scale: ColorScale, fs: number): number {
  const t = niceTicks(scale.vlim[0], scale.vlim[1], 5);
  return Math.max(...t.ticks.map((v) => textWidth(formatTick(v, t.step), fs)), 1);
}

/** A colour bar at `(x, y)` of `w x h` pixels: ticks and labels on the right, label beside. */
export function colorbarShapes(
  scale: ColorScale,
  box: { x: number; y: number; w: number; h: number },
  label: string,
  fs: number,
  lw: number,
): Shape[] {
  const { x, y, w, h } = box;
  const n = Math.max(2, Math.round(h));
  const [lo, hi] = scale.vlim;
  // One column of colours, top = vmax, stretched over the bar.
  const col = new Float32Array(n);
  for (let i = 0; i < n; i++) col[i] = hi - (i + 0.5) / n * (hi - lo);
  const shapes: Shape[] = [
    { kind: "image", x, y, w, h, png: colorImagePng(col, n, 1, scale) },
    { kind: "rect", x, y, w, h, stroke: BLACK, strokeWidth: lw },
  ];
  // Discrete levels: a tick at each level's value; else nice steps.
  const levels = scale.levels ?? 0, gap = (hi - lo) / Math.max(1, levels);
  const ticks = levels >= 2
    ? { ticks: Array.from({ length: levels }, (_, k) => lo + (k + 0.5) * gap), step: gap }
    : niceTicks(lo, hi, 5);
  let labelX = x + w;
  for (const v of ticks.ticks) {
    const ty = y + h - (v - lo) / (hi - lo) * h;
    if (ty < y - 0.5 || ty > y + h + 0.5) continue;
    const text = formatTick(v, ticks.step);
    shapes.push({
      kind: "line",
      x0: x + w,
      y0: ty,
      x1: x + w + 0.5 * fs,
      y1: ty,
      stroke: BLACK,
      width: lw,
    });
    shapes.push({
      kind: "text",
      x: x + w + 0.7 * fs,
      y: ty + CAP_HEIGHT * fs / 2,
      text,
      color: BLACK,
      size: fs,
    });
    labelX = Math.max(labelX, x + w + 0.7 * fs + textWidth(text, fs));
  }
  if (label) {
    shapes.push({
      kind: "text",
      x: labelX + 0.5 * fs + CAP_HEIGHT * fs,
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

/** Frame of a panel and, with `axis`, pixel-number ticks on its left and bottom sides. */
export function frameShapes(
  box: { x: number; y: number; w: number; h: number },
  size: { length: number; width: number },
  axis: boolean,
  fs: number,
  lw: number,
): Shape[] {
  const { x, y, w, h } = box;
  const shapes: Shape[] = [{ kind: "rect", x, y, w, h, stroke: BLACK, strokeWidth: lw }];
  if (!axis) return shapes;
  const tick = 0.35 * fs;
  const xt = niceTicks(0, size.width, Math.max(2, Math.floor(w / (4 * fs))));
  for (const v of xt.ticks) {
    const px = x + v / size.width * w;
    shapes.push({
      kind: "line",
      x0: px,
      y0: y + h,
      x1: px,
      y1: y + h + tick,
      stroke: BLACK,
      width: lw,
    });
    const text = formatTick(v, xt.step);
    shapes.push({
      kind: "text",
      x: px,
      y: y + h + tick + (CAP_HEIGHT + 0.3) * fs,
      text,
      color: BLACK,
      size: fs,
      anchor: "middle",
    });
  }
  const yt = niceTicks(0, size.length, Math.max(2, Math.floor(h / (3 * fs))));
  for (const v of yt.ticks) {
    const py = y + v / size.length * h;
    shapes.push({ kind: "line", x0: x - tick, y0: py, x1: x, y1: py, stroke: BLACK, width: lw });
    const text = formatTick(v, yt.step);
    shapes.push({
      kind: "text",
      x: x - tick - 0.2 * fs,
      y: py + CAP_HEIGHT * fs / 2,
      text,
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
  return { left: widest + 0.6 * fs, bottom: (CAP_HEIGHT + 0.8) * fs };
}
