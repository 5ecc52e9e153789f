/**
 * Test helpers: where MintPy's reference suite is (`../shared/reference` beside the
 * repository, or `$VINSAR_REFERENCE`), and running the CLI in a scratch folder.
 * @module
 */

import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { writeTestStack } from "@vinsar/hdf5/testing";
import { listDir } from "@vinsar/steps/testing";

export { listDir, referenceDir } from "@vinsar/steps/testing";

const CLI = new URL("./main.ts", import.meta.url).pathname;

/** Run `vinsar <args>` in `cwd`; exit code and stderr. */
export async function runCli(
  args: string[],
  cwd: string,
): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args, "-q"],
    cwd,
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stderr: cliStderr(out.stderr) };
}

/**
 * A child CLI's stderr without Deno's own notice that it waited for the `node_modules` lock (held
 * a moment by another Deno process of the parallel tests): not vinsar's output.
 */
export function cliStderr(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes).replace(
    /^Blocking waiting for file lock on node_modules directory\n/gm,
    "",
  );
}

/** A scratch folder with the small test stack in `inputs/` (options as writeTestStack's). */
export async function scratchStack(
  opts: Parameters<typeof writeTestStack>[1] = {},
): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "vinsar-inv-err-" });
  Deno.mkdirSync(`${dir}/inputs`);
  await writeTestStack(`${dir}/inputs/ifgramStack.h5`, opts);
  return dir;
}

/**
 * `vinsar ifgram_inversion inputs/ifgramStack.h5 <args>` in `dir`: expect exit code 2, a one-line
 * message matching `pattern`, and no output left behind.
 */
export async function expectInversionError(
  dir: string,
  args: string[],
  pattern: RegExp,
): Promise<void> {
  const before = listDir(dir);
  const r = await runCli(["ifgram_inversion", "inputs/ifgramStack.h5", ...args], dir);
  strictEqual(r.code, 2, `${args.join(" ")}: exit code ${r.code}\n${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  strictEqual(lines.length, 1, `${args.join(" ")}: one line expected:\n${r.stderr}`);
  ok(pattern.test(lines[0]!), `${args.join(" ")}: "${lines[0]}" does not match ${pattern}`);
  deepStrictEqual(listDir(dir), before, `${args.join(" ")}: files left behind`);
  deepStrictEqual(listDir(`${dir}/inputs`).filter((f) => f !== "ifgramStack.h5"), []);
}
