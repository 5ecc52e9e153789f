#!/usr/bin/env -S deno run -A
/**
 * `vinsar <command> [MintPy flags]`: MintPy's time-series steps, fast.
 * @module
 */
import { InputError, log } from "@vinsar/core";
import { H5Error } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "./backends.ts";

/** A CLI command: parses its own argv, writes its outputs in the working folder. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<void>;
}

const commands: Record<string, () => Promise<{ command: Command }>> = {
  ifgram_inversion: () => import("./commands/ifgram_inversion.ts"),
  timeseries2velocity: () => import("./commands/timeseries2velocity.ts"),
  timeseries_rms: () => import("./commands/timeseries_rms.ts"),
  generate_mask: () => import("./commands/generate_mask.ts"),
  simulate: () => import("./commands/simulate.ts"),
  demo: () => import("./commands/demo.ts"),
};

/** Aliases so MintPy users can type the script name. */
const aliases: Record<string, string> = {
  "ifgram_inversion.py": "ifgram_inversion",
  "timeseries2velocity.py": "timeseries2velocity",
  "timeseries_rms.py": "timeseries_rms",
  "generate_mask.py": "generate_mask",
};

function usage(): string {
  return [
    "usage: vinsar <command> [options]",
    "",
    "commands (MintPy's flags, file names and outputs):",
    "  ifgram_inversion     invert an interferogram stack into a displacement time-series",
    "  timeseries2velocity  fit time functions (velocity, ...) to a displacement time-series",
    "  timeseries_rms       residual RMS per date, reference date and outlier dates",
    "  generate_mask        threshold a file into a mask (e.g. maskTempCoh.h5)",
    "  simulate             write a realistic simulated ifgramStack.h5 and its truth",
    "  demo                 simulate a stack and run the whole chain with charts",
    "",
    "Run `vinsar <command> --help` for a command's flags.",
  ].join("\n");
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  await registerBuiltinBackends();
  const [name0, ...rest] = argv;
  if (!name0 || name0 === "-h" || name0 === "--help") {
    console.log(usage());
    return name0 ? 0 : 2;
  }
  const name = aliases[name0] ?? name0;
  const loader = commands[name];
  if (!loader) {
    console.error(`vinsar: unknown command "${name0}"\n\n${usage()}`);
    return 2;
  }
  if (Deno.env.get("VINSAR_LOG")) log.setLevel(Deno.env.get("VINSAR_LOG") as never);
  try {
    const { command } = await loader();
    await command.run(rest);
    return 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof H5Error || e instanceof RangeError) {
      console.error(`vinsar ${name}: ${e.message}`);
      return 2;
    }
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied) {
      console.error(`vinsar ${name}: ${e.message}`);
      return 2;
    }
    console.error(
      `vinsar ${name}: internal error: ${e instanceof Error ? e.stack ?? e.message : e}`,
    );
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
