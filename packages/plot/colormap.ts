/**
 * Colour maps for raster maps: `jet` (MintPy's default for velocity), `viridis`, `RdBu`,
 * `RdBu_r` and `gray`, as piecewise-linear interpolation between anchor colours.
 * @module
 */

/** A colour map: value in [0, 1] -> [r, g, b], 0-255. */
export type Colormap = (t: number) => [number, number, number];

type Anchor = readonly [number, number, number];

function fromAnchors(anchors: readonly Anchor[]): Colormap {
  const n = anchors.length - 1;
  return (t) => {
    const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * n;
    const i = Math.min(n - 1, Math.floor(x)), f = x - i;
    const a = anchors[i]!, b = anchors[i + 1]!;
    return [
      Math.round(a[0] + (b[0] - a[0]) * f),
      Math.round(a[1] + (b[1] - a[1]) * f),
      Math.round(a[2] + (b[2] - a[2]) * f),
    ];
  };
}

const clip01 = (v: number) => Math.min(1, Math.max(0, v));

/** Anchors sampled from matplotlib's viridis at ninths of the range. */
const VIRIDIS: Anchor[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** ColorBrewer's 11-class RdBu, red (low) to blue (high). */
const RDBU: Anchor[] = [
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
];

const MAPS: Record<string, Colormap> = {
  jet: (t) => {
    const x = clip01(Number.isFinite(t) ? t : 0) * 4;
    return [
      Math.round(255 * clip01(1.5 - Math.abs(x - 3))),
      Math.round(255 * clip01(1.5 - Math.abs(x - 2))),
      Math.round(255 * clip01(1.5 - Math.abs(x - 1))),
    ];
  },
  viridis: fromAnchors(VIRIDIS),
  RdBu: fromAnchors(RDBU),
  RdBu_r: fromAnchors([...RDBU].reverse()),
  gray: fromAnchors([[0, 0, 0], [255, 255, 255]]),
};

/** Names accepted by {@link colormap}. */
export const COLORMAP_NAMES: readonly string[] = Object.keys(MAPS);

/** The colour map called `name`. @throws RangeError for an unknown name. */
export function colormap(name: string): Colormap {
  const m = MAPS[name];
  if (!m) {
    throw new RangeError(`Unknown colour map "${name}" (choose from ${COLORMAP_NAMES.join(", ")})`);
  }
  return m;
}

/** True for maps centred on a neutral middle colour (limits default to +-max). */
export function isDiverging(name: string): boolean {
  return name.startsWith("RdBu");
}
