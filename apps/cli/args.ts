/**
 * An argparse-style command-line parser for MintPy's flags.
 *
 * `node:util`'s `parseArgs` cannot take several values after one flag (`--periodic 1 0.5`,
 * `--exp 20200101 60 --exp 20210101 30`, `-o a.h5 b.h5 c.h5`), which MintPy's argparse
 * flags need, and JSR's `@std/cli` is not reachable here; so this small parser follows
 * argparse's rules: `nargs` of 0, 1, "+" or "*", `append` for repeatable flags, long-flag
 * abbreviations are not accepted (a typo is an error), `--flag=value` works.
 * @module
 */
import { InputError } from "@vinsar/core";

/** One option of a command. */
export interface OptionSpec {
  /** Flag spellings, e.g. `["-o", "--output"]`. The key is the first long one without dashes. */
  names: string[];
  /** 0: a switch; 1: one value; "+": one or more; "*": zero or more. Default 1. */
  nargs?: 0 | 1 | "+" | "*";
  /** Repeatable: each occurrence's values are kept as a separate list. */
  append?: boolean;
  /** Key in the result (default: the first long name, camelCased). */
  dest?: string;
  /** Help text. */
  help?: string;
  /** Allowed values. */
  choices?: readonly string[];
  /** Placeholder for help. */
  metavar?: string;
  /** Default value. */
  default?: unknown;
}

/** A command's argument spec. */
export interface CommandSpec {
  name: string;
  usage: string;
  description: string;
  /** Positional arguments, in order; names end with "?" when optional. */
  positionals: string[];
  options: OptionSpec[];
  examples?: string[];
}

/** Parsed values: switch -> boolean, nargs 1 -> string, "+"/"*" -> string[], append -> string[][]. */
export type ParsedArgs = Record<string, unknown> & { _: string[] };

function destOf(o: OptionSpec): string {
  if (o.dest) return o.dest;
  const long = o.names.find((n) => n.startsWith("--")) ?? o.names[0]!;
  return long.replace(/^-+/, "").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** True for a token that is a flag rather than a value (negative numbers are values). */
function isFlag(tok: string): boolean {
  return tok.startsWith("-") && tok.length > 1 && !/^-\d/.test(tok) && !/^-\.\d/.test(tok);
}

/**
 * Parse `argv` against `spec`.
 * @throws InputError naming the flag for unknown flags, missing values or bad choices.
 */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
  const byName = new Map<string, OptionSpec>();
  for (const o of spec.options) for (const n of o.names) byName.set(n, o);
  const out: ParsedArgs = { _: [] };
  for (const o of spec.options) {
    const d = destOf(o);
    if (o.default !== undefined) out[d] = o.default;
    else if ((o.nargs ?? 1) === 0) out[d] = false;
  }
  let i = 0;
  let onlyPositionals = false;
  while (i < argv.length) {
    let tok = argv[i]!;
    i++;
    if (onlyPositionals || !isFlag(tok)) {
      out._.push(tok);
      continue;
    }
    if (tok === "--") {
      onlyPositionals = true;
      continue;
    }
    let inline: string | undefined;
    const eq = tok.indexOf("=");
    if (tok.startsWith("--") && eq > 0) {
      inline = tok.slice(eq + 1);
      tok = tok.slice(0, eq);
    }
    const o = byName.get(tok);
    if (!o) {
      throw new InputError(
        `unknown flag ${tok} for ${spec.name} (see: vinsar ${spec.name} --help)`,
      );
    }
    const nargs = o.nargs ?? 1;
    const d = destOf(o);
    if (nargs === 0) {
      if (inline !== undefined) throw new InputError(`flag ${tok} takes no value`);
      out[d] = true;
      continue;
    }
    const vals: string[] = [];
    if (inline !== undefined) vals.push(inline);
    else if (nargs === 1) {
      if (i >= argv.length || isFlag(argv[i]!)) throw new InputError(`flag ${tok} needs a value`);
      vals.push(argv[i++]!);
    } else {
      while (i < argv.length && !isFlag(argv[i]!)) vals.push(argv[i++]!);
      if (nargs === "+" && vals.length === 0) {
        throw new InputError(`flag ${tok} needs at least one value`);
      }
    }
    if (o.choices) {
      for (const v of vals) {
        if (!o.choices.includes(v)) {
          throw new InputError(
            `flag ${tok}: invalid choice "${v}" (choose from ${o.choices.join(", ")})`,
          );
        }
      }
    }
    if (o.append) {
      const prev = (Array.isArray(out[d]) && o.default !== out[d] ? out[d] : []) as string[][];
      out[d] = [...prev, vals];
    } else out[d] = nargs === 1 ? vals[0] : vals;
  }
  const required = spec.positionals.filter((p) => !p.endsWith("?")).length;
  if (out._.length < required) {
    throw new InputError(
      `${spec.name}: missing argument ${spec.positionals[out._.length]} (usage: ${spec.usage})`,
    );
  }
  if (out._.length > spec.positionals.length && !spec.positionals.at(-1)?.endsWith("...")) {
    throw new InputError(`${spec.name}: unexpected argument "${out._[spec.positionals.length]}"`);
  }
  return out;
}

/** Number-valued flag with a clear error. */
export function numberArg(value: unknown, flag: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n)) {
    throw new InputError(`flag ${flag}: "${value}" is not a number`);
  }
  return n;
}

/** Help text of a command. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, "", spec.description, "", "options:"];
  for (const o of spec.options) {
    const nargs = o.nargs ?? 1;
    const mv = o.metavar ?? destOf(o).toUpperCase();
    const arg = nargs === 0
      ? ""
      : nargs === 1
      ? ` ${mv}`
      : nargs === "+"
      ? ` ${mv} [${mv} ...]`
      : ` [${mv} ...]`;
    const flags = o.names.join(", ") + arg;
    lines.push(
      `  ${flags.padEnd(34)} ${o.help ?? ""}${
        o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : ""
      }`,
    );
  }
  if (spec.examples?.length) lines.push("", "examples:", ...spec.examples.map((e) => `  ${e}`));
  return lines.join("\n");
}

/** Options every compute command takes. */
export const commonOptions: OptionSpec[] = [
  {
    names: ["--max-memory", "--memory"],
    help: "memory budget in GB for block data (default: from free memory)",
    metavar: "GB",
    dest: "maxMemory",
  },
  {
    names: ["--backend"],
    dest: "backend",
    help: "compute backend: auto, ts, wasm",
    default: "auto",
    choices: ["auto", "ts", "wasm"],
  },
  {
    names: ["--workers"],
    dest: "workers",
    help: "worker threads (default: number of cores)",
    metavar: "N",
  },
  {
    names: ["--update"],
    dest: "update",
    nargs: 0,
    help: "skip when outputs are newer than inputs with the same settings",
  },
  { names: ["-q", "--quiet"], dest: "quiet", nargs: 0, help: "only warnings and errors on stderr" },
];
