/**
 * Test helpers: where MintPy's reference suite is (`../shared/reference` beside the
 * repository, or `$VINSAR_REFERENCE`), and running the CLI in a scratch folder.
 * @module
 */

/** The reference suite folder, or null (tests skip) when absent and not under CI. */
export function referenceDir(): string | null {
  const dir = Deno.env.get("VINSAR_REFERENCE") ??
    new URL("../../../shared/reference", import.meta.url).pathname;
  try {
    if (Deno.statSync(dir).isDirectory) return dir;
  } catch { /* absent */ }
  if (Deno.env.get("CI") === "true") {
    throw new Error(`MintPy reference suite not found at ${dir} (set VINSAR_REFERENCE)`);
  }
  console.warn(`skipping reference comparisons: ${dir} not found (set VINSAR_REFERENCE)`);
  return null;
}

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

/** Files left in a folder, sorted. */
export function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}
