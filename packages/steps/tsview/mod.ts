/**
 * `tsview`: a local web viewer of a displacement time-series, in the spirit of MintPy's
 * `tsview.py`. The page (served from 127.0.0.1) draws a map (a date of `timeseries.h5`, or a
 * 2-D dataset such as `velocity.h5`'s `velocity`) in a canvas from float32 row tiles, with a
 * colour table built by `@vinsar/plot`'s `colormap`; a click shows that pixel's series and
 * the fitted model of `velocity.h5`. Files are read a tile or a pixel at a time, never whole.
 *
 * @example
 * ```ts ignore
 * import * as tsview from "@vinsar/steps/tsview";
 * const viewer = await tsview.serveTsview({ timeseriesFile: "timeseries.h5", files: ["velocity.h5"] });
 * console.log(viewer.url); // http://127.0.0.1:PORT/
 * await viewer.close();
 * ```
 * @module
 */
import { InputError } from "@vinsar/core";
import { COLORMAP_NAMES } from "@vinsar/plot/colormap";
import { logReporter, type Reporter } from "../reporter.ts";
import { TsviewSources } from "./_sources.ts";
import { type PageDefaults, tsviewHandler } from "./_routes.ts";

export type { PointSeries } from "./_sources.ts";

/** Options of {@link serveTsview} and {@link run} (MintPy `tsview.py` names where it has them). */
export interface TsviewOptions {
  /** The displacement time-series (`timeseries.h5`). */
  timeseriesFile: string;
  /** Files of 2-D images of the same size (`velocity.h5`, ...); the first with a fit draws it. */
  files?: readonly string[];
  /** TCP port on 127.0.0.1; 0 (default): any free port. */
  port?: number;
  /** Colour map name (default "jet", MintPy's). */
  colormap?: string;
  /** Colour limits in display units; default from the data. */
  vlim?: [number, number];
  /** Display unit of displacement: "m", "cm" (default, MintPy's) or "mm". */
  unit?: string;
  /** A pixel (row, column) whose series is shown at start. */
  yx?: [number, number];
  /** The date (index) shown at start (MintPy's `-n`); default the last. */
  date?: number;
  /** Y limits of the point plot, display unit (MintPy's `--ylim`). */
  ylim?: [number, number];
  /** Plot the model (default true; MintPy's `--nomodel` is false). */
  model?: boolean;
  /** Subtract each series' first value (MintPy's `--zero-first`). */
  zeroFirst?: boolean;
  /** Stops {@link run} when aborted (the CLI aborts it on Ctrl-C). */
  signal?: AbortSignal;
  reporter?: Reporter;
}

/** A running viewer. */
export interface TsviewServer {
  /** The page, `http://127.0.0.1:PORT/`. */
  readonly url: string;
  readonly port: number;
  /** Settles when the server has stopped. */
  readonly finished: Promise<void>;
  /** Stop serving and close the files. */
  close(): Promise<void>;
}

const UNITS = ["m", "cm", "mm"];

function pageDefaults(options: TsviewOptions, sources: TsviewSources): PageDefaults {
  const cmap = options.colormap ?? "jet";
  if (!COLORMAP_NAMES.includes(cmap)) {
    throw new InputError(
      `flag -c/--colormap: "${cmap}" is not one of ${COLORMAP_NAMES.join(", ")}`,
    );
  }
  const unit = options.unit ?? "cm";
  if (!UNITS.includes(unit)) {
    throw new InputError(`flag -u/--unit: "${unit}" is not one of ${UNITS.join(", ")}`);
  }
  const vlim = options.vlim ?? null;
  if (vlim && !(vlim[0] < vlim[1])) {
    throw new InputError(`flag -v/--vlim: ${vlim[0]} ${vlim[1]} must be increasing`);
  }
  const ylim = options.ylim ?? null;
  if (ylim && !(ylim[0] < ylim[1])) {
    throw new InputError(`flag --ylim: ${ylim[0]} ${ylim[1]} must be increasing`);
  }
  const n = sources.ts.dates.length, date = options.date ?? n - 1;
  if (!(Number.isInteger(date) && date >= 0 && date < n)) {
    throw new InputError(`flag -n: ${date} is not a date index in 0..${n - 1}`);
  }
  const yx = options.yx ?? null;
  if (yx) {
    const [y, x] = yx, { length: L, width: W } = sources.ts;
    if (!(Number.isInteger(y) && Number.isInteger(x) && y >= 0 && y < L && x >= 0 && x < W)) {
      throw new InputError(`flag --yx: ${y} ${x} is outside the ${L} x ${W} image`);
    }
  }
  const model = options.model ?? true, zeroFirst = options.zeroFirst ?? false;
  return { colormap: cmap, vlim, unit, yx, date, ylim, model, zeroFirst };
}

/** Open the files and start serving the viewer on 127.0.0.1. */
export async function serveTsview(options: TsviewOptions): Promise<TsviewServer> {
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new InputError(`flag --port: "${port}" is not a port number (0-65535)`);
  }
  const sources = await TsviewSources.open(options.timeseriesFile, options.files ?? []);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    const handler = tsviewHandler(sources, pageDefaults(options, sources));
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, handler);
  } catch (e) {
    sources.close();
    if (e instanceof Deno.errors.AddrInUse) {
      throw new InputError(`flag --port: port ${port} is already in use`);
    }
    throw e;
  }
  const addr = server.addr;
  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    port: addr.port,
    finished: server.finished,
    close() {
      closing ??= server.shutdown().finally(() => sources.close());
      return closing;
    },
  };
}

/** What {@link run} returns once stopped. */
export interface TsviewResult {
  url: string;
}

/**
 * Serve the viewer, report its URL (an info line: `tsview: open http://127.0.0.1:PORT/`),
 * and keep serving until `options.signal` is aborted (without one: until the process ends);
 * then close the files.
 * @example
 * ```ts ignore
 * const stop = new AbortController();
 * Deno.addSignalListener("SIGINT", () => stop.abort());
 * await run({ timeseriesFile: "timeseries.h5", files: ["velocity.h5"], signal: stop.signal });
 * ```
 */
export async function run(options: TsviewOptions): Promise<TsviewResult> {
  const reporter = options.reporter ?? logReporter();
  const viewer = await serveTsview(options);
  reporter.info(`tsview: open ${viewer.url} in a browser (Ctrl-C to stop)`);
  const signal = options.signal;
  const aborted = new Promise<void>((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener("abort", () => resolve(), { once: true });
  });
  await Promise.race([aborted, viewer.finished]);
  await viewer.close();
  return { url: viewer.url };
}
