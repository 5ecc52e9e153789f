/**
 * `deno task bundle [--out DIR]`: writes the CLI as three JavaScript files and the files they
 * read at run time into `DIR` (default `dist/`):
 *
 * - `vinsar.js`, the CLI (`apps/cli/main.ts` and everything it imports);
 * - `worker.js`, the worker-pool module (`packages/steps/pipeline/worker.ts` with the step
 *   kernels it loads), which the CLI starts beside itself for `--workers` (see `WORKER_URL` in
 *   `packages/steps/pipeline/executor.ts`);
 * - `chart_worker.js`, the chart thread (`packages/plot/chart_worker.ts`), which
 *   `timeseries_rms` starts beside itself to load the chart engine while it computes (see
 *   `CHART_WORKER_URL` in `packages/plot/chart_thread.ts`);
 * - `plugins/libH5Zlzf.so`, the HDF5 LZF filter (a 6 KB wasm side module h5wasm loads at run
 *   time; it cannot live inside the JavaScript bundle);
 * - `fonts/DejaVuSans.ttf` and `resvg/index_bg.wasm`, the chart engine's font and resvg's
 *   WebAssembly module (read at run time; see `packages/plot/assets.ts`).
 *
 * Run the result with `deno run -A DIR/vinsar.js <command> ...`; keep the files together.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findPlotAsset, PLOT_ASSETS } from "@vinsar/plot/assets";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The bundles: output file -> entry module (relative to the repository root). */
export const BUNDLE_ENTRIES: Readonly<Record<string, string>> = {
  "vinsar.js": "apps/cli/main.ts",
  "worker.js": "packages/steps/pipeline/worker.ts",
  "chart_worker.js": "packages/plot/chart_worker.ts",
};

/** The files copied beside the bundles: path in the output folder -> source path. */
export function bundleAssets(): Record<string, string> {
  const plugins = join(dirname(fileURLToPath(import.meta.resolve("h5wasm-plugins"))), "plugins");
  const files: Record<string, string> = {
    "plugins/libH5Zlzf.so": join(plugins, "libH5Zlzf.so"),
  };
  for (const a of PLOT_ASSETS) files[`${a.folder}/${a.file}`] = findPlotAsset(a);
  return files;
}

/** Bundle one entry module into `output` with `deno bundle`; its exit code. */
async function bundleOne(entry: string, output: string, quiet: boolean): Promise<number> {
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--platform", "deno", "-o", output, join(ROOT, entry)],
    cwd: ROOT,
    stdout: quiet ? "null" : "inherit",
    stderr: quiet ? "null" : "inherit",
  }).output();
  return code;
}

/**
 * Write the bundles, the LZF plugin and the chart engine's files into `outDir` (created if
 * needed). Throws, naming the entry, when a bundle fails.
 */
export async function bundleCli(outDir: string, options: { quiet?: boolean } = {}): Promise<void> {
  const out = resolve(outDir);
  await Deno.mkdir(out, { recursive: true });
  const files = Object.entries(BUNDLE_ENTRIES);
  const codes = await Promise.all(
    files.map(([file, entry]) => bundleOne(entry, join(out, file), options.quiet ?? false)),
  );
  codes.forEach((code, i) => {
    if (code !== 0) throw new Error(`deno bundle ${files[i]![1]} failed (exit code ${code})`);
  });
  for (const [file, source] of Object.entries(bundleAssets())) {
    await Deno.mkdir(dirname(join(out, file)), { recursive: true });
    await Deno.copyFile(source, join(out, file));
  }
}

if (import.meta.main) {
  const args = [...Deno.args];
  let outDir = join(ROOT, "dist");
  const at = args.findIndex((a) => a === "--out" || a.startsWith("--out="));
  if (at >= 0) {
    const arg = args[at]!;
    const value = arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[at + 1];
    if (!value) {
      console.error("bundle: --out needs a folder");
      Deno.exit(2);
    }
    outDir = value;
    args.splice(at, arg.includes("=") ? 1 : 2);
  }
  if (args.length > 0) {
    console.error(`bundle: unknown argument ${args[0]} (usage: deno task bundle [--out DIR])`);
    Deno.exit(2);
  }
  try {
    await bundleCli(outDir);
  } catch (e) {
    console.error(`bundle: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
  const shown = resolve(outDir).startsWith(ROOT) ? resolve(outDir).slice(ROOT.length) : outDir;
  const files = [...Object.keys(BUNDLE_ENTRIES), ...Object.keys(bundleAssets())];
  console.log(`wrote ${files.map((f) => `${shown}/${f}`).join(", ")}`);
}
