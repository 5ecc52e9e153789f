/**
 * The chart engine loaded ahead of the chart. Loading resvg, pdfkit, fontkit and DejaVu Sans
 * and compiling resvg's WebAssembly cost a process about 0.5 s of CPU before its first chart
 * (a warm chart: ~60 ms). A step that ends with a chart calls {@link preloadCharts} when it
 * starts and {@link drawRmsChart} at its end:
 *
 * - with 4 or more cores (or `VINSAR_CHART_THREAD=1`), the engine loads, and draws a
 *   made-up chart once, on a thread of its own (`chart_worker.ts`) while the step computes;
 *   the chart is then drawn there;
 * - with fewer, that thread would take the step's own core (measured on 2 cores: slower
 *   overall), so the engine's modules and files load in this thread whenever the step lets
 *   the event loop turn, and resvg's WebAssembly compiles off the thread.
 *
 * Without a preload the chart is drawn in the calling thread, as before. This module loads
 * none of the chart engine itself.
 *
 * @example
 * ```ts
 * import { drawRmsChart, preloadCharts } from "@vinsar/plot/chart-thread";
 *
 * using _charts = preloadCharts(); // the engine loads while the RMS is computed
 * const rms = new Float64Array([0.002, 0.001]);
 * const analysis = { rms, refIndex: 1, threshold: 0.01, excluded: [] };
 * const { svg, png, pdf } = await drawRmsChart(["20200101", "20200113"], analysis, 3);
 * ```
 * @module
 */
import { log } from "@vinsar/core/log";
import type { RmsAnalysis } from "@vinsar/core/residual-rms";
import { ChartThread, ChartThreadUnavailable, type RmsChartFiles } from "./_chart_thread.ts";
import type { RmsChartOptions } from "./rms_chart.ts";

export type { RmsChartFiles } from "./_chart_thread.ts";

/**
 * The worker module: `chart_worker.ts` beside this file when run from the sources (a
 * `deno compile` binary too: the `compile` task passes `--include packages/plot/
 * chart_worker.ts`); in a bundle this code sits in `vinsar.js` and the worker is the bundle
 * `chart_worker.js` that `deno task bundle` writes beside it.
 */
export const CHART_WORKER_URL: URL = new URL(
  import.meta.url.endsWith(".ts") ? "./chart_worker.ts" : "./chart_worker.js",
  import.meta.url,
);

let thread: ChartThread | null = null;
/** Preloads not yet disposed plus draws in flight on {@link thread}; at 0 it ends. */
let users = 0;

type Engine = typeof import("./rms_chart.ts");
let engine: Promise<Engine> | null = null;

/** The chart engine in this thread, loaded once (its files and resvg's WebAssembly too). */
function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const [rms, render] = await Promise.all([import("./rms_chart.ts"), import("./render.ts")]);
    await render.preloadRenderer();
    return rms;
  })();
  return engine;
}

function release(): void {
  if (--users > 0) return;
  thread?.close();
  thread = null;
}

/** Options of {@link preloadCharts}. */
export interface PreloadOptions {
  /**
   * Load on a thread of its own (true) or in this thread (false); default: as
   * `$VINSAR_CHART_THREAD` says (`1` or `0`), else a thread when the machine has 4 or more
   * logical cores.
   */
  thread?: boolean;
}

/** The default of {@link PreloadOptions.thread}. */
function threadByDefault(): boolean {
  const env = Deno.env.get("VINSAR_CHART_THREAD");
  if (env === "1" || env === "0") return env === "1";
  return navigator.hardwareConcurrency >= 4;
}

/**
 * Start loading the chart engine now, so a chart drawn later with {@link drawRmsChart} finds
 * it ready (see the module documentation for where it loads). Dispose of the returned handle
 * (`using`) when no more chart will be drawn: the chart thread ends once every handle is
 * disposed and its charts are drawn. An error while loading surfaces only when a chart is
 * drawn.
 */
export function preloadCharts(options: PreloadOptions = {}): Disposable {
  if (!(options.thread ?? threadByDefault())) {
    loadEngine().catch(() => {/* the chart drawn reports it */});
    return { [Symbol.dispose]() {} };
  }
  thread ??= new ChartThread(CHART_WORKER_URL);
  users++;
  let disposed = false;
  return {
    [Symbol.dispose]() {
      if (disposed) return;
      disposed = true;
      release();
    },
  };
}

/**
 * The RMS chart of `timeseries_rms` (see `renderRmsChart`) as SVG, PNG and PDF: drawn on the
 * chart thread when {@link preloadCharts} started one, else in this thread.
 * @param dates Acquisition dates, `YYYYMMDD`, one per RMS value.
 * @param analysis The RMS per date (m), the reference date, threshold and outliers.
 * @param cutoff The M-score of the outlier threshold (the legend names it).
 */
export async function drawRmsChart(
  dates: readonly string[],
  analysis: RmsAnalysis,
  cutoff: number,
  opts: RmsChartOptions = {},
): Promise<RmsChartFiles> {
  if (thread && !thread.failure) {
    const on = thread;
    users++;
    try {
      const files = await on.draw({ chart: "rms", args: [dates, analysis, cutoff, opts] });
      log.debug("RMS chart drawn on the chart thread");
      return files;
    } catch (e) {
      if (!(e instanceof ChartThreadUnavailable)) throw e;
      log.debug(`chart thread unavailable (${e.message}): the chart is drawn in this thread`);
    } finally {
      release();
    }
  }
  const { renderRmsChart } = await loadEngine();
  return await renderRmsChart(dates, analysis, cutoff, opts);
}
