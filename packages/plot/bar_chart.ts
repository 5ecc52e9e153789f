/**
 * A bar chart over dates (one bar per acquisition) with an optional dashed threshold line,
 * highlighted bars and date labels above chosen bars, rendered to SVG, PNG and PDF. Sized like a
 * matplotlib figure (inches x dpi) and readable from a handful to several hundred dates:
 * bars narrow with the date spacing, calendar ticks thin out until their labels fit, and
 * bar labels that would overlap are dropped.
 * @module
 */
import { decimalYear, parseDate } from "@vinsar/core/dates";
import { type Rgba, type Scene, sceneToSvg, type Shape } from "./scene.ts";
import { sceneToPdf, sceneToPng } from "./render.ts";
import { CAP_HEIGHT, DESCENT, textWidth } from "./text.ts";
import { dateTicks, formatTick, niceCeil, niceTicks } from "./ticks.ts";

/** matplotlib's default colour cycle C0, C1 and "darkgray", as MintPy's RMS chart uses. */
export const CHART_COLORS = {
  C0: [31, 119, 180, 255] as Rgba,
  C1: [255, 127, 14, 255] as Rgba,
  darkgray: [169, 169, 169, 255] as Rgba,
  black: [0, 0, 0, 255] as Rgba,
  white: [255, 255, 255, 255] as Rgba,
};

/** A class of bars (colour and legend label). */
export interface BarCategory {
  color: Rgba;
  /** Legend label; omitted from the legend when absent. */
  label?: string;
}

/** What to draw. */
export interface DateBarChartSpec {
  /** Acquisition dates, `YYYYMMDD`. */
  dates: readonly string[];
  /** Bar heights, in display units. */
  values: ArrayLike<number>;
  /** Bar classes; bar i uses `categories[barCategory[i]]` (default class 0). */
  categories: BarCategory[];
  barCategory?: ArrayLike<number>;
  /** Horizontal dashed line (e.g. an outlier threshold). */
  threshold?: { value: number; label: string };
  /** Indices of bars whose date is written above them (thinned when crowded). */
  annotate?: number[];
  yLabel: string;
  title?: string;
  /** Figure size in inches, default [5, 3] (MintPy's `--figsize`). */
  figSize?: readonly [number, number];
  /** Pixels per inch, default 200. */
  dpi?: number;
  /** Font size in points, default 10 (matplotlib's). */
  fontSize?: number;
  /** Years per major tick (MintPy's `--tick-year-num`), default 1. */
  tickYearNum?: number;
}

/** MintPy's bar width: 3/4 of the smaller of the two most common date spacings. */
function barWidthYears(t: number[]): number {
  if (t.length < 2) return 12 / 365.25;
  const diffs = t.slice(1).map((v, i) => Math.round((v - t[i]!) * 365.25));
  const counts = new Map<number, number>();
  for (const d of diffs) if (d > 0) counts.set(d, (counts.get(d) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 2);
  const days = common.length ? Math.min(...common.map((c) => c[0])) : 12;
  return days * 0.75 / 365.25;
}

/** Lay the chart out as a {@link Scene}. */
export function dateBarChartScene(spec: DateBarChartSpec): Scene {
  const n = spec.dates.length;
  const dpi = spec.dpi ?? 200;
  const [wIn, hIn] = spec.figSize ?? [5, 3];
  const width = Math.round(wIn * dpi), height = Math.round(hIn * dpi);
  const s = dpi / 72; // pixels per point
  const fs = (spec.fontSize ?? 10) * s, small = fs * 0.85;
  const asc = CAP_HEIGHT * fs, ascSmall = CAP_HEIGHT * small;
  const lineH = (CAP_HEIGHT + DESCENT) * fs + 4 * s;
  const pad = 3 * s;
  const black = CHART_COLORS.black;
  const shapes: Shape[] = [];
  const t = spec.dates.map((d) => decimalYear(parseDate(d)));
  const values = Array.from(spec.values, (v) => (Number.isFinite(v) ? v : 0));

  // Legend entries: labelled categories present among the bars, then the threshold.
  const used = new Set<number>(Array.from({ length: n }, (_, i) => spec.barCategory?.[i] ?? 0));
  const legend: Array<{ label: string; color: Rgba; line: boolean }> = [];
  spec.categories.forEach((c, i) => {
    if (c.label && used.has(i)) legend.push({ label: c.label, color: c.color, line: false });
  });
  if (spec.threshold) legend.push({ label: spec.threshold.label, color: black, line: true });
  const swatch = 8 * s, lineSwatch = 16 * s;
  const swatchW = (e: { line: boolean }) => (e.line ? lineSwatch : swatch);
  const entryW = legend.map((e) => swatchW(e) + 3 * s + textWidth(e.label, fs) + 10 * s);
  const legendRows: number[][] = [];
  let rowW = 0;
  entryW.forEach((w, i) => {
    if (!legendRows.length || rowW + w > width - 2 * pad) {
      legendRows.push([]);
      rowW = 0;
    }
    legendRows.at(-1)!.push(i);
    rowW += w;
  });

  // Margins around the plot area.
  let top = pad;
  if (spec.title) top += lineH;
  top += legendRows.length * lineH + pad;
  const yTop = Math.max(...values, spec.threshold?.value ?? 0, 1e-12);
  const bottom = height - pad - lineH - 2 * s;
  const plotH0 = bottom - top;
  // Leave room above the tallest labelled bar for its label.
  const labelRoom = (lineH + s) / Math.max(1, plotH0);
  const needY = Math.max(
    yTop * 1.08,
    ...(spec.annotate ?? []).map((i) => (values[i] ?? 0) / Math.max(0.2, 1 - labelRoom)),
  );
  const ymax = niceCeil(needY, 5);
  const yt = niceTicks(0, ymax, 5);
  const yLabels = yt.ticks.map((v) => formatTick(v, yt.step));
  const left = pad + lineH + Math.max(...yLabels.map((l) => textWidth(l, fs))) + 3 * s;
  const right = width - pad - 2 * s;
  const plotW = right - left, plotH = bottom - top;

  // X range: the dates plus a margin of one bar spacing or 3% of the span.
  const bw = barWidthYears(t);
  const span = n ? t[n - 1]! - t[0]! : 0;
  const margin = Math.max(bw, span * 0.03, 5 / 365.25);
  const x0 = (n ? t[0]! : 2000) - margin, x1 = (n ? t[n - 1]! : 2001) + margin;
  const px = (v: number) => left + (v - x0) / (x1 - x0) * plotW;
  const py = (v: number) => bottom - v / ymax * plotH;

  // Bars.
  const barPx = Math.max(1, bw / (x1 - x0) * plotW);
  for (let i = 0; i < n; i++) {
    const cat = spec.categories[spec.barCategory?.[i] ?? 0] ?? spec.categories[0]!;
    const h = bottom - py(values[i]!);
    shapes.push({
      kind: "rect",
      x: px(t[i]!) - barPx / 2,
      y: bottom - h,
      w: barPx,
      h,
      fill: cat.color,
    });
  }
  if (spec.threshold) {
    const y = py(spec.threshold.value);
    shapes.push({
      kind: "line",
      x0: left,
      y0: y,
      x1: right,
      y1: y,
      stroke: black,
      width: Math.max(1, s * 0.7),
      dash: [6 * s, 3 * s],
    });
  }

  // Frame, ticks (inward on all sides, as MintPy's chart) and labels.
  const lw = 0.8 * s; // matplotlib's axes line width, 0.8 pt
  shapes.push({
    kind: "rect",
    x: left,
    y: top,
    w: plotW,
    h: plotH,
    stroke: black,
    strokeWidth: lw,
  });
  const tickLen = 3 * s;
  yt.ticks.forEach((v, i) => {
    const y = py(v);
    shapes.push({
      kind: "line",
      x0: left,
      y0: y,
      x1: left + tickLen,
      y1: y,
      stroke: black,
      width: lw,
    });
    shapes.push({
      kind: "line",
      x0: right - tickLen,
      y0: y,
      x1: right,
      y1: y,
      stroke: black,
      width: lw,
    });
    shapes.push({
      kind: "text",
      x: left - 2 * s,
      y: y + asc / 2,
      text: yLabels[i]!,
      color: black,
      size: fs,
      anchor: "end",
    });
  });
  const dt = dateTicks(x0, x1, plotW / (x1 - x0), (l) => textWidth(l, fs), spec.tickYearNum ?? 1);
  for (const m of dt.minor) {
    const x = px(m);
    shapes.push({
      kind: "line",
      x0: x,
      y0: bottom,
      x1: x,
      y1: bottom - tickLen / 2,
      stroke: black,
      width: lw,
    });
    shapes.push({
      kind: "line",
      x0: x,
      y0: top,
      x1: x,
      y1: top + tickLen / 2,
      stroke: black,
      width: lw,
    });
  }
  for (const m of dt.major) {
    const x = px(m.t);
    shapes.push({
      kind: "line",
      x0: x,
      y0: bottom,
      x1: x,
      y1: bottom - tickLen,
      stroke: black,
      width: lw,
    });
    shapes.push({
      kind: "line",
      x0: x,
      y0: top,
      x1: x,
      y1: top + tickLen,
      stroke: black,
      width: lw,
    });
    // A label that would run off the figure (or into the y labels) is left out.
    const half = textWidth(m.label, fs) / 2;
    if (x - half < left - 2 * s || x + half > width - s) continue;
    shapes.push({
      kind: "text",
      x,
      y: bottom + 2 * s + asc,
      text: m.label,
      color: black,
      size: fs,
      anchor: "middle",
    });
  }
  shapes.push({
    kind: "text",
    x: pad + asc,
    y: top + plotH / 2,
    text: spec.yLabel,
    color: black,
    size: fs,
    anchor: "middle",
    rotate: -90,
  });

  // Date labels above chosen bars in the given order (first = most important), dropping any
  // that would overlap one already placed.
  const placed: Array<[number, number]> = [];
  for (const i of spec.annotate ?? []) {
    if (i < 0 || i >= n) continue;
    const label = spec.dates[i]!;
    const w = textWidth(label, small);
    const cx = Math.min(right - w / 2 - s, Math.max(left + w / 2 + s, px(t[i]!)));
    if (placed.some(([a, b]) => cx + w / 2 + 2 * s > a && cx - w / 2 - 2 * s < b)) continue;
    placed.push([cx - w / 2, cx + w / 2]);
    const ty = Math.max(top + ascSmall + s, py(values[i]!) - 2 * s);
    // A light backing keeps the label readable over neighbouring bars.
    shapes.push({
      kind: "rect",
      x: cx - w / 2 - small,
      y: ty - ascSmall - s,
      w: w + 2 * small,
      h: ascSmall + 2.5 * s,
      fill: [255, 255, 255, 200],
    });
    shapes.push({
      kind: "text",
      x: cx,
      y: ty,
      text: label,
      color: black,
      size: small,
      anchor: "middle",
    });
  }

  // Title and legend above the plot.
  let y = pad;
  if (spec.title) {
    shapes.push({
      kind: "text",
      x: left + plotW / 2,
      y: y + asc,
      text: spec.title,
      color: black,
      size: fs,
      anchor: "middle",
    });
    y += lineH;
  }
  for (const row of legendRows) {
    let x = left;
    for (const i of row) {
      const e = legend[i]!;
      const cy = y + asc / 2;
      if (e.line) {
        shapes.push({
          kind: "line",
          x0: x,
          y0: cy,
          x1: x + lineSwatch,
          y1: cy,
          stroke: e.color,
          width: Math.max(1, s * 0.7),
          dash: [6 * s, 3 * s],
        });
      } else {
        shapes.push({ kind: "rect", x, y: cy - swatch / 2, w: swatch, h: swatch, fill: e.color });
      }
      shapes.push({
        kind: "text",
        x: x + swatchW(e) + 3 * s,
        y: y + asc,
        text: e.label,
        color: black,
        size: fs,
      });
      x += entryW[i]!;
    }
    y += lineH;
  }
  return { width, height, background: CHART_COLORS.white, shapes, dpi };
}

/** The chart as an SVG document. */
export function renderBarChartSvg(spec: DateBarChartSpec): string {
  return sceneToSvg(dateBarChartScene(spec));
}

/** The chart as PNG bytes. */
export function renderBarChartPng(spec: DateBarChartSpec): Promise<Uint8Array> {
  return sceneToPng(dateBarChartScene(spec));
}

/** The chart as PDF bytes. */
export function renderBarChartPdf(spec: DateBarChartSpec): Promise<Uint8Array> {
  return sceneToPdf(dateBarChartScene(spec));
}
