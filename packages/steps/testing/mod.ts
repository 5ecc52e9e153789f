/**
 * Test helpers shared by the steps' and the CLI's tests: where MintPy's reference suite
 * is, and small synthetic input files.
 * @module
 */
import { H5Writer } from "@vinsar/hdf5";

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

/**
 * Write a small synthetic residual time-series (8 dates x 12 x 10, MintPy's layout): noise of
 * 0.01 m, or 0.2 m on date `noisyDate`. Returns its dates.
 */
export async function writeNoisyResidual(
  path: string,
  noisyDate: number | null,
): Promise<string[]> {
  const K = 8, L = 12, W = 10;
  const w = await H5Writer.create(path);
  w.setAttrs({ FILE_TYPE: "timeseries", UNIT: "m", LENGTH: String(L), WIDTH: String(W) });
  const dates = Array.from({ length: K }, (_, k) => `201801${String(1 + 3 * k).padStart(2, "0")}`);
  w.writeWhole("date", dates);
  const data = new Float32Array(K * L * W);
  for (let i = 0; i < data.length; i++) {
    const k = Math.floor(i / (L * W));
    data[i] = (k === noisyDate ? 0.2 : 0.01) * Math.sin(i * 12.9898 + k);
  }
  w.create("timeseries", [K, L, W], "<f");
  w.write("timeseries", [[0, K], [0, L], [0, W]], data);
  w.commit();
  return dates;
}
