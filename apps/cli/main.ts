#!/usr/bin/env -S deno run -A
/**
 * `vinsar <command> [MintPy flags]`: MintPy's time-series steps, fast.
 * @module
 */
import { InputError, log } from "@vinsar/core";
import { H5Error } from "@vinsar/hdf5";
import { registerBuiltinBackends } from "@vinsar/steps/pipeline";
import { ALIASES, COMMANDS } from "./commands/mod.ts";
import cliPackage from "./deno.json" with { type: "json" };

/** vinsar's version: the one in apps/cli/deno.json. */
export const VERSION: string = cliPackage.version;

/** The top-level flags, as MintPy's `mintpy` command has them. */
const TOP_FLAGS = [
  ["-h, --help", "show this help and exit"],
  ["-v, --version", "print the version and exit"],
] as const;

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length), 13) + 2;
  return [
    "usage: vinsar [-h] [-v] <command> [options]",
    "",
    "commands (MintPy's flags, file names and outputs):",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)} ${c.summary}`),
    "",
    "options:",
    ...TOP_FLAGS.map(([flags, help]) => `  ${flags.padEnd(width)} ${help}`),
    "",
    "Run `vinsar <command> --help` for a command's flags.",
  ].join("\n");
}

/** `-h`/`-v`, or a long flag abbreviated as argparse allows (`--vers`). */
function isTopFlag(arg: string, short: string, long: string): boolean {
  return arg === short || (arg.length > 2 && long.startsWith(arg));
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name0, ...rest] = argv;
  if (name0 && isTopFlag(name0, "-v", "--version")) {
    console.log(`vinsar ${VERSION}`);
    return 0;
  }
  if (!name0 || isTopFlag(name0, "-h", "--help")) {
    console.log(usage());
    return name0 ? 0 : 2;
  }
  await registerBuiltinBackends();
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
