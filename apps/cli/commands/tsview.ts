/**
 * `vinsar tsview`: a local web viewer in the spirit of MintPy's `tsview.py`, e.g.
 * `tsview timeseries.h5 velocity.h5`: serves the page on 127.0.0.1, prints its URL and runs
 * until Ctrl-C; see `@vinsar/steps/tsview`.
 * @module
 */
import { InputError } from "@vinsar/core";
import * as step from "@vinsar/steps/tsview";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec } from "../args.ts";

/** Most image files after the time-series (the parser has no optional variadic positional). */
const MAX_FILES = 8;

function option(
  names: string[],
  dest: string,
  help: string,
  more: Partial<OptionSpec> = {},
): OptionSpec {
  return { names, dest, help, ...more };
}

const spec: CommandSpec = {
  name: "tsview",
  usage: "vinsar tsview TIMESERIES_FILE [FILE ...] [--port N] [-c CMAP] [-v VMIN VMAX] [--yx Y X]",
  description: "Serve an interactive time-series viewer on 127.0.0.1 (MintPy's tsview.py in a " +
    "browser): a map of velocity or of a date's displacement, click a pixel for its " +
    "time-series and fitted model. FILEs: velocity.h5 and other files of 2-D images of the " +
    `same size (at most ${MAX_FILES}). Runs until Ctrl-C.`,
  positionals: ["timeseries_file", "file?..."],
  options: [
    option(["--port"], "port", "TCP port on 127.0.0.1; 0: any free port", { default: "0" }),
    option(["-c", "--colormap", "--cmap"], "colormap", "colour map", { default: "jet" }),
    option(["-v", "--vlim"], "vlim", "colour limits of the first map, display unit", {
      nargs: 2,
      metavar: "V",
    }),
    option(["-u", "--unit"], "unit", "display unit of displacement: m, cm or mm", {
      default: "cm",
    }),
    option(["--yx"], "yx", "pixel (row, column) whose time-series is shown at start", {
      nargs: 2,
      metavar: "N",
    }),
    option(["-n"], "idx", "date number (0-based) shown at start (default: the last)", {
      metavar: "NUM",
    }),
    option(["--ylim"], "ylim", "y limits of the point plot, display unit", {
      nargs: 2,
      metavar: "Y",
    }),
    option(["--nomodel", "--nofit"], "noModel", "do not plot the model", { nargs: 0 }),
    option(["--zf", "--zero-first"], "zeroFirst", "set the first date's displacement to zero", {
      nargs: 0,
    }),
  ],
  examples: [
    "vinsar tsview timeseries.h5 velocity.h5",
    "vinsar tsview timeseries.h5 --port 8050 --yx 120 300 -c RdBu_r",
  ],
};

function pair(value: unknown, flag: string): [number, number] | undefined {
  if (value === undefined) return undefined;
  const [a, b] = (value as string[]).map((v) => numberArg(v, flag)!);
  return [a!, b!];
}

/** Serve until SIGINT or SIGTERM, then close the files. */
async function serveUntilStopped(options: step.TsviewOptions): Promise<step.TsviewResult> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    return await step.run({ ...options, signal: stop.signal });
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

/** The `tsview` command. */
export const command: Command = defineCommand("tsview", {
  summary: "browse a time-series in a web page: map, date slider, click for a pixel's series",
  spec,
  common: [],
  options: (args, { reporter }): step.TsviewOptions => {
    const port = numberArg(args.port, "--port")!;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new InputError(`flag --port: "${args.port}" is not a port number (0-65535)`);
    }
    const yx = pair(args.yx, "--yx");
    if (yx && !yx.every(Number.isInteger)) {
      throw new InputError(`flag --yx: "${yx.join(" ")}" are not whole pixel numbers`);
    }
    return {
      timeseriesFile: args._[0]!,
      files: extraFiles(args._.slice(1)),
      port,
      colormap: String(args.colormap),
      vlim: pair(args.vlim, "--vlim"),
      unit: String(args.unit),
      yx,
      date: numberArg(args.idx, "-n"),
      ylim: pair(args.ylim, "--ylim"),
      model: args.noModel !== true,
      zeroFirst: args.zeroFirst === true,
      reporter,
    };
  },
  run: serveUntilStopped,
});

/** The extra files, at most {@link MAX_FILES}. */
function extraFiles(files: string[]): string[] {
  if (files.length > MAX_FILES) {
    throw new InputError(`tsview: ${files.length} extra files given, at most ${MAX_FILES}`);
  }
  return files;
}
