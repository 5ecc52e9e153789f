/**
 * MintPy's `plot_network` figures: the interferogram network (acquisition date against
 * perpendicular baseline, one line per interferogram, dropped ones dashed) and the
 * perpendicular-baseline history, as {@link Scene}s.
 * @module
 */
import { dateAxes, networkFigureSize } from "./_date_axes.ts";
import type { NetworkSpec } from "./network_spec.ts";

export type { NetworkSpec } from "./network_spec.ts";
import type { Rgba, Scene, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";

export { networkFigureSize };

const BLACK: Rgba = [0, 0, 0, 255];
const LINE: Rgba = [0, 0, 0, 179]; // black at MintPy's 0.7 opacity
const ORANGE: Rgba = [255, 165, 0, 179];
const GRAY: Rgba = [128, 128, 128, 179];

/** Acquisition markers: orange (gray for a date no kept interferogram uses), black edge. */
function markers(spec: NetworkSpec, ax: ReturnType<typeof dateAxes>): Shape[] {
  const used = new Set(spec.pairs.filter((q) => q.kept).flatMap((q) => [q.i, q.j]));
  const r = 4 * ax.pt;
  return spec.dates.map((_, i) => ({
    kind: "circle" as const,
    cx: ax.x(i),
    cy: ax.y(i),
    r,
    fill: used.has(i) || !spec.pairs.length ? ORANGE : GRAY,
    stroke: LINE,
    width: ax.pt,
  }));
}

/**
 * The network figure (MintPy's `network.pdf`): dropped interferograms dashed under the kept
 * ones, acquisitions as markers, a legend when some are dropped.
 */
export function networkScene(spec: NetworkSpec): Scene {
  const ax = dateAxes(spec, "Interferogram Network", "Perp Baseline [m]");
  const shapes = ax.shapes;
  const lw = 2 * ax.pt, dash: [number, number] = [3.7 * lw, 1.6 * lw];
  const dropped = spec.pairs.filter((q) => !q.kept), kept = spec.pairs.filter((q) => q.kept);
  // Dropped interferograms (dashed) first, kept ones drawn over them.
  for (const q of [...dropped, ...kept]) {
    shapes.push({
      kind: "line",
      x0: ax.x(q.i),
      y0: ax.y(q.i),
      x1: ax.x(q.j),
      y1: ax.y(q.j),
      stroke: LINE,
      width: lw,
      ...(q.kept ? {} : { dash }),
    });
  }
  shapes.push(...markers(spec, ax));
  if (dropped.length) {
    const fs = ax.fs * 0.85;
    const boxW = 3.2 * ax.fs + textWidth("Ifgram dropped", fs),
      right = ax.width - 0.1 * ax.dpi - ax.fs;
    const x = right - boxW;
    shapes.push({
      kind: "rect",
      x: x - 0.4 * ax.fs,
      y: ax.top + 0.2 * ax.fs,
      w: boxW,
      h: 2.8 * ax.fs,
      fill: [255, 255, 255, 204],
      stroke: [204, 204, 204, 255],
      strokeWidth: ax.pt,
    });
    [["Ifgram used", undefined], ["Ifgram dropped", dash]].forEach(([label, d], k) => {
      const y = ax.top + (0.9 + 1.3 * k) * ax.fs;
      shapes.push({
        kind: "line",
        x0: x,
        y0: y,
        x1: x + 2 * ax.fs,
        y1: y,
        stroke: BLACK,
        width: lw,
        dash: d as [number, number] | undefined,
      });
      shapes.push({
        kind: "text",
        x: x + 2.4 * ax.fs,
        y: y + CAP_HEIGHT * fs / 2,
        text: label as string,
        color: BLACK,
        size: fs,
      });
    });
  }
  return {
    width: ax.width,
    height: ax.height,
    background: [255, 255, 255, 255],
    shapes,
    dpi: ax.dpi,
  };
}

/** The perpendicular-baseline history (MintPy's `pbaseHistory.pdf`): dates joined in order. */
export function pbaseHistoryScene(spec: NetworkSpec): Scene {
  const ax = dateAxes(spec, "Perpendicular Baseline History", "Perpendicular Baseline [m]", true);
  const used = new Set(spec.pairs.filter((q) => q.kept).flatMap((q) => [q.i, q.j]));
  const keep = spec.dates.map((_, i) => i).filter((i) => used.has(i) || !spec.pairs.length);
  for (let k = 1; k < keep.length; k++) {
    const a = keep[k - 1]!, b = keep[k]!;
    ax.shapes.push({
      kind: "line",
      x0: ax.x(a),
      y0: ax.y(a),
      x1: ax.x(b),
      y1: ax.y(b),
      stroke: LINE,
      width: 2 * ax.pt,
    });
  }
  ax.shapes.push(...markers(spec, ax));
  return {
    width: ax.width,
    height: ax.height,
    background: [255, 255, 255, 255],
    shapes: ax.shapes,
    dpi: ax.dpi,
  };
}
