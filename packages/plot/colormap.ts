/**
 * Colour maps as matplotlib draws them: 256-entry tables looked up as matplotlib does
 * (`floor(t * 256)`, clipped). `viridis`, `plasma`, `inferno` and `magma` are matplotlib's own
 * tables as d3-scale-chromatic ships them; `jet`, `RdBu` and `gray` are built from
 * matplotlib's segment data; every name also has a reversed `_r` form. MintPy's defaults:
 * `jet` for most data, masks included, and `gray` for coherence and water / shadow masks
 * ({@link defaultColormap}).
 * @module
 */
import {
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateViridis,
} from "d3-scale-chromatic";

/** A colour map: value in [0, 1] -> [r, g, b], 0-255. */
export type Colormap = (t: number) => [number, number, number];

const N = 256;

/** Piecewise-linear channel: `[x, y]` anchors, x rising from 0 to 1. */
type Segments = ReadonlyArray<readonly [number, number]>;

function channel(seg: Segments, x: number): number {
  for (let i = 1; i < seg.length; i++) {
    const [x0, y0] = seg[i - 1]!, [x1, y1] = seg[i]!;
    if (x <= x1) return x1 > x0 ? y0 + (y1 - y0) * (x - x0) / (x1 - x0) : y1;
  }
  return seg.at(-1)![1];
}

/** A 256 x 3 table (bytes) from per-channel segments, sampled at i / 255 as matplotlib. */
function fromSegments(r: Segments, g: Segments, b: Segments): Uint8Array {
  const lut = new Uint8Array(N * 3);
  for (let i = 0; i < N; i++) {
    const x = i / (N - 1);
    // matplotlib converts its float table to bytes by truncation (`(lut * 255).astype(uint8)`).
    lut[3 * i] = Math.floor(channel(r, x) * 255 + 1e-9);
    lut[3 * i + 1] = Math.floor(channel(g, x) * 255 + 1e-9);
    lut[3 * i + 2] = Math.floor(channel(b, x) * 255 + 1e-9);
  }
  return lut;
}

/** Evenly spaced colours (0-255), linearly interpolated: matplotlib's `from_list`. */
function fromList(colors: ReadonlyArray<readonly [number, number, number]>): Uint8Array {
  const seg = (k: number): Segments => colors.map((c, i) => [i / (colors.length - 1), c[k]! / 255]);
  return fromSegments(seg(0), seg(1), seg(2));
}

/** A table from a d3 interpolator over matplotlib's 256 listed colours. */
function fromD3(f: (t: number) => string): Uint8Array {
  const lut = new Uint8Array(N * 3);
  for (let i = 0; i < N; i++) {
    const hex = f((i + 0.5) / N);
    for (let k = 0; k < 3; k++) lut[3 * i + k] = parseInt(hex.slice(1 + 2 * k, 3 + 2 * k), 16);
  }
  return lut;
}

/** matplotlib's `_jet_data`. */
const JET = fromSegments(
  [[0, 0], [0.35, 0], [0.66, 1], [0.89, 1], [1, 0.5]],
  [[0, 0], [0.125, 0], [0.375, 1], [0.64, 1], [0.91, 0], [1, 0]],
  [[0, 0.5], [0.11, 1], [0.34, 1], [0.65, 0], [1, 0]],
);

/** matplotlib's `_RdBu_data` (ColorBrewer's 11-class RdBu), red (low) to blue (high). */
const RDBU = fromList([
  [103, 0, 31],
  [178, 24, 43],
  [214, 96, 77],
  [244, 165, 130],
  [253, 219, 199],
  [247, 247, 247],
  [209, 229, 240],
  [146, 197, 222],
  [67, 147, 195],
  [33, 102, 172],
  [5, 48, 97],
]);

const BASE: Record<string, () => Uint8Array> = {
  jet: () => JET,
  RdBu: () => RDBU,
  gray: () => fromSegments([[0, 0], [1, 1]], [[0, 0], [1, 1]], [[0, 0], [1, 1]]),
  viridis: () => fromD3(interpolateViridis),
  plasma: () => fromD3(interpolatePlasma),
  inferno: () => fromD3(interpolateInferno),
  magma: () => fromD3(interpolateMagma),
};

/** Names accepted by {@link colormap}: each base map and its reversed `_r` form. */
export const COLORMAP_NAMES: readonly string[] = Object.keys(BASE).flatMap((n) => [n, `${n}_r`]);

const tables = new Map<string, Uint8Array>();

/**
 * The 256 x 3 colour table of `name` (bytes, row i is the colour of `t` in `[i, i+1) / 256`).
 * @throws RangeError for an unknown name.
 */
export function colormapTable(name: string): Uint8Array {
  const hit = tables.get(name);
  if (hit) return hit;
  const reversed = name.endsWith("_r");
  const make = BASE[reversed ? name.slice(0, -2) : name];
  if (!make) {
    throw new RangeError(`Unknown colour map "${name}" (choose from ${COLORMAP_NAMES.join(", ")})`);
  }
  let lut = make();
  if (reversed) {
    const rev = new Uint8Array(N * 3);
    for (let i = 0; i < N; i++) rev.set(lut.subarray(3 * i, 3 * i + 3), 3 * (N - 1 - i));
    lut = rev;
  }
  tables.set(name, lut);
  return lut;
}

/** Index into a 256-entry table of a value in [0, 1] (NaN -> 0), as matplotlib. */
export function colormapIndex(t: number): number {
  if (!(t > 0)) return 0;
  return t >= 1 ? N - 1 : Math.floor(t * N);
}

/**
 * The colour map called `name`.
 * @example
 * ```ts
 * colormap("jet")(0); // [0, 0, 127]
 * ```
 * @throws RangeError for an unknown name.
 */
export function colormap(name: string): Colormap {
  const lut = colormapTable(name);
  return (t) => {
    const i = 3 * colormapIndex(t);
    return [lut[i]!, lut[i + 1]!, lut[i + 2]!];
  };
}

/** True for maps centred on a neutral middle colour (limits default to +-max). */
export function isDiverging(name: string): boolean {
  return name.startsWith("RdBu");
}

/**
 * MintPy's default colour map of a dataset (its `auto_colormap_name`): gray for coherence,
 * temporal coherence and water / shadow masks, else jet (a `maskTempCoh.h5` is jet).
 */
export function defaultColormap(fileType: string, dataset: string): string {
  const gray = ["coherence", "temporalCoherence", "waterMask", "shadowMask"];
  return gray.includes(fileType) || gray.includes(dataset.split("-")[0]!) ? "gray" : "jet";
}
