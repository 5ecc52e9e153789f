/**
 * `vinsar timeseries_rms`: MintPy 1.6.4's `timeseries_rms.py`. Removes a ramp from every
 * date of a residual time-series (`<name>_ramp.h5`), computes the RMS per date over the mask
 * (`rms_<name>[_ramp].txt`), picks the date of minimum RMS (`reference_date.txt`) and the
 * outlier dates (`exclude_date.txt`, removed when there are none), and draws the RMS chart
 * (`rms_<name>[_ramp].svg` and `.png`; MintPy writes a PDF).
 * @module
 */
import { basename, dirname, join } from "node:path";
import {
  analyzeRms,
  formatRmsTable,
  InputError,
  isRampType,
  log,
  parseRmsTable,
  pyFloat,
  RAMP_TYPES,
  rampProbeShape,
  type RampType,
} from "@vinsar/core";
import { H5Reader, type H5Writer } from "@vinsar/hdf5";
import type { Command } from "../main.ts";
import {
  type CommandSpec,
  commonOptions,
  formatHelp,
  numberArg,
  parseCommandArgs,
  type ParsedArgs,
} from "../args.ts";
import { makeContext, outputsAreNewer } from "../context.ts";
import { type OutputSet, withOutputs } from "../outputs.ts";
import { openMaskFile } from "../mask_file.ts";
import { streamResidualRms } from "../rms_stream.ts";
import { renderRmsChart } from "../plot/rms_chart.ts";

const spec: CommandSpec = {
  name: "timeseries_rms",
  usage: "vinsar timeseries_rms TIMESERIES_FILE [-m MASK] [-r RAMP] [--cutoff N] [options]",
  description:
    "Calculate Root Mean Square (RMS) of deramped residual phase time-series (MintPy's " +
    "timeseries_rms.py):\nthe reference date (minimum RMS) and outlier dates " +
    "(RMS > cutoff * median RMS / 0.67449).",
  positionals: ["timeseries_file"],
  options: [
    {
      names: ["-t", "--template"],
      dest: "templateFile",
      help: "template file with mintpy.residualRMS.* options",
    },
    {
      names: ["-m", "--mask"],
      dest: "maskFile",
      default: "maskTempCoh.h5",
      help: "mask file for estimation (whole area when absent)",
    },
    {
      names: ["-r", "--ramp", "--deramp"],
      dest: "deramp",
      default: "quadratic",
      help: `ramp removed before the RMS: ${RAMP_TYPES.join(", ")}, or no`,
    },
    {
      names: ["--cutoff"],
      default: "3",
      help: "M-score for outlier detection with the median absolute deviation",
    },
    {
      names: ["--figsize"],
      nargs: "+",
      dest: "figSize",
      metavar: "WID LEN",
      help: "chart size in inches (default 5 3, wider beyond 120 dates)",
    },
    {
      names: ["--tick-year-num"],
      dest: "tickYearNum",
      default: "1",
      help: "years per major tick of the chart",
    },
    ...commonOptions,
  ],
  examples: [
    "vinsar timeseries_rms timeseriesResidual.h5",
    "vinsar timeseries_rms timeseriesResidual.h5 -m maskTempCoh.h5 --cutoff 3",
    "vinsar timeseries_rms timeseriesResidual.h5 -r no",
  ],
};

/** Settings after flags and template. */
interface RmsSettings {
  maskFile: string | null;
  deramp: RampType | "no";
  cutoff: number;
  figSize: [number, number] | null;
  tickYearNum: number;
}

/** Python's `os.path.splitext`: [root, ext] on the last dot of the file name. */
function splitext(path: string): [string, string] {
  const base = basename(path);
  const dot = base.lastIndexOf(".");
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot))) return [path, ""];
  const cut = path.length - (base.length - dot);
  return [path.slice(0, cut), path.slice(cut)];
}

/** `mintpy.residualRMS.*` options of a template file (`key = value`, `#` comments). */
function readTemplate(path: string): Record<string, string> {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch {
    throw new InputError(`flag -t/--template: cannot read template file ${path}`);
  }
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*mintpy\.residualRMS\.(\w+)\s*=\s*([^#]*)/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

function resolveSettings(args: ParsedArgs): RmsSettings {
  let maskFile: string | null = String(args.maskFile);
  let deramp = String(args.deramp);
  let cutoffText = String(args.cutoff);
  if (args.templateFile) {
    const t = readTemplate(String(args.templateFile));
    const off = (v: string) => ["no", "false", "none"].includes(v.toLowerCase());
    if (t.maskFile !== undefined) {
      maskFile = t.maskFile === "auto" ? "maskTempCoh.h5" : off(t.maskFile) ? null : t.maskFile;
    }
    if (t.deramp !== undefined) {
      deramp = t.deramp === "auto" ? "quadratic" : off(t.deramp) ? "no" : t.deramp;
    }
    if (t.cutoff !== undefined) cutoffText = t.cutoff === "auto" ? "3" : t.cutoff;
  }
  if (deramp !== "no" && !isRampType(deramp)) {
    throw new InputError(
      `flag -r/--ramp: unknown ramp type "${deramp}" (choose from ${RAMP_TYPES.join(", ")}, no)`,
    );
  }
  const cutoff = numberArg(cutoffText, "--cutoff")!;
  let figSize: [number, number] | null = null;
  if (args.figSize !== undefined) {
    const v = (args.figSize as string[]).map((x) => numberArg(x, "--figsize")!);
    if (v.length !== 2 || !(v[0]! > 0 && v[1]! > 0)) {
      throw new InputError(`flag --figsize: expected two positive numbers (width and length)`);
    }
    figSize = [v[0]!, v[1]!];
  }
  const tickYearNum = numberArg(args.tickYearNum, "--tick-year-num")!;
  if (!(Number.isInteger(tickYearNum) && tickYearNum >= 1)) {
    throw new InputError(`flag --tick-year-num: "${args.tickYearNum}" is not a positive integer`);
  }
  return { maskFile, deramp: deramp as RampType | "no", cutoff, figSize, tickYearNum };
}

/** The time-series file's layout, checked. */
function describeInput(reader: H5Reader, path: string) {
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
  return { attrs, K, L, W, dates, ref, chunkDates: info.chunks?.[0], chunkRows: info.chunks?.[1] };
}

/** Copy the attributes and the small datasets (date, bperp) of the input to the output. */
function layoutLike(reader: H5Reader, w: H5Writer, K: number, L: number, W: number, rows: number) {
  w.setAttrs(reader.attrs());
  for (const name of reader.datasets()) {
    if (name === "timeseries") continue;
    const info = reader.info(name);
    if (info.shape.length >= 2 && info.shape.at(-2) === L && info.shape.at(-1) === W) {
      log.warn(`dataset "${name}" of the input is not deramped and not copied`);
      continue;
    }
    if (/^[SA]/.test(info.dtype)) {
      w.writeWhole(name, reader.readStrings(name), { shape: info.shape });
    } else w.writeWhole(name, reader.read(name), { shape: info.shape });
  }
  w.create("timeseries", [K, L, W], "<f", { chunks: [1, Math.max(1, Math.min(L, rows)), W] });
}

async function run(argv: string[]): Promise<void> {
  if (argv.includes("-h") || argv.includes("--help")) {
    console.log(formatHelp(spec));
    return;
  }
  const args = parseCommandArgs(spec, argv);
  const st = resolveSettings(args);
  if (args.quiet) log.setLevel("warn");
  const tsFile = args._[0]!;
  const rampFile = st.deramp === "no" ? tsFile : `${splitext(tsFile)[0]}_ramp.h5`;
  const rmsFile = join(dirname(rampFile), `rms_${splitext(basename(rampFile))[0]}.txt`);
  const chartBase = splitext(rmsFile)[0];
  const maskLabel = st.maskFile ?? "None";
  if (st.deramp === "no") log.info("No ramp removal");

  const reader = await H5Reader.open(tsFile);
  try {
    const inp = describeInput(reader, tsFile);
    // With --backend auto and a ramp, the backends are timed on the ramp fit's row sums (its
    // hot kernel, over every pixel); without a ramp no kernel is hot: priority decides.
    const ctx = await makeContext(
      args,
      st.deramp === "no"
        ? undefined
        : rampProbeShape({ ramp: st.deramp, length: inp.L, width: inp.W }),
    );
    const mask = st.maskFile ? await openMaskFile(st.maskFile, inp.L, inp.W, tsFile) : null;
    try {
      // Both outputs newer than the true inputs (the deramped file is closed, and so
      // touched, after the RMS table is staged, so the two are not compared).
      const skip = args.update === true &&
        outputsAreNewer([rmsFile, rampFile], [tsFile], st.maskFile ? [st.maskFile] : []);
      await withOutputs(async (out) => {
        let rms: ArrayLike<number>;
        if (skip) {
          log.info(`${rmsFile} exists and is newer than ${tsFile} --> skip.`);
          rms = parseRmsTable(Deno.readTextFileSync(rmsFile)).rms;
        } else {
          let writer: H5Writer | null = null;
          // Output chunks of about 1 MB per date, a whole number of the input's chunk rows
          // so row blocks align with both files.
          const unit = inp.chunkRows ?? 1;
          const rows = Math.min(
            inp.L,
            unit * Math.max(1, Math.floor((1 << 20) / (4 * inp.W * unit))),
          );
          if (st.deramp !== "no") {
            log.info(`remove ${st.deramp} ramp from file: ${tsFile}`);
            log.info(mask ? `read mask file: ${mask.path}` : "use mask of the whole area");
            writer = await out.h5(rampFile);
            layoutLike(reader, writer, inp.K, inp.L, inp.W, rows);
          } else if (mask) log.info(`read mask from file: ${mask.path}`);
          log.info(`calculating residual RMS for each epoch from file: ${rampFile}`);
          const res = await streamResidualRms({
            reader,
            dataset: "timeseries",
            numDates: inp.K,
            length: inp.L,
            width: inp.W,
            mask,
            ramp: st.deramp === "no" ? null : st.deramp,
            ref: inp.ref,
            writer,
            solver: ctx.solver,
            budgetBytes: ctx.budgetBytes,
            alignRows: rows,
            chunkDates: inp.chunkDates,
            // Workers start in ~0.3 s and slow the main thread's reads. Since the deramp runs
            // as fused WASM kernels they lose at every size measured on 2 cores (2M pixels x
            // 98 dates: 4.20 s with 2 workers against 3.19 s in-process; docs/performance/
            // grid.md), so they run only when `--workers` asks (with `--backend ts` at that size
            // they still pay: 4.55 s against 7.13 s).
            workers: args.workers !== undefined ? ctx.workers : 1,
          });
          rms = res.rms;
          if (writer) log.info(`finished writing to file: ${rampFile}`);
          const table = formatRmsTable(inp.dates, rms, {
            timeseriesFile: rampFile,
            maskFile: maskLabel,
          });
          out.text(rmsFile, table);
          log.info(`save timeseries RMS to text file: ${rmsFile}`);
        }
        writeAnalysis(out, inp.dates, rms, st, chartBase);
      });
    } finally {
      mask?.close();
    }
  } finally {
    reader.close();
  }
}

/** reference_date.txt, exclude_date.txt and the chart, as MintPy's `analyze_rms` + plot. */
function writeAnalysis(
  out: OutputSet,
  dates: string[],
  rms: ArrayLike<number>,
  st: RmsSettings,
  chartBase: string,
): void {
  const a = analyzeRms(rms, st.cutoff);
  if (a.refIndex < 0) throw new InputError("no date has any pixel in the mask: RMS is undefined");
  const bar = "-".repeat(50);
  log.info(`${bar}\ndate with min RMS: ${dates[a.refIndex]} - ${a.rms[a.refIndex]!.toFixed(4)}`);
  out.text("reference_date.txt", `${dates[a.refIndex]}\n`);
  log.info("save date to file: reference_date.txt");
  log.info(bar);
  log.info(
    `date(s) with RMS > ${pyFloat(st.cutoff)} * median RMS (${a.threshold.toFixed(4)})`,
  );
  if (a.excluded.length) {
    for (const i of a.excluded) log.info(`${dates[i]} - ${a.rms[i]!.toFixed(4)}`);
    out.text("exclude_date.txt", a.excluded.map((i) => dates[i] + "\n").join(""));
    log.info("save date(s) to file: exclude_date.txt");
  } else {
    log.info("None.");
    out.remove("exclude_date.txt");
  }
  const chart = renderRmsChart(dates, a, st.cutoff, {
    figSize: st.figSize,
    tickYearNum: st.tickYearNum,
  });
  out.text(`${chartBase}.svg`, chart.svg);
  out.bytes(`${chartBase}.png`, chart.png);
  log.info(`save figure to file: ${chartBase}.svg, ${chartBase}.png`);
}

/** The `timeseries_rms` command. */
export const command: Command = {
  summary: "residual RMS per date, reference date and outlier dates",
  run,
};
