/**
 * What the viewer reads: a `timeseries.h5` and any number of files of 2-D images of the same
 * size (`velocity.h5`, `temporalCoherence.h5`, ...), opened once and read a row tile or one
 * pixel at a time (hyperslabs), never whole.
 * @module
 */
import { InputError } from "@vinsar/core";
import { H5Reader, TimeseriesFile } from "@vinsar/hdf5";
import { timeFunctionDatasets } from "@vinsar/core/time-function-outputs";
import { basename } from "node:path";
import {
  acquisitionYears,
  evaluateModel,
  fitLinear,
  modelParams,
  type StoredModel,
  storedModel,
} from "./_model.ts";

/** One map the page can show. */
export interface Layer {
  /** Its `dataset` value in `/tile` requests. */
  id: string;
  label: string;
  /** True for the time-series (one image per date). */
  perDate: boolean;
  unit: string;
}

/** A pixel's series and fitted model, as `/point` sends it (NaN as null). */
export interface PointSeries {
  y: number;
  x: number;
  dates: string[];
  /** Decimal years of the dates. */
  years: number[];
  values: Array<number | null>;
  /** Each 2-D layer's value at the pixel, by layer id. */
  layers: Record<string, number | null>;
  model: {
    /** Where it comes from: the file name (`velocity.h5`) or "linear fit". */
    source: string;
    /** Decimal years of a fine sampling of the date range, and the model there. */
    years: number[];
    values: Array<number | null>;
    /** The model at each date. */
    atDates: Array<number | null>;
  } | null;
}

interface FittedModel {
  reader: H5Reader;
  stored: StoredModel;
  /** Decimal year of the first date fit: the time origin of G. */
  origin: number;
}

interface ImageLayer extends Layer {
  reader: H5Reader;
  dataset: string;
}

const MODEL_SAMPLES = 241;
const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** The open files of one viewer. Close when done. */
export class TsviewSources {
  readonly ts: TimeseriesFile;
  readonly layers: readonly Layer[];
  readonly years: Float64Array;
  readonly #images: ImageLayer[];
  readonly #readers: H5Reader[];
  readonly #model: FittedModel | null;

  private constructor(ts: TimeseriesFile, readers: H5Reader[]) {
    this.ts = ts;
    this.#readers = readers;
    const { length: L, width: W } = ts;
    const seconds = Number(ts.attrs.CENTER_LINE_UTC ?? 0) || 0;
    this.years = acquisitionYears(ts.dates, seconds);
    const ids = new Set(["timeseries"]);
    this.#images = [];
    let model: FittedModel | null = null;
    readers.forEach((r, k) => {
      const names = r.datasets().filter((n) => {
        const s = r.info(n).shape;
        return s.length === 2 && s[0] === L && s[1] === W;
      });
      if (names.length === 0) {
        throw new InputError(`${r.path}: no ${L} x ${W} dataset (the size of ${ts.path})`);
      }
      const stored = storedModel(names);
      const units = new Map(
        stored ? timeFunctionDatasets(stored.model).map((d) => [d.name, d.unit]) : [],
      );
      const attrs = r.attrs();
      if (attrs.FILE_TYPE && attrs.UNIT) units.set(attrs.FILE_TYPE, attrs.UNIT);
      for (const dataset of names) {
        const id = ids.has(dataset) ? `${k + 1}:${dataset}` : dataset;
        ids.add(id);
        const label = `${basename(r.path)}: ${dataset}`;
        const unit = units.get(dataset) ?? "";
        this.#images.push({ id, label, perDate: false, unit, reader: r, dataset });
      }
      if (stored && !model) {
        const a = r.attrs();
        const s = Number(a.CENTER_LINE_UTC ?? seconds) || 0;
        const start = a.START_DATE && /^\d{8}$/.test(a.START_DATE) ? a.START_DATE : ts.dates[0]!;
        model = { reader: r, stored, origin: acquisitionYears([start], s)[0]! };
      }
    });
    this.#model = model;
    const tsLayer: Layer = {
      id: "timeseries",
      label: `${basename(ts.path)}: timeseries`,
      perDate: true,
      unit: ts.attrs.UNIT ?? "m",
    };
    this.layers = [
      tsLayer,
      ...this.#images.map(({ id, label, perDate, unit }) => ({ id, label, perDate, unit })),
    ];
  }

  /** Open the time-series file and the image files; errors name the file. */
  static async open(tsPath: string, imagePaths: readonly string[] = []): Promise<TsviewSources> {
    const ts = await TimeseriesFile.open(tsPath);
    const readers: H5Reader[] = [];
    try {
      for (const p of imagePaths) readers.push(await H5Reader.open(p));
      return new TsviewSources(ts, readers);
    } catch (e) {
      for (const r of readers) r.close();
      ts.close();
      throw e;
    }
  }

  /** The file holding the fitted model, if any. */
  get modelFile(): string | null {
    return this.#model?.reader.path ?? null;
  }

  /**
   * Rows `[row0, row0 + rows)` of a layer (of date `date` for the time-series): float32
   * `rows x WIDTH`.
   * @throws RangeError naming the parameter for an unknown layer or a range outside the image.
   */
  readTile(id: string, date: number, row0: number, rows: number): Float32Array {
    const L = this.ts.length;
    if (
      !(Number.isInteger(row0) && Number.isInteger(rows) && row0 >= 0 && rows >= 1 &&
        row0 + rows <= L)
    ) {
      throw new RangeError(`row0/rows: rows [${row0}, ${row0 + rows}) are outside 0..${L}`);
    }
    if (id === "timeseries") {
      const n = this.ts.dates.length;
      if (!(Number.isInteger(date) && date >= 0 && date < n)) {
        throw new RangeError(`date: ${date} is not a date index in 0..${n - 1}`);
      }
      return this.ts.readBlock(row0, row0 + rows, date, date + 1);
    }
    const img = this.#images.find((l) => l.id === id);
    if (!img) throw new RangeError(`dataset: unknown dataset "${id}"`);
    const v = img.reader.read(img.dataset, [[row0, row0 + rows]]);
    return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
  }

  /**
   * Pixel (y, x): its series over every date, the layers' values and the model: the fit
   * stored in an image file, else (MintPy tsview's default) a line fitted to the series;
   * none when `options.model` is false.
   */
  readPoint(y: number, x: number, options: { model?: boolean } = {}): PointSeries {
    const { length: L, width: W } = this.ts;
    if (!(Number.isInteger(y) && y >= 0 && y < L)) {
      throw new RangeError(`y: ${y} is not a row in 0..${L - 1}`);
    }
    if (!(Number.isInteger(x) && x >= 0 && x < W)) {
      throw new RangeError(`x: ${x} is not a column in 0..${W - 1}`);
    }
    const pixel = (r: H5Reader, name: string) => Number(r.read(name, [[y, y + 1], [x, x + 1]])[0]);
    const layers: Record<string, number | null> = {};
    for (const l of this.#images) layers[l.id] = finite(pixel(l.reader, l.dataset));
    const series = this.ts.readPixel(y, x);
    let fit: { stored: StoredModel; params: Float64Array; origin: number; source: string } | null =
      null;
    if (options.model === false) fit = null;
    else if (this.#model) {
      const { reader, stored, origin } = this.#model;
      const params = modelParams(stored, (name) => pixel(reader, name));
      fit = { stored, params, origin, source: basename(reader.path) };
    } else {
      const line = fitLinear(this.years, series);
      if (line) fit = { ...line, origin: this.years[0]!, source: "linear fit" };
    }
    let model: PointSeries["model"] = null;
    if (fit) {
      const t0 = this.years[0]!, t1 = this.years[this.years.length - 1]!;
      const years = Array.from(
        { length: MODEL_SAMPLES },
        (_, i) => t0 + (t1 - t0) * i / (MODEL_SAMPLES - 1),
      );
      const values = evaluateModel(fit.stored, fit.params, years, fit.origin);
      const atDates = evaluateModel(fit.stored, fit.params, this.years, fit.origin);
      model = {
        source: fit.source,
        years,
        values: Array.from(values, finite),
        atDates: Array.from(atDates, finite),
      };
    }
    return {
      y,
      x,
      dates: [...this.ts.dates],
      years: Array.from(this.years),
      values: Array.from(series, finite),
      layers,
      model,
    };
  }

  close(): void {
    for (const r of this.#readers) r.close();
    this.ts.close();
  }
}
