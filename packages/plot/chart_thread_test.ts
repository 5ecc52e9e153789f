import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { analyzeRms } from "@vinsar/core";
import { ChartThread, ChartThreadUnavailable } from "./_chart_thread.ts";
import { CHART_WORKER_URL, drawRmsChart, preloadCharts } from "./chart_thread.ts";

/** 30 dates every 12 days from 2015-01-01. */
const DATES = Array.from({ length: 30 }, (_, i) => {
  const d = new Date(Date.UTC(2015, 0, 1) + i * 12 * 86400000);
  return d.toISOString().slice(0, 10).replaceAll("-", "");
});
const RMS = analyzeRms(DATES.map((_, i) => 0.004 + 0.002 * Math.abs(Math.sin(i))), 3);

/** A PDF's bytes as text, checked to be a whole PDF with DejaVu Sans embedded. */
function assertPdf(pdf: Uint8Array): void {
  const text = new TextDecoder().decode(pdf);
  ok(text.startsWith("%PDF-") && text.trimEnd().endsWith("%%EOF"), "not a whole PDF");
  ok(text.includes("DejaVuSans"), "DejaVu Sans not embedded");
}

Deno.test("drawRmsChart: the same chart on the chart thread as in this thread", async () => {
  const here = await drawRmsChart(DATES, RMS, 3, { title: "t" });
  let there;
  {
    using _charts = preloadCharts({ thread: true });
    there = await drawRmsChart(DATES, RMS, 3, { title: "t" });
  }
  strictEqual(there.svg, here.svg);
  deepStrictEqual(there.png, here.png);
  deepStrictEqual([...here.png.subarray(0, 4)], [137, 80, 78, 71]);
  assertPdf(here.pdf);
  assertPdf(there.pdf);
});

Deno.test("drawRmsChart: a chart's error on the chart thread is the caller's error", async () => {
  using _charts = preloadCharts({ thread: true });
  await rejects(
    drawRmsChart(["2020xx01", "20200113"], RMS, 3),
    (e: Error) =>
      !(e instanceof ChartThreadUnavailable) && /"2020xx01" is not a date/.test(e.message),
  );
});

Deno.test("drawRmsChart: preloaded in this thread, the same chart", async () => {
  using _charts = preloadCharts({ thread: false });
  const here = await drawRmsChart(DATES, RMS, 3);
  const again = await drawRmsChart(DATES, RMS, 3);
  strictEqual(again.svg, here.svg);
  deepStrictEqual(again.png, here.png);
  assertPdf(here.pdf);
});

Deno.test("ChartThread: a worker that cannot load fails its draws, not the process", async () => {
  const t = new ChartThread(new URL("data:application/javascript,throw new Error('no engine')"));
  await rejects(
    t.draw({ chart: "rms", args: [DATES, RMS, 3, {}] }),
    (e: Error) => e instanceof ChartThreadUnavailable,
  );
  ok(/no engine/.test(String(t.failure?.message)), String(t.failure));
  await rejects(t.draw({ chart: "rms", args: [DATES, RMS, 3, {}] }), ChartThreadUnavailable);
  t.close();
});

Deno.test("ChartThread: closing fails the draws waiting", async () => {
  const t = new ChartThread(CHART_WORKER_URL);
  const waiting = t.draw({ chart: "rms", args: [DATES, RMS, 3, {}] });
  t.close();
  await rejects(waiting, ChartThreadUnavailable);
});

Deno.test("preloadCharts: the process ends once the handle is disposed", async () => {
  const code = `
    import { drawRmsChart, preloadCharts } from "@vinsar/plot/chart-thread";
    { using _a = preloadCharts({ thread: true }); }
    using _b = preloadCharts({ thread: true });
    const c = await drawRmsChart(["20200101", "20200113"], {
      rms: new Float64Array([0.002, 0.001]), refIndex: 1, threshold: 0.01, excluded: [],
    }, 3);
    console.log(c.png.length > 0 && c.pdf.length > 0);
  `;
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL(".", import.meta.url),
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const out = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
  strictEqual(r.code, 0, out);
  strictEqual(out.trim(), "true");
});
