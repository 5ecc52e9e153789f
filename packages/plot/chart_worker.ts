/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * The chart thread's worker (started by `chart_thread.ts`; not imported). It loads the chart
 * engine when it starts (resvg's WebAssembly, DejaVu Sans, fontkit, pdfkit) and draws a
 * made-up RMS chart to PNG and PDF once, so a real chart asked for later finds every function
 * it runs compiled. A failure while loading is ignored here: the chart asked for then fails
 * with it.
 *
 * `deno task bundle` writes it as `chart_worker.js` beside `vinsar.js`, and `deno task
 * compile` includes it (`--include packages/plot/chart_worker.ts`).
 * @module
 */
import type { RmsAnalysis } from "@vinsar/core/residual-rms";
import type { ChartReply, ChartRequest } from "./_chart_thread.ts";
import { dateBarChartScene } from "./bar_chart.ts";
import { sceneToPdf, sceneToPng } from "./render.ts";
import { renderRmsChart, rmsChartSpec } from "./rms_chart.ts";

/** Set when a chart is asked for: the warm-up stops at its next step, the chart goes first. */
let asked = false;

/** Let a message in (a task boundary: awaiting a settled promise is not one). */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Draw an RMS chart of made-up values once, full size: V8 compiles a WebAssembly function on
 * its first call and optimises the ones that run long in the background, so a small drawing
 * would leave most of the real chart's cost to it.
 */
async function warmUp(): Promise<void> {
  const dates = Array.from({ length: 30 }, (_, i) => {
    const d = new Date(Date.UTC(2020, 0, 1 + 12 * i));
    return d.toISOString().slice(0, 10).replaceAll("-", "");
  });
  const rms = Float64Array.from(dates, (_, i) => 0.002 + 0.001 * Math.sin(i));
  const analysis: RmsAnalysis = { rms, refIndex: 4, threshold: 0.0029, excluded: [1, 7] };
  await nextTask();
  if (asked) return;
  const scene = dateBarChartScene(rmsChartSpec(dates, analysis, 3));
  await nextTask();
  if (asked) return;
  await sceneToPng(scene);
  await nextTask();
  if (asked) return;
  await sceneToPdf(scene);
}

const ready = warmUp().catch(() => {/* the chart asked for reports it */});

self.onmessage = async (e: MessageEvent<{ id: number } & ChartRequest>) => {
  asked = true;
  const { id, args } = e.data;
  await ready;
  let reply: ChartReply;
  try {
    reply = { id, result: await renderRmsChart(...args) };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    reply = { id, error: { message: error.message, stack: error.stack } };
  }
  self.postMessage(reply);
};
