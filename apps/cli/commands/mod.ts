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
  simulate: {
    summary: "write a realistic simulated ifgramStack.h5 and its truth",
    load: () => import("./simulate.ts"),
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
};
