/**
 * A small dependency-free SVG line chart for the benchmark pages: log-x (pixels), linear or
 * log y, one polyline with dots per series and a legend on the right. Used by
 * `scaling.ts` (docs/performance/scaling.svg) and `grid.ts` (docs/performance/grid.svg).
 * @module
 */

/** One line of the chart: points `[x, y]` in data units (x > 0; y > 0 with `logY`). */
export interface ChartSeries {
  label: string;
  color: string;
  /** SVG `stroke-dasharray`, e.g. "6 3"; the legend then shows a line instead of a box. */
  dash?: string;
  points: ReadonlyArray<readonly [number, number]>;
}

/** Layout and labels of {@link lineChartSvg}. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ReadonlyArray<ChartSeries>;
  /** Logarithmic y axis (for rates spanning decades). Default: linear from 0. */
  logY?: boolean;
  /** Picture width and the legend's width in px (default 640 and 150). */
  width?: number;
  legendWidth?: number;
  /** Picture height in px (default 400). */
  height?: number;
}

/** `12000` -> "12k", `2000000` -> "2M": axis labels for counts and rates. */
export function shortNumber(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** Render the chart as a standalone SVG document (text). */
export function lineChartSvg(o: ChartOptions): string {
  const W = o.width ?? 640, H = o.height ?? 400, L = 80, R = o.legendWidth ?? 150, T = 40, B = 50;
  const all = o.series.flatMap((s) => s.points);
  const xs = [...new Set(all.map((p) => p[0]))].sort((a, b) => a - b);
  const lx = (p: number) =>
    L +
    (Math.log10(p) - Math.log10(xs[0]!)) / Math.max(1e-9, Math.log10(xs.at(-1)! / xs[0]!)) *
      (W - L - R);
  const ys = all.map((p) => p[1]);
  let ly: (v: number) => number;
  let ticks: number[];
  let yLabel: (v: number) => string;
  if (o.logY) {
    const lo = Math.log10(Math.min(...ys) / 1.25), hi = Math.log10(Math.max(...ys) * 1.25);
    ly = (v) => H - B - (Math.log10(v) - lo) / Math.max(1e-9, hi - lo) * (H - T - B);
    ticks = [];
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of [1, 2, 5]) {
        const v = m * 10 ** e;
        if (Math.log10(v) >= lo && Math.log10(v) <= hi) ticks.push(v);
      }
    }
    yLabel = shortNumber;
  } else {
    const ymax = Math.max(...ys) * 1.1;
    ly = (v) => H - B - (v / ymax) * (H - T - B);
    ticks = [0, 1, 2, 3, 4].map((i) => (ymax / 4) * i);
    yLabel = (v) => `${Math.round(v / 1000)}k`;
  }
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2 - 60}" y="20" font-size="14">${o.title}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
    `<text x="${(L + W - R) / 2 - 30}" y="${H - 10}">${o.xLabel}</text>`,
    `<text x="15" y="${(T + H - B) / 2}" transform="rotate(-90 15 ${
      (T + H - B) / 2
    })">${o.yLabel}</text>`,
  ];
  for (const p of xs) {
    parts.push(
      `<line x1="${lx(p)}" y1="${H - B}" x2="${lx(p)}" y2="${H - B + 5}" stroke="black"/>`,
    );
    parts.push(
      `<text x="${lx(p) - 18}" y="${H - B + 18}">${shortNumber(p)}</text>`,
    );
  }
  for (const v of ticks) {
    parts.push(`<line x1="${L - 5}" y1="${ly(v)}" x2="${W - R}" y2="${ly(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${L - 45}" y="${ly(v) + 4}">${yLabel(v)}</text>`);
  }
  o.series.forEach((s, i) => {
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : "";
    parts.push(
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash} points="${
        s.points.map(([x, y]) => `${lx(x)},${ly(y)}`).join(" ")
      }"/>`,
    );
    for (const [x, y] of s.points) {
      parts.push(`<circle cx="${lx(x)}" cy="${ly(y)}" r="3" fill="${s.color}"/>`);
    }
    const y0 = T + 20 * i;
    parts.push(
      s.dash
        ? `<line x1="${W - R + 10}" y1="${y0 + 6}" x2="${W - R + 28}" y2="${
          y0 + 6
        }" stroke="${s.color}" stroke-width="2"${dash}/>`
        : `<rect x="${W - R + 15}" y="${y0}" width="12" height="12" fill="${s.color}"/>`,
    );
    parts.push(`<text x="${W - R + 32}" y="${y0 + 11}">${s.label}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}
