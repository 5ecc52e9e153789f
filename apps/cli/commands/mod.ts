/**
 * The one command table: `main.ts` dispatches through it. Literal imports, loaded on use,
 * so a bundler can follow them and a command's modules load only when it runs.
 * @module
 */
import type { Command } from "../command.ts";

/** A command's one-line summary and its module. */
export interface CommandEntry {
  summary: string;
  load(): Promise<{ command: Command }>;
}

/** Every command, in the order `vinsar --help` lists them. */
export const COMMANDS: Record<string, CommandEntry> = {
  ifgram_inversion: {
    summary: "invert an interferogram stack into a displacement time-series",
    load: () => import("./ifgram_inversion.ts"),
  },
  timeseries2velocity: {
    summary: "fit time functions (velocity, ...) to a displacement time-series",
    load: () => import("./timeseries2velocity.ts"),
  },
  timeseries_rms: {
    summary: "residual RMS per date, reference date and outlier dates",
    load: () => import("./timeseries_rms.ts"),
  },
  generate_mask: {
    summary: "threshold a file into a mask (e.g. maskTempCoh.h5)",
    load: () => import("./generate_mask.ts"),
  },
  tile: {
    summary: "run or merge the tiles of a cluster plan (--cluster slurm)",
    load: () => import("./tile.ts"),
  },
  simulate: {
    summary: "write a realistic simulated ifgramStack.h5 and its truth",
    load: () => import("./simulate.ts"),
  },
  tsview: {
    summary: "browse a time-series in a web page: map, date slider, click for a pixel's series",
    load: () => import("./tsview.ts"),
  },
  view: {
    summary: "plot a velocity, time-series, coherence, mask or stack file (PNG/PDF/SVG)",
    load: () => import("./view.ts"),
  },
  plot_network: {
    summary: "plot the interferogram network and baseline history (network.pdf ...)",
    load: () => import("./plot_network.ts"),
  },
  demo: {
    summary: "simulate a stack and run the whole chain with charts",
    load: () => import("./demo.ts"),
  },
};

/** MintPy's script names, so MintPy users can type them. */
export const ALIASES: Record<string, string> = {
  "ifgram_inversion.py": "ifgram_inversion",
  "timeseries2velocity.py": "timeseries2velocity",
  "timeseries_rms.py": "timeseries_rms",
  "generate_mask.py": "generate_mask",
  "view.py": "view",
  "plot_network.py": "plot_network",
  "tsview.py": "tsview",
};
