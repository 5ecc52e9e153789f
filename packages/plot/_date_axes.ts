/**
 * The date-against-baseline axes of the network figures as MintPy draws them: a date range
 * from the month of 0.2 years before the first date to that of 0.3 years after the last,
 * year labels with month minor ticks, matplotlib's automatic y ticks, the y label and the
 * title; ticks inward on all four sides (network) or outward on the left and bottom only
 * (baseline history, matplotlib's default).
 * @module
 */
import { decimalYear, parseDate } from "@vinsar/core/dates";
import type { NetworkSpec } from "./network_spec.ts";
import type { Rgba, Shape } from "./scene.ts";
import { CAP_HEIGHT, textWidth } from "./text.ts";
import { autoTicks } from "./_colorbar.ts";
import { formatTick } from "./ticks.ts";

const BLACK: Rgba = [0, 0, 0, 255];

/** MintPy's figure size for `n` dates. */
export function networkFigureSize(n: number): [number, number] {
  return n <= 100 ? [6, 4] : n <= 200 ? [8, 4] : n <= 300 ? [10, 4] : [12, 4];
}

/** Decimal year of the first day of month `m` (1-12, may overflow) of year `y`. */
function monthStart(y: number, m: number): number {
  const yy = y + Math.floor((m - 1) / 12), mm = ((m - 1) % 12 + 12) % 12 + 1;
  return decimalYear({ year: yy, month: mm, day: 1 });
}

/** MintPy's date range: whole months round the dates with 0.2 (before) and 0.3 years. */
function dateRange(t0: number, t1: number): [number, number] {
  const at = (t: number) => {
    const y = Math.floor(t);
    return monthStart(y, Math.min(12, Math.max(1, Math.floor((t - y) * 12))));
  };
  return [at(t0 - 0.2), at(t1 + 0.3)];
}

/** Year ticks every `n` years and month minor ticks (every 1, 3 or 6 months) in [t0, t1]. */
function yearTicks(t0: number, t1: number, n: number) {
  const every = n <= 3 ? 1 : n <= 6 ? 3 : n <= 12 ? 6 : 0;
  const major: Array<{ t: number; label: string }> = [], minor: number[] = [];
  for (let y = Math.floor(t0); y <= Math.ceil(t1); y++) {
    for (let m = 1; m <= 12; m++) {
      const t = monthStart(y, m);
      if (t < t0 || t > t1) continue;
      if (m === 1 && y % n === 0) major.push({ t, label: String(y) });
      else if (every && (m - 1) % every === 0) minor.push(t);
    }
  }
  return { major, minor };
}

/**
 * Axes with date x and metre y; returns the shapes and the two coordinate maps. `outward`
 * draws the ticks out of the frame on the left and bottom only; `rightRoom` (px) is kept free
 * right of the frame (for a colour bar).
 */
export function dateAxes(
  spec: NetworkSpec,
  titleText: string,
  yLabel: string,
  outward = false,
  rightRoom = 0,
) {
  const dpi = spec.dpi ?? 150, pt = dpi / 72;
  const [wIn, hIn] = spec.figSize ?? networkFigureSize(spec.dates.length);
  const width = Math.round(wIn * dpi), height = Math.round(hIn * dpi);
  const fs = (spec.fontSize ?? 12) * pt, lw = 0.8 * pt, asc = CAP_HEIGHT * fs;
  const t = spec.dates.map((d) => decimalYear(parseDate(d)));
  const p = Array.from(spec.pbase);
  const pmin = Math.min(...p), pmax = Math.max(...p), range = pmax - pmin || 1;
  const [ylo, yhi] = [pmin - 0.1 * range, pmax + 0.1 * range];
  const pad = 0.1 * dpi;
  const top = pad + (spec.title === false ? 0 : 1.6 * fs);
  const bottomGuess = height - pad - 1.6 * fs;
  const yt = autoTicks(ylo, yhi, bottomGuess - top, fs, true);
  const yLabels = yt.ticks.map((v) => formatTick(v, yt.step));
  const left = pad + 1.4 * fs + Math.max(...yLabels.map((l) => textWidth(l, fs))) + 0.6 * fs;
  const right = width - pad - (rightRoom || fs), bottom = height - pad - 1.6 * fs;
  const [t0, t1] = dateRange(t[0] ?? 2000, t.at(-1) ?? 2001);
  const px = (v: number) => left + (v - t0) / (t1 - t0) * (right - left);
  const py = (v: number) => bottom - (v - ylo) / (yhi - ylo) * (bottom - top);
  const shapes: Shape[] = [];
  const tick = 0.35 * fs, out = outward ? -1 : 1;
  const line = (x0: number, y0: number, x1: number, y1: number) =>
    shapes.push({ kind: "line", x0, y0, x1, y1, stroke: BLACK, width: lw });
  yt.ticks.forEach((v, k) => {
    if (v < ylo || v > yhi) return;
    line(left, py(v), left + out * tick, py(v));
    if (!outward) line(right - tick, py(v), right, py(v));
    const y = py(v) + asc / 2;
    shapes.push({
      kind: "text",
      x: left - 0.3 * fs - (outward ? tick : 0),
      y,
      text: yLabels[k]!,
      color: BLACK,
      size: fs,
      anchor: "end",
    });
  });
  // MintPy's year step: about one label per 1.24 inches of a 6.2 inch axis.
  const n = Math.max(1, Math.round(6.2 / ((right - left) / dpi) * (t1 - t0) / 5));
  const dt = yearTicks(t0, t1, n);
  const xTick = (tx: number, len: number) => {
    line(px(tx), bottom, px(tx), bottom - out * len);
    if (!outward) line(px(tx), top, px(tx), top + len);
  };
  for (const m of dt.minor) xTick(m, tick / 2);
  for (const m of dt.major) {
    xTick(m.t, tick);
    const half = textWidth(m.label, fs) / 2;
    if (px(m.t) - half < left - 2 * fs || px(m.t) + half > width - 2) continue;
    shapes.push({
      kind: "text",
      x: px(m.t),
      y: bottom + 0.3 * fs + asc + (outward ? tick : 0),
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
    right,
    bottom,
  };
}
