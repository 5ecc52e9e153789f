/**
 * The date-against-baseline axes of the network figures: frame, inward ticks on all sides,
 * year or month labels, the y label and the title.
 * @module
 */
import { decimalYear, parseDate } from "@vinsar/core/dates";
import type { NetworkSpec } from "./network_chart.ts";
import type { Rgba, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";
import { dateTicks, formatTick, niceTicks } from "./ticks.ts";

const BLACK: Rgba = [0, 0, 0, 255];

/** MintPy's figure size for `n` dates. */
export function networkFigureSize(n: number): [number, number] {
  return n <= 100 ? [6, 4] : n <= 200 ? [8, 4] : n <= 300 ? [10, 4] : [12, 4];
}

/** Axes with date x and metre y; returns the shapes and the two coordinate maps. */
export function dateAxes(spec: NetworkSpec, titleText: string, yLabel: string) {
  const dpi = spec.dpi ?? 150, pt = dpi / 72;
  const [wIn, hIn] = spec.figSize ?? networkFigureSize(spec.dates.length);
  const width = Math.round(wIn * dpi), height = Math.round(hIn * dpi);
  const fs = (spec.fontSize ?? 12) * pt, lw = 0.8 * pt, asc = CAP_HEIGHT * fs;
  const t = spec.dates.map((d) => decimalYear(parseDate(d)));
  const p = Array.from(spec.pbase);
  const pmin = Math.min(...p), pmax = Math.max(...p), range = pmax - pmin || 1;
  const [ylo, yhi] = [pmin - 0.1 * range, pmax + 0.1 * range];
  const yt = niceTicks(ylo, yhi, 5);
  const yLabels = yt.ticks.map((v) => formatTick(v, yt.step));
  const pad = 0.1 * dpi;
  const top = pad + (spec.title === false ? 0 : 1.6 * fs);
  const left = pad + 1.4 * fs + Math.max(...yLabels.map((l) => textWidth(l, fs))) + 0.6 * fs;
  const right = width - pad - fs, bottom = height - pad - 1.6 * fs;
  const span = (t.at(-1) ?? 2001) - (t[0] ?? 2000);
  const margin = Math.max(span * 0.04, 15 / 365.25);
  const t0 = (t[0] ?? 2000) - margin, t1 = (t.at(-1) ?? 2001) + margin;
  const px = (v: number) => left + (v - t0) / (t1 - t0) * (right - left);
  const py = (v: number) => bottom - (v - ylo) / (yhi - ylo) * (bottom - top);
  const shapes: Shape[] = [];
  const tick = 0.35 * fs;
  const line = (x0: number, y0: number, x1: number, y1: number) =>
    shapes.push({ kind: "line", x0, y0, x1, y1, stroke: BLACK, width: lw });
  yt.ticks.forEach((v, k) => {
    if (v < ylo || v > yhi) return;
    line(left, py(v), left + tick, py(v));
    line(right - tick, py(v), right, py(v));
    const y = py(v) + asc / 2;
    shapes.push({
      kind: "text",
      x: left - 0.3 * fs,
      y,
      text: yLabels[k]!,
      color: BLACK,
      size: fs,
      anchor: "end",
    });
  });
  const dt = dateTicks(t0, t1, (right - left) / (t1 - t0), (l) => textWidth(l, fs));
  for (const m of dt.minor) {
    line(px(m), bottom, px(m), bottom - tick / 2);
    line(px(m), top, px(m), top + tick / 2);
  }
  for (const m of dt.major) {
    line(px(m.t), bottom, px(m.t), bottom - tick);
    line(px(m.t), top, px(m.t), top + tick);
    const half = textWidth(m.label, fs) / 2;
    if (px(m.t) - half < left - 2 * fs || px(m.t) + half > width - 2) continue;
    shapes.push({
      kind: "text",
      x: px(m.t),
      y: bottom + 0.3 * fs + asc,
      text: m.label,
      color: BLACK,
      size: fs,
      anchor: "middle",
    });
  }
  shapes.push({
    kind: "rect",
    x: left,
    y: top,
    w: right - left,
    h: bottom - top,
    stroke: BLACK,
    strokeWidth: lw,
  });
  shapes.push({
    kind: "text",
    x: pad + asc,
    y: (top + bottom) / 2,
    text: yLabel,
    color: BLACK,
    size: fs,
    anchor: "middle",
    rotate: -90,
  });
  if (spec.title !== false) {
    shapes.push({
      kind: "text",
      x: (left + right) / 2,
      y: pad + asc,
      text: titleText,
      color: BLACK,
      size: fs,
      anchor: "middle",
    });
  }
  return {
    shapes,
    x: (i: number) => px(t[i]!),
    y: (i: number) => py(p[i]!),
    width,
    height,
    dpi,
    pt,
    fs,
    left,
    top,
  };
}
