/**
 * The viewer's HTTP endpoints over {@link TsviewSources}:
 * - `GET /` the page, `/app.js`, `/app.css` its script and style;
 * - `GET /meta` JSON: image size, dates, reference point, layers, colour maps, defaults;
 * - `GET /lut?name=jet` 256 x RGB bytes of a colour map;
 * - `GET /tile?dataset=timeseries&date=i&row0=r&rows=n` float32 (little-endian) `n x WIDTH`;
 * - `GET /point?y=&x=` JSON {@link PointSeries}: one pixel across all dates, with its model.
 * A bad parameter is a 400 with a one-line message naming it.
 * @module
 */
import { colormap, COLORMAP_NAMES, isDiverging } from "@vinsar/plot/colormap";
import type { TsviewSources } from "./_sources.ts";
import { PAGE_CSS, PAGE_HTML } from "./_page.ts";
import { CLIENT_JS } from "./_client.ts";

/** Display settings the page starts with. */
export interface PageDefaults {
  colormap: string;
  /** Colour limits in the layer's display unit, or null: from the data. */
  vlim: [number, number] | null;
  /** Display unit of displacement: "m", "cm" or "mm". */
  unit: string;
  /** The pixel whose series is shown at start, or null. */
  yx: [number, number] | null;
  /** The date (index) shown at start. */
  date: number;
  /** Y limits of the point plot (display unit), or null: from the data. */
  ylim: [number, number] | null;
  /** Whether `/point` sends a model. */
  model: boolean;
  /** Whether the page subtracts each series' first value. */
  zeroFirst: boolean;
}

/** Values per tile the page is told to ask for (~1 MB of float32). */
const TILE_VALUES = 1 << 18;

/** Rows per tile: about {@link TILE_VALUES} values, a whole number of the file's chunk rows. */
export function tileRows(width: number, length: number, chunkRows: number): number {
  const c = Math.max(1, chunkRows);
  const rows = Math.max(c, Math.floor(TILE_VALUES / width / c) * c);
  return Math.min(length, rows);
}

/** The 256-entry RGB table of colour map `name`. */
export function colourTable(name: string): Uint8Array<ArrayBuffer> {
  const map = colormap(name);
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) out.set(map(i / 255), 3 * i);
  return out;
}

function intParam(url: URL, name: string): number {
  const s = url.searchParams.get(name);
  const v = Number(s);
  if (s === null || s.trim() === "" || !Number.isInteger(v)) {
    throw new RangeError(`${name}: ${s === null ? "missing" : `"${s}" is not an integer`}`);
  }
  return v;
}

const json = (body: unknown) =>
  new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });

const text = (body: string, type: string) =>
  new Response(body, { headers: { "content-type": `${type}; charset=utf-8` } });

/** The request handler of a viewer over `sources`. */
export function tsviewHandler(
  sources: TsviewSources,
  defaults: PageDefaults,
): (req: Request) => Response {
  const ts = sources.ts;
  const meta = {
    file: ts.path,
    length: ts.length,
    width: ts.width,
    dates: ts.dates,
    refY: ts.attrs.REF_Y === undefined ? null : Number(ts.attrs.REF_Y),
    refX: ts.attrs.REF_X === undefined ? null : Number(ts.attrs.REF_X),
    refDate: ts.attrs.REF_DATE ?? null,
    layers: sources.layers,
    modelFile: sources.modelFile,
    colormaps: COLORMAP_NAMES.map((name) => ({ name, diverging: isDiverging(name) })),
    tileRows: tileRows(ts.width, ts.length, ts.chunkRows),
    defaults,
  };
  const routes: Record<string, (url: URL) => Response> = {
    "/": () => text(PAGE_HTML, "text/html"),
    "/app.js": () => text(CLIENT_JS, "text/javascript"),
    "/app.css": () => text(PAGE_CSS, "text/css"),
    "/meta": () => json(meta),
    "/lut": (url) =>
      new Response(colourTable(url.searchParams.get("name") ?? defaults.colormap), {
        headers: { "content-type": "application/octet-stream" },
      }),
    "/tile": (url) => {
      const id = url.searchParams.get("dataset") ?? "timeseries";
      const date = id === "timeseries" ? intParam(url, "date") : 0;
      const row0 = intParam(url, "row0"), rows = intParam(url, "rows");
      const data = sources.readTile(id, date, row0, rows);
      const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
      return new Response(bytes, {
        headers: {
          "content-type": "application/octet-stream",
          "x-row0": String(row0),
          "x-rows": String(rows),
        },
      });
    },
    "/point": (url) =>
      json(sources.readPoint(intParam(url, "y"), intParam(url, "x"), { model: defaults.model })),
  };
  return (req: Request): Response => {
    const url = new URL(req.url);
    const route = routes[url.pathname];
    if (req.method !== "GET" || !route) return new Response("not found\n", { status: 404 });
    try {
      return route(url);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const status = e instanceof RangeError ? 400 : 500;
      return new Response(`${message}\n`, { status });
    }
  };
}
