/**
 * Page helpers of the tsview Chromium suite (`.ci/chromium_suite.ts`): Chromium's flags,
 * in-page snippets (passed as strings: this code has no DOM types), and a click on a pixel.
 * @module
 */
import type { Page } from "playwright-core";

/** Chromium's flags here (root, no GPU, no network chatter). */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Canvas pixels: how many are drawn and how many distinct colours (run in the page). */
export const CANVAS_STATS = `(() => {
  const c = document.getElementById("map");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  const colours = new Set();
  let drawn = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3]) drawn++;
    colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  }
  return { drawn, total: c.width * c.height, colours: colours.size };
})()`;

/** RGBA of canvas pixel (y, x) (run in the page). */
export const pixelJs = (y: number, x: number) =>
  `Array.from(document.getElementById("map").getContext("2d").getImageData(${x}, ${y}, 1, 1).data)`;

/**
 * Click the centre of pixel (y, x) of the map and wait for a series to be shown; resolves to
 * the pixel shown (a neighbour when the map is drawn smaller than one screen pixel a pixel:
 * mouse events carry whole CSS pixels).
 */
export async function clickPixel(page: Page, y: number, x: number, L: number, W: number) {
  const box = (await page.locator("#map").boundingBox())!;
  const before = await page.evaluate<string>("document.body.dataset.point || ''");
  await page.evaluate("delete document.body.dataset.point");
  await page.mouse.click(box.x + (x + 0.5) / W * box.width, box.y + (y + 0.5) / L * box.height);
  await page.waitForFunction("document.body.dataset.point", undefined, { timeout: 20_000 });
  const [sy, sx] = (await page.evaluate<string>("document.body.dataset.point")).split(",").map(
    Number,
  );
  const tol = Math.max(W / box.width, L / box.height);
  if (!(Math.abs(sy! - y) <= tol && Math.abs(sx! - x) <= tol)) {
    throw new Error(`clicked (${y}, ${x}), shown (${sy}, ${sx}) (was ${before})`);
  }
  return [sy!, sx!] as const;
}

/** Image size and number of dates. */
interface Size {
  length: number;
  width: number;
  dates: number;
}

const median = (a: number[], digits = 0) => a.sort((p, q) => p - q)[a.length >> 1]!.toFixed(digits);
const max = (a: number[]) => Math.max(...a).toFixed(0);

/** Click `n` pixels spread over the map: the page's own latency and the test's. */
export async function clickLatency(page: Page, size: Size, n: number): Promise<string> {
  const wall: number[] = [], inPage: number[] = [];
  for (let k = 1; k <= n; k++) {
    const y = Math.floor((k * 0.618034 % 1) * size.length);
    const x = Math.floor((k * 0.414214 % 1) * size.width);
    const t0 = performance.now();
    await clickPixel(page, y, x, size.length, size.width);
    wall.push(performance.now() - t0);
    inPage.push(await page.evaluate<number>("window.tsview.timings.lastPoint"));
  }
  return `in page (click to series drawn): median ${median(inPage)} ms, max ${max(inPage)} ms; ` +
    `as the test sees it: median ${median(wall)} ms, max ${max(wall)} ms`;
}

/** The server alone, fetched from Deno: a first tile, all tiles of a date, a point; 20 each. */
export async function serverLatency(url: string, size: Size): Promise<string> {
  const time = async (path: string) => {
    const t0 = performance.now();
    await (await fetch(new URL(path, url))).arrayBuffer();
    return performance.now() - t0;
  };
  const { tileRows: rows } = await (await fetch(new URL("meta", url))).json();
  const tile: number[] = [], date: number[] = [], point: number[] = [];
  for (let k = 0; k < 20; k++) {
    const q = `tile?dataset=timeseries&date=${(k * 37) % size.dates}&rows=`;
    let all = 0;
    for (let r = 0; r < size.length; r += rows) {
      const ms = await time(`${q}${Math.min(rows, size.length - r)}&row0=${r}`);
      if (r === 0) tile.push(ms);
      all += ms;
    }
    date.push(all);
    point.push(await time(`point?y=${(k * 97) % size.length}&x=${(k * 131) % size.width}`));
  }
  return `${rows}-row tile median ${median(tile, 1)} ms, date median ${median(date, 1)} ms, ` +
    `point median ${median(point, 1)} ms (max ${max(point)} ms)`;
}
