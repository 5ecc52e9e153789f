/**
 * MintPy's displacement time-series (`timeseries.h5`: `date` S8 (N,), `timeseries` float32
 * (N, LENGTH, WIDTH)) read in row blocks, its optional (co)variance file, and the outputs
 * of `timeseries2velocity`: `velocity.h5` (one float32 (LENGTH, WIDTH) dataset per
 * parameter, each with a `UNIT` attribute) and the residual time-series file.
 * @module
 */
import { InputError } from "@vinsar/core";
import { type Attrs, H5Reader, type H5Writer } from "./h5.ts";
import { readStackRows, writeStackRows } from "./stack_rows.ts";
import { checkImageSize } from "./_image_size.ts";

function toFloat32(a: ArrayLike<number> & { length: number }): Float32Array {
  return a instanceof Float32Array ? a : Float32Array.from(a);
}

/** An open `timeseries.h5`. Close it when done. */
export class TimeseriesFile {
  readonly path: string;
  readonly attrs: Attrs;
  /** Acquisition dates (`YYYYMMDD`), in file order. */
  readonly dates: readonly string[];
  readonly length: number;
  readonly width: number;
  /** Rows per chunk of the `timeseries` dataset (1 when contiguous). */
  readonly chunkRows: number;
  readonly #r: H5Reader;

  private constructor(path: string, r: H5Reader) {
    this.path = path;
    this.#r = r;
    this.attrs = r.attrs();
    const type = this.attrs.FILE_TYPE;
    if (type !== "timeseries") {
      throw new InputError(
        `${path}: input is ${
          type === undefined ? "not a MintPy file (no FILE_TYPE)" : `a ${type} file`
        }, NOT timeseries`,
      );
    }
    for (const need of ["date", "timeseries"]) {
      if (!r.has(need)) {
        throw new InputError(`${path}: not a timeseries file (no dataset "${need}")`);
      }
    }
    const info = r.info("timeseries");
    if (info.shape.length !== 3) {
      throw new InputError(`${path}: dataset timeseries is ${info.shape.length}-D, expected 3-D`);
    }
    const [n, length, width] = info.shape as [number, number, number];
    checkImageSize(path, this.attrs, { dataset: "timeseries", shape: info.shape });
    // Refuse a size the file cannot hold before anything is planned or allocated from it.
    r.assertStored("timeseries");
    this.length = length;
    this.width = width;
    this.chunkRows = info.chunks?.[1] ?? 1;
    this.dates = r.readStrings("date");
    if (this.dates.length !== n) {
      throw new InputError(`${path}: ${this.dates.length} dates but ${n} time-series epochs`);
    }
  }

  /** Open `path`; a missing file or non-timeseries file gives a one-line error. */
  static async open(path: string): Promise<TimeseriesFile> {
    const r = await H5Reader.open(path);
    try {
      return new TimeseriesFile(path, r);
    } catch (e) {
      r.close();
      throw e;
    }
  }

  /**
   * Dates `[date0, date1)` of rows `[row0, row1)`: float32 `(date1 - date0) x rows x WIDTH`,
   * i.e. lane-fastest with `rows * WIDTH` lanes, into `out` when given (reused buffers), each
   * date `dateStride` values after the previous one (default: contiguous; a little more
   * keeps the dates of a pixel out of one cache set). Read in pieces of at most 4 MB, so
   * h5wasm's heap (which never shrinks) holds no copy of the whole block.
   */
  readBlock(
    row0: number,
    row1: number,
    date0 = 0,
    date1 = this.dates.length,
    out?: Float32Array,
    dateStride = (row1 - row0) * this.width,
  ): Float32Array {
    const W = this.width;
    const dst = out ?? new Float32Array((date1 - date0 - 1) * dateStride + (row1 - row0) * W);
    readStackRows(this.#r, "timeseries", [date0, date1], [row0, row1], W, dst, dateStride);
    return dst;
  }

  /** Every date of pixel (y, x). */
  readPixel(y: number, x: number): Float32Array {
    return toFloat32(this.#r.read("timeseries", [[0, this.dates.length], [y, y + 1], [x, x + 1]]));
  }

  close(): void {
    this.#r.close();
  }
}

/**
 * A time-series (co)variance file for `--ts-cov-file`, in the layouts MintPy reads: the
 * variances `(N, LENGTH, WIDTH)` or full covariance matrices `(N, N, LENGTH, WIDTH)` of
 * the `timeseries` dataset (or the file's only dataset of such a shape).
 */
export class CovarianceFile {
  readonly path: string;
  readonly kind: "variance" | "full";
  readonly numDates: number;
  readonly #r: H5Reader;
  readonly #name: string;
  readonly #width: number;

  private constructor(path: string, r: H5Reader, numDates: number, length: number, width: number) {
    this.path = path;
    this.#r = r;
    this.numDates = numDates;
    this.#width = width;
    const fits = (name: string) => {
      const s = r.info(name).shape;
      const tail = s.length >= 3 && s[s.length - 2] === length && s[s.length - 1] === width;
      return tail && (s.length === 3 && s[0] === numDates ||
        s.length === 4 && s[0] === numDates && s[1] === numDates);
    };
    const names = r.datasets();
    const name = names.includes("timeseries") && fits("timeseries")
      ? "timeseries"
      : names.find(fits);
    if (name === undefined) {
      throw new InputError(
        `${path}: no (co)variance dataset shaped (${numDates}, ${length}, ${width}) or ` +
          `(${numDates}, ${numDates}, ${length}, ${width}) matching the time-series`,
      );
    }
    this.#name = name;
    this.kind = r.info(name).shape.length === 3 ? "variance" : "full";
  }

  /** Open `path` for a time-series of `numDates` dates and `length x width` pixels. */
  static async open(
    path: string,
    numDates: number,
    length: number,
    width: number,
  ): Promise<CovarianceFile> {
    const r = await H5Reader.open(path);
    try {
      return new CovarianceFile(path, r, numDates, length, width);
    } catch (e) {
      r.close();
      throw e;
    }
  }

  /**
   * Rows `[row0, row1)`: float32 `N x rows x WIDTH` (variance) or `N x N x rows x WIDTH`
   * (full), lane-fastest.
   */
  readBlock(row0: number, row1: number): Float32Array {
    const ranges: Array<[number, number]> = this.kind === "variance"
      ? [[0, this.numDates], [row0, row1], [0, this.#width]]
      : [[0, this.numDates], [0, this.numDates], [row0, row1], [0, this.#width]];
    return toFloat32(this.#r.read(this.#name, ranges));
  }

  close(): void {
    this.#r.close();
  }
}

/** One float32 (LENGTH, WIDTH) dataset of `velocity.h5`. */
export interface VelocityDataset {
  readonly name: string;
  readonly unit: string;
}

/**
 * Lay out `velocity.h5` on a staged writer: root attributes, then one float32
 * `(length, width)` dataset per entry with its `UNIT` attribute.
 * @param chunkRows rows per chunk: the rows of the blocks written, so each block write
 *   fills whole chunks (a 32-row block written into the default 1 MB chunks made HDF5 read
 *   back and rewrite a whole chunk per write: 2-3x slower). Capped so a chunk stays within
 *   1 MB; default the cap.
 */
export function layoutVelocityFile(
  w: H5Writer,
  attrs: Attrs,
  datasets: readonly VelocityDataset[],
  length: number,
  width: number,
  chunkRows?: number,
): void {
  w.setAttrs(attrs);
  const cap = Math.max(1, Math.floor((1 << 20) / (4 * width)));
  const rows = Math.max(1, Math.min(length, chunkRows ?? cap, cap));
  for (const d of datasets) {
    w.create(d.name, [length, width], "<f", { chunks: [rows, width] });
    w.setDatasetAttrs(d.name, { UNIT: d.unit });
  }
}

/** Write rows `[row0, row1)` of each named dataset (`rows * width` float32 values each). */
export function writeVelocityBlock(
  w: H5Writer,
  row0: number,
  row1: number,
  values: ReadonlyMap<string, Float32Array>,
): void {
  for (const [name, data] of values) w.write(name, [[row0, row1]], data);
}

/**
 * Lay out a residual time-series file like MintPy: root attributes, `date` (S8, the dates
 * fit) and a float32 `timeseries` `(N, length, width)`, chunked `(4 dates, rows, width)`.
 * @param chunkRows rows per chunk: a divisor of the rows of the blocks written, so each
 *   block write fills whole chunks (a partial chunk is read back and rewritten; a
 *   contiguous layout makes every block write N scattered pieces: both were 2-4x slower).
 *   Capped so a chunk stays within 1 MB; default the cap.
 */
export function layoutResidualFile(
  w: H5Writer,
  attrs: Attrs,
  dates: readonly string[],
  length: number,
  width: number,
  chunkRows?: number,
): void {
  w.setAttrs(attrs);
  w.writeWhole("date", [...dates]);
  const cd = Math.max(1, Math.min(dates.length, 4));
  const cap = Math.max(1, Math.floor((1 << 20) / (4 * cd * width)));
  const rows = Math.max(1, Math.min(length, chunkRows ?? cap, cap));
  w.create("timeseries", [dates.length, length, width], "<f", { chunks: [cd, rows, width] });
}

/** Write rows `[row0, row1)` of the residual: float32 `N x rows x width`. */
export function writeResidualBlock(
  w: H5Writer,
  row0: number,
  row1: number,
  numDates: number,
  data: Float32Array,
  width: number,
  dateStride = (row1 - row0) * width,
): void {
  writeStackRows(w, "timeseries", [0, numDates], [row0, row1], width, data, dateStride);
}
