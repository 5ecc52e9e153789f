/**
 * Test helpers shared by the steps' and the CLI's tests: where MintPy's reference suite is.
 * @module
 */

/** The reference suite folder (`../shared/reference` beside the repository, or
 * `$VINSAR_REFERENCE`), or null (tests skip) when absent and not under CI. */
export function referenceDir(): string | null {
  const dir = Deno.env.get("VINSAR_REFERENCE") ??
    new URL("../../../../shared/reference", import.meta.url).pathname;
  try {
    if (Deno.statSync(dir).isDirectory) return dir;
  } catch { /* absent */ }
  if (Deno.env.get("CI") === "true") {
    throw new Error(`MintPy reference suite not found at ${dir} (set VINSAR_REFERENCE)`);
  }
  console.warn(`skipping reference comparisons: ${dir} not found (set VINSAR_REFERENCE)`);
  return null;
}

/** Files left in a folder, sorted. */
export function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}
