/**
 * What MintPy's `view.py` decides on its own: the figure title (its `auto_figure_title`),
 * panel titles of a grid, the mask file found beside the input (`maskTempCoh.h5`, then
 * `maskResInv.h5`, for velocity and time-series files) and the flip of a radar-coded image
 * by its orbit direction (descending: left-right, ascending: up-down).
 * @module
 */
import { basename, dirname, extname, join } from "node:path";
import type { ViewItem } from "./_datasets.ts";

const TIMESERIES_TYPES = ["timeseries", "HDFEOS", "giantTimeseries"];

/** How the title depends on the options: wrapping adds `_wrap` (and a range not 2 pi). */
export interface TitleContext {
  fileType: string;
  /** How many datasets the file holds. */
  numDatasets: number;
  wrapRange: readonly [number, number] | null;
}

/** MintPy's figure title of `items` shown from `file`. */
export function autoTitle(file: string, items: readonly ViewItem[], ctx: TitleContext): string {
  const ext = extname(file), base = basename(file, ext);
  const first = items[0]!.label, one = items.length === 1;
  let title: string;
  if (ctx.fileType === "ifgramStack") {
    title = one ? first : first.split("-")[0]!;
  } else if (TIMESERIES_TYPES.includes(ctx.fileType) && one) {
    // The processing suffix of the file name: timeseries_ERA5_ramp.h5 -> _ERA5_ramp.
    const suffix = basename(file).includes("timeseries")
      ? basename(file).split("timeseries")[1]!.split(ext)[0]!
      : "";
    title = first + (suffix && !suffix.startsWith("_") ? `_${suffix}` : suffix);
  } else if (ctx.fileType === "geometry") {
    title = one ? first : first.startsWith("bperp") ? "bperp" : base;
  } else if (ctx.numDatasets > 1 && one) {
    // One map of a multi-dataset file keeps a prefix of the file name (geo_velocity.h5).
    const cut = basename(file).lastIndexOf("_");
    title = (cut > 0 ? basename(file).slice(0, cut + 1) : "") + first;
  } else title = base;
  if (ctx.wrapRange) {
    title += "_wrap";
    const span = ctx.wrapRange[1] - ctx.wrapRange[0];
    if (Math.abs(span - 2 * Math.PI) > 1e-12) title += String(span);
  }
  return title;
}

/**
 * Panel titles of a grid of `cells` places: dates as `YYYY-MM-DD` for a time-series; else
 * the name (the date pair when all share one family), with its index above it from 7 to 20
 * places, split over lines from 21 to 50, the index alone beyond.
 */
export function panelTitles(
  items: readonly ViewItem[],
  fileType: string,
  cells: number,
): string[] {
  if (TIMESERIES_TYPES.includes(fileType) || items[0]!.name.startsWith("bperp")) {
    return items.map((it) => {
      const d = it.short;
      return /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : d;
    });
  }
  const oneFamily = new Set(items.map((it) => it.name.replace("Std", ""))).size === 1;
  const pairs = [...new Set(items.map((it) => it.short))].sort();
  return items.map((it, i) => {
    const text = oneFamily && it.layer !== null ? it.short : it.label;
    const index = oneFamily && fileType === "ifgramStack" ? pairs.indexOf(it.short) : i;
    if (cells <= 6) return text;
    if (cells <= 20) return `${index}\n${text}`;
    if (cells <= 50) return text.replaceAll("_", "\n").replaceAll("-", "\n");
    return String(index);
  });
}

/**
 * The mask file MintPy's `view.py` uses unasked: for a velocity or time-series file whose
 * path has no `msk`, `maskTempCoh.h5` or else `maskResInv.h5` in its folder (`geo_` prefixed
 * for a `geo_` file), the first that exists; else null.
 */
export function autoMaskPath(file: string, fileType: string): string | null {
  if (!["velocity", "timeseries"].includes(fileType) || file.includes("msk")) return null;
  if (file.includes("PhaseVelocity")) return null;
  const geo = basename(file).startsWith("geo_") ? "geo_" : "";
  for (const name of ["maskTempCoh.h5", "maskResInv.h5"]) {
    const path = join(dirname(file), geo + name);
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not there: try the next one
    }
  }
  return null;
}

/** MintPy's automatic flip of a radar-coded file (no `Y_FIRST`) by `ORBIT_DIRECTION`. */
export function autoFlip(attrs: Record<string, string>): { lr: boolean; ud: boolean } {
  const orbit = attrs.ORBIT_DIRECTION;
  if (attrs.Y_FIRST !== undefined || orbit === undefined) return { lr: false, ud: false };
  const asc = orbit.toLowerCase().startsWith("a");
  return { lr: !asc, ud: asc };
}
