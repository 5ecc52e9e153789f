/**
 * The residual time-series file of `timeseries_rms`: its layout, checked, and the layout of
 * the deramped copy (`<name>_ramp.h5`).
 * @module
 */
import { basename } from "node:path";
import { InputError } from "@vinsar/core";
import type { H5Reader, H5Writer } from "@vinsar/hdf5";
import type { Reporter } from "../reporter.ts";

/** Python's `os.path.splitext`: [root, ext] on the last dot of the file name. */
export function splitext(path: string): [string, string] {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot))) return [path, ""];
  const cut = path.length - (base.length - dot);
  return [path.slice(0, cut), path.slice(cut)];
}

/** A time-series file's layout. */
export interface TimeseriesLayout {
  attrs: Record<string, string>;
  /** Dates, rows and columns of the "timeseries" dataset. */
  numDates: number;
  length: number;
  width: number;
  dates: string[];
  /** Reference pixel (REF_Y, REF_X), or null. */
  ref: { y: number; x: number } | null;
  /** Chunk dates and rows of "timeseries", when chunked. */
  chunkDates?: number;
  chunkRows?: number;
}

/**
 * The time-series file's layout, checked.
 * @throws InputError naming `path` for a file that is not a MintPy time-series.
 */
export function describeInput(reader: H5Reader, path: string): TimeseriesLayout {
  const attrs = reader.attrs();
  if (attrs.FILE_TYPE !== "timeseries") {
    throw new InputError(
      `${path}: FILE_TYPE is "${attrs.FILE_TYPE ?? "(none)"}", expected a timeseries file`,
    );
  }
  if (!reader.has("timeseries") || !reader.has("date")) {
    throw new InputError(`${path}: a timeseries file needs the datasets "timeseries" and "date"`);
  }
  const info = reader.info("timeseries");
  const [K, L, W] = info.shape;
  if (info.shape.length !== 3 || !K || !L || !W) {
    throw new InputError(`${path}: dataset "timeseries" has shape [${info.shape}], expected 3-D`);
  }
  if ((attrs.LENGTH && Number(attrs.LENGTH) !== L) || (attrs.WIDTH && Number(attrs.WIDTH) !== W)) {
    throw new InputError(`${path}: LENGTH/WIDTH attributes do not match the timeseries shape`);
  }
  // A size the file cannot hold (truncated, never written, or a lying shape) is refused
  // before the backend probe and the block plan size anything from it.
  reader.assertStored("timeseries");
  const dates = reader.readStrings("date");
  if (dates.length !== K) {
    throw new InputError(`${path}: ${dates.length} dates for ${K} timeseries layers`);
  }
  let ref: { y: number; x: number } | null = null;
  if (attrs.REF_Y !== undefined && attrs.REF_X !== undefined) {
    const y = Number(attrs.REF_Y), x = Number(attrs.REF_X);
    if (!Number.isInteger(y) || !Number.isInteger(x) || y < 0 || y >= L || x < 0 || x >= W) {
      throw new InputError(`${path}: REF_Y/REF_X (${attrs.REF_Y}, ${attrs.REF_X}) is not a pixel`);
    }
    ref = { y, x };
  }
  return {
    attrs,
    numDates: K,
    length: L,
    width: W,
    dates,
    ref,
    chunkDates: info.chunks?.[0],
    chunkRows: info.chunks?.[1],
  };
}

/** Settings of {@link layoutLike}. */
export interface CopyLayoutOptions {
  numDates: number;
  length: number;
  width: number;
  /** Rows per chunk of the output's "timeseries". */
  chunkRows: number;
  reporter: Reporter;
}

/**
 * Copy the attributes and the small datasets (date, bperp) of the input to the output and
 * create its `(numDates, length, width)` "timeseries" dataset.
 */
export function layoutLike(reader: H5Reader, writer: H5Writer, options: CopyLayoutOptions): void {
  const { numDates: K, length: L, width: W } = options;
  writer.setAttrs(reader.attrs());
  for (const name of reader.datasets()) {
    if (name === "timeseries") continue;
    const info = reader.info(name);
    if (info.shape.length >= 2 && info.shape.at(-2) === L && info.shape.at(-1) === W) {
      options.reporter.warn(`dataset "${name}" of the input is not deramped and not copied`);
      continue;
    }
    if (/^[SA]/.test(info.dtype)) {
      writer.writeWhole(name, reader.readStrings(name), { shape: info.shape });
    } else writer.writeWhole(name, reader.read(name), { shape: info.shape });
  }
  writer.create("timeseries", [K, L, W], "<f", {
    chunks: [1, Math.max(1, Math.min(L, options.chunkRows)), W],
  });
}
