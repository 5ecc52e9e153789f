/**
 * The special areas of a simulated scene, in pixel coordinates scaled to the image size:
 * a water body (no data), a patch missing from some interferograms, a patch whose network
 * splits in two, low-coherence (vegetated) areas, and per-interferogram unwrapping-error
 * patches.
 * @module
 */
import { SmoothField } from "./smooth_field.ts";

/** An axis-aligned ellipse: centre (cy, cx) and radii (ry, rx), pixels. */
export interface Ellipse {
  readonly cy: number;
  readonly cx: number;
  readonly ry: number;
  readonly rx: number;
}

/** True when pixel (y, x) is inside `e` scaled by `scale`. */
export function inEllipse(e: Ellipse, y: number, x: number, scale = 1): boolean {
  return ellipseRadius2(e, y, x, scale) <= 1;
}

/** Squared normalised distance of (y, x) from the centre of `e` scaled by `scale`. */
function ellipseRadius2(e: Ellipse, y: number, x: number, scale = 1): number {
  const dy = (y - e.cy) / (e.ry * scale), dx = (x - e.cx) / (e.rx * scale);
  return dy * dy + dx * dx;
}

/** Columns [x0, x1) of row `y` inside `e` (empty when x1 <= x0), clipped to [0, width). */
export function ellipseSpan(e: Ellipse, y: number, width: number): [number, number] {
  const dy = (y - e.cy) / e.ry;
  if (dy * dy > 1) return [0, 0];
  const half = e.rx * Math.sqrt(1 - dy * dy);
  const x0 = Math.max(0, Math.ceil(e.cx - half)), x1 = Math.min(width, Math.floor(e.cx + half) + 1);
  return [x0, x1];
}

/** Bit flags of a pixel's special areas. */
export const REGION_WATER = 1, REGION_MISSING = 2, REGION_DISCONNECTED = 4, REGION_LOW_COH = 8;

/** Where the special areas of a `length x width` scene are. */
export class SceneRegions {
  readonly length: number;
  readonly width: number;
  /** Patch with no phase in some interferograms. */
  readonly missing: Ellipse;
  /** Patch where interferograms bridging the network gap have no phase. */
  readonly disconnected: Ellipse;
  /** Vegetated areas: low coherence that decays within days. */
  readonly lowCoherence: readonly Ellipse[];
  readonly #coast: SmoothField;
  readonly #blob: SmoothField;
  readonly #water: boolean;

  /**
   * @param water Draw the water body (a bay on the left, upper half).
   * @param seed Seed of the simulation (shape of the coast).
   */
  constructor(length: number, width: number, seed: number, water = true) {
    this.length = length;
    this.width = width;
    const e = (fy: number, fx: number, ry: number, rx: number): Ellipse => ({
      cy: fy * (length - 1),
      cx: fx * (width - 1),
      ry: Math.max(1, ry * length),
      rx: Math.max(1, rx * width),
    });
    this.missing = e(0.8, 0.84, 0.06, 0.05);
    this.disconnected = e(0.18, 0.74, 0.06, 0.06);
    this.lowCoherence = [e(0.52, 0.14, 0.1, 0.07), e(0.9, 0.5, 0.06, 0.12)];
    this.#coast = new SmoothField(seed, 0x636f, Math.max(2, length / 8), 3);
    this.#blob = new SmoothField(seed, 0x626c, Math.max(2, Math.min(length, width) / 12), 2);
    this.#water = water;
  }

  /** True when pixel (y, x) is water: a bay on the left edge, upper half, ragged coast. */
  isWater(y: number, x: number): boolean {
    if (!this.#water) return false;
    const fy = y / Math.max(1, this.length - 1);
    const bay = 1 - ((fy - 0.15) / 0.3) ** 2;
    if (bay <= 0) return false;
    const shore = 0.14 * Math.sqrt(bay) + 0.08 * (this.#coast.at(y, x) - 0.5);
    return x < shore * this.width;
  }

  /** True inside a low-coherence area (ellipses with ragged edges). */
  isLowCoherence(y: number, x: number): boolean {
    for (const e of this.lowCoherence) {
      const r2 = ellipseRadius2(e, y, x);
      if (r2 <= 1.6 && r2 <= 1 + 1.2 * (this.#blob.at(y, x) - 0.5)) return true;
    }
    return false;
  }

  /** Bit flags (REGION_*) of pixel (y, x). */
  flags(y: number, x: number): number {
    let f = 0;
    if (this.isWater(y, x)) f |= REGION_WATER;
    if (inEllipse(this.missing, y, x)) f |= REGION_MISSING;
    if (inEllipse(this.disconnected, y, x)) f |= REGION_DISCONNECTED;
    if (this.isLowCoherence(y, x)) f |= REGION_LOW_COH;
    return f;
  }

  /** Fill `out` (rows `row0..row1` x width) with the region flags. */
  fillRows(row0: number, row1: number, out: Uint8Array): void {
    for (let y = row0, i = 0; y < row1; y++) {
      for (let x = 0; x < this.width; x++, i++) out[i] = this.flags(y, x);
    }
  }

  /** True when (y, x) is clear of every special area by a margin (ellipses scaled up). */
  isClear(y: number, x: number, scale = 1.5): boolean {
    if (this.isWater(y, x) || this.isWater(y, Math.max(0, x - 3))) return false;
    for (const e of [this.missing, this.disconnected]) {
      if (inEllipse(e, y, x, scale)) return false;
    }
    for (const e of this.lowCoherence) if (inEllipse(e, y, x, scale * 1.3)) return false;
    return true;
  }
}

/** An unwrapping error: `cycles` of 2 pi added inside `patch` of interferogram `ifgram`. */
export interface UnwrapErrorPatch {
  readonly ifgram: number;
  readonly patch: Ellipse;
  readonly cycles: number;
}
