/**
 * The settings of a `timeseries2velocity` run, resolved as MintPy does from the options,
 * the template file and the time-series file: dates fit, reference date and point, the
 * time-function model, the uncertainty method, output names and attributes.
 * @module
 */
import { basename, extname, resolve } from "node:path";
import {
  buildTimeFunctionModel,
  decimalYearOf,
  InputError,
  normalizeDate,
  pyFloat,
  pyStr,
  selectDates,
  type TimeFunctionConfig,
  timeFunctionConfigAttrs,
  type TimeFunctionModel,
  type UncertaintyMethod,
} from "@vinsar/core";
import type { Attrs, TimeseriesFile } from "@vinsar/hdf5";
import type { Reporter } from "../reporter.ts";
import { emptyOffsetDates, isRangeOffsetTimeseries } from "./_empty_dates.ts";
import { applyTemplate } from "./_template.ts";
import type { Timeseries2VelocityOptions } from "./options.ts";
import { isFile } from "../pipeline/context.ts";

/** Everything the run needs, resolved from options, template and file. */
export interface Settings {
  tsPath: string;
  outfile: string;
  resFile: string | null;
  rmFamilies: string[];
  config: TimeFunctionConfig;
  model: TimeFunctionModel;
  uncertainty: UncertaintyMethod;
  /** File indices of the dates fit. */
  dateIndex: Int32Array;
  dates: string[];
  /** File index of the reference date to subtract, or -1. */
  refDateIndex: number;
  refDate: string | null;
  refYx: [number, number] | null;
  seconds: number;
  seed: number | null;
  unitScale: number;
  velocityAttrs: Attrs;
  residualAttrs: Attrs;
  /** The template's `mintpy.compute.maxMemory` (GB), which overrides the option. */
  maxMemory?: number;
}

/**
 * Resolve the run's settings from the options (and template) against the open file.
 * @throws InputError naming the option, date or file at fault.
 */
export function resolveSettings(
  options: Timeseries2VelocityOptions,
  ts: TimeseriesFile,
  reporter: Reporter,
): Settings {
  const tsPath = ts.path;
  const cfg = {
    startDate: options.startDate ?? null,
    endDate: options.endDate ?? null,
    excludeDate: [...(options.excludeDate ?? [])],
    polynomial: options.polynomial ?? 1,
    periodic: [...(options.periodic ?? [])],
    stepDate: [...(options.stepDate ?? [])],
    polyline: [...(options.polyline ?? [])],
    exp: (options.exp ?? []).map((g) => [...g]),
    log: (options.log ?? []).map((g) => [...g]),
    uncertaintyQuantification: options.uncertaintyQuantification ?? "residue",
    timeSeriesCovFile: options.timeSeriesCovFile ?? null,
    bootstrapCount: options.bootstrapCount ?? 400,
  };
  checkBootstrapCount(cfg.bootstrapCount, "flag --bootstrap-count");
  let exFromTemplate = false, maxMemory: number | undefined;
  if (options.templateFile) {
    const set = applyTemplate(options.templateFile, cfg, { reporter });
    exFromTemplate = set.excludeDateSet;
    maxMemory = set.maxMemory;
    checkBootstrapCount(cfg.bootstrapCount, "template mintpy.timeFunc.bootstrapCount");
  }
  if (cfg.polynomial < 0) {
    throw new InputError(`flag --polynomial: ${cfg.polynomial} can NOT be smaller than zero`);
  }
  for (const d of [...cfg.stepDate, ...cfg.polyline]) decimalYearOf(d, 0, "flag --step/--polyline");

  // Uncertainty method, with MintPy's fall-backs.
  let uq = cfg.uncertaintyQuantification as UncertaintyMethod;
  if (!["residue", "covariance", "bootstrap"].includes(uq)) {
    throw new InputError(`uncertainty method "${uq}": choose residue, covariance or bootstrap`);
  }
  if (uq === "bootstrap") {
    if (cfg.bootstrapCount <= 1) {
      reporter.warn("bootstrapCount should be larger than 1! Use residue instead, and continue.");
      uq = "residue";
    }
    // Checked after the fall-back, as MintPy does: a count <= 1 warns, then stops here too.
    if (
      cfg.polynomial !== 1 || cfg.periodic.length || cfg.stepDate.length || cfg.exp.length ||
      cfg.log.length
    ) {
      throw new InputError(
        "--uq bootstrap supports a linear polynomial (--poly 1, optionally --polyline) only, as MintPy",
      );
    }
  } else if (uq === "covariance") {
    if (!cfg.timeSeriesCovFile) {
      reporter.warn(
        "NO time series covariance file (--ts-cov-file): use residue instead, and continue.",
      );
      uq = "residue";
    } else if (!isFile(cfg.timeSeriesCovFile)) {
      throw new InputError(`flag --ts-cov-file: ${cfg.timeSeriesCovFile}: file not found`);
    }
  }
  cfg.uncertaintyQuantification = uq;

  // Dates.
  const exDates = resolveExcludeDates(cfg.excludeDate, ts.dates, {
    fromTemplate: exFromTemplate,
    reporter,
  });
  const sel = selectDates(ts.dates, {
    startDate: cfg.startDate ?? undefined,
    endDate: cfg.endDate ?? undefined,
    excludeDates: exDates,
  });
  let used = sel.used, dateIndex = sel.index;
  for (const m of sel.messages) reporter.info(m);
  if (isRangeOffsetTimeseries(tsPath)) {
    const empty = new Set(emptyOffsetDates(ts));
    if (empty.size > 0) {
      reporter.info(
        `range-offset time-series: leave out ${empty.size} date(s) whose image sums to zero: ${
          pyStr([...empty])
        }`,
      );
      const keep = [...dateIndex].filter((i) => !empty.has(ts.dates[i]!));
      dateIndex = Int32Array.from(keep);
      used = keep.map((i) => ts.dates[i]!);
    }
  }
  reporter.info(`dates from input file: ${ts.dates.length}\n${pyStr([...ts.dates])}`);
  const usedAll = used.length === ts.dates.length;
  reporter.info(
    usedAll
      ? "using all dates to calculate the time function"
      : `dates used to estimate the time function: ${used.length}\n${pyStr(used)}`,
  );
  if (used.length === 0) {
    throw new InputError("no date left after --start-date/--end-date/--ex");
  }

  // Reference in time.
  const attrs = ts.attrs;
  let refDate: string | null = null;
  if (options.refDate !== undefined) {
    refDate = normalizeDate(options.refDate, "flag --ref-date");
    if (!ts.dates.includes(refDate)) {
      throw new InputError(`flag --ref-date: ${refDate} is not a date of ${tsPath}`);
    }
  } else if (attrs.REF_DATE === undefined) {
    refDate = used[0]!;
    reporter.warn(`No REF_DATE found in time-series file or input: set "--ref-date ${refDate}".`);
  }

  // Reference in space.
  const refYx = referencePoint(options, ts, reporter);

  // Model and its checks (need the dates used).
  const model = buildTimeFunctionModel(cfg, used);
  reporter.info("estimate deformation model with the following assumed time functions:");
  reporter.info(`    polynomial : ${model.polynomial}`);
  reporter.info(`    periodic   : ${pyStr(model.periodic.slice())}`);
  reporter.info(`    stepDate   : ${pyStr(model.stepDate.slice())}`);
  reporter.info(`    polyline   : ${pyStr(model.polyline.slice())}`);
  const dict = (l: TimeFunctionModel["exp"]) =>
    `{${l.map((e) => `'${e.onset}': [${e.taus.join(", ")}]`).join(", ")}}`;
  reporter.info(`    exp        : ${dict(model.exp)}`);
  reporter.info(`    log        : ${dict(model.log)}`);

  // Outputs.
  const rmFamilies: string[] = options.rmTimefun ? [...options.rmTimefun] : ["all"];
  let outfile = options.outfile;
  if (!outfile) {
    const base = basename(tsPath, extname(tsPath));
    const suffix = ["timeseriesRg", "timeseriesAz"].includes(base)
      ? base.slice("timeseries".length)
      : rmFamilies.includes("all")
      ? ""
      : `_${rmFamilies.join("_")}`;
    outfile = `velocity${suffix}.h5`;
  }
  let resFile: string | null = null;
  if (options.saveRes) {
    resFile = options.resFile ??
      (rmFamilies.includes("all")
        ? "timeseriesResidual.h5"
        : `${tsPath.slice(0, tsPath.length - extname(tsPath).length)}_${rmFamilies.join("_")}.h5`);
  }

  const seconds = Number(attrs.CENTER_LINE_UTC ?? 0) || 0;
  const seed = options.seed ?? null;
  if (seed !== null && !(Number.isInteger(seed) && seed >= 0)) {
    throw new InputError(`flag --seed: ${seed} must be >= 0`);
  }
  const unitScale = attrs.UNIT === "mm" ? 0.001 : 1;
  if (unitScale !== 1) reporter.info("input UNIT is mm: converted to m");

  const config: TimeFunctionConfig = {
    startDate: cfg.startDate,
    endDate: cfg.endDate,
    excludeDate: cfg.excludeDate,
    polynomial: cfg.polynomial,
    periodic: cfg.periodic,
    stepDate: [...cfg.stepDate].sort(),
    exp: cfg.exp,
    log: cfg.log,
    uncertaintyQuantification: uq,
    timeSeriesCovFile: cfg.timeSeriesCovFile,
    bootstrapCount: cfg.bootstrapCount,
  };
  // read_attribute adds FILE_PATH (absolute) and NO_DATA_VALUE to what MintPy copies.
  const base: Attrs = { ...attrs };
  if (attrs.FILE_PATH !== undefined && attrs.OG_FILE_PATH === undefined) {
    base.OG_FILE_PATH = attrs.FILE_PATH;
  }
  base.FILE_PATH = resolve(tsPath);
  base.NO_DATA_VALUE = attrs.NO_DATA_VALUE ?? "none";
  if (refYx) {
    base.REF_Y = String(refYx[0]);
    base.REF_X = String(refYx[1]);
  }
  const d0 = used[0]!, d1 = used[used.length - 1]!;
  const velocityAttrs: Attrs = {
    ...base,
    FILE_TYPE: "velocity",
    UNIT: "m/year",
    START_DATE: d0,
    END_DATE: d1,
    DATE12: `${d0}_${d1}`,
    ...(refDate ? { REF_DATE: refDate } : {}),
    ...timeFunctionConfigAttrs(config),
  };
  reporter.info(
    `add/update the following configuration metadata:\n${
      pyStr(Object.keys(timeFunctionConfigAttrs(config)).map((k) => k.split(".").pop()!))
    }`,
  );
  const residualAttrs: Attrs = { ...base, ...(unitScale !== 1 ? { UNIT: "m" } : {}) };
  delete residualAttrs.REF_DATE;

  return {
    tsPath,
    outfile,
    resFile,
    rmFamilies,
    config,
    model,
    uncertainty: uq,
    dateIndex,
    dates: used,
    refDateIndex: refDate ? ts.dates.indexOf(refDate) : -1,
    refDate,
    refYx,
    seconds,
    seed,
    unitScale,
    velocityAttrs,
    residualAttrs,
    ...(maxMemory !== undefined ? { maxMemory } : {}),
  };
}

/**
 * A bootstrap count is a whole number >= 0. MintPy takes any int and, with `--uq bootstrap`,
 * falls back to residue for a count <= 1 (kept: 0 and 1 warn and continue); a negative count
 * is a typo, so it is an error here rather than a silent fall-back.
 */
function checkBootstrapCount(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new InputError(`${what}: ${n} must be a whole number >= 0`);
  }
}

/** The reference point `(y, x)` of `refLalo` (geocoded files) or `refYx`, checked. */
function referencePoint(
  options: Timeseries2VelocityOptions,
  ts: TimeseriesFile,
  reporter: Reporter,
): [number, number] | null {
  const attrs = ts.attrs;
  let yx: [number, number] | null = null;
  if (options.refLalo !== undefined) {
    const [lat, lon0] = options.refLalo;
    const need = ["X_FIRST", "Y_FIRST", "X_STEP", "Y_STEP"];
    if (need.some((k) => attrs[k] === undefined)) {
      throw new InputError(
        `flag --ref-lalo: ${ts.path} is not geocoded (no X_FIRST/Y_FIRST/X_STEP/Y_STEP): use --ref-yx`,
      );
    }
    const x0 = Number(attrs.X_FIRST), y0 = Number(attrs.Y_FIRST);
    const dx = Number(attrs.X_STEP), dy = Number(attrs.Y_STEP);
    // Longitude convention of the file: [0, 360) or (-180, 180], as MintPy's geo2radar.
    let lon = lon0;
    const maxLon = x0 + dx * ts.width;
    if (!(Math.abs(x0) > 180 && Math.abs(maxLon) > 180)) {
      if (maxLon > 180) lon = lon < 0 ? lon + 360 : lon;
      else lon = lon > 180 ? lon - 360 : lon;
    }
    yx = [Math.floor((lat - y0) / dy + 0.01), Math.floor((lon - x0) / dx + 0.01)];
    reporter.info(`input reference point in (lat, lon): (${pyFloat(lat)}, ${pyFloat(lon0)})`);
    reporter.info(`corresponding   point in (y, x): (${yx[0]}, ${yx[1]})`);
  }
  if (options.refYx !== undefined && yx === null) yx = [options.refYx[0], options.refYx[1]];
  if (yx && !(yx[0] >= 0 && yx[0] < ts.length && yx[1] >= 0 && yx[1] < ts.width)) {
    throw new InputError(
      `reference point (y, x) = (${yx[0]}, ${
        yx[1]
      }) is outside the ${ts.length} x ${ts.width} image`,
    );
  }
  return yx;
}

/**
 * `excludeDate` values: dates (must be dates of the file) and text files of dates (one per
 * line; dates not in the file are ignored, as MintPy does).
 */
function resolveExcludeDates(
  values: readonly string[],
  fileDates: readonly string[],
  options: { fromTemplate: boolean; reporter: Reporter },
): string[] {
  const { fromTemplate, reporter } = options;
  const out = new Set<string>();
  for (const v of values) {
    if (/\.(txt|cfg|dat)$/.test(v) || isFile(v)) {
      let text: string;
      try {
        text = Deno.readTextFileSync(v);
      } catch {
        if (fromTemplate) {
          reporter.debug(`exclude date file ${v} not found: ignored`);
          continue;
        }
        throw new InputError(`flag --ex: ${v}: file not found`);
      }
      for (const line of text.split(/\r?\n/)) {
        const t = line.trim();
        if (!t || t.startsWith("#")) continue;
        const d = normalizeDate(t.split(/\s+/)[0]!, `${v}`);
        if (fileDates.includes(d)) out.add(d);
        else reporter.warn(`${v}: date ${d} is not in the time-series: ignored`);
      }
    } else {
      const d = normalizeDate(
        v,
        fromTemplate ? "template mintpy.timeFunc.excludeDate" : "flag --ex",
      );
      if (fileDates.includes(d)) out.add(d);
      else if (fromTemplate) reporter.warn(`excludeDate ${d} is not in the time-series: ignored`);
      else throw new InputError(`flag --ex: ${d} is not a date of the time-series`);
    }
  }
  return [...out].sort();
}
