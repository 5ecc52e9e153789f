/**
 * Test helpers: where MintPy's reference suite is (`../shared/reference` beside the
 * repository, or `$VINSAR_REFERENCE`), and running the CLI in a scratch folder.
 * @module
 */

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
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}
