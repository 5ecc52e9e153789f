/**
 * The two files the chart engine loads at run time, both from npm packages (so a fresh clone
 * needs nothing else): DejaVu Sans, matplotlib's default font (`dejavu-fonts-ttf`), and
 * resvg's WebAssembly module (`@resvg/resvg-wasm`). Each is looked for, first hit wins:
 *
 * 1. in `$VINSAR_PLOT_ASSETS` (or its `fonts/` or `resvg/` folder);
 * 2. in its npm package, as the module resolver finds it;
 * 3. under `node_modules/<package>/` of the workspace (where `deno task compile`'s
 *    `--include node_modules/...` arguments put it in a binary);
 * 4. in a `fonts/` or `resvg/` folder beside the file of this code (a bundle's `vinsar.js` or
 *    `chart_worker.js`: `deno task bundle` copies them there).
 *
 * @example
 * ```ts
 * import { findPlotAsset, FONT_ASSET } from "@vinsar/plot/assets";
 *
 * const ttf = await Deno.readFile(findPlotAsset(FONT_ASSET));
 * ```
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { initWasm } from "@resvg/resvg-wasm";

/** The font family every chart names. */
export const FONT_FAMILY = "DejaVu Sans";

/** A file the chart engine reads at run time. */
export interface PlotAsset {
  /** File name. */
  file: string;
  /** The npm package that ships it (a key of the workspace's imports). */
  pkg: string;
  /** Its folder inside the package ("." for the package's root). */
  sub: string;
  /** The folder beside a bundle's files that holds it. */
  folder: string;
}

/** DejaVu Sans (`dejavu-fonts-ttf`'s `ttf/DejaVuSans.ttf`). */
export const FONT_ASSET: PlotAsset = {
  file: "DejaVuSans.ttf",
  pkg: "dejavu-fonts-ttf",
  sub: "ttf",
  folder: "fonts",
};

/** resvg's WebAssembly module (`@resvg/resvg-wasm`'s `index_bg.wasm`). */
export const RESVG_ASSET: PlotAsset = {
  file: "index_bg.wasm",
  pkg: "@resvg/resvg-wasm",
  sub: ".",
  folder: "resvg",
};

/** Every file the chart engine reads: what a bundle or a binary must carry. */
export const PLOT_ASSETS: readonly PlotAsset[] = [FONT_ASSET, RESVG_ASSET];

/** Folders to look in for `asset`, in order. */
function candidates(asset: PlotAsset): string[] {
  const out: string[] = [];
  const env = Deno.env.get("VINSAR_PLOT_ASSETS");
  if (env) out.push(env, join(env, asset.folder));
  try {
    out.push(join(dirname(fileURLToPath(import.meta.resolve(asset.pkg))), asset.sub));
  } catch { /* not resolvable (bundled) */ }
  try {
    const modules = new URL(`../../node_modules/${asset.pkg}/`, import.meta.url);
    out.push(join(fileURLToPath(modules), asset.sub));
  } catch { /* not a file URL */ }
  try {
    // In a bundle this code sits in the bundle's file (`vinsar.js` or `chart_worker.js`).
    out.push(fileURLToPath(new URL(`./${asset.folder}/`, import.meta.url)));
  } catch { /* not a file URL */ }
  return out;
}

/**
 * The path `asset` is read from (see the module documentation for the places looked in).
 * @throws Error naming the file and every place looked in when none has it.
 */
export function findPlotAsset(asset: PlotAsset): string {
  const dirs = candidates(asset);
  for (const d of dirs) {
    try {
      if (Deno.statSync(join(d, asset.file)).isFile) return join(d, asset.file);
    } catch { /* try the next */ }
  }
  throw new Error(
    `${asset.file} not found (looked in ${dirs.join(", ")}; ` +
      `install the npm package ${asset.pkg} or set VINSAR_PLOT_ASSETS)`,
  );
}

let font: Uint8Array | null = null;

/** DejaVu Sans (TrueType bytes), read once. */
export function fontBytes(): Uint8Array {
  font ??= Deno.readFileSync(findPlotAsset(FONT_ASSET));
  return font;
}

let resvg: Promise<void> | null = null;

/** Load resvg's WebAssembly module once; await before constructing a `Resvg`. */
export function resvgReady(): Promise<void> {
  resvg ??= (async () => {
    await initWasm(await Deno.readFile(findPlotAsset(RESVG_ASSET)));
  })();
  return resvg;
}
