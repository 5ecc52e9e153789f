/**
 * An argparse-style command-line parser for MintPy's flags.
 *
 * `node:util`'s `parseArgs` cannot take several values after one flag (`--periodic 1 0.5`,
 * `--exp 20200101 60 --exp 20210101 30`, `-o a.h5 b.h5 c.h5`), which MintPy's argparse
 * flags need, and JSR's `@std/cli` is not reachable here; so this small parser follows
 * argparse's rules: `nargs` of 0, 1, "+" or "*", `append` for repeatable flags, `--flag=value`,
 * and a long flag may be shortened to any unique prefix (`--weight-fun` for `--weight-func`;
 * an exact spelling always wins; a prefix of several flags is an error naming them, as
 * argparse's "ambiguous option").
 * @module
 */
import { InputError } from "@vinsar/core";

/** One option of a command. */
export interface OptionSpec {
  /** Flag spellings, e.g. `["-o", "--output"]`. The key is the first long one without dashes. */
  names: string[];
  /** 0: a switch; 1: one value; "+": one or more; "*": zero or more. Default 1. */
  nargs?: 0 | 1 | "+" | "*" | number;
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
  /**
   * A vinsar flag that MintPy's script lacks: an abbreviation that also matches one of
   * MintPy's flags means MintPy's (`timeseries_rms --m` is `--mask`, not `--max-memory`).
   */
  addition?: boolean;
}

/** A command's argument spec. */
export interface CommandSpec {
  name: string;
  usage: string;
  description: string;
  /**
   * Positional arguments, in order; names end with "?" when optional, and the last may end with
   * "..." (one or more) or "?..." (zero or more).
   */
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
 * The option a flag spelling `tok` (without any `=value`) names: its exact spelling, else the
 * one option having long spellings that start with `tok` (argparse's abbreviations).
 * Several spellings of one option (`--exc` for `--exclude-date`/`--exclude`) are not
 * ambiguous, and neither is a prefix that matches one MintPy flag besides vinsar's additions.
 * @returns undefined for an unknown flag.
 * @throws InputError listing the candidates when `tok` is a prefix of several options.
 */
export function findOption(spec: CommandSpec, tok: string): OptionSpec | undefined {
  const exact = spec.options.find((o) => o.names.includes(tok));
  if (exact || !tok.startsWith("--") || tok.length < 3) return exact;
  const matches = spec.options.flatMap((o) =>
    o.names.filter((n) => n.startsWith("--") && n.startsWith(tok)).map((n) => ({ o, n }))
  );
  let options = new Set(matches.map((m) => m.o));
  if (options.size > 1) {
    // MintPy's own flags first: vinsar's additions must not break a MintPy command line.
    const mintpy = [...options].filter((o) => !o.addition);
    if (mintpy.length === 1) options = new Set(mintpy);
  }
  if (options.size > 1) {
    throw new InputError(
      `ambiguous option: ${tok} could match ${matches.map((m) => m.n).join(", ")}`,
    );
  }
  return [...options][0];
}

/**
 * Parse `argv` against `spec`.
 * @throws InputError naming the flag for unknown or ambiguous flags, missing values or bad
 * choices.
 */
export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs {
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
    const o = findOption(spec, tok);
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
    } else if (typeof nargs === "number") {
      // Exactly `nargs` values (argparse's nargs=N): the next tokens, so a positional may follow.
      while (vals.length < nargs && i < argv.length && !isFlag(argv[i]!)) vals.push(argv[i++]!);
      if (vals.length !== nargs) throw new InputError(`flag ${tok} needs ${nargs} values`);
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
  // "name?" is optional; "name?..." is zero or more (argparse's nargs="*"), last.
  const required = spec.positionals.filter((p) => !p.endsWith("?") && !p.endsWith("?...")).length;
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

/** Help text of a command: one line per option, the help texts in one aligned column. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`usage: ${spec.usage}`, "", spec.description, "", "options:"];
  const flags = spec.options.map((o) => {
    const nargs = o.nargs ?? 1;
    const mv = o.metavar ?? destOf(o).toUpperCase();
    const arg = nargs === 0
      ? ""
      : nargs === 1
      ? ` ${mv}`
      : typeof nargs === "number"
      ? ` ${mv}`.repeat(nargs)
      : nargs === "+"
      ? ` ${mv} [${mv} ...]`
      : ` [${mv} ...]`;
    return o.names.join(", ") + arg;
  });
  const width = Math.max(0, ...flags.map((f) => f.length));
  spec.options.forEach((o, i) => {
    const help = `${o.help ?? ""}${
      o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : ""
    }`;
    lines.push(`  ${flags[i]!.padEnd(width)}  ${help}`.trimEnd());
  });
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
    addition: true,
  },
  {
    names: ["--backend"],
    dest: "backend",
    addition: true,
    help: "compute backend: auto, ts, wasm",
    default: "auto",
    choices: ["auto", "ts", "wasm"],
  },
  {
    names: ["--workers"],
    dest: "workers",
    addition: true,
    help: "worker threads (default: number of cores)",
    metavar: "N",
  },
  {
    names: ["--no-sync"],
    dest: "noSync",
    nargs: 0,
    addition: true,
    help: "do not sync outputs to disk at commit (scratch runs: faster, not power-cut safe)",
  },
  {
    names: ["--update"],
    dest: "update",
    nargs: 0,
    help: "skip when outputs are newer than inputs with the same settings",
  },
  {
    names: ["-q", "--quiet"],
    dest: "quiet",
    nargs: 0,
    addition: true,
    help: "only warnings and errors on stderr",
  },
];

/**
 * MintPy's dask flags (`-c/--cluster`, `--num-worker`, `--config`) and vinsar's cluster
 * additions, for the commands that run on a cluster.
 */
export const clusterOptions: OptionSpec[] = [
  {
    names: ["-c", "--cluster", "--cluster-type"],
    dest: "cluster",
    help: "cluster to run on: local (this machine's threads) or slurm (a job array of tiles " +
      "and a merge); pbs and lsf are not supported",
    choices: ["lsf", "pbs", "slurm", "local"],
  },
  {
    names: ["--num-worker"],
    dest: "numWorker",
    metavar: "NUM",
    help: "slurm: tasks running at once (and the least number of tiles), default 4; " +
      "local: threads (as --workers)",
  },
  {
    names: ["--config", "--config-name"],
    dest: "config",
    metavar: "NAME",
    help: "jobqueue section of ~/.config/dask/mintpy.yaml (or ~/.config/vinsar/cluster.yaml) " +
      "with the batch settings (default: slurm)",
  },
  {
    names: ["--no-wait"],
    dest: "noWait",
    nargs: 0,
    addition: true,
    help: "slurm: submit the tiles and a merge job, print their ids and return",
  },
  {
    names: ["--num-tiles"],
    dest: "numTiles",
    metavar: "N",
    addition: true,
    help: "slurm: exactly N tiles (default: from the memory of a task, at least --num-worker)",
  },
];
