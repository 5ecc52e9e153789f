/**
 * `vinsar plot_network inputs/ifgramStack.h5`: MintPy's `plot_network.py` (network and
 * baseline history, PDF and PNG) over `@vinsar/steps/plot-network`.
 * @module
 */
import { InputError } from "@vinsar/core";
import * as step from "@vinsar/steps/plot-network";
import { type Command, defineCommand } from "../command.ts";
import { type CommandSpec, numberArg, type OptionSpec } from "../args.ts";

function option(names: string[], dest: string, help: string, more: Partial<OptionSpec> = {}) {
  return { names, dest, help, ...more } as OptionSpec;
}

const spec: CommandSpec = {
  name: "plot_network",
  usage: "vinsar plot_network FILE [--show-kept] [--fs FONTSIZE] [--figsize W H] [options]",
  description:
    "Display the network of interferograms (MintPy's plot_network.py): network.pdf and " +
    "pbaseHistory.pdf, each also as PNG, in the working folder.",
  positionals: ["file"],
  options: [
    option(["--show-kept"], "showKept", "display kept interferograms only", { nargs: 0 }),
    option(["--fs", "--fontsize"], "fontSize", "font size in points (default 12)"),
    option(["--figsize"], "figSize", "figure size in inches", { nargs: 2, metavar: "W H" }),
    option(["--notitle"], "notitle", "no figure titles", { nargs: 0 }),
    option(["--dpi"], "dpi", "pixels per inch of the PNG files (default 150)"),
    option(["--nodisplay"], "nodisplay", "save without display (always so)", { nargs: 0 }),
    option(["--save"], "save", "save the figures (always so)", { nargs: 0 }),
    option(["--outdir"], "outDir", "folder of the figures (default .)", { addition: true }),
  ],
  examples: [
    "vinsar plot_network inputs/ifgramStack.h5",
    "vinsar plot_network inputs/ifgramStack.h5 --show-kept --nodisplay",
  ],
};

/** The `plot_network` command. */
export const command: Command = defineCommand("plot_network", {
  summary: "plot the interferogram network and baseline history (network.pdf ...)",
  spec,
  common: [],
  options: (args, { reporter }): step.PlotNetworkOptions => {
    const fig = args.figSize as string[] | undefined;
    const figSize = fig?.map((v) => numberArg(v, "--figsize")!) as [number, number] | undefined;
    if (figSize && !(figSize[0] > 0 && figSize[1] > 0)) {
      throw new InputError("flag --figsize: width and height must be positive");
    }
    return {
      file: args._[0]!,
      outDir: args.outDir as string | undefined,
      showKept: args.showKept === true,
      fontSize: numberArg(args.fontSize, "--fs/--fontsize"),
      figSize,
      title: args.notitle === true ? false : undefined,
      dpi: numberArg(args.dpi, "--dpi"),
      reporter,
    };
  },
  run: step.run,
});
