#!/usr/bin/env -S deno run -A
/**
 * `deno task validate [--dataset NAME] [--case PREFIX] [--backend ts|wasm|auto]
 * [--workers N] [--keep] [--verbose]`: run MintPy's reference cases through the vinsar
 * CLI and compare the outputs with MintPy's, by the tolerances of the suite's README.
 *
 * Exit 0 when nothing failed, 1 when a case failed (or, with CI=true, the suite is
 * missing), 2 for a bad flag or a selection that matches nothing.
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { cliCommandExists, runSuite, SelectionError } from "./harness.ts";
import { formatCase, formatHeader, formatSummary } from "./report.ts";
import { cliRunner } from "./runner.ts";
import { repoRoot, suiteDir } from "./suite.ts";

const HELP = `usage: deno task validate [options]

Run the MintPy reference cases through the vinsar CLI and compare outputs.

options:
  --dataset NAME     dataset folder of the suite (repeatable; default all)
  --case PREFIX      cases whose name starts with PREFIX (repeatable, or comma-separated)
  --backend NAME     passed to the CLI: ts, wasm or auto
  --workers N        passed to the CLI
  --keep             keep the scratch folders (their paths are printed)
  --verbose          per-dataset statistics for passing cases too
  -h, --help         this help

The suite is ../shared/reference beside the repository, or $VINSAR_REFERENCE.
The last line is "N passed, N failed, N skipped"; exit 1 when any case failed.`;

function splitList(v: string[] | undefined): string[] {
  return (v ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s);
}

/** Run the harness with command-line `argv`; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        dataset: { type: "string", multiple: true },
        case: { type: "string", multiple: true },
        backend: { type: "string" },
        workers: { type: "string" },
        keep: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    console.error(`validate: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.backend && !["ts", "wasm", "auto"].includes(values.backend)) {
    console.error(`validate: --backend must be ts, wasm or auto, got "${values.backend}"`);
    return 2;
  }
  let workers: number | undefined;
  if (values.workers !== undefined) {
    workers = Number(values.workers);
    if (!Number.isInteger(workers) || workers < 1) {
      console.error(`validate: --workers must be a positive integer, got "${values.workers}"`);
      return 2;
    }
  }
  const suite = suiteDir();
  console.log(`reference suite: ${suite}`);
  console.log(formatHeader());
  let results;
  try {
    results = await runSuite(
      {
        suite,
        datasets: splitList(values.dataset),
        cases: splitList(values.case),
        backend: values.backend,
        workers,
        keep: values.keep,
        ci: Deno.env.get("CI") === "true",
      },
      { runner: cliRunner(join(repoRoot(), "apps/cli/main.ts")), isImplemented: cliCommandExists },
      (r) => console.log(formatCase(r, values.verbose).join("\n")),
    );
  } catch (e) {
    if (e instanceof SelectionError) {
      console.error(`validate: ${e.message}`);
      return 2;
    }
    throw e;
  }
  console.log("");
  console.log(formatSummary(results).join("\n"));
  return results.some((r) => r.status === "FAIL") ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
