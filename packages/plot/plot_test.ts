import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { decode } from "fast-png";
import { analyzeRms } from "@vinsar/core";
import { colormap, COLORMAP_NAMES, defaultColormap, isDiverging } from "./colormap.ts";
import { scaleIndex } from "./map_image.ts";
import { renderRmsChart, rmsFigureSize } from "./rms_chart.ts";
import { formatOfPath } from "./render.ts";
import { textWidth } from "./text.ts";
import { dateTicks, formatTick, niceTicks } from "./ticks.ts";

const OUT = Deno.env.get("VINSAR_PLOT_TEST_OUT");

/** `n` dates every 12 days from 2015-01-01. */
export function dates(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2015, 0, 1) + i * 12 * 86400000);
    return d.toISOString().slice(0, 10).replaceAll("-", "");
  });
}

/** Count pixels of an exact RGB colour. */
export function countColor(
  png: { data: ArrayLike<number>; channels: number },
  rgb: readonly number[],
): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += png.channels) {
    if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
  }
  return n;
}

for (const n of [30, 300]) {
  Deno.test(`RMS chart at ${n} dates: PNG, SVG and PDF; bars, reference and outliers`, async () => {
    const rms = Array.from({ length: n }, (_, i) => 0.004 + 0.002 * Math.abs(Math.sin(i)));
    const out = n > 100 ? 200 : 15;
    rms[out] = 0.05; // an outlier
    rms[3] = 0.001; // the reference date
    const a = analyzeRms(rms, 3);
    deepStrictEqual(a.excluded, [out]);
    const { svg, png, pdf } = await renderRmsChart(dates(n), a, 3);
    if (OUT) await Deno.writeFile(`${OUT}/rms_${n}.png`, png);
    const img = decode(png);
    strictEqual(img.width, n > 120 ? 2500 : 1000);
    strictEqual(img.height, 600);
    ok(countColor(img, [31, 119, 180]) > 0, "blue bars");
    ok(countColor(img, [255, 127, 14]) > 0, "orange reference bar");
    ok(countColor(img, [169, 169, 169]) > 0, "grey outlier bar");
    strictEqual(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
    ok(new TextDecoder("latin1").decode(pdf).includes("DejaVuSans"), "font embedded in the PDF");
    ok(svg.startsWith("<?xml") && svg.trimEnd().endsWith("</svg>"));
    const rects = svg.match(/<rect /g)!.length;
    ok(rects >= n + 2 && rects <= n + 6, `${rects} rects`);
    ok(svg.includes(">Reference date<") && svg.includes(">Exclude date<"));
    ok(svg.includes(">Median Abs Dev * 3.0<"));
    ok(svg.includes(`>${dates(n)[3]}<`) && svg.includes(`>${dates(n)[out]}<`), "date labels");
    // Calendar labels fit: no two overlap at the chart's font size.
    const labels = [
      ...svg.matchAll(
        /<text x="([\d.]+)" y="[\d.]+" font-size="([\d.]+)"[^>]*middle[^>]*>(\d{4}(-\d\d)?)</g,
      ),
    ].map((m) => ({ x: Number(m[1]), size: Number(m[2]), text: m[3]! }));
    ok(labels.length >= 2, "calendar tick labels");
    for (let i = 1; i < labels.length; i++) {
      const l = labels[i]!;
      ok(l.x - labels[i - 1]!.x > textWidth(l.text, l.size), "labels overlap");
    }
  });
}

Deno.test("MintPy's figure width rule beyond 120 dates", () => {
  deepStrictEqual(rmsFigureSize(100), [5, 3]);
  deepStrictEqual(rmsFigureSize(200), [8.3, 3]);
  deepStrictEqual(rmsFigureSize(1000), [15, 3]);
});

Deno.test("colour maps: matplotlib's tables, reversed forms, MintPy's defaults", () => {
  deepStrictEqual(colormap("jet")(0), [0, 0, 127]);
  deepStrictEqual(colormap("jet")(1), [127, 0, 0]);
  // matplotlib's jet(128) is (124 or 125, 255, 121) depending on float rounding.
  const mid = colormap("jet")(0.5);
  ok(Math.abs(mid[0] - 124.5) <= 0.5 && mid[1] === 255 && mid[2] === 121, String(mid));
  deepStrictEqual(colormap("viridis")(0), [68, 1, 84]);
  deepStrictEqual(colormap("viridis")(1), [253, 231, 37]);
  deepStrictEqual(colormap("viridis_r")(0), [253, 231, 37]);
  deepStrictEqual(colormap("RdBu")(0), [103, 0, 31]);
  deepStrictEqual(colormap("RdBu_r")(0), [5, 48, 97]);
  deepStrictEqual(colormap("gray")(1), [255, 255, 255]);
  deepStrictEqual(colormap("jet")(NaN), colormap("jet")(0));
  for (const name of ["jet", "viridis", "RdBu", "RdBu_r", "gray"]) {
    ok(COLORMAP_NAMES.includes(name), name);
  }
  throws(() => colormap("nope"), RangeError);
  ok(isDiverging("RdBu_r") && !isDiverging("jet"));
  strictEqual(defaultColormap("velocity", "velocity"), "jet");
  strictEqual(defaultColormap("temporalCoherence", "temporalCoherence"), "gray");
  strictEqual(defaultColormap("ifgramStack", "coherence-20200101_20200113"), "gray");
  strictEqual(defaultColormap("mask", "mask"), "jet"); // MintPy shows maskTempCoh.h5 in jet
  strictEqual(defaultColormap("mask", "waterMask"), "gray");
  // Discrete levels: two levels take the two ends of the map.
  strictEqual(scaleIndex(0, { cmap: "gray", vlim: [-0.5, 1.5], levels: 2 }), 0);
  strictEqual(scaleIndex(1, { cmap: "gray", vlim: [-0.5, 1.5], levels: 2 }), 255);
});

Deno.test("ticks: nice steps, labels, calendar thinning; text widths; formats", () => {
  deepStrictEqual(niceTicks(0, 60, 5).ticks, [0, 20, 40, 60]);
  deepStrictEqual(niceTicks(0, 12.5, 5).ticks, [0, 2.5, 5, 7.5, 10, 12.5]);
  strictEqual(formatTick(2.5, 2.5), "2.5");
  strictEqual(formatTick(-0, 5), "0");
  const wide = dateTicks(2015, 2025, 100, (t) => t.length * 18);
  deepStrictEqual(wide.major.map((m) => m.label), ["2016", "2018", "2020", "2022", "2024"]);
  const months = dateTicks(2018.0, 2018.6, 1400, (t) => t.length * 18);
  ok(months.major.every((m) => /^2018-\d\d$/.test(m.label)) && months.major.length >= 3);
  // DejaVu Sans digits are 0.636 em wide.
  ok(Math.abs(textWidth("0000", 10) - 25.45) < 0.1, String(textWidth("0000", 10)));
  ok(textWidth("W", 10) > textWidth("i", 10));
  strictEqual(formatOfPath("a/velocity.PDF"), "pdf");
  strictEqual(formatOfPath("v.svg"), "svg");
  strictEqual(formatOfPath("v.jpg"), null);
});
