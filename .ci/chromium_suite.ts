/**
 * `vinsar tsview` in a real headless Chromium (Debian's `/usr/bin/chromium`, or `$CHROMIUM`),
 * driven by playwright-core (issue 16, item 3).
 *
 *     deno run -A .ci/chromium_suite.ts [--data DIR [--velocity FILE]] [--clicks N]
 *
 * Without `--data`: simulates a small time-series (`simulate --timeseries-only`, then
 * `timeseries2velocity`) in a temp folder, serves it with the CLI (`tsview timeseries.h5
 * velocity.h5`) and checks that the page loads and draws the map (canvas not blank, colours
 * = the colour table at the file's values), marks the reference point, shows a clicked
 * pixel's series equal to the file's (read independently with h5wasm) with the model of
 * velocity.h5 (intercept + velocity t; for any other model, data minus model = MintPy's
 * `residue`), follows the date slider, the arrow keys and the colour controls, and that
 * Ctrl-C stops the server. With `--data DIR` (holding timeseries.h5 and velocity.h5, or
 * `--velocity FILE`): the same, plus per-click and server timings (docs/performance/tsview.md).
 *
 * Screenshots go to `$TSVIEW_SCREENSHOTS` (default: a temp folder; printed). Ends with
 * "N passed, N failed" and exits 1 on any failure.
 * @module
 */
import { chromium } from "playwright-core";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { h5Datasets, h5Pixel, modelAt, startTsview } from "../apps/cli/commands/tsview_testing.ts";
import {
  CANVAS_STATS,
  CHROMIUM_FLAGS,
  clickLatency,
  clickPixel,
  pixelJs,
  serverLatency,
} from "./_tsview_page.ts";

const MAIN = fileURLToPath(new URL("../apps/cli/main.ts", import.meta.url));
const CHROMIUM = Deno.env.get("CHROMIUM") ?? "/usr/bin/chromium";
let passed = 0, failed = 0;
async function check(name: string, fn: () => Promise<string | void>): Promise<void> {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
  }
}
function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

async function cli(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args, "-q", "--no-sync"],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

try {
  Deno.statSync(CHROMIUM);
} catch {
  console.log(`chromium: ${CHROMIUM} not found (apt-get install -y chromium, or set $CHROMIUM)`);
  console.log("0 passed, 1 failed");
  Deno.exit(1);
}
const flag = (name: string) =>
  Deno.args.includes(name) ? Deno.args[Deno.args.indexOf(name) + 1]! : null;
const dataDir = flag("--data");
const clicks = Number(flag("--clicks") ?? 5);
const shots = Deno.env.get("TSVIEW_SCREENSHOTS") ?? await Deno.makeTempDir({ prefix: "tsview-" });
await Deno.mkdir(shots, { recursive: true });
const work = dataDir ?? await Deno.makeTempDir({ prefix: "tsview-data-" });

/** Set up: the data (unless given), the server, the browser; on failure the summary line. */
async function setUp() {
  try {
    if (!dataDir) {
      const size = "--length 120 --width 160 --dates 24 --timeseries-only --no-truth";
      await cli(work, "simulate", ...size.split(" "));
      await cli(work, "timeseries2velocity", "timeseries.h5");
    }
    const ts = join(work, "timeseries.h5");
    const vel = flag("--velocity") ?? join(work, "velocity.h5");
    const server = await startTsview(MAIN, [ts, vel]);
    // playwright starts Chromium with a fresh empty profile (its own temporary --user-data-dir).
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    return { ts, vel, server, browser };
  } catch (e) {
    console.log(`FAIL set up: ${e instanceof Error ? e.message : e}\n0 passed, 1 failed`);
    Deno.exit(1);
  }
}
const { ts, vel, server, browser } = await setUp();
const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
const errors: string[] = [];
page.on("pageerror", (e) => errors.push(e.message));
const clicked: [number, number] = [0, 0];
let meta: { length: number; width: number; dates: string[]; refY: number; refX: number } = null!;

await check("page loads and the map is drawn", async () => {
  const t0 = performance.now();
  await page.goto(server.url);
  await page.waitForSelector("body[data-state=ready]", { timeout: 60_000 });
  const wall = performance.now() - t0;
  meta = await page.evaluate("window.tsview.state.meta");
  const s = await page.evaluate<{ drawn: number; total: number; colours: number }>(
    CANVAS_STATS,
  );
  assert(s.drawn > 0.5 * s.total, `only ${s.drawn} of ${s.total} canvas pixels drawn`);
  assert(s.colours > 20, `only ${s.colours} distinct colours: blank map`);
  await page.screenshot({ path: join(shots, "tsview-map.png") });
  const t = await page.evaluate<{
    firstPaint: number;
    lastMap: number;
    mapParts: { fetch: number; limitsAndDraw: number };
  }>("window.tsview.timings");
  return `${meta.length} x ${meta.width}, ${meta.dates.length} dates, ${s.colours} colours; ` +
    `first paint ${t.firstPaint.toFixed(0)} ms after navigation start (tiles fetched in ` +
    `${t.mapParts.fetch.toFixed(0)} ms, limits and drawing ${
      t.mapParts.limitsAndDraw.toFixed(0)
    } ms), ` +
    `${wall.toFixed(0)} ms as the test sees it`;
});

await check("the reference point is marked", async () => {
  const r = await page.locator("#refMarker").boundingBox();
  const box = (await page.locator("#map").boundingBox())!;
  assert(r, "no #refMarker");
  const cx = (r.x + r.width / 2 - box.x) / box.width * meta.width - 0.5;
  const cy = (r.y + r.height / 2 - box.y) / box.height * meta.length - 0.5;
  assert(Math.abs(cx - meta.refX) < 1 && Math.abs(cy - meta.refY) < 1, `marker at ${cy}, ${cx}`);
  return `REF_Y/X ${meta.refY}, ${meta.refX}`;
});

await check("a click shows the pixel's series, equal to the file", async () => {
  [clicked[0], clicked[1]] = await clickPixel(
    page,
    Math.floor(meta.length * 0.37),
    Math.floor(meta.width * 0.61),
    meta.length,
    meta.width,
  );
  const [y, x] = clicked;
  const shown = await page.$$eval(
    "#values td.v",
    (tds) => tds.map((td) => td.getAttribute("data-m")),
  );
  const file = await h5Pixel(ts, "timeseries", y, x);
  assert(shown.length === file.length, `${shown.length} values shown, file has ${file.length}`);
  file.forEach((v, i) => assert(Number(shown[i]) === v, `date ${i}: shown ${shown[i]}, file ${v}`));
  const dots = await page.locator("#dataPoints circle").count();
  assert(dots === file.filter(Number.isFinite).length, `${dots} dots drawn`);
  await page.screenshot({ path: join(shots, "tsview-point.png") });
  return `pixel (${y}, ${x}), ${file.length} values`;
});

await check("the fitted model is the velocity.h5 line", async () => {
  const [y, x] = clicked;
  const shown = await page.$$eval("#values td.m", (tds) => tds.map((td) => Number(td.textContent)));
  assert(await page.locator("#modelLine").count() === 1, "no model line in the chart");
  const linear = /^(intercept|velocity|residue)(Std)?$/;
  const other = (await h5Datasets(vel)).filter((n) => !linear.test(n));
  const cm = 100; // the table shows the default unit, cm
  if (other.length) {
    // Any model: the data minus the model shown has the norm of MintPy's `residue` (all dates fit).
    const data = await h5Pixel(ts, "timeseries", y, x);
    const norm = Math.hypot(...data.map((v, i) => v - shown[i]! / cm));
    const [residue] = await h5Pixel(vel, "residue", y, x);
    assert(Math.abs(norm - residue!) < 1e-5, `|data - model| ${norm} vs residue ${residue}`);
    return `${other.filter((n) => !n.endsWith("Std")).join(", ")}: |data - model| = residue`;
  }
  const expected = await modelAt(vel, meta.dates, y, x);
  expected.forEach((v, i) =>
    assert(Math.abs(shown[i]! - v * cm) <= 6e-5, `date ${i}: ${shown[i]} vs ${v * cm}`)
  );
  return "intercept + velocity * t";
});

await check("the date slider redraws that date from the file", async () => {
  await page.evaluate(`(() => {
    const e = document.getElementById("date");
    e.value = "3";
    e.dispatchEvent(new Event("input"));
  })()`);
  await page.waitForSelector("body[data-drawn='timeseries@3']", { timeout: 20_000 });
  const dateMs = await page.evaluate<number>("window.tsview.timings.lastMap");
  const y = Math.floor(meta.length / 2), x = Math.floor(meta.width / 3);
  const px = await page.evaluate<number[]>(pixelJs(y, x));
  const got = await page.evaluate<{ vmin: number; vmax: number; lut: number[] }>(
    "({ vmin: tsview.state.vmin, vmax: tsview.state.vmax, lut: Array.from(tsview.state.lut) })",
  );
  const v = (await h5Pixel(ts, "timeseries", y, x))[3]! * 100;
  // matplotlib's lookup: index floor(t * 256), clipped.
  const t = (v - got.vmin) / (got.vmax - got.vmin);
  const j = 3 * Math.min(255, Math.max(0, Math.floor(t * 256)));
  assert(
    px.slice(0, 3).join() === got.lut.slice(j, j + 3).join(),
    `pixel ${px} vs table ${got.lut.slice(j, j + 3)}`,
  );
  await page.screenshot({ path: join(shots, "tsview-date.png") });
  return `date 3 fetched and drawn in ${dateMs.toFixed(0)} ms`;
});

await check("keys: right arrow the next date, shift + down arrow the pixel below", async () => {
  await page.keyboard.press("ArrowRight");
  await page.waitForSelector("body[data-drawn='timeseries@4']", { timeout: 20_000 });
  const [y, x] = clicked;
  await page.keyboard.press("Shift+ArrowDown");
  await page.waitForSelector(`body[data-point="${y + 1},${x}"]`, { timeout: 20_000 });
});

await check("colour map and limits controls redraw the map", async () => {
  await page.selectOption("#cmap", "gray");
  await page.fill("#vmin", "-1");
  await page.fill("#vmax", "1");
  await page.press("#vmax", "Enter");
  await page.waitForFunction(
    "window.tsview.state.vmax === 1 && window.tsview.state.cmap === 'gray'",
  );
  const px = await page.evaluate<number[]>(pixelJs(meta.length >> 1, meta.width >> 1));
  assert(px[0] === px[1] && px[1] === px[2], `gray map pixel ${px}`);
});

if (dataDir) {
  const size = { length: meta.length, width: meta.width, dates: meta.dates.length };
  await check(`per-click latency over ${clicks} clicks`, () => clickLatency(page, size, clicks));
  await check(
    "server alone: a tile, a whole date, a point (20 each, fetch from Deno)",
    () => serverLatency(server.url, size),
  );
}

await check(
  "no error in the page",
  () => Promise.resolve(assert(errors.length === 0, errors.join("; "))),
);
await browser.close();
await check("Ctrl-C stops the server cleanly", async () => {
  const code = await server.interrupt();
  assert(code === 0, `exit code ${code}`);
});
console.log(`screenshots: ${shots}`);
if (!dataDir) await Deno.remove(work, { recursive: true });
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed ? 1 : 0);
