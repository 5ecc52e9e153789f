/**
 * MintPy's `plot_network` figures: the interferogram network (acquisition date against
 * perpendicular baseline, one line per interferogram, dropped ones dashed) and the
 * perpendicular-baseline history, as {@link Scene}s.
 * @module
 */
import { encode } from "fast-png";
import { colorbarShapes } from "./_colorbar.ts";
import { colormap } from "./colormap.ts";
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

/** Entries of MintPy's truncated colour maps (its higher resolution near the jump). */
const TRUNC_LUT = 2560;

/**
 * MintPy's `RdBu_truncate` colour map for `vlist` (lower, jump, upper): the red third of RdBu
 * (0 ... 0.3) below the jump and its blue part (0.6 ... 1) above, each over its share of the
 * range. Maps `t` in [0, 1] (clipped) to a colour.
 */
export function truncatedRdBu(
  vlist: readonly [number, number, number],
): (t: number) => [number, number, number] {
  const rdbu = colormap("RdBu");
  const n1 = Math.round(TRUNC_LUT * (vlist[1] - vlist[0]) / (vlist[2] - vlist[0]));
  const n2 = TRUNC_LUT - n1;
  return (t) => {
    const k = !(t > 0) ? 0 : t >= 1 ? TRUNC_LUT - 1 : Math.floor(t * TRUNC_LUT);
    return k < n1
      ? rdbu(0.3 * k / Math.max(1, n1 - 1))
      : rdbu(0.6 + 0.4 * (k - n1) / Math.max(1, n2 - 1));
  };
}

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
  const coh = spec.coherence;
  const dpi = spec.dpi ?? 150, fs0 = (spec.fontSize ?? 12) * dpi / 72;
  const figW = (spec.figSize ?? networkFigureSize(spec.dates.length))[0] * dpi;
  // The colour bar as MintPy's `append_axes("right", "3%", pad="3%")`, then its tick labels
  // and label: room for about 6% of the axes plus the text.
  const textRoom = 0.6 * fs0 + textWidth("0.0", fs0) + 0.4 * fs0 + 1.2 * fs0 + 0.1 * dpi;
  const ax = dateAxes(
    spec,
    "Interferogram Network",
    "Perp Baseline [m]",
    false,
    coh ? 0.06 * 0.75 * figW + textRoom : 0,
  );
  const shapes = ax.shapes;
  const lw = 2 * ax.pt, dash: [number, number] = [3.7 * lw, 1.6 * lw];
  const dropped = spec.pairs.filter((q) => !q.kept), kept = spec.pairs.filter((q) => q.kept);
  const cmap = coh && truncatedRdBu(coh.vlist);
  const color = (q: NetworkSpec["pairs"][number]): Rgba => {
    if (!cmap || q.coherence === undefined || !Number.isFinite(q.coherence)) return LINE;
    const [lo, hi] = coh!.vlim;
    return [...cmap((q.coherence - lo) / (hi - lo)), 179];
  };
  // Low-coherence interferograms under the high ones, as MintPy.
  if (cmap) kept.sort((a, b) => (a.coherence ?? -Infinity) - (b.coherence ?? -Infinity));
  // Dropped interferograms (dashed) first, kept ones drawn over them.
  for (const q of [...dropped, ...kept]) {
    shapes.push({
      kind: "line",
      x0: ax.x(q.i),
      y0: ax.y(q.i),
      x1: ax.x(q.j),
      y1: ax.y(q.j),
      stroke: color(q),
      width: lw,
      ...(q.kept ? {} : { dash }),
    });
  }
  shapes.push(...markers(spec, ax));
  if (coh && cmap) shapes.push(...coherenceBar(coh, cmap, ax));
  if (dropped.length) {
    const fs = ax.fs * 0.85;
    const boxW = 3.2 * ax.fs + textWidth("Ifgram dropped", fs),
      right = ax.right;
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

/** The colour bar right of the network axes, labelled as MintPy's. */
function coherenceBar(
  coh: NonNullable<NetworkSpec["coherence"]>,
  cmap: (t: number) => [number, number, number],
  ax: ReturnType<typeof dateAxes>,
): Shape[] {
  const axW = ax.right - ax.left;
  const box = { x: ax.right + 0.03 * axW, y: ax.top, w: 0.03 * axW, h: ax.bottom - ax.top };
  const n = Math.max(2, Math.round(box.h));
  const px = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    px.set([...cmap(1 - (i + 0.5) / n), 255], 4 * i);
  }
  const png = encode({ width: 1, height: n, data: px, channels: 4, depth: 8 });
  const label = coh.label ?? "Average Spatial Coherence";
  // The shared colour bar draws a named map's column first; put the truncated map there.
  const shapes = colorbarShapes({ cmap: "RdBu", vlim: coh.vlim }, box, label, ax.fs, 0.8 * ax.pt);
  const first = shapes[0];
  if (first?.kind === "image") shapes[0] = { ...first, png };
  return shapes;
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
