/**
 * What a CLI command is, and {@link defineCommand}, which gives every command `-h/--help`,
 * `-q/--quiet` and the common compute flags (`--max-memory`, `--backend`, `--workers`,
 * `--update`) once. A command file is its flag spec, argv -> options, and a call of its
 * step's `run(options)`.
 * @module
 */
import { log } from "@vinsar/core";
import { type ComputeOptions, stopPrestartedWorkers } from "@vinsar/steps/pipeline";
import { logReporter } from "@vinsar/steps/reporter";
import { runResumable } from "@vinsar/steps/tiles";
import { runClustered } from "./cluster.ts";
import {
  clusterOptions,
  type CommandSpec,
  commonOptions,
  findOption,
  formatHelp,
  numberArg,
  type OptionSpec,
  parseCommandArgs,
  type ParsedArgs,
} from "./args.ts";

/** A CLI command: parses its own argv, writes its outputs in the working folder. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  run(argv: string[]): Promise<void>;
}

/** The common flags a command takes (default: all of them). */
export type CommonFlag = "maxMemory" | "backend" | "workers" | "update";

/** What {@link defineCommand} needs. */
export interface CommandDefinition<Options> {
  summary: string;
  /** The command's own flags and positionals; `-h` and the common flags are added. */
  spec: CommandSpec;
  /** Common flags to add (default: all); a flag the spec already has is not added again. */
  common?: readonly CommonFlag[];
  /**
   * The step's name when it runs on a cluster: MintPy's `-c/--cluster`, `--num-worker`,
   * `--config` and vinsar's `--no-wait`, `--num-tiles` are added.
   */
  cluster?: "ifgram_inversion" | "timeseries2velocity" | "timeseries_rms";
  /** argv -> the step's options; `compute` holds the common flags' values and the reporter. */
  options(args: ParsedArgs, compute: ComputeOptions & { update: boolean }): Options;
  /** Run the step. */
  run(options: Options): Promise<unknown>;
  /**
   * Optional: start ahead what the run will need (its worker threads), before the checks and
   * planning that come first; what the run does not take is stopped after the command.
   */
  prestart?(options: Options): void;
}

const HELP: OptionSpec = { names: ["-h", "--help"], nargs: 0, help: "show this help and exit" };
const ALL_COMMON: readonly CommonFlag[] = ["maxMemory", "backend", "workers", "update"];

/** The spec with `-h` first and the common flags last. */
function fullSpec(def: CommandDefinition<unknown>): CommandSpec {
  const own = def.spec.options;
  const has = (o: OptionSpec) => own.some((x) => x.names.some((n) => o.names.includes(n)));
  const wanted = new Set<string>([...(def.common ?? ALL_COMMON), "quiet", "noSync"]);
  const common = commonOptions.filter((o) => wanted.has(o.dest!) && !has(o));
  const cluster = def.cluster ? clusterOptions.filter((o) => !has(o)) : [];
  return {
    ...def.spec,
    options: [...(has(HELP) ? [] : [HELP]), ...own, ...cluster, ...common],
  };
}

/**
 * True when a flag of `argv` (before any `--`) is `-h`, `--help` or an abbreviation of it
 * (`--he`); an ambiguous or unknown flag is left to the parser.
 */
function wantsHelp(spec: CommandSpec, argv: readonly string[]): boolean {
  for (const tok of argv) {
    if (tok === "--") return false;
    try {
      if (findOption(spec, tok.split("=")[0]!)?.names.includes("--help")) return true;
    } catch { /* ambiguous: the parser reports it */ }
  }
  return false;
}

/**
 * The common flags' values as step options. `VINSAR_MAX_BLOCK_ROWS` caps the rows of a
 * block (a testing knob: many blocks on a small file).
 */
function computeOptions(args: ParsedArgs): ComputeOptions & { update: boolean } {
  const maxRows = Deno.env.get("VINSAR_MAX_BLOCK_ROWS");
  return {
    maxMemory: numberArg(args.maxMemory, "--max-memory"),
    backend: args.backend === undefined ? undefined : String(args.backend),
    workers: numberArg(args.workers, "--workers"),
    maxBlockRows: maxRows ? Number(maxRows) : undefined,
    sync: args.noSync === true ? false : undefined,
    update: args.update === true,
    reporter: logReporter(),
  };
}

/** A {@link Command} from its definition. */
export function defineCommand<Options>(
  name: string,
  def: CommandDefinition<Options>,
): Command {
  const spec = fullSpec(def as CommandDefinition<unknown>);
  return {
    name,
    summary: def.summary,
    async run(argv: string[]): Promise<void> {
      if (wantsHelp(spec, argv)) {
        console.log(formatHelp(spec));
        return;
      }
      const args = parseCommandArgs(spec, argv);
      if (args.quiet) log.setLevel("warn");
      const options = def.options(args, computeOptions(args));
      // Not for a run handed to a cluster's queue.
      if (args.cluster === undefined || args.cluster === "local") def.prestart?.(options);
      try {
        if (def.cluster) {
          const o = options as Record<string, unknown>;
          if (await runClustered(def.cluster, args, o)) return;
          // A large run goes in resumable tiles: killed, the same command continues it.
          if (await runResumable(def.cluster, o)) return;
        }
        await def.run(options);
      } finally {
        stopPrestartedWorkers();
      }
    },
  };
}
