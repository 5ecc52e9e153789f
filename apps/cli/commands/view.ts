/**
 * `vinsar view FILE [DATASET ...] -o OUT`: MintPy's `view.py` display flags over
 * `@vinsar/steps/view`, e.g. `view velocity.h5 -u mm/year -o velocity.png` or
 * `view timeseries.h5 '*2018*' -o ts2018.pdf`.
 * @module
 */
import { InputError } from "@vinsar/core";
import * as step from "@vinsar/steps/view";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec, type ParsedArgs } from "../args.ts";

function option(names: string[], dest: string, help: string, more: Partial<OptionSpec> = {}) {
  return { names, dest, help, ...more } as OptionSpec;
}

const spec: CommandSpec = {
  name: "view",
  usage: "vinsar view FILE [DATASET ...] [-o OUT] [--vlim MIN MAX] [-c CMAP] [-u UNIT] [options]",
  description:
    "Plot an InSAR product in 2D (MintPy's view.py): PNG, PDF or SVG by OUT's extension.",
  // The argument parser has no "zero or more" positional: up to 1000 DATASET patterns.
  positionals: ["file", "dset?..."],
  options: [
    option(["-o", "--outfile", "--output"], "outfile", "output picture: .png, .pdf or .svg"),
    option(["--nodisplay"], "nodisplay", "save the figure without display (always so)", {
      nargs: 0,
    }),
    option(["--save"], "save", "save the figure (always so)", { nargs: 0 }),
    option(["-v", "--vlim"], "vlim", "display limits", { nargs: 2, metavar: "MIN MAX" }),
    option(
      ["-c", "--colormap", "--cmap"],
      "colormap",
      "colour map (jet, viridis, RdBu, gray, ...)",
    ),
    option(["-u", "--unit"], "unit", "display unit: m, cm, mm, m/year, cm/year, mm/year, ..."),
    option(["--wrap"], "wrap", "re-wrap data to the display range", { nargs: 0 }),
    option(["--wrap-range"], "wrapRange", "range of --wrap", { nargs: 2, metavar: "MIN MAX" }),
    option(
      ["-m", "--mask"],
      "maskFile",
      "mask file (0 = hidden), or no (default: maskTempCoh.h5 beside a velocity/time-series)",
    ),
    option(["--zero-mask"], "zeroMask", "hide pixels whose value is zero", { nargs: 0 }),
    option(["--noaxis", "--noaxes"], "noaxis", "no axes", { nargs: 0 }),
    option(["--noflip"], "noflip", "no automatic flip of a radar-coded file", { nargs: 0 }),
    option(["--flip-lr"], "flipLR", "flip left-right", { nargs: 0 }),
    option(["--flip-ud"], "flipUD", "flip up-down", { nargs: 0 }),
    option(["--nocbar", "--nocolorbar"], "nocbar", "no colour bar", { nargs: 0 }),
    option(["--title", "--figtitle"], "title", "figure title"),
    option(["--dpi"], "dpi", "pixels per inch of a PNG (default 150)"),
  ],
  examples: [
    "vinsar view velocity.h5 -u mm/year -o velocity.png",
    "vinsar view timeseries.h5 '*2018*' --vlim -5 5 -o ts2018.pdf",
    "vinsar view inputs/ifgramStack.h5 coherence -o coherence.png",
    "vinsar view velocity.h5 --wrap --wrap-range -2 2 -c jet -o wrapped.svg",
  ],
};

function pair(args: ParsedArgs, key: string, flag: string): [number, number] | undefined {
  const v = args[key] as string[] | undefined;
  if (v === undefined) return undefined;
  const [a, b] = v.map((x) => numberArg(x, flag)!) as [number, number];
  if (!(b > a)) throw new InputError(`flag ${flag}: MAX must be above MIN (got ${a} ${b})`);
  return [a, b];
}

/** The `view` command. */
export const command: Command = defineCommand("view", {
  summary: "plot a velocity, time-series, coherence, mask or stack file (PNG/PDF/SVG)",
  spec,
  common: [],
  options: (args, { reporter }): step.ViewOptions => ({
    file: args._[0]!,
    dset: args._.slice(1),
    outfile: args.outfile as string | undefined,
    vlim: pair(args, "vlim", "--vlim"),
    colormap: args.colormap as string | undefined,
    unit: args.unit as string | undefined,
    wrap: args.wrap === true,
    wrapRange: pair(args, "wrapRange", "--wrap-range"),
    maskFile: args.maskFile as string | undefined,
    zeroMask: args.zeroMask === true,
    axis: args.noaxis === true ? false : undefined,
    // MintPy: --flip-lr/--flip-ud replace the automatic flip; --noflip turns it off.
    flip: args.flipLR === true || args.flipUD === true
      ? { lr: args.flipLR === true, ud: args.flipUD === true }
      : args.noflip === true
      ? { lr: false, ud: false }
      : undefined,
    cbar: args.nocbar === true ? false : undefined,
    title: args.title as string | undefined,
    dpi: numberArg(args.dpi, "--dpi"),
    reporter,
  }),
  run: step.run,
});
