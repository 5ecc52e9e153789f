import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { decode } from "fast-png";
import { analyzeRms } from "@vinsar/core";
import { RgbaCanvas } from "./canvas.ts";
import { colormap } from "./colormap.ts";
import { crc32, encodeRgbaPng } from "./png.ts";
import { fontCharacters, glyph, GLYPH_ADVANCE, textWidth } from "./font.ts";
import { mapLimits, renderMapPng } from "./raster_map.ts";
import { renderRmsChart, rmsFigureSize } from "./rms_chart.ts";
import { dateTicks, formatTick, niceTicks } from "./ticks.ts";

/** `n` dates every 12 days from 2015-01-01. */
function dates(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2015, 0, 1) + i * 12 * 86400000);
    return d.toISOString().slice(0, 10).replaceAll("-", "");
  });
}

/** Count pixels of an exact RGB colour. */
function countColor(png: { data: ArrayLike<number>; channels: number }, rgb: number[]): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += png.channels) {
    if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
  }
  return n;
}

for (const n of [30, 300]) {
  Deno.test(`RMS chart at ${n} dates: valid PNG and SVG, bars, reference and outliers`, () => {
    const rms = Array.from({ length: n }, (_, i) => 0.004 + 0.002 * Math.abs(Math.sin(i)));
    const out = n > 100 ? 200 : 7;
    rms[out] = 0.05; // an outlier
    rms[3] = 0.001; // the reference date
    const a = analyzeRms(rms, 3);
    deepStrictEqual(a.excluded, [out]);
    const { svg, png } = renderRmsChart(dates(n), a, 3);
    const img = decode(png);
    const [w, h] = rmsFigureSize(n);
    strictEqual(img.width, Math.round(w * 200));
    strictEqual(img.height, Math.round(h * 200));
    strictEqual(img.width, n > 120 ? 2500 : 1000);
    ok(countColor(img, [31, 119, 180]) > 0, "blue bars");
    ok(countColor(img, [255, 127, 14]) > 0, "orange reference bar");
    ok(countColor(img, [169, 169, 169]) > 0, "grey outlier bar");
    ok(svg.startsWith("<?xml") && svg.trimEnd().endsWith("</svg>"));
    // One bar per date plus the background, frame and legend swatches.
    const rects = svg.match(/<rect /g)!.length;
    ok(rects >= n + 2 && rects <= n + 6, `${rects} rects`);
    ok(svg.includes(">Reference date<") && svg.includes(">Exclude date<"));
    ok(svg.includes(">Median Abs Dev * 3.0<"));
    ok(svg.includes(`>${dates(n)[3]}<`) && svg.includes(`>${dates(n)[out]}<`), "date labels");
    // Calendar labels fit: no two overlap at this width.
    const labels = [
      ...svg.matchAll(
        /<text x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="middle"[^>]*>(\d{4}(-\d\d)?)</g,
      ),
    ]
      .map((m) => ({ x: Number(m[1]), text: m[3]! }));
    ok(labels.length >= 2, "calendar tick labels");
    for (let i = 1; i < labels.length; i++) {
      ok(labels[i]!.x - labels[i - 1]!.x > textWidth(labels[i]!.text, 3), "labels overlap");
    }
  });
}

Deno.test("MintPy's figure width rule beyond 120 dates", () => {
  deepStrictEqual(rmsFigureSize(100), [5, 3]);
  deepStrictEqual(rmsFigureSize(200), [8.3, 3]);
  deepStrictEqual(rmsFigureSize(1000), [15, 3]);
});

Deno.test("velocity map PNG: size, colour bar, no-data pixels", () => {
  const L = 20, W = 30;
  const v = new Float32Array(L * W);
  for (let i = 0; i < v.length; i++) v[i] = ((i % W) / (W - 1) - 0.5) * 0.02; // -10..10 mm/yr
  v[5 * W + 5] = NaN;
  v[5 * W + 6] = 0;
  const png = decode(renderMapPng(v, L, W, {
    title: "velocity",
    unit: "mm/year",
    scale: 1000,
    vmin: -10,
    vmax: 10,
    cmap: "jet",
    nodata: "transparent",
  }));
  ok(png.width > W * 20 && png.height > L * 20, `${png.width} x ${png.height}`);
  strictEqual(png.channels, 4);
  // The two no-data pixels (enlarged, away from the frame) are fully transparent.
  let transparent = 0;
  for (let i = 3; i < png.data.length; i += 4) if (png.data[i] === 0) transparent++;
  const up = Math.floor(640 / W);
  strictEqual(transparent, 2 * up * up);
  // Both ends of the colour map appear (map and colour bar).
  ok(countColor(png, colormap("jet")(0)) > 0 && countColor(png, colormap("jet")(1)) > 0);
  throws(() => renderMapPng(v, L, W, { cmap: "nope" }), RangeError);
  // 2nd and 98th percentiles of [-1, 2] (linear interpolation): -0.94 and 1.94, made
  // symmetric for a diverging map; NaN and zero are no data.
  const lim = mapLimits(Float32Array.of(-1, 2, NaN, 0), { cmap: "RdBu" });
  ok(Math.abs(lim[0] + 1.94) < 1e-12 && Math.abs(lim[1] - 1.94) < 1e-12, String(lim));
});

Deno.test("bitmap font covers printable ASCII and draws text", () => {
  for (let c = 32; c < 127; c++) ok(fontCharacters().includes(String.fromCharCode(c)), `char ${c}`);
  ok(glyph("A").some((b) => b === 1));
  ok(glyph(" ").every((b) => b === 0));
  deepStrictEqual(glyph("\u00e9"), glyph("?"));
  strictEqual(textWidth("abc", 2), (3 * GLYPH_ADVANCE - 1) * 2);
  const cv = new RgbaCanvas(40, 20);
  cv.text(2, 12, "Hi", [0, 0, 0, 255], { scale: 1 });
  let ink = 0;
  for (let i = 0; i < cv.data.length; i += 4) if (cv.data[i] === 0) ink++;
  const expected = [...glyph("H"), ...glyph("i")].filter((b) => b).length;
  strictEqual(ink, expected);
});

Deno.test("ticks: nice steps, labels, calendar thinning", () => {
  deepStrictEqual(niceTicks(0, 60, 5).ticks, [0, 20, 40, 60]);
  deepStrictEqual(niceTicks(0, 12.5, 5).ticks, [0, 2.5, 5, 7.5, 10, 12.5]);
  strictEqual(formatTick(2.5, 2.5), "2.5");
  strictEqual(formatTick(10, 5), "10");
  // 4-character labels of 72 px and a gap of 36 px do not fit 100 px per year: every 2 years.
  const wide = dateTicks(2015, 2025, 100, (t) => t.length * 18);
  deepStrictEqual(wide.major.map((m) => m.label), ["2016", "2018", "2020", "2022", "2024"]);
  const months = dateTicks(2018.0, 2018.6, 1400, (t) => t.length * 18);
  ok(months.major.every((m) => /^2018-\d\d$/.test(m.label)) && months.major.length >= 3);
  const everyYear = dateTicks(2015, 2025, 2000, (t) => t.length * 18, 2);
  ok(everyYear.major.every((m) => Number(m.label) % 2 === 0));
});

Deno.test("PNG encoder: CRC-32 check value; random RGBA round-trips through fast-png", () => {
  strictEqual(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (const [w, h] of [[1, 1], [3, 5], [64, 17]] as const) {
    const data = Uint8Array.from({ length: w * h * 4 }, () => Math.floor(rand() * 256));
    const png = decode(encodeRgbaPng(w, h, data));
    strictEqual(png.width, w);
    strictEqual(png.height, h);
    strictEqual(png.channels, 4);
    deepStrictEqual([...png.data], [...data], `${w} x ${h}`);
  }
  throws(() => encodeRgbaPng(2, 2, new Uint8Array(15)), RangeError);
});
