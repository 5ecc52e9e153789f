/**
 * `vinsar timeseries2velocity`: MintPy 1.6.4's `timeseries2velocity.py` (same flags, files
 * and numbers): time functions fit to every pixel with one pseudo-inverse, streamed in row
 * blocks, with residue, covariance or closed-form bootstrap uncertainties.
 * @module
 */
import { basename, extname, resolve } from "node:path";
import {
  type BlockFitCounts,
  bootstrapMoments,
  BootstrapRandom,
  type BootstrapSetup,
  bootstrapWeights,
  buildTimeFunctionModel,
  decimalYearOf,
  drawBootstrapSamples,
  fitTimeFunctionsBlock,
  InputError,
  log,
  normalizeDate,
  planRowBlocks,
  planTimeFunctionFit,
  pyFloat,
  pyStr,
  selectDates,
  TimeFunctionBasis,
  timeFunctionColumns,
  type TimeFunctionConfig,
  timeFunctionConfigAttrs,
  timeFunctionDatasets,
  type TimeFunctionFamily,
  type TimeFunctionModel,
  timeFunctionOutputs,
  type TimeSeriesCovariance,
  type UncertaintyMethod,
} from "@vinsar/core";
import {
  type Attrs,
  CovarianceFile,
  layoutResidualFile,
  layoutVelocityFile,
  TimeseriesFile,
  writeResidualBlock,
  writeVelocityBlock,
} from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  numberArg,
  type OptionSpec,
  type ParsedArgs,
  parseCommandArgs,
} from "../args.ts";
import { isUpToDate, makeContext } from "../context.ts";
import { withOutputs } from "../outputs.ts";
import { Progress } from "../progress.ts";

/**
 * Largest row block of data, bytes: bigger blocks are not faster (fresh memory costs more
 * than it saves) and keep the peak memory needlessly high.
 */
const MAX_BLOCK_BYTES = 32 * 1024 * 1024;

const FAMILIES = ["all", "polynomial", "periodic", "step", "polyline", "exp", "log"] as const;

const options: OptionSpec[] = [
  { names: ["-h", "--help"], nargs: 0, help: "show this help and exit" },
  {
    names: ["-t", "--template"],
    dest: "templateFile",
    metavar: "FILE",
    help: "template file with mintpy.timeFunc.* options (they override flags, as in MintPy)",
  },
  { names: ["-o", "--output"], dest: "outfile", metavar: "FILE", help: "output file name" },
  { names: ["--ref-date"], dest: "refDate", metavar: "DATE", help: "reference date in time" },
  {
    names: ["--ref-lalo"],
    nargs: "+",
    dest: "refLalo",
    metavar: "LAT LON",
    help: "reference point in latitude / longitude (geocoded files)",
  },
  { names: ["--ref-yx"], nargs: "+", dest: "refYx", metavar: "Y X", help: "reference point in y / x" },
  {
    names: ["-s", "--start-date"],
    dest: "startDate",
    metavar: "DATE",
    help: "start date for time function estimation",
  },
  {
    names: ["-e", "--end-date"],
    dest: "endDate",
    metavar: "DATE",
    help: "end date for time function estimation",
  },
  {
    names: ["--ex", "--ex-date", "--exclude-date", "--exclude"],
    nargs: "+",
    dest: "excludeDate",
    metavar: "DATE",
    help: "date(s) or text file(s) of dates not used (e.g. exclude_date.txt)",
  },
  {
    names: ["--uq", "--uncertainty"],
    dest: "uncertaintyQuantification",
    default: "residue",
    choices: ["residue", "covariance", "bootstrap"],
    metavar: "VAL",
    help: "STD from: residue (fit residual), covariance (--ts-cov-file), bootstrap",
  },
  {
    names: ["--ts-cov", "--ts-cov-file"],
    dest: "timeSeriesCovFile",
    metavar: "FILE",
    help: "time-series variance (N, L, W) or covariance (N, N, L, W) file for --uq covariance",
  },
  {
    names: ["--bc", "--bootstrap-count"],
    dest: "bootstrapCount",
    default: "400",
    metavar: "N",
    help: "number of bootstrap resamples",
  },
  {
    names: ["--seed"],
    dest: "seed",
    metavar: "N",
    help: "seed of the bootstrap resampling (vinsar only; default: random, logged)",
  },
  {
    names: ["--poly", "--polynomial", "--poly-order"],
    dest: "polynomial",
    default: "1",
    metavar: "DEG",
    help: "polynomial degree: 1 linear, 2 quadratic, ...",
  },
  {
    names: ["--periodic", "--period", "--peri"],
    nargs: "+",
    dest: "periodic",
    metavar: "YEARS",
    help: "periodic function(s) with period in years (1 annual, 0.5 semi-annual)",
  },
  {
    names: ["--step", "--step-date"],
    nargs: "+",
    dest: "stepDate",
    metavar: "DATE",
    help: "step function(s) at YYYYMMDD(THHMM)",
  },
  {
    names: ["--polyline"],
    nargs: "+",
    dest: "polyline",
    metavar: "DATE",
    help: "extra line segment(s) starting at YYYYMMDD(THHMM)",
  },
  {
    names: ["--exp", "--exponential"],
    nargs: "+",
    append: true,
    dest: "exp",
    metavar: "ONSET TAU",
    help: "exponential function: onset date then characteristic time(s) in days",
  },
  {
    names: ["--log", "--logarithmic"],
    nargs: "+",
    append: true,
    dest: "log",
    metavar: "ONSET TAU",
    help: "logarithmic function: onset date then characteristic time(s) in days",
  },
  {
    names: ["--save-res", "--save_residual"],
    nargs: 0,
    dest: "saveRes",
    help: "save the residual time-series",
  },
  {
    names: ["--res-file", "--residual-file"],
    dest: "resFile",
    metavar: "FILE",
    help: "residual time-series file name (default: timeseriesResidual.h5)",
  },
  {
    names: ["--rm-timefun"],
    nargs: "*",
    dest: "rmTimefun",
    choices: FAMILIES,
    metavar: "FUNC",
    help: "time functions removed in the residual: all (default), polynomial, periodic, ...",
  },
  ...commonOptions.map((o) =>
    o.dest === "maxMemory" ? { ...o, names: ["--ram", "--memory", "--max-memory"] } : o
  ),
];

const spec: CommandSpec = {
  name: "timeseries2velocity",
  usage: "vinsar timeseries2velocity timeseries_file [options]",
  description: "Estimate velocity / time functions from time-series (MintPy's " +
    "timeseries2velocity.py).",
  positionals: ["timeseries_file"],
  options,
  examples: [
    "vinsar timeseries2velocity timeseries.h5",
    "vinsar timeseries2velocity timeseries.h5 --start-date 20080201 --end-date 20100508",
    "vinsar timeseries2velocity timeseries.h5 --ex exclude_date.txt",
    "vinsar timeseries2velocity timeseries.h5 --poly 2 --periodic 1 0.5 --step 20170910",
    "vinsar timeseries2velocity timeseries.h5 --exp 20170910 90 --log 20170910 60 200",
    "vinsar timeseries2velocity timeseries.h5 --uq bootstrap --bc 400 --seed 1",
    "vinsar timeseries2velocity timeseries.h5 --save-res --rm-timefun periodic",
  ],
};

/** Everything the run needs, resolved from flags, template and file. */
interface Settings {
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
}

/** The `timeseries2velocity` command. */
export const command: Command = {
  summary: "fit time functions (velocity, ...) to a displacement time-series",
  async run(argv: string[]): Promise<void> {
    const args = parseCommandArgs({ ...spec, positionals: ["timeseries_file?"] }, argv);
    if (args.help) {
      console.log(formatHelp(spec));
      return;
    }
    if (args._.length === 0) {
      throw new InputError(`missing argument timeseries_file (usage: ${spec.usage})`);
    }
    const start = performance.now();
    const ctx = await makeContext(args);
    const ts = await TimeseriesFile.open(args._[0]!);
    try {
      log.info(`open timeseries file: ${ts.path}`);
      const s = await resolveSettings(args, ts);
      const outputs = s.resFile ? [s.outfile, s.resFile] : [s.outfile];
      const expected = timeFunctionConfigAttrs(s.config);
      if (args.update) {
        log.info("update mode: ON");
        if (await isUpToDate([s.tsPath], outputs, expected)) {
          log.info(`run or skip: skip (${outputs.join(", ")} up to date with the same settings)`);
          return;
        }
        log.info("run or skip: run");
      }
      await runFit(ts, s, ctx);
    } finally {
      ts.close();
    }
    const secs = (performance.now() - start) / 1000;
    log.info(
      `time used: ${String(Math.floor(secs / 60)).padStart(2, "0")} mins ${
        (secs % 60).toFixed(1)
      } secs.`,
    );
  },
};

async function resolveSettings(args: ParsedArgs, ts: TimeseriesFile): Promise<Settings> {
  const tsPath = ts.path;
  const cfg = {
    startDate: (args.startDate as string | undefined) ?? null,
    endDate: (args.endDate as string | undefined) ?? null,
    excludeDate: (args.excludeDate as string[] | undefined) ?? [],
    polynomial: intArg(args.polynomial, "--polynomial"),
    periodic: ((args.periodic as string[] | undefined) ?? []).map((v) => floatArg(v, "--periodic")),
    stepDate: (args.stepDate as string[] | undefined) ?? [],
    polyline: (args.polyline as string[] | undefined) ?? [],
    exp: (args.exp as string[][] | undefined) ?? [],
    log: (args.log as string[][] | undefined) ?? [],
    uncertaintyQuantification: String(args.uncertaintyQuantification),
    timeSeriesCovFile: (args.timeSeriesCovFile as string | undefined) ?? null,
    bootstrapCount: intArg(args.bootstrapCount, "--bootstrap-count"),
  };
  let exFromTemplate = false;
  if (args.templateFile) {
    exFromTemplate = applyTemplate(String(args.templateFile), cfg, args);
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
      log.warn("bootstrapCount should be larger than 1! Use residue instead, and continue.");
      uq = "residue";
    } else if (
      cfg.polynomial !== 1 || cfg.periodic.length || cfg.stepDate.length || cfg.exp.length ||
      cfg.log.length
    ) {
      throw new InputError(
        "--uq bootstrap supports a linear polynomial (--poly 1, optionally --polyline) only, as MintPy",
      );
    }
  } else if (uq === "covariance") {
    if (!cfg.timeSeriesCovFile) {
      log.warn("NO time series covariance file (--ts-cov-file): use residue instead, and continue.");
      uq = "residue";
    } else if (!isFile(cfg.timeSeriesCovFile)) {
      throw new InputError(`flag --ts-cov-file: ${cfg.timeSeriesCovFile}: file not found`);
    }
  }
  cfg.uncertaintyQuantification = uq;

  // Dates.
  const exDates = resolveExcludeDates(cfg.excludeDate, ts.dates, exFromTemplate);
  const sel = selectDates(ts.dates, {
    startDate: cfg.startDate ?? undefined,
    endDate: cfg.endDate ?? undefined,
    excludeDates: exDates,
  });
  for (const m of sel.messages) log.info(m);
  log.info(`dates from input file: ${ts.dates.length}\n${pyStr([...ts.dates])}`);
  if (sel.used.length === ts.dates.length) log.info("using all dates to calculate the time function");
  else log.info(`dates used to estimate the time function: ${sel.used.length}\n${pyStr(sel.used)}`);
  if (sel.used.length === 0) throw new InputError("no date left after --start-date/--end-date/--ex");

  // Reference in time.
  const attrs = ts.attrs;
  let refDate: string | null = null;
  if (args.refDate !== undefined) {
    refDate = normalizeDate(String(args.refDate), "flag --ref-date");
    if (!ts.dates.includes(refDate)) {
      throw new InputError(`flag --ref-date: ${refDate} is not a date of ${tsPath}`);
    }
  } else if (attrs.REF_DATE === undefined) {
    refDate = sel.used[0]!;
    log.warn(`No REF_DATE found in time-series file or input: set "--ref-date ${refDate}".`);
  }

  // Reference in space.
  const refYx = referencePoint(args, ts);

  // Model and its checks (need the dates used).
  const model = buildTimeFunctionModel(cfg, sel.used);
  log.info("estimate deformation model with the following assumed time functions:");
  log.info(`    polynomial : ${model.polynomial}`);
  log.info(`    periodic   : ${pyStr(model.periodic.slice())}`);
  log.info(`    stepDate   : ${pyStr(model.stepDate.slice())}`);
  log.info(`    polyline   : ${pyStr(model.polyline.slice())}`);
  const dict = (l: TimeFunctionModel["exp"]) =>
    `{${l.map((e) => `'${e.onset}': [${e.taus.join(", ")}]`).join(", ")}}`;
  log.info(`    exp        : ${dict(model.exp)}`);
  log.info(`    log        : ${dict(model.log)}`);

  // Outputs.
  const rmFamilies = (args.rmTimefun as string[] | undefined) ?? ["all"];
  let outfile = args.outfile as string | undefined;
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
  if (args.saveRes) {
    resFile = (args.resFile as string | undefined) ??
      (rmFamilies.includes("all")
        ? "timeseriesResidual.h5"
        : `${tsPath.slice(0, tsPath.length - extname(tsPath).length)}_${rmFamilies.join("_")}.h5`);
  }

  const seconds = Number(attrs.CENTER_LINE_UTC ?? 0) || 0;
  const seed = args.seed === undefined ? null : intArg(args.seed, "--seed");
  if (seed !== null && seed < 0) throw new InputError(`flag --seed: ${seed} must be >= 0`);
  const unitScale = attrs.UNIT === "mm" ? 0.001 : 1;
  if (unitScale !== 1) log.info("input UNIT is mm: converted to m");

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
  const d0 = sel.used[0]!, d1 = sel.used[sel.used.length - 1]!;
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
  log.info(
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
    dateIndex: sel.index,
    dates: sel.used,
    refDateIndex: refDate ? ts.dates.indexOf(refDate) : -1,
    refDate,
    refYx,
    seconds,
    seed,
    unitScale,
    velocityAttrs,
    residualAttrs,
  };
}

async function runFit(
  ts: TimeseriesFile,
  s: Settings,
  ctx: Awaited<ReturnType<typeof makeContext>>,
): Promise<void> {
  const { length: L, width: W } = ts;
  const n = s.dates.length;
  const basis = new TimeFunctionBasis(s.model);
  const p = basis.numParams;
  const years = Float64Array.from(s.dates, (d) => decimalYearOf(d, s.seconds));
  const fit = planTimeFunctionFit(basis.matrix(years, years[0]!), n, p);
  if (n <= p) {
    throw new InputError(
      `${n} dates used but the model has ${p} parameters: need more dates than parameters`,
    );
  }
  if (fit.rank < p) {
    throw new InputError(
      "G matrix is redundant/rank-deficient: check the exp/log onsets and characteristic " +
        "times (an onset far before the first date or a tiny tau), steps and polylines",
    );
  }

  const residualColumns = s.rmFamilies.includes("all")
    ? undefined
    : timeFunctionColumns(s.model, s.rmFamilies as TimeFunctionFamily[]);

  let bootstrap: { setup: BootstrapSetup; moments: ReturnType<typeof bootstrapMoments> } | undefined;
  if (s.uncertainty === "bootstrap") {
    const seed = s.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
    log.info(
      `estimating time functions STD with bootstrap resampling (${s.config.bootstrapCount} times, seed ${seed}) ...`,
    );
    const rng = new BootstrapRandom(seed);
    const setup: BootstrapSetup = {
      basis,
      years,
      samples: drawBootstrapSamples(n, s.config.bootstrapCount, rng),
      count: s.config.bootstrapCount,
    };
    const w = bootstrapWeights(setup);
    if (w.rankDeficient > 0) {
      log.warn(
        `${w.rankDeficient} bootstrap resamples have too few distinct dates: their minimum-norm fit is used`,
      );
    }
    bootstrap = { setup, moments: bootstrapMoments(w) };
  }

  let cov: CovarianceFile | null = null;
  if (s.uncertainty === "covariance") {
    cov = await CovarianceFile.open(s.config.timeSeriesCovFile!, ts.dates.length, L, W);
    log.info(
      `reading time-series covariance matrix from file ${cov.path} (${
        cov.kind === "full" ? "full covariance" : "variance"
      })`,
    );
  }

  try {
    // Dates read per block: the contiguous range holding the dates fit and the reference date.
    let i0 = s.dateIndex[0]!, i1 = s.dateIndex[n - 1]! + 1;
    if (s.refDateIndex >= 0) {
      i0 = Math.min(i0, s.refDateIndex);
      i1 = Math.max(i1, s.refDateIndex + 1);
    }
    const nRead = i1 - i0, N = ts.dates.length;
    const covBytes = cov ? (cov.kind === "full" ? 16 * N * N + 8 * n * n : 8 * N + 8 * n) : 0;
    const datasets = timeFunctionDatasets(s.model);
    if (s.uncertainty === "residue") datasets.push({ name: "residue", unit: "m" });
    // Per pixel: the float32 read, the float64 data, parameters, STDs, float32 outputs,
    // per-pixel bookkeeping (and the (co)variance's float32 read and float64 copy).
    const bytesPerPixel = 4 * nRead + 8 * n + 16 * p + 8 * datasets.length + 40 + covBytes;
    const chunker = planRowBlocks({
      length: L,
      width: W,
      bytesPerPixel,
      budgetBytes: Math.min(ctx.budgetBytes, MAX_BLOCK_BYTES),
      alignRows: ts.chunkRows,
      readBytesPerPixel: cov?.kind === "full" ? 4 * N * N : 4 * nRead,
    });
    if (chunker.count > 1) {
      log.info(`${chunker.count} blocks of ${chunker.rowsPerBlock} rows (memory budget ${
        (ctx.budgetBytes / 2 ** 20).toFixed(0)
      } MB)`);
    }

    // Reference point series, referenced in time too (a double difference).
    let refSeries: Float64Array | null = null;
    if (s.refYx) {
      const [y, x] = s.refYx;
      log.info(`referencing to point (y, x): (${y}, ${x})`);
      const px = ts.readPixel(y, x);
      const r0 = s.refDateIndex >= 0 ? px[s.refDateIndex]! : 0;
      refSeries = Float64Array.from(px, (v) => v - r0);
    }
    if (s.refDate) log.info(`referencing to date: ${s.refDate}`);

    const refY = Number(s.velocityAttrs.REF_Y), refX = Number(s.velocityAttrs.REF_X);
    const hasRef = Number.isInteger(refY) && Number.isInteger(refX) && refX >= 0 && refX < W;
    log.info("skip pixels with zero/nan value in all acquisitions");
    log.info("estimating time functions via least squares (one pseudo-inverse for all pixels) ...");
    if (s.uncertainty === "residue") {
      log.info("estimating time functions STD from time-series fitting residual ...");
    } else if (s.uncertainty === "covariance") {
      log.info("estimating time functions STD from time-series (co)variance propagation ...");
    }

    await withOutputs(async (out) => {
      const vel = await out.h5(s.outfile);
      layoutVelocityFile(vel, s.velocityAttrs, datasets, L, W);
      const res = s.resFile ? await out.h5(s.resFile) : null;
      if (res) layoutResidualFile(res, s.residualAttrs, s.dates, L, W);
      const totals: BlockFitCounts = {
        fitted: 0,
        skipped: 0,
        partial: 0,
        partialPatterns: 0,
        unsolvable: 0,
        rankDeficientResamples: 0,
      };
      const progress = new Progress("fitting", L * W);
      const maxLanes = chunker.rowsPerBlock * W;
      const rawBuf = new Float32Array(nRead * maxLanes);
      const dataBuf = new Float64Array(n * maxLanes);
      const time = { read: 0, compute: 0, write: 0 };
      for (const block of chunker.blocks()) {
        const rows = block.row1 - block.row0, lanes = rows * W;
        let t = performance.now();
        const raw = ts.readBlock(block.row0, block.row1, i0, i1, rawBuf.subarray(0, nRead * lanes));
        const covRaw = cov?.readBlock(block.row0, block.row1);
        time.read += performance.now() - t;
        t = performance.now();
        const data = blockData(raw, lanes, s, i0, refSeries, dataBuf.subarray(0, n * lanes));
        const covariance = cov ? blockCovariance(cov, covRaw!, lanes, s) : undefined;
        const refLane = hasRef && refY >= block.row0 && refY < block.row1
          ? (refY - block.row0) * W + refX
          : -1;
        const r = fitTimeFunctionsBlock(ctx.solver, fit, data, lanes, {
          uncertainty: s.uncertainty,
          covariance,
          bootstrap,
          refLane,
          residualColumns,
        });
        for (const k of Object.keys(totals) as Array<keyof BlockFitCounts>) totals[k] += r.counts[k];
        const values = timeFunctionOutputs(s.model, r.params, r.std, r.fitted, lanes);
        if (s.uncertainty === "residue") values.set("residue", Float32Array.from(r.e2, Math.sqrt));
        // The float32 read buffer is free now: it takes the residual.
        const f32 = raw.subarray(0, n * lanes);
        if (res) f32.set(data);
        time.compute += performance.now() - t;
        t = performance.now();
        writeVelocityBlock(vel, block.row0, block.row1, values);
        if (res) writeResidualBlock(res, block.row0, block.row1, n, f32, W);
        time.write += performance.now() - t;
        progress.advance(lanes);
      }
      log.debug(
        `timing: read ${(time.read / 1000).toFixed(3)} s, compute ${
          (time.compute / 1000).toFixed(3)
        } s, write ${(time.write / 1000).toFixed(3)} s, ${chunker.count} blocks of ${chunker.rowsPerBlock} rows, ${
          (bytesPerPixel * maxLanes / 2 ** 20).toFixed(1)
        } MB of block data`,
      );
      const total = L * W;
      log.info(
        `number of pixels to invert: ${totals.fitted} out of ${total} (${
          (totals.fitted / total * 100).toFixed(1)
        }%)`,
      );
      if (totals.partial > 0) {
        log.warn(
          `${totals.partial} pixels have no data (NaN) on some dates (${totals.partialPatterns} ` +
            "patterns): fit with their dates with data; MintPy 1.6.4 stops with an error on them",
        );
      }
      if (totals.unsolvable > 0) {
        log.warn(
          `${totals.unsolvable} pixels have data on ${p} or fewer dates: no unique fit, left at 0`,
        );
      }
      if (totals.rankDeficientResamples > 0) {
        log.warn(
          `${totals.rankDeficientResamples} bootstrap resamples were rank-deficient for pixels ` +
            "missing dates: their minimum-norm fit is used",
        );
      }
      if (res) log.info(`remove time functions: ${pyStr(s.rmFamilies)}; residual: ${s.resFile}`);
      log.info(`write ${s.outfile}`);
    });
  } finally {
    cov?.close();
  }
}

/**
 * The dates fit as float64 `n x lanes`: referenced to the reference date (the same pixel)
 * and point (the same date), NaN kept.
 */
function blockData(
  raw: Float32Array,
  lanes: number,
  s: Settings,
  i0: number,
  refSeries: Float64Array | null,
  data: Float64Array,
): Float64Array {
  const n = s.dates.length;
  const refRow = s.refDateIndex >= 0 ? (s.refDateIndex - i0) * lanes : -1;
  const scale = s.unitScale;
  for (let k = 0; k < n; k++) {
    const fi = s.dateIndex[k]!;
    const src = (fi - i0) * lanes, dst = k * lanes;
    const shift = refSeries ? refSeries[fi]! : 0;
    if (refRow >= 0) {
      for (let l = 0; l < lanes; l++) {
        data[dst + l] = (raw[src + l]! - raw[refRow + l]! - shift) * scale;
      }
    } else if (shift !== 0 || scale !== 1) {
      for (let l = 0; l < lanes; l++) data[dst + l] = (raw[src + l]! - shift) * scale;
    } else {
      for (let l = 0; l < lanes; l++) data[dst + l] = raw[src + l]!;
    }
  }
  return data;
}

/** The (co)variance of the dates fit, float64 lane-fastest. */
function blockCovariance(
  cov: CovarianceFile,
  raw: Float32Array,
  lanes: number,
  s: Settings,
): TimeSeriesCovariance {
  const n = s.dates.length, N = cov.numDates, idx = s.dateIndex;
  const scale = s.unitScale * s.unitScale;
  if (cov.kind === "variance") {
    const v = new Float64Array(n * lanes);
    for (let a = 0; a < n; a++) {
      const src = idx[a]! * lanes;
      for (let l = 0; l < lanes; l++) v[a * lanes + l] = raw[src + l]! * scale;
    }
    return { kind: "variance", values: v };
  }
  const v = new Float64Array(n * n * lanes);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const src = (idx[a]! * N + idx[b]!) * lanes, dst = (a * n + b) * lanes;
      for (let l = 0; l < lanes; l++) v[dst + l] = raw[src + l]! * scale;
    }
  }
  return { kind: "full", values: v };
}

function referencePoint(args: ParsedArgs, ts: TimeseriesFile): [number, number] | null {
  const attrs = ts.attrs;
  let yx: [number, number] | null = null;
  if (args.refLalo !== undefined) {
    const v = args.refLalo as string[];
    if (v.length !== 2) throw new InputError("flag --ref-lalo needs 2 values: LAT LON");
    const lat = floatArg(v[0]!, "--ref-lalo"), lon0 = floatArg(v[1]!, "--ref-lalo");
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
    log.info(`input reference point in (lat, lon): (${pyFloat(lat)}, ${pyFloat(lon0)})`);
    log.info(`corresponding   point in (y, x): (${yx[0]}, ${yx[1]})`);
  }
  if (args.refYx !== undefined && yx === null) {
    const v = args.refYx as string[];
    if (v.length !== 2) throw new InputError("flag --ref-yx needs 2 values: Y X");
    yx = [intArg(v[0]!, "--ref-yx"), intArg(v[1]!, "--ref-yx")];
  }
  if (yx && !(yx[0] >= 0 && yx[0] < ts.length && yx[1] >= 0 && yx[1] < ts.width)) {
    throw new InputError(
      `reference point (y, x) = (${yx[0]}, ${yx[1]}) is outside the ${ts.length} x ${ts.width} image`,
    );
  }
  return yx;
}

/**
 * `--ex` values: dates (must be dates of the file) and text files of dates (one per line;
 * dates not in the file are ignored, as MintPy does).
 */
function resolveExcludeDates(
  values: readonly string[],
  fileDates: readonly string[],
  fromTemplate: boolean,
): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (/\.(txt|cfg|dat)$/.test(v) || isFile(v)) {
      let text: string;
      try {
        text = Deno.readTextFileSync(v);
      } catch {
        if (fromTemplate) {
          log.debug(`exclude date file ${v} not found: ignored`);
          continue;
        }
        throw new InputError(`flag --ex: ${v}: file not found`);
      }
      for (const line of text.split(/\r?\n/)) {
        const t = line.trim();
        if (!t || t.startsWith("#")) continue;
        const d = normalizeDate(t.split(/\s+/)[0]!, `${v}`);
        if (fileDates.includes(d)) out.add(d);
        else log.warn(`${v}: date ${d} is not in the time-series: ignored`);
      }
    } else {
      const d = normalizeDate(v, "flag --ex");
      if (!fileDates.includes(d)) {
        throw new InputError(`flag --ex: ${d} is not a date of the time-series`);
      }
      out.add(d);
    }
  }
  return [...out].sort();
}

/** MintPy's template keys `mintpy.timeFunc.*`; returns whether it set the excluded dates. */
function applyTemplate(
  path: string,
  cfg: {
    startDate: string | null;
    endDate: string | null;
    excludeDate: string[];
    polynomial: number;
    periodic: number[];
    stepDate: string[];
    exp: string[][];
    log: string[][];
    uncertaintyQuantification: string;
    timeSeriesCovFile: string | null;
    bootstrapCount: number;
  },
  args: ParsedArgs,
): boolean {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    throw new InputError(`flag -t/--template: ${path}: file not found`);
  }
  log.info(`read options from template file: ${basename(path)}`);
  const auto: Record<string, string> = {
    startDate: "no",
    endDate: "no",
    excludeDate: "exclude_date.txt",
    polynomial: "1",
    periodic: "no",
    stepDate: "no",
    exp: "no",
    log: "no",
    uncertaintyQuantification: "residue",
    timeSeriesCovFile: "no",
    bootstrapCount: "400",
  };
  let exSet = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.split("#")[0]!.trim();
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim().replaceAll("[", "").replaceAll("]", "");
    if (key === "mintpy.compute.maxMemory" && value && value.toLowerCase() !== "auto") {
      args.maxMemory = value;
      continue;
    }
    if (!key.startsWith("mintpy.timeFunc.")) continue;
    const k = key.slice("mintpy.timeFunc.".length);
    if (!(k in auto)) continue;
    if (value.toLowerCase() === "auto") value = auto[k]!;
    if (!value || ["no", "none", "false"].includes(value.toLowerCase())) continue;
    const what = `template ${key}`;
    switch (k) {
      case "startDate":
        cfg.startDate = normalizeDate(value, what);
        break;
      case "endDate":
        cfg.endDate = normalizeDate(value, what);
        break;
      case "excludeDate":
        cfg.excludeDate = value.split(",").map((v) => v.trim()).filter(Boolean)
          .map((v) => (/^\d{6}$/.test(v) ? normalizeDate(v, what) : v));
        exSet = true;
        break;
      case "periodic":
        cfg.periodic = value.replaceAll(";", ",").split(",").map((v) => floatArg(v.trim(), what));
        break;
      case "stepDate":
        cfg.stepDate = value.replaceAll(";", ",").split(",").map((v) => v.trim());
        break;
      case "exp":
      case "log":
        cfg[k] = value.replaceAll("/", ";").replaceAll("|", ";").split(";")
          .map((g) => g.split(",").map((v) => v.trim()));
        break;
      case "uncertaintyQuantification":
        cfg.uncertaintyQuantification = value;
        break;
      case "timeSeriesCovFile":
        cfg.timeSeriesCovFile = value;
        break;
      case "polynomial":
        cfg.polynomial = intArg(value, what);
        break;
      case "bootstrapCount":
        cfg.bootstrapCount = intArg(value, what);
        break;
    }
  }
  return exSet;
}

function intArg(v: unknown, flag: string): number {
  const s = String(v).trim();
  if (!/^[+-]?\d+$/.test(s)) throw new InputError(`flag ${flag}: "${v}" is not a whole number`);
  return Number(s);
}

function floatArg(v: string, flag: string): number {
  const n = numberArg(v, flag)!;
  return n;
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
