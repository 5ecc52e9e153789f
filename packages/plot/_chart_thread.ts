/**
 * One worker thread that draws charts ({@link ChartThread}), and the message protocol it
 * shares with `chart_worker.ts`:
 *
 * - to the worker: `{ id, chart: "rms", args }` (the arguments of `renderRmsChart`);
 * - from the worker: `{ id, result }` or `{ id, error: { message, stack } }`.
 *
 * The worker loads the chart engine as soon as it starts; a failure there is kept inside it
 * and surfaces only as the error of the first chart drawn.
 * @module
 */
import type { RmsAnalysis } from "@vinsar/core/residual-rms";
import type { RmsChartOptions } from "./rms_chart.ts";

/** The RMS chart as SVG text, PNG bytes and PDF bytes. */
export interface RmsChartFiles {
  svg: string;
  png: Uint8Array;
  pdf: Uint8Array;
}

/** A chart to draw: its name and the arguments of its renderer. */
export type ChartRequest = {
  chart: "rms";
  args: [
    dates: readonly string[],
    analysis: RmsAnalysis,
    cutoff: number,
    opts: RmsChartOptions,
  ];
};

/** What the worker answers to request `id`. */
export type ChartReply =
  | { id: number; result: RmsChartFiles }
  | { id: number; error: { message: string; stack?: string } };

/**
 * The thread could not draw (the worker module did not load, or the worker died): the caller
 * may draw in its own thread instead.
 */
export class ChartThreadUnavailable extends Error {
  override name = "ChartThreadUnavailable";
}

/** A worker running `chart_worker.ts` (or its bundle). */
export class ChartThread {
  #worker: Worker | null = null;
  #failure: Error | null = null;
  #pending = new Map<number, { resolve(r: RmsChartFiles): void; reject(e: Error): void }>();
  #next = 0;

  /** Start the worker at `url`; it begins loading the chart engine at once. */
  constructor(url: URL) {
    try {
      const w = new Worker(url, { type: "module", name: "vinsar-charts" });
      w.onmessage = (e: MessageEvent<ChartReply>) => this.#reply(e.data);
      // An error event not cancelled would end the whole process: it is kept instead, and
      // the draws waiting (or to come) fall back to the caller's thread.
      w.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        this.#fail(e.error instanceof Error ? e.error : new Error(e.message));
      };
      w.onmessageerror = () => this.#fail(new Error("a chart could not be received"));
      this.#worker = w;
    } catch (e) {
      this.#fail(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Why the thread cannot draw, or null while it can. */
  get failure(): Error | null {
    return this.#failure;
  }

  /**
   * Draw a chart on the thread.
   * @throws ChartThreadUnavailable when the thread failed; the renderer's error otherwise.
   */
  draw(request: ChartRequest): Promise<RmsChartFiles> {
    if (this.#failure || !this.#worker) {
      return Promise.reject(new ChartThreadUnavailable(String(this.#failure?.message)));
    }
    const id = this.#next++;
    const done = new Promise<RmsChartFiles>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
    });
    this.#worker.postMessage({ id, ...request });
    return done;
  }

  /** End the worker; draws still waiting fail with {@link ChartThreadUnavailable}. */
  close(): void {
    this.#fail(new Error("the chart thread was closed"));
  }

  #reply(data: ChartReply): void {
    const waiting = this.#pending.get(data.id);
    if (!waiting) return;
    this.#pending.delete(data.id);
    if ("result" in data) return waiting.resolve(data.result);
    const err = new Error(data.error.message);
    if (data.error.stack) err.stack = data.error.stack;
    waiting.reject(err);
  }

  #fail(reason: Error): void {
    this.#failure ??= reason;
    this.#worker?.terminate();
    this.#worker = null;
    for (const { reject } of this.#pending.values()) {
      reject(new ChartThreadUnavailable(reason.message, { cause: reason }));
    }
    this.#pending.clear();
  }
}
