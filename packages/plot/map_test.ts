import { ok, strictEqual, throws } from "node:assert/strict";
import { decode } from "fast-png";
import { colormap } from "./colormap.ts";
import { networkScene, pbaseHistoryScene } from "./network_chart.ts";
import { mapFigureScene } from "./raster_map.ts";
import { sceneToPdf, sceneToPng } from "./render.ts";
import { sceneToSvg } from "./scene.ts";
import { countColor, dates } from "./plot_test.ts";

const OUT = Deno.env.get("VINSAR_PLOT_TEST_OUT");

Deno.test("map figure: one panel with axes, colour bar, title; no data transparent", async () => {
  const L = 20, W = 30;
  const v = new Float32Array(L * W);
  for (let i = 0; i < v.length; i++) v[i] = ((i % W) / (W - 1) - 0.5) * 20; // -10..10
  v[5 * W + 5] = NaN;
  const scene = mapFigureScene([{ values: v, rows: L, cols: W }], {
    length: L,
    width: W,
    scale: { cmap: "jet", vlim: [-10, 10] },
    title: "velocity",
    unit: "mm/year",
    marker: { y: 10, x: 15 },
  });
  const svg = sceneToSvg(scene);
  // matplotlib's locator: 9 intervals fit this bar, so steps of 2.5.
  ok(svg.includes(">velocity<") && svg.includes(">mm/year<") && svg.includes(">\u22127.5<"));
  ok(!svg.includes(">+0<") && svg.includes(">0.0<"), "colour-bar tick 0");
  ok(svg.includes(">20<"), "pixel-number axis");
  const png = decode(await sceneToPng(scene));
  strictEqual(png.width, scene.width);
  ok(countColor(png, colormap("jet")(0)) > 100 && countColor(png, colormap("jet")(1)) > 100);
  const pdf = await sceneToPdf(scene);
  strictEqual(new TextDecoder().decode(pdf.subarray(0, 5)), "%PDF-");
  if (OUT) await Deno.writeFile(`${OUT}/map_single.png`, await sceneToPng(scene));
  throws(() => mapFigureScene([], { length: 1, width: 1, scale: { cmap: "jet", vlim: [0, 1] } }));
});

Deno.test("map figure: a grid of 12 dated panels sharing one colour bar", async () => {
  const L = 30, W = 20;
  const panels = dates(12).map((d, k) => ({
    values: Float32Array.from({ length: L * W }, (_, i) => k * Math.sin(i / 50)),
    rows: L,
    cols: W,
    title: d,
  }));
  const scene = mapFigureScene(panels, {
    length: L,
    width: W,
    scale: { cmap: "RdBu_r", vlim: [-11, 11] },
    unit: "cm",
    extend: "both",
    marker: { y: 3, x: 4 },
    flipLR: true,
  });
  strictEqual(scene.shapes.filter((s) => s.kind === "image").length, 13); // + colour bar
  // Two triangle ends and the bar's outline; the marker a tenth of 6 pt (+ 1 pt edge).
  strictEqual(scene.shapes.filter((s) => s.kind === "polygon").length, 3);
  const marks = scene.shapes.filter((s) => s.kind === "rect" && s.fill);
  ok(marks.length === 12 && marks.every((m) => m.kind === "rect" && m.w < 4), "small markers");
  // MintPy's 15 x 8 inch figure cropped to what is drawn; no figure title above a grid.
  ok(scene.width <= 15.5 * 150 && scene.height <= 8 * 150 + 1, `${scene.width}`);
  if (OUT) await Deno.writeFile(`${OUT}/map_grid.png`, await sceneToPng(scene));
});

Deno.test("network: one line per pair, dropped ones dashed, legend; baseline history", async () => {
  const d = dates(8);
  const pairs = [];
  for (let i = 0; i < 8; i++) {
    for (let j = i + 1; j < Math.min(8, i + 3); j++) pairs.push({ i, j, kept: j - i === 1 });
  }
  const spec = { dates: d, pbase: d.map((_, i) => 40 * Math.sin(i)), pairs };
  const scene = networkScene(spec);
  const lines = scene.shapes.filter((s) => s.kind === "line" && s.width > 3);
  const dashed = lines.filter((s) => s.kind === "line" && s.dash);
  strictEqual(dashed.length, pairs.filter((p) => !p.kept).length + 1); // + legend
  strictEqual(lines.length, pairs.length + 2);
  const svg = sceneToSvg(scene);
  ok(svg.includes(">Ifgram dropped<") && svg.includes(">Perp Baseline [m]<"));
  strictEqual(scene.width, 900);
  const hist = pbaseHistoryScene(spec);
  ok(sceneToSvg(hist).includes(">Perpendicular Baseline History<"));
  if (OUT) {
    await Deno.writeFile(`${OUT}/network.png`, await sceneToPng(scene));
    await Deno.writeFile(`${OUT}/network.pdf`, await sceneToPdf(scene));
  }
});
