/**
 * A line chart with a logarithmic x axis and a linear (from 0) or logarithmic y axis: one line
 * with dots per series and a legend on the right. Laid out as a {@link Scene}, so it renders
 * to SVG (and PNG or PDF) like the other charts; the benchmark pages use it for
 * docs/performance/scaling.svg and docs/performance/grid.svg.
 * @example
 * ```ts
 * const svg = lineChartSvg({
 *   title: "throughput",
 *   xLabel: "pixels",
 *   yLabel: "pixels/s",
 *   series: [{ label: "ts", color: "#1f77b4", points: [[1e4, 2e5], [1e5, 3e5]] }],
 * });
 * ```
 * @module
 */
import { type Rgba, type Scene, sceneToSvg, type Shape, type TextShape } from "./scene.ts";
import { logTicks, niceCeil, niceTicks, shortNumber } from "./ticks.ts";

/** One line of the chart: points `[x, y]` in data units (x > 0; y > 0 with `logY`). */
export interface LineChartSeries {
  label: string;
  /** CSS hex colour: `#rgb`, `#rrggbb` or `#rrggbbaa`. */
  color: string;
  /** Dash pattern `"on off"` in px, e.g. "6 3"; the legend then shows a line instead of a box. */
  dash?: string;
  points: ReadonlyArray<readonly [number, number]>;
}

/** Layout and labels of {@link lineChartSvg}. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ReadonlyArray<LineChartSeries>;
  /** Logarithmic y axis (for rates spanning decades). Default: linear from 0. */
  logY?: boolean;
  /** Picture width and the legend's width in px (default 640 and 150). */
  width?: number;
  legendWidth?: number;
  /** Picture height in px (default 400). */
  height?: number;
}

const BLACK: Rgba = [0, 0, 0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const GRID: Rgba = [221, 221, 221, 255];
/** Font sizes in px. */
const TEXT = 12, TITLE = 14;

/** `#rgb`, `#rrggbb` or `#rrggbbaa` as RGBA. */
function parseColor(css: string): Rgba {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(css.trim())?.[1];
  if (!m) throw new RangeError(`Unsupported chart colour "${css}" (use #rgb or #rrggbb)`);
  const h = m.length === 3 ? [...m].map((c) => c + c).join("") : m;
  const byte = (i: number) => parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return [byte(0), byte(1), byte(2), h.length === 8 ? byte(3) : 255];
}

/** `"6 3"` -> `[6, 3]`; a single length dashes on and off equally. */
function parseDash(dash: string | undefined): readonly [number, number] | undefined {
  if (!dash) return undefined;
  const v = dash.trim().split(/[\s,]+/).map(Number);
  if (!v.length || v.some((x) => !(x >= 0))) {
    throw new RangeError(`Unsupported dash pattern "${dash}"`);
  }
  return [v[0]!, v[1] ?? v[0]!];
}

/** Lay the chart out as a {@link Scene}. */
export function lineChartScene(o: LineChartOptions): Scene {
  const W = o.width ?? 640, H = o.height ?? 400, L = 80, R = o.legendWidth ?? 150, T = 40, B = 50;
  const plotW = W - L - R, plotH = H - T - B, bottom = H - B, right = W - R;
  const shapes: Shape[] = [];
  const text = (x: number, y: number, s: string, extra: Partial<TextShape> = {}) =>
    shapes.push({ kind: "text", x, y, text: s, color: BLACK, size: TEXT, ...extra });
  const line = (x0: number, y0: number, x1: number, y1: number, stroke = BLACK, width = 1) =>
    shapes.push({ kind: "line", x0, y0, x1, y1, stroke, width });

  // X: logarithmic, a tick and label at every x value of the data.
  const all = o.series.flatMap((s) => s.points);
  const xs = [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b);
  const xLo = Math.log10(xs[0] ?? 1), xSpan = Math.log10((xs.at(-1) ?? 1) / (xs[0] ?? 1));
  const px = (x: number) => xSpan > 0 ? L + (Math.log10(x) - xLo) / xSpan * plotW : L + plotW / 2;

  // Y: log with 1-2-5 ticks and 25% headroom, or linear from 0 with nice ticks and 10%.
  const ys = all.map((p) => p[1]);
  let py: (y: number) => number;
  let yTicks: number[];
  if (o.logY) {
    const lo = Math.log10((ys.length ? Math.min(...ys) : 1) / 1.25);
    const hi = Math.log10((ys.length ? Math.max(...ys) : 10) * 1.25);
    py = (y) => bottom - (Math.log10(y) - lo) / Math.max(1e-9, hi - lo) * plotH;
    yTicks = logTicks(10 ** lo, 10 ** hi);
  } else {
    const yMax = niceCeil(Math.max(0, ...ys) * 1.1 || 1, 4);
    py = (y) => bottom - y / yMax * plotH;
    yTicks = niceTicks(0, yMax, 4).ticks;
  }

  // Grid and tick labels first, so the lines are drawn over them.
  for (const y of yTicks) {
    line(L - 5, py(y), right, py(y), GRID);
    text(L - 8, py(y) + 4, shortNumber(y), { anchor: "end" });
  }
  for (const x of xs) {
    line(px(x), bottom, px(x), bottom + 5);
    text(px(x), bottom + 18, shortNumber(x), { anchor: "middle" });
  }
  line(L, bottom, right, bottom);
  line(L, T, L, bottom);
  text(W / 2, 20, o.title, { size: TITLE, anchor: "middle" });
  text(L + plotW / 2, H - 10, o.xLabel, { anchor: "middle" });
  text(15, T + plotH / 2, o.yLabel, { anchor: "middle", rotate: -90 });

  o.series.forEach((s, i) => {
    const color = parseColor(s.color), dash = parseDash(s.dash);
    const pts = s.points.map(([x, y]) => [px(x), py(y)] as const);
    for (let k = 1; k < pts.length; k++) {
      const [x0, y0] = pts[k - 1]!, [x1, y1] = pts[k]!;
      shapes.push({ kind: "line", x0, y0, x1, y1, stroke: color, width: 2, dash });
    }
    for (const [cx, cy] of pts) shapes.push({ kind: "circle", cx, cy, r: 3, fill: color });
    // Legend row: a dashed line for dashed series, else a colour box.
    const y0 = T + 20 * i;
    if (dash) {
      shapes.push({
        kind: "line",
        x0: right + 10,
        y0: y0 + 6,
        x1: right + 28,
        y1: y0 + 6,
        stroke: color,
        width: 2,
        dash,
      });
    } else shapes.push({ kind: "rect", x: right + 15, y: y0, w: 12, h: 12, fill: color });
    text(right + 32, y0 + 11, s.label);
  });
  return { width: W, height: H, background: WHITE, shapes };
}

/** Render the chart as a standalone SVG document (text). */
export function lineChartSvg(o: LineChartOptions): string {
  return sceneToSvg(lineChartScene(o));
}
