#!/usr/bin/env -S deno run -A
/**
 * `vinsar <command> [MintPy flags]`: MintPy's time-series steps, fast.
 * @module
 */
import { InputError, log } from "@vinsar/core";
import { H5Error } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
import { ALIASES, COMMANDS } from "./commands/mod.ts";

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    "usage: vinsar <command> [options]",
    "",
    "commands (MintPy's flags, file names and outputs):",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`),
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
  const name = ALIASES[name0] ?? name0;
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`vinsar: unknown command "${name0}"\n\n${usage()}`);
    return 2;
  }
  if (Deno.env.get("VINSAR_LOG")) log.setLevel(Deno.env.get("VINSAR_LOG") as never);
  try {
    const { command } = await entry.load();
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
